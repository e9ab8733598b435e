//! Failed actions are results, never errors that stop anything: a refused webhook, a non-2xx
//! answer, a command that fails or cannot start, each said in the result's detail.

use std::io::{Read, Write};
use std::net::TcpListener;

use super::*;

/// A fired alert for the actions' tests (also the webhook's).
pub(in crate::alerts) fn alert() -> FiredAlert {
    FiredAlert {
        id: 1,
        at_ms: 1_700_000_000_000,
        rule: "r".into(),
        engine: "unix:///x".into(),
        container_id: "abc".into(),
        container: "api".into(),
        key: "name:api".into(),
        cause: "exited with code 1".into(),
        notify: false,
        actions: vec![],
    }
}

fn hook(url: &str) -> Webhook {
    crate::alerts::WebhookSpec::url(url)
        .compile()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_refused_or_failing_webhook_is_a_failed_result() {
    // A port nothing listens on (bound, then closed).
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = webhook(&hook(&format!("http://127.0.0.1:{port}/hook")), &alert()).await;
    assert!(!r.ok, "{r:?}");
    assert!(r.detail.contains("webhook http://127.0.0.1"), "{r:?}");

    // A server answering 500.
    let l = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let addr = l.local_addr().unwrap_or_else(|e| panic!("{e}"));
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = l.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ =
                s.write_all(b"HTTP/1.1 500 Oops\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    let r = webhook(&hook(&format!("http://{addr}/hook")), &alert()).await;
    assert_eq!((r.ok, r.detail.as_str()), (false, "HTTP 500"));
}

#[tokio::test]
async fn a_failing_or_missing_command_is_a_failed_result() {
    let r = command(
        &[
            "sh".into(),
            "-c".into(),
            "test \"$WHARF_ALERT_CONTAINER\" = api && exit 3".into(),
        ],
        &alert(),
    )
    .await;
    assert_eq!((r.ok, r.detail.as_str()), (false, "exit 3"));
    let r = command(&["/nonexistent/wharf-hook".into()], &alert()).await;
    assert!(
        !r.ok && r.detail.starts_with("cannot run /nonexistent/wharf-hook"),
        "{r:?}"
    );
    let r = command(&["true".into()], &alert()).await;
    assert_eq!((r.ok, r.detail.as_str()), (true, "exit 0"));
}
