//! An [`Endpoint`] becomes a [`Link`]: the HTTP transport (unix socket, TCP, TLS, SSH) bollard
//! sends every call through, with Wharf's connect, keepalive and request deadlines.

use std::sync::Arc;
use std::time::Duration;

use bollard::errors::Error as BollardError;
use bollard::{BollardRequest, ClientVersion, Docker};
use futures_util::future::BoxFuture;
use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::{
    authority, deadline, host, ssh, tls, transport_error, Endpoint, TlsFiles, Transport,
    CONNECT_TIMEOUT, REQUEST_TIMEOUT_SECS, TCP_KEEPALIVE,
};
use crate::error::Result;
use crate::model::SshCost;

/// Wharf's way to one engine: a base URL and a function that sends one HTTP request there.
///
/// bollard sends every API call through it (as a custom transport), and Wharf sends the one
/// request whose response headers bollard does not expose: `GET /_ping`, whose `Api-Version`
/// header negotiates the API version in one cheap round trip (bollard's own negotiation asks
/// `/version`, which Docker 20.10 answers only after running `runc --version` and friends).
#[derive(Clone)]
pub(crate) struct Link {
    url: String,
    send: Arc<dyn Fn(BollardRequest) -> Sent + Send + Sync>,
    /// Over SSH: the shared connections, for [`Link::ssh_cost`].
    ssh: Option<ssh::SshConnector>,
}

pub(crate) type Sent = BoxFuture<'static, std::result::Result<Response<Incoming>, BollardError>>;

/// What `GET /_ping` said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pong {
    /// The engine's own (newest) API version, from the `Api-Version` header; `None` when the
    /// engine (or a proxy in front of it) does not send one.
    pub api_version: Option<ClientVersion>,
}

impl Link {
    /// The link for `endpoint`. Nothing is connected yet, except that a missing unix socket
    /// fails here.
    pub fn new(endpoint: &Endpoint) -> Result<Link> {
        link(endpoint)
    }

    /// A bollard client over this link that speaks API `version`.
    pub fn docker(&self, version: &ClientVersion) -> std::result::Result<Docker, BollardError> {
        let send = self.send.clone();
        Docker::connect_with_custom_transport(
            move |req| send(req),
            Some(self.url.clone()),
            REQUEST_TIMEOUT_SECS,
            version,
        )
    }

    /// What the SSH transport costs now; `None` for the other transports.
    pub fn ssh_cost(&self) -> Option<SshCost> {
        self.ssh.as_ref().map(ssh::SshConnector::cost)
    }

    /// The engine's base URL (`http://localhost` for a unix socket), for requests Wharf
    /// builds itself (image transfers, `/auth`: see `engine::transfer`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Send one request Wharf built itself, under the same deadlines as bollard's calls.
    pub fn send(&self, req: BollardRequest) -> Sent {
        (self.send)(req)
    }

    /// `GET /_ping` (unversioned, so any engine answers it), within the quick deadline.
    pub async fn ping(&self) -> std::result::Result<Pong, BollardError> {
        let req = Request::get(format!("{}/_ping", self.url))
            .body(bollard::body_full(Bytes::new()))
            .map_err(BollardError::from)?;
        let res = (self.send)(req).await?;
        let api_version = res
            .headers()
            .get("api-version")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_api_version);
        let status = res.status();
        let body = res
            .into_body()
            .collect()
            .await
            .map_err(BollardError::from)?
            .to_bytes();
        if !status.is_success() {
            return Err(BollardError::DockerResponseServerError {
                status_code: status.as_u16(),
                message: String::from_utf8_lossy(&body).trim().to_owned(),
            });
        }
        Ok(Pong { api_version })
    }
}

/// `1.41` → 1.41; anything else → `None`.
pub(crate) fn parse_api_version(s: &str) -> Option<ClientVersion> {
    let (major, minor) = s.trim().split_once('.')?;
    Some(ClientVersion {
        major_version: major.parse().ok()?,
        minor_version: minor.parse().ok()?,
    })
}

pub(super) fn link(endpoint: &Endpoint) -> Result<Link> {
    match &endpoint.transport {
        Transport::Unix { path } => {
            // As bollard's own unix transport: check the file, then a connection per request.
            if !path.exists() {
                let missing =
                    BollardError::SocketNotFoundError(path.to_string_lossy().into_owned());
                return Err(transport_error::classify(missing, endpoint));
            }
            let url = format!(
                "unix://{}:0",
                hex::encode(path.as_os_str().as_encoded_bytes())
            );
            Ok(over_hyper(
                hyperlocal::UnixConnector,
                url,
                Pool::PerRequest,
                deadline::QUICK,
            ))
        }
        Transport::Tcp { host, port } => {
            let url = format!("http://{}", authority(host, *port));
            Ok(over_hyper(
                tcp_connector(),
                url,
                Pool::PerRequest,
                deadline::QUICK,
            ))
        }
        Transport::Tls {
            host,
            port,
            ca,
            cert,
            key,
            skip_verify,
        } => {
            let files = TlsFiles {
                ca: ca.clone(),
                cert: cert.clone(),
                key: key.clone(),
                skip_verify: *skip_verify,
            };
            let asked = tls::CertAsked::default();
            let config = tls::client_config(&files, &asked)?;
            let https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(config)
                .https_only()
                .enable_http1()
                .wrap_connector(tcp_connector());
            let url = format!("https://{}", authority(host, *port));
            let link = over_hyper(https, url, Pool::PerRequest, deadline::QUICK);
            // An engine that asked for a client certificate and then closed the connection
            // without an answer refused the one given, or its absence (its alert can be lost
            // in a race; `tls::RecordingResolver`).
            let (inner, cert) = (link.send, files.cert.clone());
            let send = move |req: BollardRequest| -> Sent {
                let (sent, asked, cert) = (inner(req), asked.clone(), cert.clone());
                Box::pin(async move {
                    sent.await.map_err(|e| match asked.get() {
                        true => transport_error::after_cert_request(e, cert.as_deref()),
                        false => e,
                    })
                })
            };
            Ok(Link {
                send: Arc::new(send),
                ..link
            })
        }
        Transport::Ssh { user, host, port } => {
            host::check_ssh_target(user.as_deref(), host)?;
            let connector = ssh::SshConnector::new(user.clone(), host.clone(), *port)
                .map_err(|e| e.explain(&endpoint.transport, &endpoint.to_string()))?;
            // Each new connection costs an SSH session (and an ssh process): keep idle ones a
            // while.
            let mut link = over_hyper(
                connector.clone(),
                "http://docker".to_owned(),
                Pool::KeepIdle,
                deadline::QUICK + deadline::SSH_EXTRA,
            );
            link.ssh = Some(connector);
            Ok(link)
        }
    }
}

fn tcp_connector() -> HttpConnector {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    http.set_keepalive(Some(TCP_KEEPALIVE));
    http.set_nodelay(true);
    http
}

/// Connection reuse for [`over_hyper`].
enum Pool {
    /// A new connection per request, as bollard's own transports do.
    PerRequest,
    /// Keep idle connections for 30 s.
    KeepIdle,
}

/// A [`Link`] over our own hyper client, so Wharf controls TLS roots, client certificates,
/// connect timeouts, the SSH command line and each request's deadline (`quick` for reads and
/// quick calls, see [`deadline::for_request`]).
fn over_hyper<C>(connector: C, url: String, pool: Pool, quick: Duration) -> Link
where
    C: Connect + Clone + Send + Sync + 'static,
{
    let mut builder = Client::builder(TokioExecutor::new());
    match pool {
        Pool::PerRequest => builder.pool_max_idle_per_host(0),
        // The timer is what evicts idle connections (and so ends idle ssh processes).
        Pool::KeepIdle => builder
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_timer(TokioTimer::new()),
    };
    let client = builder.build(connector);
    let send = move |req: BollardRequest| -> Sent {
        let client = client.clone();
        let limit = deadline::for_request(
            req.method(),
            req.uri().path_and_query().map_or("/", |p| p.as_str()),
            quick,
        );
        Box::pin(async move {
            // Dropping the request on timeout closes its connection (and ends an ssh process).
            match tokio::time::timeout(limit, client.request(req)).await {
                Ok(res) => res.map_err(BollardError::from),
                Err(_) => Err(BollardError::RequestTimeoutError),
            }
        })
    };
    Link {
        url,
        send: Arc::new(send),
        ssh: None,
    }
}
