//! Hostile containers (issue #9 guarantee): a container whose labels, env, command and log
//! lines hold cursor moves and screen clears (CSI), clipboard writes (OSC 52), hyperlinks
//! (OSC 8), title sets (OSC 0 and 2), bell floods, bidi overrides, zero-width characters and
//! invalid UTF-8 is shown inertly by the real `wharf` in tmux — title unchanged, no clipboard
//! write, no bell, nothing moved, the invisible characters shown as markers — and the logs it
//! saves hold none of it.

use wharf_tests::require_engine;

use crate::require_tmux;
use crate::term::Wharf;

/// Everything hostile, as the bytes a terminal would act on. The invisible characters come
/// first so that their markers show within the screen's width in every view.
const PAYLOAD: &str = "v=\u{202E}gnp.exe z\u{200B}w\u{2066}i\u{2069} \x1b[2J\x1b[H\x1b[5;5Hmoved\x1b]0;pwned-title\x07\x1b]2;pwned-title2\x1b\\\
\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://127.0.0.1:1/x\x07link\x1b]8;;\x07\x07\x07\x07\
\u{9b}2J";

/// The same for `printf` in the container's shell, with invalid UTF-8 and a bell flood.
const PRINTF: &str =
    "\\033[2J\\033[H\\033[5;5Hmoved\\033]0;pwned-title\\007\\033]2;pwned-title2\\033\\\\\
\\033]52;c;cHduZWQ=\\007\\033]8;;http://127.0.0.1:1/x\\007link\\033]8;;\\007\
\\302\\2332J v=\\342\\200\\256gnp.exe z\\342\\200\\213w bad-utf8:\\377\\376 end";

/// What the screen shows for the bidi override: a visible marker, nothing reversed.
const MARKER: &str = "v=⟨U+202E⟩gnp.exe";

fn assert_inert(w: &mut Wharf, title: &str, what: &str) {
    let s = w.screen();
    assert!(s.starts_with(" wharf "), "{what}: the header moved:\n{s}");
    assert!(
        !s.lines().any(|l| l.starts_with("    moved")),
        "{what}: a cursor move took effect:\n{s}"
    );
    assert_eq!(
        w.display("#{pane_title}"),
        title,
        "{what}: the title changed"
    );
    assert!(
        w.buffers().trim().is_empty(),
        "{what}: an OSC 52 write reached tmux: {}",
        w.buffers()
    );
    assert_eq!(
        w.display("#{window_bell_flag}"),
        "0",
        "{what}: the bell rang"
    );
    let escaped = w.screen_with_escapes();
    // The payload may show as inert text (inspect quotes it JSON-escaped); what must never
    // reach the terminal is a real ESC starting an OSC or DCS, a C1 control, a bell or a
    // real invisible character.
    for seq in [
        "\x1b]", "\x1bP", "\u{9b}", "\u{9d}", "\u{202E}", "\u{200B}", "\x07",
    ] {
        assert!(
            !escaped.contains(seq),
            "{what}: {seq:?} reached the terminal:\n{escaped:?}"
        );
    }
}

#[test]
fn a_hostile_container_is_inert_on_screen_and_in_saved_logs() {
    require_tmux!();
    let engine = require_engine!();
    let script = format!(
        "while :; do printf '{PRINTF}\\n'; i=0; while [ $i -lt 50 ]; do printf '\\007'; \
         i=$((i+1)); done; sleep 0.5; done"
    );
    let c = engine
        .container("hostile")
        .label("wharf.hostile", PAYLOAD)
        .env("HOSTILE_VALUE", PAYLOAD)
        .env("API_TOKEN", "tok-secret-123")
        .cmd(&["sh", "-c", &script, PAYLOAD])
        .start();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    let title = w.display("#{pane_title}");
    w.filter_to(c.name());
    assert_inert(&mut w, &title, "the table");

    w.keys(&["Enter", "z"]);
    w.wait("the hostile log lines, inert", |s| {
        s.matches(MARKER).count() >= 2 && s.contains("bad-utf8:\u{fffd}\u{fffd} end")
    });
    assert_inert(&mut w, &title, "the logs");

    // Inspect (two tabs on), Env (two more), Labels (four more).
    w.keys(&["Tab", "Tab"]);
    w.wait("inspect shows the payload inertly", |s| {
        s.contains("Inspect") && s.contains(MARKER)
    });
    assert_inert(&mut w, &title, "inspect");
    w.keys(&["Tab", "Tab"]);
    let s = w.wait("env shows the payload inertly", |s| {
        s.contains("HOSTILE_VALUE=") && s.contains(MARKER)
    });
    assert!(
        s.contains("API_TOKEN=••••••••"),
        "the token is masked:\n{s}"
    );
    assert!(!s.contains("tok-secret-123"), "{s}");
    assert_inert(&mut w, &title, "env");
    w.keys(&["Tab", "Tab", "Tab", "Tab"]);
    w.wait("labels show the payload inertly", |s| {
        s.contains("wharf.hostile=") && s.contains(MARKER)
    });
    assert_inert(&mut w, &title, "labels");

    // Findings (one more), then the logs again (three more).
    w.keys(&["Tab"]);
    w.wait("the findings", |s| {
        s.contains("Runs as root") && s.contains("CIS Docker Benchmark 4.1")
    });
    assert_inert(&mut w, &title, "findings");

    // Saved logs (Logs tab after Files and Changes, ctrl-s, a path of the test's own).
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("hostile.log");
    w.keys(&["Tab", "Tab", "Tab"]);
    w.wait_for_text(" following ");
    w.keys(&["C-s"]);
    w.wait_for_text("save logs to:");
    w.keys(&["C-u"]);
    w.type_text(&path.display().to_string());
    w.keys(&["Enter"]);
    w.wait_for_text("logs saved to");
    let bytes = std::fs::read(&path).expect("the saved log");
    let text = String::from_utf8(bytes).expect("saved logs are UTF-8");
    assert!(text.contains(MARKER), "{text}");
    for c in text.chars() {
        let control = c.is_control() && c != '\n';
        assert!(
            !control && !wharf_core::streams::text::is_invisible(c),
            "{c:?} in the saved log:\n{text:?}"
        );
    }
}
