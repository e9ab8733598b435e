//! The real `wharf` binary in a tmux pane: built once per test process, started on its own
//! tmux server (so tests never touch a user's tmux), driven with `send-keys`, read with
//! `capture-pane`, and killed — server, pane and all — when the [`Wharf`] guard drops.
//!
//! Every wait polls the screen with a deadline; a timeout panics with what was awaited, the
//! last screen and the tail of Wharf's own log.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use wharf_tests::{run_id, TestEngine};

/// Generous: a timeout, not an expectation (CI machines are slow, and the first frame waits
/// for the engine's listing).
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub const WIDTH: u16 = 160;
pub const HEIGHT: u16 = 45;

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The `wharf` binary: `WHARF_BIN` when set, else built with `cargo build --workspace --bin
/// wharf` into the workspace's target directory (once per test process; a no-op when fresh).
/// `--workspace` resolves features as `cargo test --workspace` (scripts/test.sh) does, so the
/// dependencies it already built are reused instead of rebuilt with other features.
pub fn wharf_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("WHARF_BIN") {
            return PathBuf::from(p);
        }
        let out = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--workspace", "--bin", "wharf"])
            .current_dir(WORKSPACE)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run cargo build: {e}"));
        assert!(
            out.status.success(),
            "cargo build --bin wharf failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(t) => Path::new(WORKSPACE).join(t),
            None => Path::new(WORKSPACE).join("target"),
        };
        let bin = target.join("debug").join("wharf");
        assert!(bin.is_file(), "no binary at {}", bin.display());
        bin
    })
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `require_tmux!()`: skip (outside CI) when tmux is missing, like `require_engine!`.
#[macro_export]
macro_rules! require_tmux {
    () => {
        if !$crate::term::tmux_ok() {
            return;
        }
    };
}

/// True when tmux is there; prints `SKIPPED` otherwise, and panics under CI.
pub fn tmux_ok() -> bool {
    if tmux_available() {
        return true;
    }
    assert!(
        !wharf_tests::in_ci(),
        "CI=true but tmux is missing (scripts/engine.sh install)"
    );
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: tmux is not installed");
    false
}

/// A running `wharf` in a detached tmux session on a private tmux server.
pub struct Wharf {
    socket: String,
    /// The server's socket file, removed on drop (tmux leaves it behind).
    socket_path: Option<PathBuf>,
    dir: tempfile::TempDir,
    last: String,
}

impl Wharf {
    /// Starts `wharf --no-mouse --log-file … ARGS` against `engine` in a 160x45 pane.
    pub fn start(engine: &TestEngine, args: &[&str]) -> Wharf {
        Wharf::launch(engine, args, (WIDTH, HEIGHT), "", &[], false)
    }

    /// [`Wharf::start_with_env`] with the mouse on (no `--no-mouse`): [`Wharf::mouse`] sends
    /// clicks and the wheel.
    pub fn start_with_mouse(engine: &TestEngine, args: &[&str], env: &[(&str, &str)]) -> Wharf {
        Wharf::launch(engine, args, (WIDTH, HEIGHT), "", env, true)
    }

    /// [`Wharf::start`] with more environment variables for wharf (e.g. `DOCKER_TLS`).
    pub fn start_with_env(engine: &TestEngine, args: &[&str], env: &[(&str, &str)]) -> Wharf {
        Wharf::launch(engine, args, (WIDTH, HEIGHT), "", env, false)
    }

    /// Like [`Wharf::start`], in a `width`×`height` pane, with `redirect` (shell syntax such
    /// as `</dev/null`) after the arguments.
    pub fn start_with(
        engine: &TestEngine,
        args: &[&str],
        size: (u16, u16),
        redirect: &str,
    ) -> Wharf {
        Wharf::launch(engine, args, size, redirect, &[], false)
    }

    fn launch(
        engine: &TestEngine,
        args: &[&str],
        (width, height): (u16, u16),
        redirect: &str,
        env: &[(&str, &str)],
        mouse: bool,
    ) -> Wharf {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let socket = format!(
            "wharf-e2e-{}-{}-{}",
            run_id(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = tempfile::Builder::new()
            .prefix("wharf-tui-")
            .tempdir()
            .unwrap_or_else(|e| panic!("temp dir: {e}"));
        let log = dir.path().join("wharf.log");
        let bin = wharf_bin();
        // The pane keeps a note after wharf exits so a crash shows on screen, not as a
        // vanished session.
        let mut script = format!(
            "'{}'{} --log-file '{}'",
            bin.display(),
            if mouse { "" } else { " --no-mouse" },
            log.display()
        );
        for a in args {
            script.push_str(&format!(" '{a}'"));
        }
        script.push(' ');
        script.push_str(redirect);
        // The status also goes to a file: a 1×1 pane cannot show the note.
        script.push_str(&format!(
            "; st=$?; echo $st > '{}'; echo \"[wharf exited: $st]\"; exec sleep 3600",
            dir.path().join("exited").display()
        ));
        let mut w = Wharf {
            socket,
            socket_path: None,
            dir,
            last: String::new(),
        };
        let config = w.dir.path().join("config");
        let state = w.dir.path().join("state");
        let mut cmd = w.tmux();
        cmd.args(["-f", "/dev/null", "new-session", "-d", "-s", "main"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg("sh")
            .arg("-c")
            .arg(&script)
            .env("DOCKER_HOST", engine.host())
            .env("XDG_CONFIG_HOME", &config)
            .env("XDG_STATE_HOME", &state)
            .env("WHARF_LOG", "debug")
            .env("LANG", "C.UTF-8")
            .env_remove("DOCKER_CONTEXT")
            .envs(env.iter().copied());
        run(&mut cmd);
        // Accept OSC 52 from the pane into tmux buffers, so a leaked clipboard write would
        // show up in `list-buffers` (tmux's default ignores it).
        run(w.tmux().args(["set-option", "-s", "set-clipboard", "on"]));
        w.socket_path = Some(PathBuf::from(w.display("#{socket_path}")));
        w
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        // `-u`: UTF-8 whatever the locale of the machine running the tests.
        c.args(["-u", "-L", &self.socket]).stdin(Stdio::null());
        c
    }

    /// The pane as plain text.
    /// wharf's log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("wharf.log")
    }

    pub fn screen(&mut self) -> String {
        let out = run(self.tmux().args(["capture-pane", "-p", "-t", "main"]));
        self.last = out.clone();
        out
    }

    /// The pane with its attributes as escape sequences (`capture-pane -e`).
    pub fn screen_with_escapes(&self) -> String {
        run(self.tmux().args(["capture-pane", "-p", "-e", "-t", "main"]))
    }

    /// A tmux format for the pane, e.g. `#{pane_title}`.
    pub fn display(&self, format: &str) -> String {
        run(self
            .tmux()
            .args(["display-message", "-p", "-t", "main", format]))
        .trim_end()
        .to_owned()
    }

    /// wharf's exit status once it has exited.
    pub fn exit_status(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join("exited"))
            .ok()
            .map(|s| s.trim().to_owned())
    }

    /// Resizes the pane (its window) to `width`×`height`.
    pub fn resize(&self, width: u16, height: u16) {
        run(self.tmux().args([
            "resize-window",
            "-t",
            "main",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]));
    }

    /// Sends `keys` and resizes the window in ONE tmux command: tmux writes the keys to the
    /// pane and changes its size in the same turn of its loop, so the input and the SIGWINCH
    /// reach wharf together (the case a resize used to be lost in).
    pub fn keys_then_resize(&self, keys: &[&str], width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        run(self
            .tmux()
            .args(["send-keys", "-t", "main"])
            .args(keys)
            .args([";", "resize-window", "-t", "main", "-x", &w, "-y", &h]));
    }

    /// Names of tmux paste buffers (OSC 52 writes from the pane would create some).
    pub fn buffers(&self) -> String {
        run(self.tmux().args(["list-buffers"]))
    }

    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        run(self.tmux().args(["send-keys", "-t", "main", "-l", text]));
    }

    /// Sends tmux key names: `Enter`, `Escape`, `Tab`, `C-u`, …
    pub fn keys(&self, keys: &[&str]) {
        run(self.tmux().args(["send-keys", "-t", "main"]).args(keys));
    }

    /// Waits until `pred(screen)` holds; returns that screen.
    #[track_caller]
    pub fn wait(&mut self, what: &str, mut pred: impl FnMut(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let mut pause = Duration::from_millis(25);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if s.contains("[wharf exited") {
                self.fail(&format!("wharf exited while waiting until {what}"));
            }
            if Instant::now() >= deadline {
                self.fail(&format!("timed out after {TIMEOUT:?} waiting until {what}"));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }

    /// Waits until the screen shows `text`; returns a screen that has stopped changing (or the
    /// last that showed it, after 10 tries). Callers go on to check more of it, and a screen
    /// read while a frame is being written shows only its first part (`fleet_nav` once read
    /// the help's title before its keys were drawn).
    #[track_caller]
    pub fn wait_for_text(&mut self, text: &str) -> String {
        let mut s = self.wait(&format!("the screen shows {text:?}"), |s| s.contains(text));
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(30));
            let next = self.screen();
            if next == s || !next.contains(text) {
                break;
            }
            s = next;
        }
        s
    }

    /// Waits for an engine-side condition, showing the screen if it never holds.
    #[track_caller]
    pub fn wait_engine(&mut self, what: &str, mut pred: impl FnMut() -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        while !pred() {
            if Instant::now() >= deadline {
                self.screen();
                self.fail(&format!("timed out after {TIMEOUT:?} waiting until {what}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    #[track_caller]
    pub fn fail(&self, why: &str) -> ! {
        let log = std::fs::read_to_string(self.dir.path().join("wharf.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "{why}\n--- last screen ---\n{}\n--- wharf.log (tail) ---\n{}",
            self.last,
            tail.join("\n")
        );
    }

    /// Waits for the first frame with the containers table and a connected engine.
    #[track_caller]
    pub fn wait_ready(&mut self) -> String {
        self.wait("wharf shows the connected containers table", |s| {
            s.contains(" wharf ") && s.contains("connected") && s.contains("NAME")
        })
    }

    /// A mouse event at cell (`x`, `y`) (0-based), as a terminal reports it with SGR encoding:
    /// `button` 0 is a left press (a release follows), 64 the wheel up, 65 the wheel down.
    pub fn mouse(&self, button: u8, x: u16, y: u16) {
        let mut seq = format!("\x1b[<{button};{};{}M", x + 1, y + 1);
        if button == 0 {
            seq.push_str(&format!("\x1b[<0;{};{}m", x + 1, y + 1));
        }
        let hex: Vec<String> = seq.bytes().map(|b| format!("{b:02x}")).collect();
        run(self
            .tmux()
            .args(["send-keys", "-t", "main", "-H"])
            .args(&hex));
    }

    /// `/` NAME Enter in a table: waits until exactly one row is left (the position shows `1/1`).
    #[track_caller]
    pub fn filter_to(&mut self, text: &str) -> String {
        self.keys(&["/"]);
        self.type_text(text);
        self.keys(&["Enter"]);
        self.wait(&format!("the filter {text:?} leaves one row"), |s| {
            s.contains(&format!("filter: {text}"))
                && s.lines().any(|l| l.split_whitespace().any(|w| w == "1/1"))
        })
    }
}

impl Drop for Wharf {
    fn drop(&mut self) {
        // Never panic in drop; a leftover server would be visible in `tmux -L … ls`.
        let r = self
            .tmux()
            .args(["kill-server"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Err(e) = r {
            eprintln!(
                "wharf-tui tests: cannot kill tmux server {}: {e}",
                self.socket
            );
        }
        if let Some(p) = &self.socket_path {
            // Gone already when the server cleaned up after itself.
            let _ = std::fs::remove_file(p);
        }
    }
}

#[track_caller]
fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A short random-enough token for names and strings the test looks for.
pub fn token() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{:x}{}",
        nanos ^ std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
