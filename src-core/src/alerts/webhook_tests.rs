//! Webhook headers and CA files: checked at load with messages naming rule and field (and
//! never a value); masked for the page and kept on save; and, against a real HTTPS server on
//! 127.0.0.1 with a CA and certificate made here by the `openssl` CLI: with `ca_file` the POST
//! arrives with its headers (the environment's value resolved), without it the result is a
//! clear certificate error, and the secret is in no result, detail or log line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::alerts::actions;
use crate::alerts::actions::tests::alert;
use crate::alerts::page::{masked, unmask};
use crate::alerts::rules::parse;
use crate::alerts::rules::RuleSpec;

const SECRET: &str = "s3cr3t-wharf-token-1b7e";

fn rule_with(webhook: &str) -> String {
    format!(
        "[[rule]]\nname = \"w\"\ntrigger = {{ event = \"die\" }}\ncooldown_secs = 1\nwebhook = {webhook}\n"
    )
}

fn error_of(webhook: &str) -> String {
    parse(&rule_with(webhook))
        .map(|_| ())
        .unwrap_err()
        .message()
        .to_owned()
}

/// A CA and a server certificate for 127.0.0.1 signed by it, and an unrelated CA.
fn make_certs(dir: &Path) {
    let run = |args: &str| {
        let out = Command::new("openssl")
            .args(args.split_whitespace())
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for ca in ["ca", "other-ca"] {
        run(&format!(
            "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
             -subj /CN=wharf-hook-{ca} -keyout {ca}-key.pem -out {ca}.pem \
             -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign"
        ));
    }
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
    )
    .unwrap();
    run(
        "req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
         -subj /CN=127.0.0.1 -keyout leaf-key.pem -out leaf.csr",
    );
    run(
        "x509 -req -in leaf.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
         -days 2 -extfile leaf.ext -out leaf.pem",
    );
}

/// An HTTPS server on 127.0.0.1 with `leaf.pem`: each request's head (lowercased header
/// lines) goes to the channel, the answer is `204`.
async fn serve(dir: &Path) -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("leaf.pem"))
        .unwrap()
        .collect::<std::result::Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("leaf-key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, tx) = (acceptor.clone(), tx.clone());
            tokio::spawn(async move {
                let Ok(mut s) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.len() < 65536 {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tx.send(String::from_utf8_lossy(&seen).to_ascii_lowercase());
                let _ = s
                    .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = s.shutdown().await;
            });
        }
    });
    (port, rx)
}

/// Log lines, captured.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn headers_and_ca_files_are_checked_at_load_naming_rule_and_field() {
    std::env::set_var("WHARF_T_HOOK_TOKEN", SECRET);
    std::env::set_var("WHARF_T_HOOK_BAD", format!("{SECRET}\nInjected: 1"));
    std::env::remove_var("WHARF_T_HOOK_UNSET");
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let np = not_pem.display();

    // The plain form and the table form both load.
    let (file, rules) = parse(&rule_with("\"https://hooks.example/x\"")).unwrap();
    assert_eq!(
        file.rules[0].webhook,
        Some(WebhookSpec::url("https://hooks.example/x"))
    );
    assert_eq!(
        rules[0].webhook.as_ref().unwrap().shown(),
        "https://hooks.example"
    );
    let (_, rules) = parse(&rule_with(
        "{ url = \"https://hooks.example:8443/t/abc\", headers = { Authorization = \"env:WHARF_T_HOOK_TOKEN\", X-Tag = \"wharf\" } }",
    ))
    .unwrap();
    let hook = rules[0].webhook.as_ref().unwrap();
    assert_eq!(hook.shown(), "https://hooks.example:8443");
    assert_eq!(hook.header_names(), ["authorization", "x-tag"]);
    // Neither the checked rule's nor the spec's debug form holds a value.
    let debug = format!("{:?} {:?}", rules[0], rules[0].spec);
    assert!(
        !debug.contains(SECRET) && !debug.contains("wharf\""),
        "{debug}"
    );

    let cases = [
        (
            "{ url = \"ftp://x\" }",
            "webhook: must be an http:// or https:// URL",
        ),
        ("{ headers = { X-A = \"b\" } }", "webhook.url: give the URL"),
        (
            "{ url = \"https://h\", header = {} }",
            "unknown field `header`",
        ),
        ("42", "a URL, or a table"),
        (
            "{ url = \"https://h\", headers = { \"Bad Name\" = \"x\" } }",
            "webhook.headers.\"Bad Name\": not a valid HTTP header name",
        ),
        (
            "{ url = \"https://h\", headers = { Content-Type = \"text/plain\" } }",
            "webhook.headers.Content-Type: Wharf sets this header itself",
        ),
        (
            "{ url = \"https://h\", headers = { host = \"x\" } }",
            "webhook.headers.host: Wharf sets this header itself",
        ),
        (
            "{ url = \"https://h\", headers = { X-A = \"1\", x-a = \"2\" } }",
            "given twice",
        ),
        (
            "{ url = \"https://h\", headers = { X-A = \"env:WHARF_T_HOOK_UNSET\" } }",
            "webhook.headers.X-A: environment variable WHARF_T_HOOK_UNSET is not set",
        ),
        (
            "{ url = \"https://h\", headers = { X-A = \"env:1x\" } }",
            "webhook.headers.X-A: env: needs a variable name",
        ),
        (
            "{ url = \"https://h\", headers = { X-A = \"env:WHARF_T_HOOK_BAD\" } }",
            "the value of environment variable WHARF_T_HOOK_BAD is not a valid HTTP header value",
        ),
        (
            "{ url = \"https://h\", headers = { X-A = \"a\\nb\" } }",
            "webhook.headers.X-A: not a valid HTTP header value",
        ),
        (
            "{ url = \"https://h\", headers = { X-A = \"••••\" } }",
            "the hidden value is not known",
        ),
        (
            "{ url = \"https://h\", ca_file = \"/nonexistent/ca.pem\" }",
            "webhook.ca_file: cannot read /nonexistent/ca.pem",
        ),
        (
            "{ url = \"https://h\", ca_file = \"ca.pem\" }",
            "webhook.ca_file: give an absolute path",
        ),
        (
            "{ url = \"http://h\", ca_file = \"/etc/hosts\" }",
            "webhook.ca_file: applies to https:// URLs only",
        ),
    ];
    for (hook, want) in cases {
        let got = error_of(hook);
        assert!(got.contains(want), "{hook}\n  got:  {got}\n  want: {want}");
        assert!(
            got.starts_with("alert rule \"w\": ") || want.contains('`') || want.contains("table"),
            "{got}"
        );
        assert!(!got.contains(SECRET), "a value in a message: {got}");
    }
    let got = error_of(&format!("{{ url = \"https://h\", ca_file = \"{np}\" }}"));
    assert!(
        got.contains(&format!("webhook.ca_file: {np} holds no PEM certificate")),
        "{got}"
    );
}

#[test]
fn literal_values_are_masked_for_the_page_and_kept_on_save() {
    let spec = |v: &str| RuleSpec {
        name: "w".into(),
        webhook: Some(WebhookSpec {
            url: "https://h/x".into(),
            headers: [
                ("Authorization".to_owned(), v.to_owned()),
                ("X-Env".to_owned(), "env:HOME".to_owned()),
            ]
            .into(),
            ca_file: None,
        }),
        ..RuleSpec::default()
    };
    let saved = vec![spec(SECRET)];
    let shown = masked(&saved);
    let json = serde_json::to_string(&shown).unwrap();
    assert!(!json.contains(SECRET), "{json}");
    let h = &shown[0].webhook.as_ref().unwrap().headers;
    assert_eq!(h["Authorization"], MASK);
    assert_eq!(h["X-Env"], "env:HOME", "a reference is not a secret");
    // Sent back unchanged: the file's value stays; replaced: the new value.
    assert_eq!(unmask(shown.clone(), &saved), saved);
    assert_eq!(unmask(vec![spec("new")], &saved), vec![spec("new")]);
    // Renamed, nothing to keep: the mask stays and checking says so.
    let mut renamed = shown;
    renamed[0].name = "other".into();
    let kept = unmask(renamed, &saved);
    assert_eq!(
        kept[0].webhook.as_ref().unwrap().headers["Authorization"],
        MASK
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_post_carries_the_headers_over_verified_tls_and_the_secret_is_nowhere() {
    let logs = Logs::default();
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer({
                let l = logs.clone();
                move || l.clone()
            })
            .finish(),
    );
    std::env::set_var("WHARF_T_HOOK_POST", SECRET);
    let dir = tempfile::tempdir().unwrap();
    make_certs(dir.path());
    let (port, mut heads) = serve(dir.path()).await;
    let ca = dir.path().join("ca.pem");
    let other = dir.path().join("other-ca.pem");
    let hook = |ca: Option<&Path>| {
        WebhookSpec {
            url: format!("https://127.0.0.1:{port}/hook/{port}"),
            headers: [
                (
                    "Authorization".to_owned(),
                    "env:WHARF_T_HOOK_POST".to_owned(),
                ),
                ("X-Tag".to_owned(), "wharf".to_owned()),
            ]
            .into(),
            ca_file: ca.map(|p| p.display().to_string()),
        }
        .compile()
        .unwrap()
    };

    // (a) With the CA: the POST arrives with both headers, the variable's value resolved.
    let ok = actions::webhook(&hook(Some(&ca)), &alert()).await;
    assert_eq!((ok.ok, ok.detail.as_str()), (true, "HTTP 204"), "{ok:?}");
    let head = heads.recv().await.unwrap();
    assert!(head.starts_with(&format!("post /hook/{port} ")), "{head}");
    assert!(head.contains(&format!("authorization: {SECRET}")), "{head}");
    assert!(head.contains("x-tag: wharf"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");

    // (b) Without it (or with an unrelated CA): a clear certificate error, nothing sent.
    for hook in [hook(None), hook(Some(&other))] {
        let r = actions::webhook(&hook, &alert()).await;
        assert!(!r.ok, "{r:?}");
        assert!(
            r.detail.starts_with(&format!(
                "webhook https://127.0.0.1:{port}: the server's certificate is not trusted"
            )) && r.detail.contains("ca_file"),
            "{r:?}"
        );
        assert!(heads.try_recv().is_err(), "nothing reached the server");
    }

    // The variable vanished after load: a failed result naming it, nothing sent.
    let h = hook(Some(&ca));
    let debug = format!("{h:?}");
    std::env::remove_var("WHARF_T_HOOK_POST");
    let gone = actions::webhook(&h, &alert()).await;
    assert!(!gone.ok, "{gone:?}");
    assert!(
        gone.detail
            .ends_with("header authorization: environment variable WHARF_T_HOOK_POST is not set"),
        "{gone:?}"
    );
    assert!(heads.try_recv().is_err());

    // (c) The secret is in no result, no detail (nor the path's token), no log line.
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    for text in [format!("{ok:?}"), format!("{gone:?}"), debug, logged] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(&format!("/hook/{port}")), "{text}");
    }
}
