//! Fuzzing, with proptest, of the engine-side parsers of outside input: engine addresses
//! (flags, `DOCKER_HOST`, contexts), docker context files, the `Api-Version` header, stats
//! JSON and the multiplexed log stream as bollard demultiplexes it for Wharf.
//!
//! Every target gets arbitrary bytes and structure-aware input (near-valid addresses, JSON
//! of the right shape with extreme values, frames with lying lengths). The property is always
//! "no panic" plus a cheap invariant. `cargo test` runs proptest's default 256 cases per
//! target; `PROPTEST_CASES=100000 cargo test -p wharf-core fuzz` runs longer.
//! (`cargo-fuzz` would need a nightly toolchain, which CI does not have.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::connect::{
    parse_api_version, parse_host, resolve, ConnectOptions, EnvVars, TlsFiles, Transport,
};
use super::convert::raw_stats;
use super::{Engine, LogOptions};
use crate::model::{RawStats, Sample};

/// Characters that matter to address parsing, so generated strings hit its branches often.
fn address_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("unix://".to_owned()),
        Just("tcp://".to_owned()),
        Just("ssh://".to_owned()),
        Just("https://".to_owned()),
        Just("http://".to_owned()),
        Just("npipe://".to_owned()),
        Just("fd://".to_owned()),
        Just("@".to_owned()),
        Just(":".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("/".to_owned()),
        Just("%".to_owned()),
        Just("-".to_owned()),
        Just("::1".to_owned()),
        Just("65535".to_owned()),
        Just("99999999999999999999".to_owned()),
        "[a-z0-9.]{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
}

/// An address that parsed must be safe to hand to a connector and to `ssh`.
fn check_parsed(spec: &str, parsed: &Transport) {
    let host_ok = |h: &str| {
        !h.is_empty()
            && !h.starts_with('-')
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._:%".contains(c))
    };
    match parsed {
        Transport::Unix { path } => assert!(path.is_absolute(), "{spec:?} → {parsed:?}"),
        Transport::Tcp { host, port } | Transport::Tls { host, port, .. } => {
            assert!(host_ok(host) && *port > 0, "{spec:?} → {parsed:?}");
        }
        Transport::Ssh { user, host, port } => {
            assert!(host_ok(host), "{spec:?} → {parsed:?}");
            assert!(port.is_none_or(|p| p > 0), "{spec:?} → {parsed:?}");
            if let Some(user) = user {
                assert!(
                    !user.is_empty()
                        && !user.starts_with('-')
                        && user
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c)),
                    "{spec:?} → {parsed:?}"
                );
            }
        }
    }
    // Showing it never panics either.
    let _ = parsed.to_string();
}

/// Parse; a result must be safe to use, and an error safe to show (it quotes the address).
fn check_host(spec: &str, tls: bool) {
    match parse_host(spec, tls.then(TlsFiles::default)) {
        Ok(t) => check_parsed(spec, &t),
        Err(e) => assert!(
            !e.to_string().chars().any(char::is_control),
            "{spec:?} → {e:?}"
        ),
    }
}

proptest! {
    #[test]
    fn host_urls_never_panic(spec in any::<String>(), tls in any::<bool>()) {
        check_host(&spec, tls);
    }

    #[test]
    fn near_valid_host_urls_never_panic(spec in address_text(), tls in any::<bool>()) {
        check_host(&spec, tls);
    }

    #[test]
    fn api_version_headers_never_panic(s in any::<String>(), a in any::<u64>(), b in any::<u64>()) {
        let _ = parse_api_version(&s);
        let well_formed = format!("{a}.{b}");
        prop_assert!(parse_api_version(&well_formed).is_some());
    }
}

/// A docker config directory holding one context `fuzz` whose `meta.json` is `meta`.
fn context_world(meta: &[u8], tls_files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, EnvVars) {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let id = hex::encode(sha2::Sha256::digest(b"fuzz"));
    let meta_dir = config.join("contexts/meta").join(&id);
    std::fs::create_dir_all(&meta_dir).unwrap();
    std::fs::write(meta_dir.join("meta.json"), meta).unwrap();
    let tls_dir = config.join("contexts/tls").join(&id).join("docker");
    for (name, bytes) in tls_files {
        std::fs::create_dir_all(&tls_dir).unwrap();
        std::fs::write(tls_dir.join(name), bytes).unwrap();
    }
    std::fs::write(config.join("config.json"), br#"{"currentContext":"fuzz"}"#).unwrap();
    let env = EnvVars {
        docker_config: Some(config),
        home: Some(dir.path().to_path_buf()),
        ..EnvVars::default()
    };
    (dir, env)
}

fn resolve_context(meta: &[u8], tls_files: &[(&str, Vec<u8>)], allow_insecure: bool) {
    let (_dir, env) = context_world(meta, tls_files);
    // Both ways in: named on the command line, and as the config's current context.
    for context in [Some("fuzz".to_owned()), None] {
        let opts = ConnectOptions {
            context: context.clone(),
            allow_insecure_tls: allow_insecure,
            env: env.clone(),
            ..ConnectOptions::default()
        };
        if let Ok(endpoint) = resolve(&opts) {
            check_parsed("meta.json", &endpoint.transport);
            let _ = endpoint.to_string();
        }
    }
    let _ = super::connect::list_contexts(&env);
}

/// JSON values that are often of the wrong type or extreme.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
        address_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn context_files_never_panic(meta in prop::collection::vec(any::<u8>(), 0..512)) {
        resolve_context(&meta, &[], false);
    }

    #[test]
    fn structured_context_files_never_panic(
        name in json_value(),
        host in prop_oneof![address_text().prop_map(serde_json::Value::String), json_value()],
        skip in json_value(),
        extra in json_value(),
        pem in prop::collection::vec(any::<u8>(), 0..256),
        allow_insecure in any::<bool>(),
    ) {
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": extra,
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip}},
        });
        let files = [("ca.pem", pem.clone()), ("cert.pem", pem.clone()), ("key.pem", pem)];
        resolve_context(meta.to_string().as_bytes(), &files, allow_insecure);
    }
}

/// A stats document of the engine's shape with arbitrary (often extreme) numbers.
fn stats_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let n = || prop_oneof![Just(u64::MAX), Just(0u64), any::<u64>()];
    (
        (
            n(),
            n(),
            n(),
            any::<u32>(),
            prop::collection::vec(n(), 0..4),
        ),
        (n(), n(), n(), n()),
        prop::collection::vec((n(), n()), 0..4),
        prop::collection::vec(("[A-Za-z]{0,6}", n()), 0..4),
        n(),
    )
        .prop_map(
            |((total, system, _, cpus, percpu), mem, nets, blkio, pids)| {
                let networks: serde_json::Map<String, serde_json::Value> = nets
                    .iter()
                    .enumerate()
                    .map(|(i, (rx, tx))| {
                        (format!("eth{i}"), json!({"rx_bytes": rx, "tx_bytes": tx}))
                    })
                    .collect();
                let blk: Vec<_> = blkio
                    .iter()
                    .map(|(op, v)| json!({"major": 8, "minor": 0, "op": op, "value": v}))
                    .collect();
                json!({
                    "read": "2026-11-30T12:00:00Z",
                    "cpu_stats": {
                        "cpu_usage": {"total_usage": total, "percpu_usage": percpu},
                        "system_cpu_usage": system,
                        "online_cpus": cpus,
                    },
                    "memory_stats": {
                        "usage": mem.0, "limit": mem.1,
                        "stats": {"inactive_file": mem.2, "total_inactive_file": mem.3},
                    },
                    "networks": networks,
                    "blkio_stats": {"io_service_bytes_recursive": blk},
                    "pids_stats": {"current": pids},
                })
            },
        )
}

fn raw(doc: &[u8]) -> Option<RawStats> {
    serde_json::from_slice::<bollard::models::ContainerStatsResponse>(doc)
        .ok()
        .map(raw_stats)
}

fn check_sample(prev: &RawStats, cur: &RawStats, limit: Option<f64>) {
    let s = Sample::between(prev, cur, limit);
    for v in [
        s.cpu_pct,
        s.net_rx_rate,
        s.net_tx_rate,
        s.blk_read_rate,
        s.blk_write_rate,
    ] {
        assert!(!v.is_nan() && v >= 0.0, "{v} from {prev:?} → {cur:?}");
    }
    let m = s.mem_pct();
    assert!(!m.is_nan() && m >= 0.0, "{m}");
}

proptest! {
    #[test]
    fn stats_json_never_panics(doc in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Some(cur) = raw(&doc) {
            check_sample(&RawStats::default(), &cur, None);
        }
    }

    #[test]
    fn structured_stats_never_panic(
        a in stats_json(),
        b in stats_json(),
        at in (any::<i64>(), any::<i64>()),
        limit in prop::option::of(any::<f64>()),
    ) {
        let prev = raw(a.to_string().as_bytes());
        let cur = raw(b.to_string().as_bytes());
        prop_assert!(prev.is_some() && cur.is_some(), "the engine's shape parses");
        let (mut prev, mut cur) = (prev.unwrap(), cur.unwrap());
        (prev.at_ms, cur.at_ms) = at;
        check_sample(&prev, &cur, limit);
    }
}

/// An engine stand-in on loopback: `/_ping` says API 1.41, every other request gets the
/// current `body` as a log stream of the current content type.
struct LogServer {
    port: u16,
    reply: Arc<Mutex<(&'static str, Vec<u8>)>>,
}

async fn log_server() -> LogServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let reply = Arc::new(Mutex::new(("", Vec::new())));
    let current = reply.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let current = current.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let out = if head.starts_with(b"GET /_ping") {
                    b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK".to_vec()
                } else {
                    let (content_type, body) = current.lock().unwrap().clone();
                    let mut out = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\
                         Content-Length: {}\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    out.extend_from_slice(&body);
                    out
                };
                let _ = tcp.write_all(&out).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    LogServer { port, reply }
}

/// Docker's multiplexed framing: `[stream, 0, 0, 0, len_be32]` then `len` bytes. `lie`
/// makes the header claim a different length than the payload has.
fn frames() -> impl Strategy<Value = Vec<u8>> {
    let frame = (
        0u8..5,
        prop::collection::vec(any::<u8>(), 0..64),
        prop::option::of(any::<u32>()),
    )
        .prop_map(|(stream, payload, lie)| {
            let len = lie.unwrap_or(payload.len() as u32);
            let mut f = vec![stream, 0, 0, 0];
            f.extend_from_slice(&len.to_be_bytes());
            f.extend_from_slice(&payload);
            f
        });
    prop::collection::vec(frame, 0..8).prop_map(|f| f.concat())
}

#[test]
fn log_streams_never_panic_and_never_grow() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(log_server());
    let endpoint = super::Endpoint {
        transport: Transport::Tcp {
            host: "127.0.0.1".into(),
            port: server.port,
        },
        source: super::connect::EndpointSource::Flag,
    };
    let engine = rt.block_on(Engine::connect(endpoint)).unwrap();
    let body = prop_oneof![frames(), prop::collection::vec(any::<u8>(), 0..512)];
    let content_type = prop_oneof![
        Just("application/vnd.docker.multiplexed-stream"),
        Just("application/vnd.docker.raw-stream"),
        Just("text/plain"),
    ];
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&(body, content_type), |(body, content_type)| {
            *server.reply.lock().unwrap() = (content_type, body.clone());
            let opts = LogOptions {
                follow: false,
                ..LogOptions::default()
            };
            let mut logs = crate::streams::LogBuffer::new(64, false);
            let given = body.len();
            let got: usize = rt.block_on(async {
                let mut stream = Box::pin(engine.logs("fuzz", &opts));
                let mut got = 0;
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(chunk) => {
                            got += chunk.bytes.len();
                            logs.push(&chunk);
                        }
                        Err(_) => break,
                    }
                }
                got
            });
            logs.flush();
            prop_assert!(got <= given, "{got} bytes out of {given}");
            prop_assert!(logs.len() <= 64);
            Ok(())
        })
        .unwrap();
}

/// Found by `structured_stats_never_panic`: network and block I/O sums overflowed (a panic in
/// debug builds), and so did the interval between two readings far apart.
#[test]
fn huge_stats_saturate() {
    let max = u64::MAX;
    let doc = serde_json::json!({
        "networks": {"eth0": {"rx_bytes": max, "tx_bytes": max}, "eth1": {"rx_bytes": max, "tx_bytes": max}},
        "blkio_stats": {"io_service_bytes_recursive": [
            {"op": "read", "value": max}, {"op": "Read", "value": max},
            {"op": "write", "value": max}, {"op": "Write", "value": max},
        ]},
    });
    let mut s = raw(doc.to_string().as_bytes()).unwrap();
    assert_eq!(
        (s.net_rx, s.net_tx, s.blk_read, s.blk_write),
        (max, max, max, max)
    );
    let mut prev = s;
    (prev.at_ms, s.at_ms) = (i64::MIN, i64::MAX);
    check_sample(&prev, &s, None);
}
