//! Input that arrives all at once: a resize together with keys, and a paste longer than one
//! read. crossterm's default event source waits on edge-triggered epoll and returns as soon
//! as it has one event, so a SIGWINCH that came with keys, or the bytes of a paste beyond its
//! first 1 KiB read, waited for the NEXT input: the screen stayed at the old size (blank after
//! growing from a tiny pane) or the paste stopped halfway, until the user pressed a key. Wharf
//! uses crossterm's level-triggered source (`use-dev-tty`); docs/design.md "Terminal input".

use wharf_tests::require_engine;

use crate::require_tmux;
use crate::term::Wharf;

/// A frame drawn at `width`×`height`: the header on the first row and the footer's first hint
/// on the last (a frame of the old size is cropped or leaves the last row empty).
fn drawn_at(s: &str, height: u16) -> bool {
    let lines: Vec<&str> = s.lines().collect();
    lines.len() == usize::from(height)
        && lines.first().is_some_and(|l| l.starts_with(" wharf "))
        && lines.last().is_some_and(|l| l.starts_with("?/f1 help"))
}

#[test]
fn a_resize_that_comes_with_keys_is_drawn() {
    require_tmux!();
    let engine = require_engine!();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    // Growing and shrinking, with keys that move the selection and change nothing else.
    let sizes = [
        (120, 30),
        (160, 45),
        (100, 24),
        (150, 40),
        (90, 20),
        (160, 45),
        (110, 28),
        (140, 44),
    ];
    for (width, height) in sizes {
        w.keys_then_resize(&["j", "k", "j", "k", "End", "Home"], width, height);
        w.wait(&format!("a frame at {width}x{height}"), |s| {
            drawn_at(s, height)
        });
    }
}

#[test]
fn a_long_paste_is_read_whole() {
    require_tmux!();
    let engine = require_engine!();
    let c = engine.container("paste").cmd(&["sleep", "3600"]).start();
    // A second row, so that one row left is the filter's doing.
    let other = engine.container("other").cmd(&["sleep", "3600"]).start();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.keys(&["/"]);
    w.wait("the filter prompt", |s| {
        s.lines().last().is_some_and(|l| l.starts_with('/'))
    });
    // 3 KiB of spaces, then the end of the name (`-paste`, which the other row lacks): only
    // the last bytes filter the other row out, and nothing is typed after them to push a
    // stalled read along. Rows are counted by their image (long names are cut on screen).
    w.type_text(&format!("{}-paste", " ".repeat(3000)));
    w.wait("the whole paste filters the other row out", |s| {
        s.lines().filter(|l| l.contains("busybox")).count() == 1
    });
    assert!(c.name().ends_with("-paste") && !other.name().ends_with("-paste"));
}
