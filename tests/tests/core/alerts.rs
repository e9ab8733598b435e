//! Alerts against a real engine: containers that die with a non-zero exit, are OOM-killed,
//! turn unhealthy, restart in a loop, hold memory above a threshold and print a matching line
//! each fire their rule exactly
//! once within its cooldown; the webhook reaches a local HTTP server and the command writes a
//! file; each alert is kept in the history database with its actions' results.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use wharf_core::alerts::rules::parse;
use wharf_core::alerts::runner::Runner;
use wharf_core::clock::Clock;
use wharf_core::history::read_alerts;
use wharf_core::model::FiredAlert;
use wharf_tests::{require_engine, unique_name};

use crate::common::{read_only_session, TIMEOUT};

/// A tiny HTTP server on 127.0.0.1: every request's body goes to the channel, the answer is
/// `200 OK`. Ends with the test process (its thread only accepts).
pub fn webhook_server() -> (String, mpsc::Receiver<serde_json::Value>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}/hook",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream.try_clone().unwrap_or_else(|e| panic!("{e}")));
            let mut len = 0usize;
            let mut line = String::new();
            let mut post = false;
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                post |= line.starts_with("POST /hook ");
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            if post {
                if let Ok(v) = serde_json::from_slice(&body) {
                    let _ = tx.send(v);
                }
            }
        }
    });
    (url, rx)
}

fn alerts(db: &Path) -> Vec<FiredAlert> {
    read_alerts(db, 0, 1000).unwrap_or_else(|e| panic!("{e}"))
}

fn count(db: &Path, rule: &str) -> usize {
    alerts(db).iter().filter(|a| a.rule == rule).count()
}

async fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + TIMEOUT * 3;
    while !f() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_trigger_fires_once_per_cooldown_with_webhook_and_command() {
    let te = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("history.sqlite3");
    let marks = dir.path().join("command.out");
    let (url, hooks) = webhook_server();
    let tag = unique_name("al");
    let rules = format!(
        r#"
[[rule]]
name = "died"
select = {{ name = "^{tag}-die" }}
trigger = {{ event = "die" }}
cooldown_secs = 600
webhook = "{url}"
command = ["sh", "-c", "echo \"$WHARF_ALERT_RULE|$WHARF_ALERT_CONTAINER|$WHARF_ALERT_CAUSE\" >> {marks}"]

[[rule]]
name = "oom"
select = {{ name = "^{tag}-oom" }}
trigger = {{ event = "oom" }}
cooldown_secs = 600
notify = true

[[rule]]
name = "sick"
select = {{ name = "^{tag}-sick" }}
trigger = {{ event = "unhealthy" }}
cooldown_secs = 600
notify = true

[[rule]]
name = "loop"
select = {{ name = "^{tag}-loop" }}
trigger = {{ event = "restart_loop", restarts = 3, minutes = 5 }}
cooldown_secs = 600
notify = true

[[rule]]
name = "fat"
select = {{ name = "^{tag}-fat" }}
trigger = {{ threshold = "memory_bytes", above = 20000000, for_secs = 2 }}
cooldown_secs = 600
notify = true

[[rule]]
name = "line"
select = {{ labels = {{ "wharf.alert.test" = "^{tag}$" }} }}
trigger = {{ log = "ALERT-ME" }}
cooldown_secs = 600
notify = true
"#,
        marks = marks.display()
    );
    let (_, rules) = parse(&rules).unwrap_or_else(|e| panic!("{e}"));
    let session = read_only_session(te.host());
    session
        .store
        .wait_for(TIMEOUT, |s| s.synced)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let runner = Runner::open(rules, &db, Clock::System).unwrap_or_else(|e| panic!("{e}"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run = async {
        runner
            .run(&session, async move {
                let _ = stop_rx.await;
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let drive = async {
        // Prints a matching line every half second: one alert for all of them.
        let _line = te
            .container(&format!("{}-line", &tag[tag.len() - 4..]))
            .label("wharf.alert.test", &tag)
            .cmd(&[
                "sh",
                "-c",
                "while true; do echo ALERT-ME now; sleep 0.5; done",
            ])
            .start();
        let die = te
            .container("x")
            .named(&format!("{tag}-die"))
            .cmd(&["sh", "-c", "exit 3"])
            .start();
        let _oom = te
            .container("x")
            .named(&format!("{tag}-oom"))
            .args(&["--memory", "8m", "--memory-swap", "8m"])
            .cmd(&[
                "sh",
                "-c",
                "x=$(yes wharf-fills-memory | head -c 200000000); sleep 60",
            ])
            .start();
        let _sick = te
            .container("x")
            .named(&format!("{tag}-sick"))
            .args(&[
                "--health-cmd",
                "false",
                "--health-interval",
                "1s",
                "--health-retries",
                "1",
            ])
            .cmd(&["sleep", "600"])
            .start();
        // Holds ~30 MB in a shell variable (memory, not CPU: cheap on a shared machine); the
        // `echo` keeps the shell from exec'ing `sleep` and dropping it.
        let _fat = te
            .container("x")
            .named(&format!("{tag}-fat"))
            .args(&["--memory", "256m"])
            .cmd(&[
                "sh",
                "-c",
                "x=$(yes wharf-holds-memory | head -c 30000000); sleep 600; echo ${#x}",
            ])
            .start();
        let looping = te
            .container("x")
            .named(&format!("{tag}-loop"))
            .args(&["--restart", "always"])
            .cmd(&["sh", "-c", "exit 1"])
            .start();
        for rule in ["died", "oom", "sick", "loop", "line", "fat"] {
            wait_until(&format!("rule {rule} fired"), || count(&db, rule) >= 1).await;
        }
        // The same things go on happening within the cooldowns: no second alert.
        te.docker_ok(&["start", die.id()]);
        wait_until("the die container exited twice", || {
            die.inspect("{{.State.Status}} {{.State.ExitCode}}") == "exited 3"
        })
        .await;
        wait_until("the loop container restarted 5 times", || {
            looping
                .inspect("{{.RestartCount}}")
                .parse::<u32>()
                .unwrap_or(0)
                >= 5
        })
        .await;
        // Health checks keep failing and lines keep coming meanwhile.
        tokio::time::sleep(Duration::from_secs(2)).await;
        // The webhook and the command ran for the died rule.
        let body = hooks
            .recv_timeout(TIMEOUT)
            .unwrap_or_else(|e| panic!("no webhook: {e}"));
        let _ = stop_tx.send(());
        (body, die.name().to_owned())
    };
    let (fired, (body, die_name)) = tokio::join!(run, drive);
    let all = alerts(&db);
    for rule in ["died", "oom", "sick", "loop", "line", "fat"] {
        let n = all.iter().filter(|a| a.rule == rule).count();
        assert_eq!(n, 1, "rule {rule} fired {n} times: {all:#?}");
    }
    assert_eq!(fired.alerts, 6, "{all:#?}");
    let died = all
        .iter()
        .find(|a| a.rule == "died")
        .unwrap_or_else(|| panic!());
    assert_eq!(died.container, die_name);
    assert_eq!(died.cause, "exited with code 3");
    assert_eq!(body["rule"], "died");
    assert_eq!(body["container"], die_name.as_str());
    assert_eq!(body["cause"], "exited with code 3");
    assert!(
        body["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{body}"
    );
    assert!(
        died.actions
            .iter()
            .any(|r| r.action == "webhook" && r.ok && r.detail == "HTTP 200"),
        "{:?}",
        died.actions
    );
    assert!(
        died.actions.iter().any(|r| r.action == "command" && r.ok),
        "{:?}",
        died.actions
    );
    let written = std::fs::read_to_string(&marks).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written, format!("died|{die_name}|exited with code 3\n"));
    let oom = all
        .iter()
        .find(|a| a.rule == "oom")
        .unwrap_or_else(|| panic!());
    assert_eq!(oom.cause, "killed: out of memory");
    let line = all
        .iter()
        .find(|a| a.rule == "line")
        .unwrap_or_else(|| panic!());
    assert!(
        line.cause
            .starts_with("log line matched /ALERT-ME/: ALERT-ME now"),
        "{}",
        line.cause
    );
    let lp = all
        .iter()
        .find(|a| a.rule == "loop")
        .unwrap_or_else(|| panic!());
    assert_eq!(lp.cause, "restarted 3 times within 5 min");
    let fat = all
        .iter()
        .find(|a| a.rule == "fat")
        .unwrap_or_else(|| panic!());
    assert!(
        fat.cause.starts_with("memory ") && fat.cause.contains("above 20000000 B for"),
        "{}",
        fat.cause
    );
}
