//! The ssh command lines Wharf runs, and the options no user configuration may change: the
//! master of a shared connection ([`master_command`]) and each session over it ([`command`]).

use std::io;
use std::path::Path;
use std::process::Stdio;

use tokio::process::Command;

/// How long ssh may take to set up the TCP connection.
pub(super) const SSH_CONNECT_TIMEOUT_SECS: u32 = 10;

/// Options that no user configuration may change for Wharf's sessions: no agent, X11 or port
/// forwarding rides along to an engine host (whoever controls that host could use them), no
/// `LocalCommand` runs here, and a host key that is not already in known_hosts is refused,
/// never learnt silently (`accept-new` in a user's config included): Wharf connects in the
/// background where nobody sees a fingerprint, so trusting a new host is done with `ssh` by
/// hand (the error's hint says how).
const LOCKED_OPTIONS: [&str; 5] = [
    "ForwardAgent=no",
    "ForwardX11=no",
    "ClearAllForwardings=yes",
    "PermitLocalCommand=no",
    "StrictHostKeyChecking=yes",
];
/// ssh asks the server every this many seconds whether it is still there, and gives up after
/// [`SSH_ALIVE_COUNT`] unanswered asks: a dead host or cut network ends the process (and so the
/// connection) within 15 s, where TCP alone could wait for hours.
const SSH_ALIVE_INTERVAL_SECS: u32 = 5;
const SSH_ALIVE_COUNT: u32 = 3;

/// How much of ssh's stderr (its last bytes) is kept for the error message.
pub(super) const STDERR_LIMIT: usize = 4096;

/// Why an SSH connection to the engine failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SshError {
    /// The `ssh` program could not be started (usually: not installed).
    #[error("cannot run ssh: {0}")]
    Spawn(#[source] io::Error),
    /// ssh ended before the engine answered; `stderr` is what it printed.
    #[error("ssh ended before the engine answered: {stderr}")]
    Session { stderr: String },
}

#[derive(Debug)]
pub(super) struct Target {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

/// The options every ssh Wharf runs gets, master or session: `ssh -o BatchMode=yes … [-l
/// user] [-p port]`, before the control options and `--`.
fn base(target: &Target) -> Command {
    let mut cmd = Command::new("ssh");
    cmd.args(["-o", "BatchMode=yes"])
        .arg("-o")
        .arg(format!("ConnectTimeout={SSH_CONNECT_TIMEOUT_SECS}"))
        .arg("-o")
        .arg(format!("ServerAliveInterval={SSH_ALIVE_INTERVAL_SECS}"))
        .arg("-o")
        .arg(format!("ServerAliveCountMax={SSH_ALIVE_COUNT}"));
    for option in LOCKED_OPTIONS {
        cmd.arg("-o").arg(option);
    }
    if let Some(user) = &target.user {
        cmd.arg("-l").arg(user);
    }
    if let Some(port) = target.port {
        cmd.arg("-p").arg(port.to_string());
    }
    cmd
}

/// The master of one shared connection: `ssh … -M -N -S <control> -o ControlPersist=no --
/// host`. It logs in, runs nothing (`-N`), serves sessions on the control socket and stays
/// Wharf's child (`ControlPersist=no`: a user's `ControlPersist yes` would fork it away).
pub(super) fn master_command(target: &Target, control: &Path) -> Command {
    let mut cmd = base(target);
    cmd.args(["-M", "-N", "-n", "-S"])
        .arg(control)
        .args(["-o", "ControlMaster=yes", "-o", "ControlPersist=no"])
        .arg("--")
        .arg(&target.host)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// One session over a master: `ssh … -S <control> -o ControlMaster=no -T -- host docker
/// system dial-stdio`. The `--` keeps a host name from being read as an option; the base
/// options stay although the master decides most of them, in case ssh has to connect itself.
pub(super) fn command(target: &Target, control: &Path) -> Command {
    let mut cmd = base(target);
    cmd.arg("-S")
        .arg(control)
        .args(["-o", "ControlMaster=no", "-T"])
        .arg("--")
        .arg(&target.host)
        .args(["docker", "system", "dial-stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_passes_user_and_port_as_options() {
        let target = Target {
            user: Some("deploy".into()),
            host: "build.example".into(),
            port: Some(2222),
        };
        let cmd = command(&target, Path::new("/tmp/wharf-ssh.x/m0"));
        let args: Vec<String> = cmd
            .as_std()
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let joined = args.join(" ");
        assert!(
            joined.ends_with(
                "-l deploy -p 2222 -S /tmp/wharf-ssh.x/m0 -o ControlMaster=no -T -- \
                 build.example docker system dial-stdio"
            ),
            "{joined}"
        );
        assert!(joined.contains("BatchMode=yes"), "{joined}");
        // A dead host or cut network ends ssh (and the connection) instead of hanging.
        assert!(
            joined.contains("-o ServerAliveInterval=5 -o ServerAliveCountMax=3"),
            "{joined}"
        );
    }

    #[test]
    fn command_locks_forwarding_and_host_key_checking() {
        let target = Target {
            user: None,
            host: "build.example".into(),
            port: None,
        };
        let control = Path::new("/tmp/wharf-ssh.x/m0");
        let args_of = |cmd: Command| -> Vec<String> {
            cmd.as_std()
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        let session = args_of(command(&target, control));
        let master = args_of(master_command(&target, control));
        for (args, tail) in [
            (
                &session,
                &["--", "build.example", "docker", "system", "dial-stdio"][..],
            ),
            (&master, &["--", "build.example"][..]),
        ] {
            // Every option is `-o VALUE` before `--`, where ssh still reads options.
            let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
            locked_before(&args[..end]);
            assert_eq!(args[end..], *tail);
        }
        // The master stays Wharf's child, whatever ControlPersist a user's config sets.
        let joined = master.join(" ");
        assert!(
            joined.contains(
                "-M -N -n -S /tmp/wharf-ssh.x/m0 -o ControlMaster=yes -o ControlPersist=no"
            ),
            "{joined}"
        );
    }

    fn locked_before(args: &[String]) {
        for option in [
            "BatchMode=yes",
            "ForwardAgent=no",
            "ForwardX11=no",
            "ClearAllForwardings=yes",
            "PermitLocalCommand=no",
            "StrictHostKeyChecking=yes",
        ] {
            let at = args.iter().position(|a| a == option);
            assert!(
                at.is_some_and(|i| i > 0 && args[i - 1] == "-o"),
                "{option} missing from {args:?}"
            );
        }
    }
}
