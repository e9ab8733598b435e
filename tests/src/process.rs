//! Small facts about processes and the machine, read from `/proc` and `PATH` (no libc: the
//! workspace forbids `unsafe`). Signals go through the `kill` command.

use std::time::{Duration, Instant};

/// True while `pid` exists and is not a zombie. Orphans are reparented to PID 1, which reaps
/// them lazily on these machines, so a dead dockerd can linger as a zombie for a second or two.
pub(crate) fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "PID (COMM) STATE …"; COMM may itself contain spaces and parentheses.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, None | Some("Z") | Some("X"))
}

/// Sends `signal` (e.g. `"KILL"`) to `pid`.
pub(crate) fn signal(pid: u32, signal: &str) -> std::io::Result<()> {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "kill -{signal} {pid} failed"
        )))
    }
}

/// Waits until `pid` is gone; false on timeout.
pub(crate) fn wait_gone(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while alive(pid) {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// True when the effective uid is 0.
pub(crate) fn is_root() -> bool {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

/// True when `program` is an executable file somewhere on `PATH`.
pub(crate) fn on_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(program))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// Waits until something listens on `127.0.0.1:port`; `Err` after `timeout` says that `what`
/// did not listen and quotes `log()` (the server's own log, read only on failure).
pub(crate) fn wait_listening(
    port: u16,
    timeout: Duration,
    what: &str,
    log: impl FnOnce() -> String,
) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!(
                "{what} did not listen in {} s: {}",
                timeout.as_secs(),
                log()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
