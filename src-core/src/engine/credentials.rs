//! Registry credentials: where they come from, how they are checked, where they may be kept.
//!
//! A [`Keychain`] answers "which credentials for this registry?" the way the docker CLI does,
//! from `config.json` in `$DOCKER_CONFIG` (else `~/.docker`): a `credHelpers` entry for the
//! host, else `credsStore`, else an `auths` entry (base64 `user:password` in `auth`, or an
//! `identitytoken`). Helpers are run as `docker-credential-<name> get` with the server on
//! stdin, under [`HELPER_TIMEOUT`]: a missing or stuck helper is an error, never a hang.
//! Credentials given to [`Keychain::login`] are kept in memory (shared by the keychain's
//! clones) and win over the file, for this session only, unless the user asks to save them:
//! to the configured `credsStore` helper, else — only with [`Save::PlainFile`], which the UIs
//! offer as a visible "stored unencrypted (base64) in PATH" choice — into `auths`.
//!
//! Invariants: a password or token is a [`Secret`], whose `Debug` and `Display` print
//! `<redacted>`; no error message, audit line or log line is built from one (the audit log
//! records "login to HOST as USER").

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use super::Engine;
use crate::error::{CoreError, ErrorKind, Result};

/// How long a credential helper may take to answer.
pub const HELPER_TIMEOUT: Duration = Duration::from_secs(10);

/// The key Docker Hub's credentials are stored under.
pub const DOCKER_HUB: &str = "https://index.docker.io/v1/";

/// A password or token. Never printed: `Debug` and `Display` write `<redacted>`.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, for the one place that sends it (the engine's auth header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Credentials for one registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryCredentials {
    /// The registry host as the keychain keys it (`127.0.0.1:5000`, or [`DOCKER_HUB`]).
    pub server: String,
    pub username: String,
    pub password: Secret,
    /// An OAuth identity token (`identitytoken`, or a helper's `<token>` user): sent instead
    /// of the password.
    pub identity_token: Option<Secret>,
}

impl RegistryCredentials {
    pub fn new(server: &str, username: &str, password: Secret) -> RegistryCredentials {
        RegistryCredentials {
            server: server_key(server),
            username: username.to_owned(),
            password,
            identity_token: None,
        }
    }

    /// What bollard sends in `X-Registry-Auth`.
    pub(crate) fn to_docker(&self) -> bollard::auth::DockerCredentials {
        bollard::auth::DockerCredentials {
            username: (!self.username.is_empty()).then(|| self.username.clone()),
            password: (!self.password.is_empty()).then(|| self.password.expose().to_owned()),
            serveraddress: Some(self.server.clone()),
            identitytoken: self.identity_token.as_ref().map(|t| t.expose().to_owned()),
            ..Default::default()
        }
    }
}

/// Where [`Keychain::login`] keeps credentials after checking them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Save {
    /// In memory, for this session only.
    Session,
    /// In the configured `credsStore` helper (refused when there is none).
    Helper,
    /// In `config.json` `auths`, base64 and unencrypted: only after the user chose it.
    PlainFile,
}

/// Where saved credentials would go, for the login form to say before the user chooses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SaveTarget {
    /// `docker-credential-<helper>` (the host's `credHelpers` entry or `credsStore`).
    Helper { helper: String },
    /// `config.json` at `path`: stored unencrypted (base64).
    PlainFile { path: String },
}

impl SaveTarget {
    /// The sentence the UIs show next to the "save" choice.
    pub fn describe(&self) -> String {
        match self {
            SaveTarget::Helper { helper } => {
                format!("saved by the credential helper docker-credential-{helper}")
            }
            SaveTarget::PlainFile { path } => format!("stored unencrypted (base64) in {path}"),
        }
    }
}

/// The registry credentials of this session; clones share the in-memory logins.
#[derive(Debug, Clone)]
pub struct Keychain {
    dir: PathBuf,
    session: Arc<Mutex<HashMap<String, RegistryCredentials>>>,
}

/// The part of `config.json` Wharf reads (the rest is kept as is when writing).
#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: HashMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<Secret>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<Secret>,
    #[serde(default)]
    identitytoken: Option<Secret>,
}

/// A helper's answer to `get`.
#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: Secret,
}

/// The registry part of an image reference: the first path part when it looks like a host
/// (has `.` or `:`, or is `localhost`), else Docker Hub.
pub fn registry_of(reference: &str) -> String {
    match reference.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            server_key(first)
        }
        _ => DOCKER_HUB.to_owned(),
    }
}

/// The key a server is stored under: the host (with port), or [`DOCKER_HUB`] for Docker Hub,
/// from any of the spellings `config.json` files hold (`https://host/v1/`, `http://host`,
/// `host`).
pub fn server_key(server: &str) -> String {
    let s = server.trim();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let host = s.split('/').next().unwrap_or(s);
    match host {
        "index.docker.io" | "docker.io" | "registry-1.docker.io" | "" => DOCKER_HUB.to_owned(),
        h => h.to_owned(),
    }
}

impl Keychain {
    /// The keychain of `$DOCKER_CONFIG`, else `~/.docker`.
    pub fn from_env() -> Keychain {
        let dir = match std::env::var_os("DOCKER_CONFIG") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default()
                .join(".docker"),
        };
        Keychain::at(&dir)
    }

    /// The keychain whose `config.json` is in `dir`.
    pub fn at(dir: &Path) -> Keychain {
        Keychain {
            dir: dir.to_owned(),
            session: Arc::default(),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config.json")
    }

    fn read_config(&self) -> Result<ConfigFile> {
        let path = self.config_path();
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                CoreError::config(format!("{} is not a docker config: {e}", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
            Err(e) => Err(CoreError::new(
                ErrorKind::Io,
                format!("cannot read {}: {e}", path.display()),
            )
            .with_source(e)),
        }
    }

    /// Where a login to `server` would be saved.
    pub fn save_target(&self, server: &str) -> Result<SaveTarget> {
        let config = self.read_config()?;
        let key = server_key(server);
        Ok(match helper_for(&config, &key) {
            Some(helper) => SaveTarget::Helper { helper },
            None => SaveTarget::PlainFile {
                path: self.config_path().display().to_string(),
            },
        })
    }

    /// The credentials for `server` (a host, or any spelling [`server_key`] reads): this
    /// session's login, else the helper for it, else `auths`; `None` when there are none.
    pub async fn credentials_for(&self, server: &str) -> Result<Option<RegistryCredentials>> {
        let key = server_key(server);
        if let Some(c) = self.session_credentials(&key) {
            return Ok(Some(c));
        }
        let config = self.read_config()?;
        if let Some(helper) = helper_for(&config, &key) {
            return helper_get(&helper, &key).await;
        }
        let entry = config
            .auths
            .iter()
            .find(|(k, _)| server_key(k) == key)
            .map(|(_, e)| e);
        let Some(entry) = entry else {
            return Ok(None);
        };
        let path = self.config_path();
        let (username, password) = match &entry.auth {
            Some(auth) if !auth.is_empty() => decode_auth(auth).map_err(|why| {
                CoreError::config(format!(
                    "the auths entry for {key} in {} is not base64 user:password: {why}",
                    path.display()
                ))
            })?,
            _ => (
                entry.username.clone().unwrap_or_default(),
                entry.password.clone().unwrap_or_default(),
            ),
        };
        let identity_token = entry.identitytoken.clone().filter(|t| !t.is_empty());
        if username.is_empty() && password.is_empty() && identity_token.is_none() {
            return Ok(None);
        }
        Ok(Some(RegistryCredentials {
            server: key,
            username,
            password,
            identity_token,
        }))
    }

    fn session_credentials(&self, key: &str) -> Option<RegistryCredentials> {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// Check `creds` with the engine (`POST /auth`, which asks the registry), then keep them as
    /// `save` says. Audited as "login to HOST as USER" (never the password). A refused login
    /// keeps nothing.
    pub async fn login(
        &self,
        engine: &Engine,
        creds: RegistryCredentials,
        save: Save,
    ) -> Result<SaveOutcome> {
        if creds.username.trim().is_empty() {
            return Err(CoreError::invalid_input("the user name is empty"));
        }
        if creds.password.is_empty() {
            return Err(CoreError::invalid_input("the password is empty"));
        }
        let what = format!("login to {} as {}", creds.server, creds.username);
        engine.record_login(&what, engine.check_auth(&creds).await)?;
        let outcome = match save {
            Save::Session => SaveOutcome::Session,
            Save::Helper => {
                let config = self.read_config()?;
                let Some(helper) = helper_for(&config, &creds.server) else {
                    return Err(CoreError::config(format!(
                        "no credential helper is configured for {} in {}",
                        creds.server,
                        self.config_path().display()
                    )));
                };
                helper_store(&helper, &creds).await?;
                SaveOutcome::Saved(SaveTarget::Helper { helper })
            }
            Save::PlainFile => {
                self.write_auths(&creds)?;
                SaveOutcome::Saved(SaveTarget::PlainFile {
                    path: self.config_path().display().to_string(),
                })
            }
        };
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(creds.server.clone(), creds);
        Ok(outcome)
    }

    /// Put `creds` into `config.json` `auths` (base64), keeping every other key of the file,
    /// through a temp file renamed over it (mode 0600), so a crash leaves the old file whole.
    fn write_auths(&self, creds: &RegistryCredentials) -> Result<()> {
        let path = self.config_path();
        let io = |e: std::io::Error| {
            CoreError::new(
                ErrorKind::Io,
                format!("cannot write {}: {e}", path.display()),
            )
        };
        let mut doc: serde_json::Value = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                CoreError::config(format!("{} is not a docker config: {e}", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({}),
            Err(e) => return Err(io(e)),
        };
        let Some(obj) = doc.as_object_mut() else {
            return Err(CoreError::config(format!(
                "{} is not a JSON object",
                path.display()
            )));
        };
        let auths = obj.entry("auths").or_insert_with(|| serde_json::json!({}));
        let Some(auths) = auths.as_object_mut() else {
            return Err(CoreError::config(format!(
                "auths in {} is not an object",
                path.display()
            )));
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            creds.username,
            creds.password.expose()
        ));
        auths.insert(creds.server.clone(), serde_json::json!({ "auth": encoded }));
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let text = serde_json::to_vec_pretty(&doc)
            .map_err(|e| CoreError::new(ErrorKind::Io, format!("config.json: {e}")))?;
        let tmp = self.dir.join(".config.json.wharf-tmp");
        {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp).map_err(io)?;
            std::io::Write::write_all(&mut f, &text).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, &path).map_err(io)
    }
}

/// What a successful login did with the credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kept", rename_all = "snake_case")]
pub enum SaveOutcome {
    /// In memory until Wharf exits.
    Session,
    Saved(SaveTarget),
}

fn helper_for(config: &ConfigFile, key: &str) -> Option<String> {
    config
        .cred_helpers
        .iter()
        .find(|(k, _)| server_key(k) == key)
        .map(|(_, h)| h.clone())
        .or_else(|| config.creds_store.clone())
        .filter(|h| !h.trim().is_empty())
}

fn decode_auth(auth: &Secret) -> std::result::Result<(String, Secret), &'static str> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(auth.expose().trim())
        .map_err(|_| "not base64")?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8")?;
    let (user, password) = text.split_once(':').ok_or("no ':'")?;
    Ok((user.to_owned(), Secret::new(password)))
}

/// Run `docker-credential-<helper> <verb>` with `input` on stdin, under [`HELPER_TIMEOUT`].
/// `Ok(None)` when the helper says it has no credentials for the server.
async fn run_helper(helper: &str, verb: &str, input: &[u8]) -> Result<Option<Vec<u8>>> {
    if helper.is_empty()
        || !helper
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(CoreError::config(format!(
            "credential helper name {helper:?} is not a plain name"
        )));
    }
    let program = format!("docker-credential-{helper}");
    let mut child = tokio::process::Command::new(&program)
        .arg(verb)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            let missing = e.kind() == std::io::ErrorKind::NotFound;
            let err = CoreError::config(if missing {
                format!("the credential helper {program} is not installed (not on PATH)")
            } else {
                format!("cannot run the credential helper {program}: {e}")
            });
            err.with_hint("install it, or remove credsStore/credHelpers from the docker config")
        })?;
    let talk = async {
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input).await?;
            stdin.shutdown().await?;
        }
        child.wait_with_output().await
    };
    let out = tokio::time::timeout(HELPER_TIMEOUT, talk)
        .await
        .map_err(|_| {
            CoreError::new(
                ErrorKind::Unavailable,
                format!(
                    "the credential helper {program} did not answer in {} s",
                    HELPER_TIMEOUT.as_secs()
                ),
            )
        })?
        .map_err(|e| CoreError::config(format!("credential helper {program}: {e}")))?;
    if out.status.success() {
        return Ok(Some(out.stdout));
    }
    // The helpers' own wording for "nothing stored" (docker-credential-helpers' ErrCredentialsNotFound).
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    if said.contains("credentials not found") {
        return Ok(None);
    }
    // The helper's message is not echoed: some print what they were given.
    Err(CoreError::config(format!(
        "the credential helper {program} {verb} failed ({})",
        out.status
    )))
}

async fn helper_get(helper: &str, key: &str) -> Result<Option<RegistryCredentials>> {
    let Some(out) = run_helper(helper, "get", key.as_bytes()).await? else {
        return Ok(None);
    };
    let answer: HelperAnswer = serde_json::from_slice(&out).map_err(|e| {
        CoreError::config(format!(
            "the credential helper docker-credential-{helper} gave no credentials JSON: {e}"
        ))
    })?;
    // The helpers' convention for an identity token.
    let (username, password, identity_token) = if answer.username == "<token>" {
        (String::new(), Secret::default(), Some(answer.secret))
    } else {
        (answer.username, answer.secret, None)
    };
    Ok(Some(RegistryCredentials {
        server: key.to_owned(),
        username,
        password,
        identity_token,
    }))
}

async fn helper_store(helper: &str, creds: &RegistryCredentials) -> Result<()> {
    let body = serde_json::json!({
        "ServerURL": creds.server,
        "Username": creds.username,
        "Secret": creds.password.expose(),
    });
    let bytes = serde_json::to_vec(&body)
        .map_err(|e| CoreError::new(ErrorKind::Io, format!("credential helper input: {e}")))?;
    run_helper(helper, "store", &bytes).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_keyed_by_host() {
        assert_eq!(server_key("https://index.docker.io/v1/"), DOCKER_HUB);
        assert_eq!(server_key("docker.io"), DOCKER_HUB);
        assert_eq!(server_key("http://127.0.0.1:5000/v2/"), "127.0.0.1:5000");
        assert_eq!(registry_of("busybox:1.36"), DOCKER_HUB);
        assert_eq!(registry_of("library/busybox"), DOCKER_HUB);
        assert_eq!(registry_of("127.0.0.1:5000/a/b:1"), "127.0.0.1:5000");
        assert_eq!(registry_of("localhost/a"), "localhost");
        assert_eq!(registry_of("ghcr.io/o/r@sha256:00"), "ghcr.io");
    }

    #[test]
    fn secrets_never_print() {
        let c = RegistryCredentials::new("r.example:5000", "joe", Secret::new("hunter2"));
        let shown = format!("{c:?} {}", c.password);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[tokio::test]
    async fn auths_entries_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("joe:pa:ss");
        std::fs::write(
            dir.path().join("config.json"),
            format!(
                r#"{{"auths":{{"https://r.example:5000/v1/":{{"auth":"{auth}"}},
                 "tok.example":{{"identitytoken":"abc"}}}}}}"#
            ),
        )
        .unwrap();
        let k = Keychain::at(dir.path());
        let c = k.credentials_for("r.example:5000").await.unwrap().unwrap();
        assert_eq!(c.username, "joe");
        assert_eq!(c.password.expose(), "pa:ss");
        let t = k.credentials_for("tok.example").await.unwrap().unwrap();
        assert_eq!(t.identity_token.unwrap().expose(), "abc");
        assert!(k.credentials_for("other:1").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_missing_helper_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"credsStore":"wharf-no-such-helper"}"#,
        )
        .unwrap();
        let k = Keychain::at(dir.path());
        let e = k.credentials_for("r.example").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e
            .message()
            .contains("docker-credential-wharf-no-such-helper is not installed"));
        assert_eq!(
            k.save_target("r.example").unwrap(),
            SaveTarget::Helper {
                helper: "wharf-no-such-helper".into()
            }
        );
    }

    #[test]
    fn plain_file_is_written_keeping_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"psFormat":"x","auths":{"a.example":{"auth":"eDp5"}}}"#,
        )
        .unwrap();
        let k = Keychain::at(dir.path());
        k.write_auths(&RegistryCredentials::new(
            "b.example:5000",
            "u",
            Secret::new("p"),
        ))
        .unwrap();
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(k.config_path()).unwrap()).unwrap();
        assert_eq!(doc["psFormat"], "x");
        assert_eq!(doc["auths"]["a.example"]["auth"], "eDp5");
        assert_eq!(doc["auths"]["b.example:5000"]["auth"], "dTpw");
    }
}
