//! The Stats tab's ranges: `]`/`[` step through 15m / 1h / 24h / 7d, each asking the history
//! database for its samples; what comes back is drawn before the live tail, with markers.

use std::sync::Arc;

use wharf_core::history::{HistoryMarker, HistoryRange, HistorySeries};
use wharf_core::model::Sample;

use crate::app::App;
use crate::details::Tab;
use crate::msg::{Effect, Msg};

use super::tests::details_app;
use super::tests::fixtures::*;

fn stats_tab() -> App {
    let mut app = details_app(120, 32, Tab::Stats, true);
    app.details.as_mut().expect("details").history = Some(Ok(HistorySeries::default()));
    app
}

fn range(app: &App) -> HistoryRange {
    app.details.as_ref().expect("details").stats_range
}

#[test]
fn range_keys_step_through_the_ranges_and_ask_for_history() {
    let mut app = stats_tab();
    assert_eq!(range(&app), HistoryRange::M15);
    // Shorter than the shortest: nothing to do.
    assert!(app.update(key('[')).is_empty());
    for want in [HistoryRange::H1, HistoryRange::H24, HistoryRange::D7] {
        let fx = app.update(key(']'));
        assert_eq!(
            fx,
            vec![Effect::LoadStatsHistory {
                id: cid('a'),
                range: want
            }]
        );
        assert_eq!(range(&app), want);
        assert!(app.details.as_ref().expect("details").history.is_none());
    }
    assert!(app.update(key(']')).is_empty(), "7d is the longest");
    let fx = app.update(key('['));
    assert_eq!(
        fx,
        vec![Effect::LoadStatsHistory {
            id: cid('a'),
            range: HistoryRange::H24
        }]
    );
    // A late answer for another range is dropped; the one asked for is kept.
    app.update(Msg::StatsHistory {
        id: cid('a'),
        range: HistoryRange::D7,
        result: Ok(HistorySeries::default()),
    });
    assert!(app.details.as_ref().expect("details").history.is_none());
    app.update(Msg::StatsHistory {
        id: cid('a'),
        range: HistoryRange::H24,
        result: Err(engine_err("database is locked")),
    });
    assert!(render(&app).contains("history: database is locked"));
}

#[test]
fn opening_the_stats_tab_reads_its_history() {
    let mut app = details_app(120, 32, Tab::Logs, true);
    let fx = app.update(Msg::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Tab,
    )));
    assert_eq!(
        fx,
        vec![Effect::LoadStatsHistory {
            id: cid('a'),
            range: HistoryRange::M15
        }]
    );
    assert!(render(&app).contains("reading history…"));
}

/// 24 hours: a recorded day at 1-minute steps (a quiet night, a busy afternoon), a recreate and
/// a die marker, then the live tail.
#[test]
fn a_day_of_history_with_markers() {
    let mut app = stats_tab();
    app.update(key(']'));
    app.update(key(']'));
    assert_eq!(range(&app), HistoryRange::H24);
    let live_start = NOW_MS - 180_000;
    let samples: Vec<Sample> = (1..1440)
        .map(|i| {
            let at_ms = NOW_MS - (1440 - i) * 60_000;
            let busy = (600..900).contains(&i);
            Sample {
                at_ms,
                cpu_pct: if busy { 80.0 } else { 5.0 },
                mem_used: (if busy { 200 } else { 60 }) << 20,
                mem_limit: 512 << 20,
                net_rx_rate: if busy { 9000.0 } else { 100.0 },
                pids: 3,
                ..Default::default()
            }
        })
        .filter(|s| s.at_ms < live_start)
        .collect();
    let marker = |mins: i64, action: &str, detail: &str| HistoryMarker {
        at_ms: NOW_MS - mins * 60_000,
        kind: wharf_core::history::MarkerKind::of_action(action),
        action: action.into(),
        name: "shop-web-1".into(),
        container: "aaaaaaaaaaaa".into(),
        detail: detail.into(),
    };
    app.update(Msg::StatsHistory {
        id: cid('a'),
        range: HistoryRange::H24,
        result: Ok(HistorySeries {
            from_ms: NOW_MS - 86_400_000,
            to_ms: NOW_MS,
            step_ms: 60_000,
            samples,
            markers: vec![marker(500, "die", "exit 137"), marker(499, "recreate", "")],
        }),
    });
    let text = render(&app);
    assert!(text.contains("‹24h›"), "{text}");
    assert!(
        text.contains("die exit 137") && text.contains("recreate"),
        "{text}"
    );
    assert!(text.contains("-1d"), "the axis spans the day: {text}");
    insta::assert_snapshot!("details_stats_24h_history", text);
    // The live tail is still appended (its samples are newer than the recorded ones).
    assert!(Arc::strong_count(&app.stats) >= 1);
}

/// The Stats tab's export: the export key (ctrl-s) asks for a file name, a name of no image
/// format is refused, and the export carries what the tab draws (recorded samples older than
/// the live series, then the live ones) and its range; the loop adds the markers. An existing
/// file is replaced only after a `y`.
#[test]
fn the_export_key_asks_for_a_file_and_sends_what_the_tab_draws() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::msg::Exported;
    use crate::prompt::{Mode, PromptKind};

    let ctrl_s = || Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let toast = |app: &App| {
        app.toast
            .as_ref()
            .map(|t| t.text.clone())
            .unwrap_or_default()
    };
    let mut app = stats_tab();
    let live: Vec<Sample> = app
        .stats
        .series
        .get(&cid('a'))
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    assert!(!live.is_empty(), "the fixture has live samples");
    // One recorded sample older than the live series, one the live series also has.
    let older = Sample {
        at_ms: live[0].at_ms - 60_000,
        ..live[0]
    };
    app.details.as_mut().expect("details").history = Some(Ok(HistorySeries {
        samples: vec![older, live[0]],
        ..HistorySeries::default()
    }));

    app.update(ctrl_s());
    let Mode::Input(PromptKind::StatsExport(id), input) = &app.mode else {
        panic!("expected the export prompt, got {:?}", app.mode);
    };
    assert_eq!(id, &cid('a'));
    assert!(input.text.ends_with("-stats.png"), "{}", input.text);
    let stem = input.text.trim_end_matches(".png").to_owned();
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "txt");
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    assert!(
        toast(&app).contains("must end in .png or .svg"),
        "{}",
        toast(&app)
    );

    app.update(ctrl_s());
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "svg");
    let fx = app.update(code(KeyCode::Enter));
    let [Effect::ExportStats {
        id,
        path,
        samples,
        window_secs: 900,
        overwrite: false,
    }] = fx.as_slice()
    else {
        panic!("expected one 15-minute export, got {fx:?}");
    };
    assert_eq!(id, &cid('a'));
    assert_eq!(path, &std::path::PathBuf::from(format!("{stem}.svg")));
    assert_eq!(
        samples.len(),
        live.len() + 1,
        "the older recorded one, then the live"
    );
    assert_eq!(samples[0].at_ms, older.at_ms);

    // The file was there: asked again, and only `y` replaces it.
    let path = path.clone();
    app.update(Msg::StatsExported {
        id: cid('a'),
        path: path.clone(),
        result: Exported::Exists,
    });
    assert!(matches!(
        &app.mode,
        Mode::Input(PromptKind::StatsOverwrite { .. }, _)
    ));
    type_text(&mut app, "y");
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::ExportStats {
                overwrite: true,
                ..
            }]
        ),
        "{fx:?}"
    );
    app.update(Msg::StatsExported {
        id: cid('a'),
        path,
        result: Exported::Written,
    });
    assert!(
        toast(&app).contains(&format!("exported the graphs to {stem}.svg")),
        "{}",
        toast(&app)
    );
}

#[test]
fn the_export_key_means_nothing_outside_the_stats_tab() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = details_app(120, 32, Tab::Inspect, true);
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    assert!(
        !matches!(
            &app.mode,
            crate::prompt::Mode::Input(crate::prompt::PromptKind::StatsExport(_), _)
        ),
        "{:?}",
        app.mode
    );
}
