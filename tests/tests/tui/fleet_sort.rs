//! A click on a column title sorts the fleet's tables, in the real terminal UI with the mouse
//! on: `wharf --host A --host B` with the shared test engine (`alpha…`) and a private one
//! (`beta…`). The containers are listed by ENGINE first; a click on NAME orders them by name
//! across both engines (the title shows `NAME↑`), a second click reverses (`NAME↓`), and the
//! selection stays on its container (a title is not a row: `s` names the same one before and
//! after the clicks).
//! In `:volumes`, a click on NAME orders both engines' volumes by name the same way.

use wharf_tests::{require_engine, require_private_engine, PrivateOpts};

use crate::{fleet_pair, require_tmux};

/// The line of the column titles (the one with `first` and `last`) and the x of `title` on it.
fn title_at(s: &str, first: &str, last: &str, title: &str) -> (u16, u16) {
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(first) && l.contains(last))
        .unwrap_or_else(|| panic!("no column titles:\n{s}"));
    let byte = line
        .find(title)
        .unwrap_or_else(|| panic!("no title {title:?}:\n{s}"));
    (y as u16, line[..byte].chars().count() as u16)
}

/// `names` in the order their rows are on screen (none missing).
fn order<'a>(s: &str, names: &[&'a str]) -> Option<Vec<&'a str>> {
    let mut at: Vec<(usize, &str)> = names
        .iter()
        .map(|n| s.lines().position(|l| l.contains(n)).map(|y| (y, *n)))
        .collect::<Option<_>>()?;
    at.sort();
    Some(at.into_iter().map(|(_, n)| n).collect())
}

#[test]
fn a_click_on_a_fleet_column_title_sorts_by_it_and_again_reverses() {
    require_tmux!();
    let shared = require_engine!();
    let other = require_private_engine!(PrivateOpts::default());
    let pid = std::process::id();
    let start = |engine: &wharf_tests::TestEngine, letter: &str| {
        engine
            .container(&format!("fsort-{letter}"))
            .named(&format!("wharf-fsort-{letter}-{pid}"))
            .cmd(&["sleep", "3600"])
            .start()
    };
    let b = start(shared, "b");
    let a = start(&other, "a");
    let c = start(&other, "c");
    let vol_beta = other.volume("fsort");
    let vol_alpha = shared.volume("fsort");
    let (mut w, alpha, beta, _dir) = fleet_pair::start(shared, &other, ["", ""], true);
    // This test's containers only, by ENGINE: alpha's b, then beta's a and c.
    w.wait("both engines connected", |s| {
        s.lines()
            .any(|l| l.contains(&beta) && l.contains("connected"))
            && s.lines()
                .any(|l| l.contains(&alpha) && l.contains("connected"))
    });
    w.keys(&["/"]);
    w.type_text(&format!("fsort {pid}"));
    w.keys(&["Enter"]);
    let names = [a.name(), b.name(), c.name()];
    w.wait("this test's containers by engine", |s| {
        s.contains("containers (3)") && order(s, &names) == Some(vec![b.name(), a.name(), c.name()])
    });

    // Which container is selected before the clicks (rows arrive from two engines, so it
    // need not be the first row): `s` names it, `n` leaves it running.
    w.keys(&["s"]);
    let asked = w.wait("the stop confirmation", |s| s.contains("stop wharf-fsort-"));
    let selected = [a.name(), b.name(), c.name()]
        .into_iter()
        .find(|n| asked.contains(&format!("stop {n} ")))
        .unwrap_or_else(|| panic!("no container of this test named:\n{asked}"))
        .to_owned();
    w.keys(&["n"]);
    let s = w.wait("the confirmation closes", |s| !s.contains("stop wharf"));

    let (y, x) = title_at(&s, "ENGINE", "STATUS", "NAME");
    w.mouse(0, x + 1, y);
    let s = w.wait("by name across engines, NAME↑", |s| {
        s.contains("NAME↑") && order(s, &names) == Some(vec![a.name(), b.name(), c.name()])
    });
    assert!(!s.contains("ENGINE↑"), "{s}");
    let (y, x) = title_at(&s, "ENGINE", "STATUS", "NAME");
    w.mouse(0, x, y);
    w.wait("reversed, NAME↓", |s| {
        s.contains("NAME↓") && order(s, &names) == Some(vec![c.name(), b.name(), a.name()])
    });
    // The clicks selected no row: the selection is still the container it was on.
    w.keys(&["s"]);
    w.wait_for_text(&format!("stop {selected} "));
    w.keys(&["n"]);
    w.wait("the confirmation closes", |s| !s.contains("stop wharf"));

    // `:volumes`: both engines' volumes of this test, by ENGINE, then by NAME on a click.
    w.keys(&[":"]);
    w.type_text("volumes");
    w.keys(&["Enter"]);
    w.keys(&["/"]);
    w.type_text(&format!("fsort {pid}"));
    w.keys(&["Enter"]);
    let vols = [vol_alpha.name(), vol_beta.name()];
    let s = w.wait("this test's volumes by engine", |s| {
        s.contains("volumes (2)") && order(s, &vols) == Some(vec![vols[0], vols[1]])
    });
    let mut by_name = vols.to_vec();
    by_name.sort_by_key(|n| n.to_lowercase());
    let (y, x) = title_at(&s, "ENGINE", "DRIVER", "NAME");
    w.mouse(0, x, y);
    w.wait("volumes by name, NAME↑", |s| {
        s.contains("NAME↑") && order(s, &vols).as_ref() == Some(&by_name)
    });
    w.mouse(0, x, y);
    by_name.reverse();
    w.wait("volumes reversed, NAME↓", |s| {
        s.contains("NAME↓") && order(s, &vols).as_ref() == Some(&by_name)
    });
}
