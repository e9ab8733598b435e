//! Logs return what a container printed, stream by stream, TTY or not.

use std::time::Duration;

use wharf_core::engine::{LogOptions, LogStream};
use wharf_core::streams::logs::{fetch, LogBuffer, LogFollower};
use wharf_core::streams::LogQuery;
use wharf_tests::{require_engine, wait_until_blocking};

use crate::common::{connect, TIMEOUT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_tty_logs_keep_stdout_and_stderr_apart() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = te
        .container("logs")
        .cmd(&["sh", "-c", "echo out-1; echo err-1 >&2; printf '\\033]52;c;aGk=\\007\\033[31mred\\033[0m\\n'; echo out-2"])
        .start();
    wait_until_blocking(TIMEOUT, "the output", || {
        te.docker_ok(&["logs", c.id()]).contains("out-2")
    });
    let buf = fetch(
        &engine,
        c.id(),
        &LogOptions {
            tail: None,
            ..Default::default()
        },
        100,
    )
    .await
    .unwrap_or_else(|e| panic!("logs: {e}"));
    let lines: Vec<(LogStream, &str)> = buf
        .lines()
        .iter()
        .map(|l| (l.stream, l.text.text.as_str()))
        .collect();
    assert!(lines.contains(&(LogStream::Stdout, "out-1")), "{lines:?}");
    assert!(lines.contains(&(LogStream::Stderr, "err-1")), "{lines:?}");
    assert!(
        lines.contains(&(LogStream::Stdout, "red")),
        "escape sequences are inert: {lines:?}"
    );
    assert!(lines.iter().all(|(_, t)| !t.contains('\x1b')));

    // stderr only.
    let only_err = fetch(
        &engine,
        c.id(),
        &LogOptions {
            tail: None,
            stdout: false,
            ..Default::default()
        },
        100,
    )
    .await
    .unwrap_or_else(|e| panic!("logs: {e}"));
    assert_eq!(only_err.len(), 1);
    assert_eq!(only_err.lines()[0].text.text, "err-1");

    // Tail and timestamps. The engine copies stdout and stderr concurrently and applies the
    // tail before any stream filter, so only the set of the last two lines is certain.
    let tail = fetch(
        &engine,
        c.id(),
        &LogOptions {
            tail: Some(2),
            timestamps: true,
            ..Default::default()
        },
        100,
    )
    .await
    .unwrap_or_else(|e| panic!("logs: {e}"));
    assert_eq!(tail.len(), 2);
    assert!(
        tail.lines().iter().any(|l| l.text.text == "out-2"),
        "{:?}",
        tail.lines()
    );
    assert!(tail.lines().iter().all(|l| l.text.text != "out-1"));
    let ts = tail.lines()[0].timestamp.clone().unwrap_or_default();
    assert!(
        wharf_core::engine::rfc3339_to_unix(&ts).is_some(),
        "timestamp {ts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tty_logs_come_as_console() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = te
        .container("tty")
        .tty(true)
        .cmd(&["sh", "-c", "echo tty-out; echo tty-err >&2; sleep 300"])
        .start();
    wait_until_blocking(TIMEOUT, "the output", || {
        te.docker_ok(&["logs", c.id()]).contains("tty-err")
    });
    let buf = fetch(
        &engine,
        c.id(),
        &LogOptions {
            tail: None,
            ..Default::default()
        },
        100,
    )
    .await
    .unwrap_or_else(|e| panic!("logs: {e}"));
    let texts: Vec<&str> = buf.lines().iter().map(|l| l.text.text.as_str()).collect();
    assert_eq!(texts, vec!["tty-out", "tty-err"]);
    assert!(buf.lines().iter().all(|l| l.stream == LogStream::Console));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_receives_new_lines_and_search_finds_them() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = te
        .container("follow")
        .cmd(&["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; [ $((i % 5)) = 0 ] && echo ERROR at $i >&2; sleep 0.1; done"])
        .start();
    let mut follower = LogFollower::start(&engine, c.id(), &LogOptions::default());
    let mut buf = LogBuffer::new(50, false);
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while buf
        .lines()
        .iter()
        .filter(|l| l.text.text.starts_with("ERROR"))
        .count()
        < 3
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "followed lines never arrived"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (_, end) = follower.drain_into(&mut buf, 64);
        assert!(end.is_none(), "the stream ended early: {end:?}");
    }
    let q = LogQuery::text("error").unwrap_or_else(|e| panic!("{e}"));
    let hits = buf.matching(&q);
    assert!(hits.len() >= 3);
    assert!(hits
        .iter()
        .all(|i| buf.lines()[*i].stream == LogStream::Stderr));
    // The buffer stays bounded while following a chatty container.
    while buf.dropped() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline + TIMEOUT,
            "buffer never wrapped"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        follower.drain_into(&mut buf, 64);
    }
    assert_eq!(buf.len(), 50);

    // Stopping the container ends the stream cleanly.
    te.docker_ok(&["stop", "-t", "0", c.id()]);
    let end = loop {
        assert!(
            tokio::time::Instant::now() < deadline + TIMEOUT * 2,
            "the stream never ended"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        if let (_, Some(end)) = follower.drain_into(&mut buf, 1024) {
            break end;
        }
    };
    assert!(end.is_ok(), "{end:?}");
}

/// Issue #9, item 9: what a TTY container prints — escape sequences, C1 controls, bidi and
/// zero-width characters, invalid UTF-8, lines starting with digits — never reaches a saved
/// log file, with or without timestamps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_logs_of_a_tty_container_hold_no_control_or_invisible_characters() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let script = "printf '7\\033]0;owned\\007 \\033]52;c;aGk=\\007\\033[2J\\302\\2332J v=\\342\\200\\256gnp.exe z\\342\\200\\213w \\377\\n'; \
                  printf '\\033[31mred\\033[0m\\r\\n2\\033]8;;x\\007link\\n'; echo done-marker; sleep 600";
    let c = te
        .container("tty-save")
        .tty(true)
        .cmd(&["sh", "-c", script])
        .start();
    wait_until_blocking(TIMEOUT, "the output", || {
        te.docker_ok(&["logs", c.id()]).contains("done-marker")
    });
    for timestamps in [false, true] {
        let buf = fetch(
            &engine,
            c.id(),
            &LogOptions {
                tail: None,
                timestamps,
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap_or_else(|e| panic!("logs: {e}"));
        let text = buf.to_text(timestamps);
        assert!(text.contains("v=⟨U+202E⟩gnp.exe z⟨U+200B⟩w"), "{text:?}");
        for ch in text.chars() {
            let control = ch.is_control() && ch != '\n';
            assert!(
                !control && !wharf_core::streams::text::is_invisible(ch),
                "{ch:?} in the saved text (timestamps: {timestamps}): {text:?}"
            );
        }
    }
}
