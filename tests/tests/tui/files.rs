//! The Files and Changes tabs in the real `wharf`: shift-tab to Changes shows a file the
//! container made, Files lists `/`, Enter goes into a directory made with the docker CLI and
//! Backspace comes back up.

use wharf_tests::require_engine;

use crate::require_tmux;
use crate::term::Wharf;

#[test]
fn browse_into_a_directory_and_see_the_changes() {
    require_tmux!();
    let engine = require_engine!();
    let c = engine.container("files").cmd(&["sleep", "3600"]).start();
    engine.docker_ok(&[
        "exec",
        c.id(),
        "sh",
        "-c",
        "mkdir -p /wharf-dir/inner && printf 12345 > /wharf-dir/five.txt",
    ]);
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.filter_to(c.name());
    w.keys(&["Enter"]);
    w.wait_for_text(" Logs ");
    // Full screen, so all of `/` fits.
    w.keys(&["z"]);
    // Changes is the last tab, Files the one before it.
    w.keys(&["BTab"]);
    w.wait("the Changes tab", |s| s.contains("A /wharf-dir/five.txt"));
    w.keys(&["BTab"]);
    let s = w.wait("the Files tab listing /", |s| {
        s.contains("in /") && s.contains("wharf-dir/") && s.contains("etc/")
    });
    // Directories first, by name: walk down to wharf-dir and open it.
    let dirs: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with('d'))
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    let at = dirs
        .iter()
        .position(|d| *d == "wharf-dir/")
        .unwrap_or_else(|| panic!("wharf-dir/ among the directories:\n{s}"));
    for _ in 0..at {
        w.keys(&["j"]);
    }
    w.keys(&["Enter"]);
    let s = w.wait("the listing of /wharf-dir", |s| {
        s.contains("in /wharf-dir") && s.contains("inner/") && s.contains("five.txt")
    });
    let five = s
        .lines()
        .find(|l| l.contains("five.txt"))
        .unwrap_or_default();
    assert!(
        five.starts_with("-rw-r--r--") && five.contains(" 5B "),
        "{s}"
    );
    w.keys(&["BSpace"]);
    w.wait("back up in /", |s| {
        s.contains("in /") && s.contains("wharf-dir/") && !s.contains("five.txt")
    });
}
