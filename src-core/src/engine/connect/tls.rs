//! TLS material for `tcp+tls` endpoints: where it comes from (`DOCKER_TLS_VERIFY`,
//! `DOCKER_TLS`, `DOCKER_CERT_PATH`), checking each file so errors name it, and the rustls
//! client configuration.
//!
//! As in the docker CLI, a given CA is the only trust anchor (system CAs are used only when no
//! CA file is given, e.g. `https://` behind a public certificate). Skipping verification needs
//! the caller's explicit opt-in; it is then done by a verifier that still checks handshake
//! signatures but accepts any certificate. rustls uses the `ring` provider explicitly so a
//! second provider elsewhere in the build cannot make it ambiguous.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;

use super::{authority, EnvVars, Transport};
use crate::error::{CoreError, ErrorKind, Result};

/// TLS files for an endpoint. Without `ca`, the system's CAs verify the engine; `cert` and
/// `key` (a client certificate) go together. `skip_verify` is only honoured when the caller
/// allowed insecure TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TlsFiles {
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub skip_verify: bool,
}

/// Whether an engine asked this client for a certificate it did not have.
#[derive(Debug, Clone, Default)]
pub(super) struct CertAsked(Arc<AtomicBool>);

impl CertAsked {
    pub(super) fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The client's certificate resolver: it offers the client certificate, if any (without one it
/// is rustls' own `with_no_client_auth`), and records that the engine asked for one. In TLS 1.3
/// the engine judges the client's certificate (or its absence) only after the client finished
/// its handshake; its alert then races the client's request, and when the request reaches a
/// socket the engine has closed, the reset can destroy the alert before it is read, leaving
/// only "closed the connection". The record lets that error still say what happened
/// (`transport_error::after_cert_request`).
#[derive(Debug)]
struct RecordingResolver {
    asked: CertAsked,
    key: Option<Arc<CertifiedKey>>,
}

impl ResolvesClientCert for RecordingResolver {
    fn resolve(&self, _: &[&[u8]], _: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.asked.0.store(true, Ordering::Relaxed);
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// TLS settings from `DOCKER_TLS_VERIFY` / `DOCKER_TLS` and `DOCKER_CERT_PATH` (default: the
/// docker config directory), or `None` when neither variable asks for TLS.
pub(super) fn from_env(env: &EnvVars) -> Result<Option<TlsFiles>> {
    let verify = env.tls_verify();
    if !verify && !env.tls() {
        return Ok(None);
    }
    let (dir, origin) = match &env.docker_cert_path {
        Some(dir) if !dir.as_os_str().is_empty() => (dir.clone(), "DOCKER_CERT_PATH"),
        _ => (
            env.config_dir().ok_or_else(|| {
                CoreError::config(
                    "DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME says where \
                     the certificates are",
                )
            })?,
            "the docker config directory",
        ),
    };
    if let Err(e) = fs::metadata(&dir) {
        return Err(
            CoreError::config(format!("{origin} {} cannot be used: {e}", dir.display()))
                .with_hint(
                    "set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem",
                )
                .with_source(e),
        );
    }
    let present = |name: &str| {
        let path = dir.join(name);
        match fs::metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            _ => Some(path),
        }
    };
    let ca = present("ca.pem");
    if verify && ca.is_none() {
        return Err(CoreError::config(format!(
            "DOCKER_TLS_VERIFY is set but there is no CA certificate at {}",
            dir.join("ca.pem").display()
        ))
        .with_hint(format!(
            "{origin} {} should hold the engine's ca.pem (and cert.pem, key.pem for a client \
             certificate); set DOCKER_CERT_PATH to the right directory",
            dir.display()
        )));
    }
    let files = TlsFiles {
        ca,
        cert: present("cert.pem"),
        key: present("key.pem"),
        skip_verify: !verify,
    };
    // A lone cert or key is a half-copied cert dir: say so now, naming the missing file.
    match (&files.cert, &files.key) {
        (Some(cert), None) => Err(CoreError::config(format!(
            "client certificate {} has no key: {} is missing",
            cert.display(),
            dir.join("key.pem").display()
        ))),
        (None, Some(key)) => Err(CoreError::config(format!(
            "client key {} has no certificate: {} is missing",
            key.display(),
            dir.join("cert.pem").display()
        ))),
        _ => Ok(Some(files)),
    }
}

/// Refuse an unverified TLS transport unless allowed; check the files of a TLS transport.
pub(super) fn admit(transport: &Transport, allow_insecure: bool, why: &str) -> Result<()> {
    let Transport::Tls {
        host,
        port,
        ca,
        cert,
        key,
        skip_verify,
    } = transport
    else {
        return Ok(());
    };
    if *skip_verify && !allow_insecure {
        return Err(CoreError::new(
            ErrorKind::Tls,
            format!(
                "{why}, which asks to connect to tcp+tls://{} without verifying the engine's \
                 certificate; Wharf refuses unverified TLS",
                authority(host, *port)
            ),
        )
        .with_hint(
            "give the engine's CA certificate (ca.pem) so it can be verified, or opt in to \
             unverified TLS explicitly",
        ));
    }
    client_config(
        &TlsFiles {
            ca: ca.clone(),
            cert: cert.clone(),
            key: key.clone(),
            skip_verify: *skip_verify,
        },
        &CertAsked::default(),
    )
    .map(|_| ())
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration for `files`, reading and checking every file. `asked` records
/// whether an engine asked for a client certificate.
pub(super) fn client_config(files: &TlsFiles, asked: &CertAsked) -> Result<ClientConfig> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| CoreError::new(ErrorKind::Tls, format!("cannot set up TLS: {e}")))?;
    let builder = if files.skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyServerCert(provider.clone())))
    } else {
        builder.with_root_certificates(roots(files.ca.as_deref())?)
    };
    let key = match (&files.cert, &files.key) {
        (None, None) => None,
        (Some(cert), Some(key)) => {
            let chain = read_certs(cert, "client certificate")?;
            let key_der = read_key(key)?;
            let certified = CertifiedKey::from_der(chain, key_der, &provider)
                .map_err(|e| key_error(cert, key, e))?;
            Some(Arc::new(certified))
        }
        (Some(cert), None) => {
            return Err(CoreError::config(format!(
                "client certificate {} has no key (key.pem) beside it",
                cert.display()
            )))
        }
        (None, Some(key)) => {
            return Err(CoreError::config(format!(
                "client key {} has no certificate (cert.pem) beside it",
                key.display()
            )))
        }
    };
    Ok(
        builder.with_client_cert_resolver(Arc::new(RecordingResolver {
            asked: asked.clone(),
            key,
        })),
    )
}

fn key_error(cert: &Path, key: &Path, e: rustls::Error) -> CoreError {
    let message = match &e {
        rustls::Error::InconsistentKeys(_) => format!(
            "client key {} does not belong to client certificate {}",
            key.display(),
            cert.display()
        ),
        _ => format!("client key {} cannot be used: {e}", key.display()),
    };
    CoreError::config(message).with_source(e)
}

fn roots(ca: Option<&Path>) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match ca {
        Some(ca) => {
            for (i, cert) in read_certs(ca, "CA certificate")?.into_iter().enumerate() {
                store.add(cert).map_err(|e| {
                    CoreError::config(format!(
                        "CA certificate {} (certificate {} in the file) cannot be a trust \
                         anchor: {e}",
                        ca.display(),
                        i + 1
                    ))
                    .with_source(e)
                })?;
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            for e in &native.errors {
                tracing::warn!(error = %e, "while loading the system's CA certificates");
            }
            let (added, _ignored) = store.add_parsable_certificates(native.certs);
            if added == 0 {
                return Err(CoreError::config(
                    "no CA certificate was given for this TLS endpoint and no system CA \
                     certificates could be loaded",
                )
                .with_hint(
                    "give the engine's CA as ca.pem (DOCKER_CERT_PATH or the context's TLS files)",
                ));
            }
        }
    }
    Ok(store)
}

fn read_file(path: &Path, role: &str) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| {
        let message = match e.kind() {
            io::ErrorKind::NotFound => format!("{role} {} does not exist", path.display()),
            _ => format!("cannot read {role} {}: {e}", path.display()),
        };
        CoreError::config(message).with_source(e)
    })
}

fn read_certs(path: &Path, role: &str) -> Result<Vec<CertificateDer<'static>>> {
    let bytes = read_file(path, role)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<Vec<_>, pem::Error>>()
        .map_err(|e| {
            CoreError::config(format!("{role} {} is not valid PEM: {e}", path.display()))
                .with_source(e)
        })?;
    if certs.is_empty() {
        let found = if contains(&bytes, b"PRIVATE KEY-----") {
            "it holds a private key, not a certificate"
        } else {
            "expected a -----BEGIN CERTIFICATE----- block"
        };
        return Err(CoreError::config(format!(
            "{role} {} contains no PEM certificate ({found})",
            path.display()
        )));
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let bytes = read_file(path, "client key")?;
    if contains(&bytes, b"ENCRYPTED PRIVATE KEY") || contains(&bytes, b"Proc-Type: 4,ENCRYPTED") {
        return Err(CoreError::config(format!(
            "client key {} is protected by a passphrase, which Wharf cannot ask for",
            path.display()
        ))
        .with_hint("decrypt a copy: openssl pkey -in key.pem -out key-plain.pem"));
    }
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| {
        let message = match e {
            pem::Error::NoItemsFound if contains(&bytes, b"CERTIFICATE-----") => format!(
                "client key {} holds a certificate, not a private key",
                path.display()
            ),
            pem::Error::NoItemsFound => format!(
                "client key {} contains no PEM private key (expected -----BEGIN PRIVATE KEY-----)",
                path.display()
            ),
            _ => format!("client key {} is not valid PEM: {e}", path.display()),
        };
        CoreError::config(message).with_source(e)
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Accepts any engine certificate while still checking that the handshake is signed by the
/// certificate's key. Only reachable through `allow_insecure_tls`.
#[derive(Debug)]
struct AnyServerCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::fs;

    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/contexts/tls")
            .join(name)
    }

    #[test]
    fn tls_files_are_checked_and_named() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let copies = [
            ("ca.pem", "ca.pem"),
            ("cert.pem", "client-cert.pem"),
            ("key.pem", "client-key.pem"),
            ("enc.pem", "encrypted-key.pem"),
        ];
        for (to, from) in copies {
            fs::copy(fixture(from), dir.join(to)).unwrap();
        }
        fs::write(dir.join("garbage.pem"), "hello\n").unwrap();
        let files = |ca: &str, cert: Option<&str>, key: Option<&str>| TlsFiles {
            ca: Some(dir.join(ca)),
            cert: cert.map(|c| dir.join(c)),
            key: key.map(|k| dir.join(k)),
            skip_verify: false,
        };
        let cases = [
            (
                files("missing.pem", None, None),
                "CA certificate",
                "missing.pem does not exist",
            ),
            (
                files("garbage.pem", None, None),
                "garbage.pem",
                "contains no PEM certificate",
            ),
            (
                files("key.pem", None, None),
                "key.pem",
                "holds a private key, not a certificate",
            ),
            (
                files("ca.pem", Some("cert.pem"), Some("cert.pem")),
                "cert.pem",
                "holds a certificate, not a private key",
            ),
            (
                files("ca.pem", Some("cert.pem"), Some("enc.pem")),
                "enc.pem",
                "protected by a passphrase",
            ),
            (
                files("ca.pem", Some("cert.pem"), None),
                "cert.pem",
                "has no key",
            ),
            (
                files("ca.pem", None, Some("key.pem")),
                "key.pem",
                "has no certificate",
            ),
        ];
        for (files, names, says) in cases {
            let err = client_config(&files, &CertAsked::default()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{err}");
            assert!(
                err.message().contains(names) && err.message().contains(says),
                "{err}"
            );
        }
        assert!(client_config(
            &files("ca.pem", Some("cert.pem"), Some("key.pem")),
            &CertAsked::default()
        )
        .is_ok());
    }
}
