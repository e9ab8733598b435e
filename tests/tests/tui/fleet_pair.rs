//! Two engines in one fleet, as the fleet's tmux tests start them: the shared test engine and
//! a private one, named `alpha<pid>` and `beta<pid>` by a `[[engines]]` configuration and
//! opened with `wharf --host A --host B`.

use wharf_tests::TestEngine;

use crate::term::Wharf;

/// Starts the fleet of `shared` (`alpha<pid>`) and `other` (`beta<pid>`), each entry with its
/// `extra` lines (`read_only = true`, `colour = "red"`), the mouse on or not. Returns wharf,
/// the two names and the configuration's folder (keep it until the end of the test).
pub fn start(
    shared: &TestEngine,
    other: &TestEngine,
    extra: [&str; 2],
    mouse: bool,
) -> (Wharf, String, String, tempfile::TempDir) {
    let pid = std::process::id();
    let (alpha, beta) = (format!("alpha{pid}"), format!("beta{pid}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[engines]]\nname = \"{alpha}\"\nhost = \"{}\"\n{}\n\n\
             [[engines]]\nname = \"{beta}\"\nhost = \"{}\"\n{}\n",
            shared.host(),
            extra[0],
            other.host(),
            extra[1],
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = config.to_string_lossy().into_owned();
    let args = [
        "--config",
        &config,
        "--host",
        shared.host(),
        "--host",
        other.host(),
    ];
    let w = if mouse {
        Wharf::start_with_mouse(shared, &args, &[])
    } else {
        Wharf::start(shared, &args)
    };
    (w, alpha, beta, dir)
}
