//! Resolution tests: precedence, contexts in the docker CLI's on-disk format (in a tempdir),
//! TLS material and its checks, host specs, and the fallback socket search. The process
//! environment is never read or changed; every test builds its own [`EnvVars`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use sha2::Digest;
use tempfile::TempDir;

use super::*;
use crate::error::ErrorKind;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/contexts/tls")
        .join(name)
}

/// A home directory, a docker config dir and "system" socket paths, all in a tempdir.
struct World {
    dir: TempDir,
    env: EnvVars,
    sockets: SystemSockets,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        fs::create_dir_all(home.join(".docker")).unwrap();
        fs::create_dir_all(dir.path().join("sys")).unwrap();
        let env = EnvVars {
            home: Some(home),
            ..EnvVars::default()
        };
        let sockets = SystemSockets {
            default: dir.path().join("sys/docker.sock"),
            podman: dir.path().join("sys/podman.sock"),
        };
        World { dir, env, sockets }
    }

    fn config_dir(&self) -> PathBuf {
        self.env.config_dir().unwrap()
    }

    fn write_config(&self, json: &str) {
        fs::write(self.config_dir().join("config.json"), json).unwrap();
    }

    /// A context as `docker context create` writes it, with TLS files copied from fixtures.
    fn context(&self, name: &str, host: &str, skip_verify: bool, tls: &[(&str, &str)]) -> PathBuf {
        let id = hex::encode(sha2::Sha256::digest(name.as_bytes()));
        let meta_dir = self.config_dir().join("contexts/meta").join(&id);
        fs::create_dir_all(&meta_dir).unwrap();
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": format!("the {name} engine")},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_verify}},
        });
        fs::write(meta_dir.join("meta.json"), meta.to_string()).unwrap();
        let tls_dir = self
            .config_dir()
            .join("contexts/tls")
            .join(&id)
            .join("docker");
        for (to, from) in tls {
            fs::create_dir_all(&tls_dir).unwrap();
            fs::copy(fixture(from), tls_dir.join(to)).unwrap();
        }
        tls_dir
    }

    fn opts(&self) -> ConnectOptions {
        ConnectOptions {
            env: self.env.clone(),
            ..ConnectOptions::default()
        }
    }

    fn resolve(&self, opts: &ConnectOptions) -> Result<Endpoint> {
        resolve_in(opts, &self.sockets)
    }

    fn bind(&self, relative: &str) -> (PathBuf, UnixListener) {
        let path = self.dir.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let listener = UnixListener::bind(&path).unwrap();
        (path, listener)
    }
}

#[track_caller]
fn says(err: &CoreError, fragment: &str) {
    assert!(
        err.to_string().contains(fragment),
        "{fragment:?} not in: {err}"
    );
}

fn tcp(host: &str, port: u16) -> Transport {
    Transport::Tcp {
        host: host.into(),
        port,
    }
}

/// Three sources that all disagree: flag, env and config each name a different engine.
fn crowded() -> World {
    let mut w = World::new();
    w.context("envctx", "tcp://envctx:2375", false, &[]);
    w.context("cfgctx", "tcp://cfgctx:2375", false, &[]);
    w.context("flagctx", "tcp://flagctx:2375", false, &[]);
    w.write_config(r#"{"auths": {"x": {"auth": "c2VjcmV0"}}, "currentContext": "cfgctx"}"#);
    w.env.docker_host = Some("tcp://envhost:2375".into());
    w.env.docker_context = Some("envctx".into());
    w
}

#[test]
fn flag_host_beats_everything_else() {
    let w = crowded();
    let mut opts = w.opts();
    opts.host = Some("tcp://flaghost:1234".into());
    let ep = w.resolve(&opts).unwrap();
    assert_eq!(ep.transport, tcp("flaghost", 1234));
    assert_eq!(ep.source, EndpointSource::Flag);
    assert_eq!(ep.to_string(), "tcp://flaghost:1234 (--host)");
}

#[test]
fn both_flags_are_a_conflict() {
    let w = crowded();
    let mut opts = w.opts();
    opts.host = Some("tcp://flaghost:1234".into());
    opts.context = Some("flagctx".into());
    let err = w.resolve(&opts).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    says(&err, "use one of them");
}

#[test]
fn empty_flags_are_mistakes() {
    let w = crowded();
    let mut opts = w.opts();
    opts.host = Some(" ".into());
    let err = w.resolve(&opts).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    says(&err, "--host: empty engine address");
    opts.host = None;
    opts.context = Some(String::new());
    says(
        &w.resolve(&opts).unwrap_err(),
        "--context needs a context name",
    );
}

#[test]
fn flag_context_beats_docker_host() {
    let w = crowded();
    let mut opts = w.opts();
    opts.context = Some("flagctx".into());
    let ep = w.resolve(&opts).unwrap();
    assert_eq!(ep.transport, tcp("flagctx", 2375));
    assert_eq!(
        ep.source,
        EndpointSource::FlagContext {
            name: "flagctx".into()
        }
    );
    assert_eq!(ep.context(), Some("flagctx"));
}

#[test]
fn docker_host_beats_docker_context() {
    let ep = crowded().resolve(&crowded().opts()).unwrap();
    assert_eq!(ep.transport, tcp("envhost", 2375));
    assert_eq!(ep.source, EndpointSource::EnvHost);
    assert_eq!(ep.to_string(), "tcp://envhost:2375 (DOCKER_HOST)");
}

#[test]
fn docker_context_beats_current_context() {
    let mut w = crowded();
    w.env.docker_host = None;
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(ep.transport, tcp("envctx", 2375));
    assert_eq!(
        ep.source,
        EndpointSource::EnvContext {
            name: "envctx".into()
        }
    );
}

#[test]
fn current_context_from_config_is_used_last() {
    let mut w = crowded();
    w.env.docker_host = None;
    w.env.docker_context = Some(String::new()); // empty counts as unset
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(ep.transport, tcp("cfgctx", 2375));
    assert_eq!(
        ep.source,
        EndpointSource::ConfigContext {
            name: "cfgctx".into()
        }
    );
    assert_eq!(ep.to_string(), "ctx cfgctx: tcp://cfgctx:2375");
}

#[test]
fn docker_config_is_honoured() {
    let mut w = crowded();
    w.env.docker_host = None;
    w.env.docker_context = None;
    let other = w.dir.path().join("elsewhere");
    fs::create_dir_all(&other).unwrap();
    w.env.docker_config = Some(other.clone());
    // The context exists only in the home config dir, which DOCKER_CONFIG now replaces.
    fs::write(
        other.join("config.json"),
        r#"{"currentContext": "flagctx"}"#,
    )
    .unwrap();
    let err = w.resolve(&w.opts()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    says(&err, &other.display().to_string());
    // Written where DOCKER_CONFIG points, it is found.
    w.context("flagctx", "ssh://me@box", false, &[]);
    assert!(other.join("contexts/meta").exists());
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(
        ep.source,
        EndpointSource::ConfigContext {
            name: "flagctx".into()
        }
    );
}

#[test]
fn default_context_means_no_context() {
    let mut w = crowded();
    // DOCKER_CONTEXT=default beats the config's currentContext and means the local socket.
    w.env.docker_host = None;
    w.env.docker_context = Some("default".into());
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(ep.source, EndpointSource::DefaultSocket);
    assert_eq!(
        ep.transport,
        Transport::Unix {
            path: w.sockets.default.clone()
        }
    );
    // --context default with DOCKER_HOST set means DOCKER_HOST, as the docker CLI does.
    w.env.docker_host = Some("tcp://envhost:2375".into());
    let mut opts = w.opts();
    opts.context = Some("default".into());
    assert_eq!(w.resolve(&opts).unwrap().source, EndpointSource::EnvHost);
}

#[test]
fn nothing_configured_uses_the_default_socket() {
    let w = World::new();
    let (_path, _listener) = w.bind("sys/docker.sock");
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(ep.source, EndpointSource::DefaultSocket);
    let shown = ep.to_string();
    assert!(
        shown.starts_with("unix:///") && shown.ends_with("sys/docker.sock (default)"),
        "{shown}"
    );
}

#[test]
fn missing_default_socket_searches_the_usual_places_in_order() {
    let mut w = World::new();
    w.env.xdg_runtime_dir = Some(w.dir.path().join("xdg"));
    // Nothing anywhere: still the default socket, so connecting can explain it is missing.
    assert_eq!(
        w.resolve(&w.opts()).unwrap().source,
        EndpointSource::DefaultSocket
    );
    // A plain file is not a socket.
    fs::create_dir_all(w.dir.path().join("xdg")).unwrap();
    fs::write(w.dir.path().join("xdg/docker.sock"), b"").unwrap();
    let (_c, _l1) = w.bind("home/.colima/default/docker.sock");
    let (podman, _l2) = w.bind("xdg/podman/podman.sock");
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(
        ep.transport,
        Transport::Unix {
            path: podman.clone()
        }
    );
    assert_eq!(
        ep.source,
        EndpointSource::Fallback {
            path: podman.clone(),
            what: "rootless Podman"
        }
    );
    assert!(
        ep.to_string().ends_with("podman.sock (rootless Podman)"),
        "{ep}"
    );
    // The default socket, once there, wins again.
    let (_d, _l3) = w.bind("sys/docker.sock");
    assert_eq!(
        w.resolve(&w.opts()).unwrap().source,
        EndpointSource::DefaultSocket
    );
}

#[test]
fn fallback_order_matches_the_docs() {
    let mut w = World::new();
    w.env.xdg_runtime_dir = Some("/xdg".into());
    w.env.home = Some("/h".into());
    let order: Vec<String> = fallback_sockets(&w.env, &w.sockets)
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(
        order[..4],
        [
            "/xdg/docker.sock",
            "/h/.docker/run/docker.sock",
            "/h/.docker/desktop/docker.sock",
            "/xdg/podman/podman.sock"
        ]
    );
    assert!(order[4].ends_with("sys/podman.sock"));
    assert_eq!(
        order[5..],
        [
            "/h/.colima/default/docker.sock",
            "/h/.orbstack/run/docker.sock"
        ]
    );
}

#[test]
fn context_with_tls_material_verifies_with_its_own_files() {
    let mut w = World::new();
    let tls_dir = w.context(
        "prod",
        "tcp://10.0.0.5:2376",
        false,
        &[
            ("ca.pem", "ca.pem"),
            ("cert.pem", "client-cert.pem"),
            ("key.pem", "client-key.pem"),
        ],
    );
    w.env.docker_context = Some("prod".into());
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(
        ep.transport,
        Transport::Tls {
            host: "10.0.0.5".into(),
            port: 2376,
            ca: Some(tls_dir.join("ca.pem")),
            cert: Some(tls_dir.join("cert.pem")),
            key: Some(tls_dir.join("key.pem")),
            skip_verify: false,
        }
    );
    assert_eq!(ep.to_string(), "ctx prod: tcp+tls://10.0.0.5:2376");
    let json = serde_json::to_value(&ep).unwrap();
    assert_eq!(json["transport"]["kind"], "tls");
    assert_eq!(json["source"]["kind"], "env_context");
    // The env's TLS variables do not apply to a named context.
    w.env.docker_tls_verify = Some("1".into());
    w.env.docker_cert_path = Some("/nonexistent".into());
    assert!(w.resolve(&w.opts()).is_ok());
}

#[test]
fn contexts_without_tls_are_plain_or_ssh() {
    let mut w = World::new();
    w.context("plain", "tcp://10.0.0.6", false, &[]);
    w.context("remote", "ssh://ops@build.example:2222", false, &[]);
    w.env.docker_context = Some("plain".into());
    assert_eq!(
        w.resolve(&w.opts()).unwrap().transport,
        tcp("10.0.0.6", 2375)
    );
    w.env.docker_context = Some("remote".into());
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(
        ep.transport,
        Transport::Ssh {
            user: Some("ops".into()),
            host: "build.example".into(),
            port: Some(2222)
        }
    );
    assert_eq!(ep.to_string(), "ctx remote: ssh://ops@build.example:2222");
}

#[test]
fn unknown_context_is_named_with_the_available_ones() {
    let mut w = World::new();
    w.context("staging", "tcp://s:2375", false, &[]);
    w.context("prod", "tcp://p:2375", false, &[]);
    let mut opts = w.opts();
    opts.context = Some("prdo".into());
    let err = w.resolve(&opts).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    says(&err, "context \"prdo\" not found");
    says(&err, "(available: default, prod, staging)");
    w.env.docker_context = Some("prdo".into());
    assert_eq!(
        w.resolve(&w.opts()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn malformed_context_file_is_named_when_used_and_listed_with_its_error() {
    let mut w = World::new();
    w.context("good", "tcp://g:2375", false, &[]);
    let bad_dir = w
        .config_dir()
        .join("contexts/meta")
        .join(hex::encode(sha2::Sha256::digest(b"bad")));
    fs::create_dir_all(&bad_dir).unwrap();
    fs::write(
        bad_dir.join("meta.json"),
        r#"{"Name": "bad", "Endpoints": "#,
    )
    .unwrap();
    w.env.docker_context = Some("bad".into());
    let err = w.resolve(&w.opts()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    says(&err, &bad_dir.join("meta.json").display().to_string());
    let list = list_contexts(&w.env).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    let id = hex::encode(sha2::Sha256::digest(b"bad"));
    assert_eq!(names, ["default", "good", id.as_str()]);
    assert!(list[..2].iter().all(|c| c.error.is_none()));
    let error = list[2].error.as_deref().unwrap_or_default();
    assert!(error.contains("malformed context file"), "{error}");
    assert!(!list[2].current && list[2].host.is_empty());
}

#[test]
fn malformed_config_json_is_named() {
    let w = World::new();
    w.write_config("{ not json");
    let err = w.resolve(&w.opts()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    says(&err, "config.json is not valid docker config JSON");
}

#[test]
fn skip_tls_verify_is_refused_unless_allowed() {
    let mut w = World::new();
    w.context("lab", "tcp://10.0.0.7:2376", true, &[]);
    w.env.docker_context = Some("lab".into());
    let err = w.resolve(&w.opts()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls);
    says(&err, "context lab sets SkipTLSVerify");
    says(&err, "Wharf refuses unverified TLS");
    assert!(err.hint().unwrap().contains("opt in"), "{err}");
    let mut opts = w.opts();
    opts.allow_insecure_tls = true;
    let ep = w.resolve(&opts).unwrap();
    assert!(matches!(
        ep.transport,
        Transport::Tls {
            skip_verify: true,
            ca: None,
            ..
        }
    ));
    assert_eq!(
        ep.to_string(),
        "ctx lab: tcp+tls://10.0.0.7:2376 (certificate not verified)"
    );
    assert!(Link::new(&ep).is_ok());
}

fn cert_dir(w: &World, files: &[(&str, &str)]) -> PathBuf {
    let dir = w.dir.path().join("certs");
    fs::create_dir_all(&dir).unwrap();
    for (to, from) in files {
        fs::copy(fixture(from), dir.join(to)).unwrap();
    }
    dir
}

#[test]
fn env_tls_verify_uses_the_cert_path() {
    let mut w = World::new();
    let dir = cert_dir(
        &w,
        &[
            ("ca.pem", "ca.pem"),
            ("cert.pem", "client-cert.pem"),
            ("key.pem", "client-key.pem"),
        ],
    );
    w.env.docker_host = Some("tcp://127.0.0.1".into());
    w.env.docker_tls_verify = Some("1".into());
    w.env.docker_cert_path = Some(dir.clone());
    let ep = w.resolve(&w.opts()).unwrap();
    assert_eq!(
        ep.transport,
        Transport::Tls {
            host: "127.0.0.1".into(),
            port: 2376,
            ca: Some(dir.join("ca.pem")),
            cert: Some(dir.join("cert.pem")),
            key: Some(dir.join("key.pem")),
            skip_verify: false,
        }
    );
    assert_eq!(ep.to_string(), "tcp+tls://127.0.0.1:2376 (DOCKER_HOST)");
    // Without DOCKER_CERT_PATH the docker config dir is the cert dir.
    w.env.docker_cert_path = None;
    let err = w.resolve(&w.opts()).unwrap_err();
    let expected_ca = w.config_dir().join("ca.pem");
    says(&err, &expected_ca.display().to_string());
    // A unix host ignores the TLS variables entirely.
    w.env.docker_host = Some("unix:///run/x.sock".into());
    assert!(w.resolve(&w.opts()).is_ok());
}

#[test]
fn env_tls_problems_name_the_file() {
    let mut w = World::new();
    w.env.docker_host = Some("tcp://127.0.0.1:2376".into());
    w.env.docker_tls_verify = Some("1".into());
    w.env.docker_cert_path = Some(w.dir.path().join("nope"));
    let err = w.resolve(&w.opts()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    says(&err, "DOCKER_HOST: DOCKER_CERT_PATH ");
    says(&err, "nope cannot be used");

    let dir = cert_dir(
        &w,
        &[
            ("cert.pem", "client-cert.pem"),
            ("key.pem", "client-key.pem"),
        ],
    );
    w.env.docker_cert_path = Some(dir.clone());
    let err = w.resolve(&w.opts()).unwrap_err();
    says(&err, "no CA certificate at");
    says(&err, &dir.join("ca.pem").display().to_string());

    fs::copy(fixture("ca.pem"), dir.join("ca.pem")).unwrap();
    fs::remove_file(dir.join("cert.pem")).unwrap();
    let err = w.resolve(&w.opts()).unwrap_err();
    says(&err, "has no certificate");
    says(&err, &dir.join("cert.pem").display().to_string());

    fs::copy(fixture("server-cert.pem"), dir.join("cert.pem")).unwrap();
    let err = w.resolve(&w.opts()).unwrap_err();
    says(&err, "does not belong to client certificate");

    // DOCKER_TLS without DOCKER_TLS_VERIFY asks for no verification: refused.
    w.env.docker_tls_verify = None;
    w.env.docker_tls = Some("1".into());
    let err = w.resolve(&w.opts()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls);
    says(&err, "DOCKER_TLS is set without DOCKER_TLS_VERIFY");
}

#[test]
fn list_contexts_marks_the_current_one() {
    let mut w = World::new();
    w.context(
        "prod",
        "tcp://10.0.0.5:2376",
        false,
        &[("ca.pem", "ca.pem")],
    );
    w.context("box", "ssh://me@box", false, &[]);
    w.write_config(r#"{"currentContext": "prod"}"#);
    let list = list_contexts(&w.env).unwrap();
    let rows: Vec<(&str, &str, bool)> = list
        .iter()
        .map(|c| (c.name.as_str(), c.host.as_str(), c.current))
        .collect();
    assert_eq!(
        rows,
        [
            ("default", "unix:///var/run/docker.sock", false),
            ("box", "ssh://me@box", false),
            ("prod", "tcp://10.0.0.5:2376", true),
        ]
    );
    assert_eq!(list[2].description.as_deref(), Some("the prod engine"));
    w.env.docker_host = Some("tcp://h:2375".into());
    let list = list_contexts(&w.env).unwrap();
    assert!(list[0].current && list[0].host == "tcp://h:2375");
    assert!(!list[2].current);
    // No config dir at all: just the default.
    assert_eq!(list_contexts(&EnvVars::default()).unwrap().len(), 1);
}

#[test]
fn display_never_shows_more_than_addresses() {
    let ep = Endpoint {
        transport: Transport::Ssh {
            user: None,
            host: "::1".into(),
            port: None,
        },
        source: EndpointSource::Flag,
    };
    assert_eq!(ep.to_string(), "ssh://[::1] (--host)");
    let ep = Endpoint {
        transport: Transport::Unix {
            path: "/run/user/1000/docker.sock".into(),
        },
        source: EndpointSource::Fallback {
            path: "/run/user/1000/docker.sock".into(),
            what: "rootless Docker",
        },
    };
    assert_eq!(
        ep.to_string(),
        "unix:///run/user/1000/docker.sock (rootless Docker)"
    );
}

#[test]
fn api_version_header_values() {
    let v = parse_api_version("1.41").unwrap();
    assert_eq!((v.major_version, v.minor_version), (1, 41));
    let v = parse_api_version(" 1.52 ").unwrap();
    assert_eq!((v.major_version, v.minor_version), (1, 52));
    for bad in ["", "1", "1.", "v1.41", "1.41.0", "a.b"] {
        assert!(parse_api_version(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn hand_made_ssh_transports_are_checked_before_ssh_runs() {
    // A Transport built without parse_host (deserialized, or by a front end) is checked again:
    // `link` refuses it before any ssh process exists.
    let cases = [
        (
            Some("$(touch /tmp/x)"),
            "box",
            "`$` is not allowed in an SSH user name",
        ),
        (Some("-oProxyCommand=x"), "box", "cannot start with `-`"),
        (
            None,
            "-oProxyCommand=x",
            "a host name cannot start with `-`",
        ),
        (None, "box;id", "`;` is not allowed in a host name"),
    ];
    for (user, host, expected) in cases {
        let endpoint = Endpoint {
            transport: Transport::Ssh {
                user: user.map(str::to_owned),
                host: host.to_owned(),
                port: None,
            },
            source: EndpointSource::Flag,
        };
        let err = link(&endpoint).err().expect("refused");
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(
            err.message().contains(expected),
            "{expected:?} not in {err}"
        );
    }
}
