//! What a fired alert does outside the UIs: POST a JSON body to a webhook, run a command.
//! Each has a deadline and reports an [`ActionResult`]; neither ever waits on the evaluator's
//! task (the runner spawns them). The desktop notification and the terminal's toast and bell
//! are the UIs' own (they read the alert list).

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;

use super::webhook::Webhook;
use super::ActionResult;
use crate::clock::rfc3339_ms;
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::FiredAlert;

/// A webhook request, connection and TLS handshake included, gives up after this.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// A command still running after this is killed.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The webhook's JSON body.
#[derive(Debug, Serialize)]
pub struct WebhookBody<'a> {
    pub rule: &'a str,
    pub container: &'a str,
    pub container_id: &'a str,
    pub engine: &'a str,
    pub cause: &'a str,
    /// RFC 3339 UTC.
    pub time: String,
    /// Unix milliseconds.
    pub at_ms: i64,
}

impl<'a> WebhookBody<'a> {
    pub fn of(a: &'a FiredAlert) -> Self {
        WebhookBody {
            rule: &a.rule,
            container: &a.container,
            container_id: &a.container_id,
            engine: &a.engine,
            cause: &a.cause,
            time: rfc3339_ms(a.at_ms),
            at_ms: a.at_ms,
        }
    }
}

/// POST `alert` as JSON to `hook` (http, or https verified against the system's CAs and the
/// webhook's `ca_file`), with its extra headers. The result's detail names the server as
/// `scheme://host[:port]` and never holds a header's value.
pub async fn webhook(hook: &Webhook, alert: &FiredAlert) -> ActionResult {
    let result = tokio::time::timeout(WEBHOOK_TIMEOUT, post(hook, alert)).await;
    let (ok, detail) = match result {
        Ok(Ok(status)) if (200..300).contains(&status) => (true, format!("HTTP {status}")),
        Ok(Ok(status)) => (false, format!("HTTP {status}")),
        Ok(Err(e)) => (false, e.to_string()),
        Err(_) => (
            false,
            format!("no answer within {} s", WEBHOOK_TIMEOUT.as_secs()),
        ),
    };
    ActionResult {
        action: "webhook".into(),
        ok,
        detail,
    }
}

async fn post(hook: &Webhook, alert: &FiredAlert) -> Result<u16> {
    let shown = hook.shown();
    let bad = |e: &dyn std::fmt::Display| CoreError::invalid_input(format!("webhook {shown}: {e}"));
    let body = serde_json::to_vec(&WebhookBody::of(alert)).map_err(|e| bad(&e))?;
    let headers = hook.resolve().map_err(|m| bad(&m))?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(hook.tls_config()?)
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let mut req = hyper::Request::post(hook.uri().clone())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::USER_AGENT, "wharf-alerts")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| bad(&e))?;
    for (name, value) in headers {
        req.headers_mut().insert(name, value);
    }
    let resp = client.request(req).await.map_err(|e| {
        // The connector's error says what failed (refused, TLS, DNS) in its source chain.
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg = format!("{msg}: {s}");
            src = s.source();
        }
        if msg.contains("invalid peer certificate") {
            return CoreError::new(
                ErrorKind::Tls,
                format!(
                    "webhook {shown}: the server's certificate is not trusted ({msg}); give the \
                     CA that signed it as the webhook's ca_file"
                ),
            );
        }
        CoreError::unavailable(format!("webhook {shown}: {msg}"))
    })?;
    let status = resp.status().as_u16();
    // Read (and drop) a bounded body, so the connection ends cleanly.
    let _ = tokio::time::timeout(Duration::from_secs(2), resp.into_body().collect()).await;
    Ok(status)
}

/// Run `argv` with the alert in `WHARF_ALERT_*` variables; killed after [`COMMAND_TIMEOUT`].
pub async fn command(argv: &[String], alert: &FiredAlert) -> ActionResult {
    let result = |ok: bool, detail: String| ActionResult {
        action: "command".into(),
        ok,
        detail,
    };
    let Some((program, args)) = argv.split_first() else {
        return result(false, "no program given".into());
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env("WHARF_ALERT_RULE", &alert.rule)
        .env("WHARF_ALERT_CONTAINER", &alert.container)
        .env("WHARF_ALERT_CONTAINER_ID", &alert.container_id)
        .env("WHARF_ALERT_ENGINE", &alert.engine)
        .env("WHARF_ALERT_CAUSE", &alert.cause)
        .env("WHARF_ALERT_TIME", rfc3339_ms(alert.at_ms))
        .env("WHARF_ALERT_KEY", &alert.key)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return result(false, format!("cannot run {program}: {e}")),
    };
    match tokio::time::timeout(COMMAND_TIMEOUT, child.wait()).await {
        Ok(Ok(status)) => match status.code() {
            Some(0) => result(true, "exit 0".into()),
            Some(code) => result(false, format!("exit {code}")),
            None => result(false, format!("{status}")),
        },
        Ok(Err(e)) => result(false, format!("waiting for {program}: {e}")),
        Err(_) => {
            // kill_on_drop ends it; say so.
            result(
                false,
                format!("killed after {} s", COMMAND_TIMEOUT.as_secs()),
            )
        }
    }
}

#[cfg(test)]
#[path = "actions_tests.rs"]
pub(super) mod tests;
