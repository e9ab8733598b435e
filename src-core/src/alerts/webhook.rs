//! Webhooks: the file's form ([`WebhookSpec`]: a URL, or a table with extra headers and a CA
//! file) and its checked form ([`Webhook`]), which sends.
//!
//! - **Header values are secrets.** A value is literal text or `env:NAME` (read from the
//!   environment variable when the webhook is sent: the recommended form for tokens). Values
//!   are never displayed, logged or written to an action's result; the desktop page gets
//!   literal values as [`MASK`] and a [`MASK`] it sends back keeps the value in the file
//!   (`alerts::page`). A checked [`Webhook`]'s `Debug` names headers, never values.
//! - **A CA per webhook.** `ca_file` (PEM, one or more certificates) is trusted in addition to
//!   the system's CAs, for that webhook only. TLS is always verified: there is no "insecure"
//!   option.
//! - **Checked at load.** A header name or value that is not valid HTTP, a header Wharf sets
//!   itself, a missing environment variable, or a CA file that is missing, unreadable or not
//!   PEM is a [`WebhookError`] naming the field (the rule's `RuleError` adds the rule). A variable that vanishes later is
//!   a failed action result ("environment variable NAME is not set").

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyper::header::{HeaderName, HeaderValue};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, ErrorKind, Result};

/// What the desktop page gets instead of a literal header value (and sends back to keep it).
pub const MASK: &str = "••••";
/// A header value read from the environment: `env:NAME`.
pub const ENV_PREFIX: &str = "env:";
/// Headers Wharf sets itself (or that the connection owns): refused in a rule.
const RESERVED: &[&str] = &[
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
];
/// Largest CA file read.
const MAX_CA_FILE: u64 = 1 << 20;

/// `webhook = "https://…"` or `webhook = { url = "https://…", headers = { Authorization =
/// "env:NTFY_TOKEN", X-Tag = "wharf" }, ca_file = "/etc/ssl/corp-ca.pem" }`.
#[derive(Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WebhookSpec {
    /// POST a JSON body to this `http://` or `https://` URL.
    pub url: String,
    /// Header name → literal value, or `env:NAME` (the variable's value when sent).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// PEM file of CA certificates trusted for this webhook, besides the system's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

impl fmt::Debug for WebhookSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSpec")
            .field("url", &self.url)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl WebhookSpec {
    /// A webhook with only a URL.
    pub fn url(url: impl Into<String>) -> WebhookSpec {
        WebhookSpec {
            url: url.into(),
            ..WebhookSpec::default()
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
#[derive(Default)]
struct Table {
    url: String,
    headers: BTreeMap<String, String>,
    ca_file: Option<String>,
}

impl<'de> Deserialize<'de> for WebhookSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Form;
        impl<'de> Visitor<'de> for Form {
            type Value = WebhookSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a URL, or a table { url, headers, ca_file }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<WebhookSpec, E> {
                Ok(WebhookSpec::url(v))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                m: A,
            ) -> std::result::Result<WebhookSpec, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(WebhookSpec {
                    url: t.url,
                    headers: t.headers,
                    ca_file: t.ca_file,
                })
            }
        }
        d.deserialize_any(Form)
    }
}

/// Where a header's value comes from.
#[derive(Clone)]
enum Source {
    Literal(HeaderValue),
    Env(String),
}

/// A checked webhook.
#[derive(Clone)]
pub struct Webhook {
    uri: hyper::Uri,
    /// `scheme://host[:port]`: what messages show (a URL's path may hold a token).
    shown: String,
    headers: Vec<(HeaderName, Source)>,
    ca_file: Option<PathBuf>,
    roots: Vec<CertificateDer<'static>>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.shown)
            .field("headers", &self.header_names())
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

fn env_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The value of header `name` from environment variable `var` (the message never holds the
/// value).
fn from_env(var: &str) -> std::result::Result<HeaderValue, String> {
    match std::env::var(var) {
        Ok(v) => {
            let mut value = HeaderValue::from_str(&v).map_err(|_| {
                format!(
                    "the value of environment variable {var} is not a valid HTTP header value \
                     (visible ASCII only)"
                )
            })?;
            value.set_sensitive(true);
            Ok(value)
        }
        Err(std::env::VarError::NotPresent) => {
            Err(format!("environment variable {var} is not set"))
        }
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "the value of environment variable {var} is not valid text"
        )),
    }
}

/// `scheme://host[:port]` of `uri`.
fn shown(uri: &hyper::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or("");
    match uri.port_u16() {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

/// The certificates of the PEM file `path` (at least one, each usable as a CA).
fn read_roots(path: &Path) -> std::result::Result<Vec<CertificateDer<'static>>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a file"));
    }
    if meta.len() > MAX_CA_FILE {
        return Err(format!("{shown} is larger than 1 MiB: not a CA file"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| format!("{shown} is not PEM: {e}"))?;
    if certs.is_empty() {
        return Err(format!(
            "{shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        ));
    }
    let mut store = rustls::RootCertStore::empty();
    for (i, c) in certs.iter().enumerate() {
        store
            .add(c.clone())
            .map_err(|e| format!("{shown}: certificate {} is not usable: {e}", i + 1))?;
    }
    Ok(certs)
}

/// What is wrong with a webhook: the field (`webhook.headers.NAME`, `webhook.ca_file`) and
/// why; the rule's checker adds the rule (its `RuleError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct WebhookError {
    pub field: String,
    pub message: String,
}

impl WebhookSpec {
    /// Check the webhook (never a header's value in a message).
    pub fn compile(&self) -> std::result::Result<Webhook, WebhookError> {
        let err = |field: String, message: String| WebhookError { field, message };
        let url = self.url.trim();
        if url.is_empty() {
            return Err(err("webhook.url".into(), "give the URL".into()));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(err(
                "webhook".into(),
                "must be an http:// or https:// URL".into(),
            ));
        }
        let uri: hyper::Uri = url
            .parse()
            .ok()
            .filter(|u: &hyper::Uri| u.host().is_some_and(|h| !h.is_empty()))
            .ok_or_else(|| err("webhook".into(), format!("not a URL: {url:?}")))?;
        let mut headers: Vec<(HeaderName, Source)> = Vec::new();
        for (name, value) in &self.headers {
            let field = format!("webhook.headers.{name}");
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                err(
                    format!("webhook.headers.{name:?}"),
                    "not a valid HTTP header name".into(),
                )
            })?;
            if RESERVED.contains(&header.as_str()) {
                return Err(err(field, "Wharf sets this header itself".into()));
            }
            if headers.iter().any(|(h, _)| *h == header) {
                return Err(err(field, "given twice (header names ignore case)".into()));
            }
            let source = if let Some(var) = value.strip_prefix(ENV_PREFIX) {
                if !env_name_ok(var) {
                    return Err(err(
                        field,
                        "env: needs a variable name (letters, digits and _)".into(),
                    ));
                }
                from_env(var).map_err(|m| err(field.clone(), m))?;
                Source::Env(var.to_owned())
            } else if value == MASK {
                return Err(err(
                    field,
                    "the hidden value is not known (was the rule renamed?): type it again".into(),
                ));
            } else {
                let mut v = HeaderValue::from_str(value).map_err(|_| {
                    err(
                        field.clone(),
                        "not a valid HTTP header value (visible ASCII only)".into(),
                    )
                })?;
                v.set_sensitive(true);
                Source::Literal(v)
            };
            headers.push((header, source));
        }
        let (ca_file, roots) = match self.ca_file.as_deref().map(str::trim) {
            None | Some("") => (None, Vec::new()),
            Some(p) => {
                if uri.scheme_str() != Some("https") {
                    return Err(err(
                        "webhook.ca_file".into(),
                        "applies to https:// URLs only".into(),
                    ));
                }
                let path = PathBuf::from(p);
                if !path.is_absolute() {
                    return Err(err(
                        "webhook.ca_file".into(),
                        format!("give an absolute path (not {p:?})"),
                    ));
                }
                let roots = read_roots(&path).map_err(|m| err("webhook.ca_file".into(), m))?;
                (Some(path), roots)
            }
        };
        Ok(Webhook {
            shown: shown(&uri),
            uri,
            headers,
            ca_file,
            roots,
        })
    }
}

impl Webhook {
    /// `scheme://host[:port]`.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// `https://host[:port] [authorization, x-tag] + CA`: never a value, nor the URL's path.
    pub fn describe(&self) -> String {
        let mut s = self.shown.clone();
        if !self.headers.is_empty() {
            s.push_str(&format!(" [{}]", self.header_names().join(", ")));
        }
        if self.ca_file.is_some() {
            s.push_str(" + CA");
        }
        s
    }

    /// The extra headers' names.
    pub fn header_names(&self) -> Vec<&str> {
        self.headers.iter().map(|(h, _)| h.as_str()).collect()
    }

    pub fn uri(&self) -> &hyper::Uri {
        &self.uri
    }

    /// The headers with their values now (an environment variable that vanished: its name).
    pub(crate) fn resolve(&self) -> std::result::Result<Vec<(HeaderName, HeaderValue)>, String> {
        self.headers
            .iter()
            .map(|(h, s)| match s {
                Source::Literal(v) => Ok((h.clone(), v.clone())),
                Source::Env(var) => from_env(var)
                    .map(|v| (h.clone(), v))
                    .map_err(|m| format!("header {h}: {m}")),
            })
            .collect()
    }

    /// TLS: the system's CAs and this webhook's `ca_file`.
    pub(crate) fn tls_config(&self) -> Result<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for e in &native.errors {
            tracing::warn!(error = %e, "while loading the system's CA certificates");
        }
        roots.add_parsable_certificates(native.certs);
        for c in &self.roots {
            roots.add(c.clone()).map_err(|e| {
                CoreError::new(
                    ErrorKind::Tls,
                    format!("webhook {}: ca_file: {e}", self.shown),
                )
            })?;
        }
        Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| CoreError::new(ErrorKind::Tls, format!("cannot set up TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
    }
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
