//! `TlsMaterial`: certificates for a TLS-protected test engine, made with the `openssl` CLI.
//!
//! One directory holds, in the docker CLI's `DOCKER_CERT_PATH` layout:
//! - `ca.pem` (+ `ca-key.pem`): the CA both sides trust;
//! - `cert.pem`, `key.pem`: client certificate (extendedKeyUsage=clientAuth) signed by that CA;
//! - `server-cert.pem`, `server-key.pem`: server certificate for `IP:127.0.0.1` and
//!   `DNS:localhost` (extendedKeyUsage=serverAuth);
//! - `other-ca.pem`, `other-cert.pem`, `other-key.pem`: an unrelated CA and a client certificate
//!   it signed, for "wrong CA" and "untrusted client" tests;
//! - `expired-server-cert.pem`, `expired-server-key.pem`: like the server certificate, signed by
//!   `ca.pem`, but expired (its notAfter is a day before its notBefore, made now).
//!
//! Keys are ECDSA P-256 (fast to make); certificates are valid for 7 days.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Certificates of one TLS test engine; see the module docs for the files.
#[derive(Clone, Debug)]
pub struct TlsMaterial {
    dir: PathBuf,
}

const SERVER_EXT: &str = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
     extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n";
const CLIENT_EXT: &str =
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n";

impl TlsMaterial {
    /// Makes every file in `dir` (created if missing).
    pub fn generate(dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let m = Self {
            dir: dir.to_path_buf(),
        };
        m.make_ca("ca", "wharf-test-ca")?;
        m.make_ca("other-ca", "wharf-test-other-ca")?;
        m.make_leaf(
            "ca",
            "server-cert",
            "server-key",
            "localhost",
            SERVER_EXT,
            7,
        )?;
        m.make_leaf("ca", "cert", "key", "wharf-test-client", CLIENT_EXT, 7)?;
        m.make_leaf(
            "other-ca",
            "other-cert",
            "other-key",
            "wharf-test-other",
            CLIENT_EXT,
            7,
        )?;
        let (cert, key) = ("expired-server-cert", "expired-server-key");
        m.make_leaf("ca", cert, key, "localhost", SERVER_EXT, -1)?;
        Ok(m)
    }

    /// The directory, usable as `DOCKER_CERT_PATH` / `--tlscacert` etc. base.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The CA the engine trusts and that signed its certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    /// The client certificate the engine accepts.
    pub fn cert(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }
    /// The key of [`TlsMaterial::cert`].
    pub fn key(&self) -> PathBuf {
        self.dir.join("key.pem")
    }
    /// The engine's certificate.
    pub fn server_cert(&self) -> PathBuf {
        self.dir.join("server-cert.pem")
    }
    /// The engine's key.
    pub fn server_key(&self) -> PathBuf {
        self.dir.join("server-key.pem")
    }
    /// A CA that signed neither the engine's nor the client's certificate.
    pub fn other_ca(&self) -> PathBuf {
        self.dir.join("other-ca.pem")
    }
    /// A client certificate signed by [`TlsMaterial::other_ca`]: the engine refuses it.
    pub fn other_cert(&self) -> PathBuf {
        self.dir.join("other-cert.pem")
    }
    /// The key of [`TlsMaterial::other_cert`].
    pub fn other_key(&self) -> PathBuf {
        self.dir.join("other-key.pem")
    }
    /// An expired engine certificate, otherwise like [`TlsMaterial::server_cert`].
    pub fn expired_server_cert(&self) -> PathBuf {
        self.dir.join("expired-server-cert.pem")
    }
    /// The key of [`TlsMaterial::expired_server_cert`].
    pub fn expired_server_key(&self) -> PathBuf {
        self.dir.join("expired-server-key.pem")
    }

    /// Self-signed CA `NAME.pem` with key `NAME-key.pem`.
    fn make_ca(&self, name: &str, cn: &str) -> io::Result<()> {
        self.openssl(&format!(
            "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
             -subj /CN={cn} -keyout {name}-key.pem -out {name}.pem \
             -addext basicConstraints=critical,CA:TRUE \
             -addext keyUsage=critical,keyCertSign,cRLSign"
        ))
    }

    /// Leaf certificate `CERT.pem`/`KEY.pem` signed by CA `CA.pem` with extensions `ext`, valid
    /// for `days` from now (negative: expired on arrival).
    fn make_leaf(
        &self,
        ca: &str,
        cert: &str,
        key: &str,
        cn: &str,
        ext: &str,
        days: i32,
    ) -> io::Result<()> {
        std::fs::write(self.dir.join(format!("{cert}.ext")), ext)?;
        self.openssl(&format!(
            "req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
             -subj /CN={cn} -keyout {key}.pem -out {cert}.csr"
        ))?;
        self.openssl(&format!(
            "x509 -req -in {cert}.csr -CA {ca}.pem -CAkey {ca}-key.pem -CAcreateserial \
             -CAserial {ca}.srl -days {days} -extfile {cert}.ext -out {cert}.pem"
        ))?;
        for scratch in ["csr", "ext"] {
            std::fs::remove_file(self.dir.join(format!("{cert}.{scratch}")))?;
        }
        Ok(())
    }

    /// Runs `openssl` in the directory; `args` is split on whitespace (no value has spaces).
    fn openssl(&self, args: &str) -> io::Result<()> {
        let out = Command::new("openssl")
            .args(args.split_whitespace())
            .current_dir(&self.dir)
            .output()?;
        if out.status.success() {
            return Ok(());
        }
        Err(io::Error::other(format!(
            "`openssl {}` failed: {}",
            args.split_whitespace().collect::<Vec<_>>().join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}
