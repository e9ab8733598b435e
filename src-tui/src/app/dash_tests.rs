//! `:dash` through `App::update`: it opens over the engine or one project, follows the hub's
//! samples, toggles its stacking, asks where to export and asks again before replacing a
//! file; an unknown project or a bad file name is refused with a message and no effect.

use std::sync::Arc;

use crossterm::event::KeyCode;
use wharf_core::model::Sample;
use wharf_core::streams::{DashScope, Series, Stacking, StatsView};

use crate::app::App;
use crate::msg::{Effect, Exported, Msg};
use crate::prompt::{Mode, PromptKind};
use crate::view::tests::fixtures::*;

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// Ten seconds of samples of web (`a`, project shop) at 50 % and db (`b`) at 25 %.
fn stats(revision: u64) -> Arc<StatsView> {
    let mut v = StatsView {
        revision,
        ..Default::default()
    };
    for (c, cpu) in [('a', 50.0), ('b', 25.0)] {
        let mut s = Series::default();
        for t in 0..10 {
            s.push(Sample {
                at_ms: 1_700_000_000_000 + t * 1000,
                cpu_pct: cpu,
                mem_used: 1 << 20,
                ..Default::default()
            });
        }
        v.series.insert(cid(c), s);
    }
    Arc::new(v)
}

fn app() -> App {
    app_with(crate::app::Settings::default(), snapshot(), 120, 40)
}

#[test]
fn dash_opens_follows_samples_and_toggles_stacking() {
    let mut app = app();
    let fx = command_line(&mut app, "dash");
    assert!(fx.contains(&Effect::LoadDiskUsage), "{fx:?}");
    assert_eq!(
        app.dash.as_ref().map(|d| &d.scope),
        Some(&DashScope::Engine)
    );
    app.update(Msg::Stats(stats(1)));
    let d = app.dash.as_ref().unwrap();
    assert_eq!(d.series.at_ms.len(), 10);
    let cpu = &d.series.charts[0];
    assert_eq!(cpu.groups, ["shop"]);
    assert_eq!(cpu.totals()[9], 0.75);
    let screen = render(&app);
    assert!(screen.contains("Dashboard · engine"), "{screen}");
    assert!(screen.contains("CPU 0.75 cores"), "{screen}");
    assert!(
        screen.contains("containers 3 running · 1 paused · 2 stopped"),
        "{screen}"
    );
    app.update(key('s'));
    let d = app.dash.as_ref().unwrap();
    assert_eq!(d.stacking, Stacking::Top { n: 5 });
    assert_eq!(d.series.charts[0].groups, ["shop-db-1", "shop-web-1"]);
    assert!(render(&app).contains("stacked top 5"));
    app.update(code(KeyCode::Esc));
    assert!(app.dash.is_none(), "Esc closes it");
}

#[test]
fn dash_of_a_project_and_an_unknown_name() {
    let mut app = app();
    command_line(&mut app, "dash shop");
    assert_eq!(
        app.dash.as_ref().map(|d| d.scope.clone()),
        Some(DashScope::Project {
            name: "shop".into()
        })
    );
    app.update(Msg::Stats(stats(1)));
    assert_eq!(
        app.dash.as_ref().unwrap().series.charts[0].groups,
        ["db", "web"]
    );
    app.dash = None;
    let fx = command_line(&mut app, "dash nosuch");
    assert!(fx.is_empty() && app.dash.is_none());
    assert!(toast(&app).contains("no compose project or Swarm service called \"nosuch\""));
}

#[test]
fn export_asks_for_a_path_and_again_before_replacing() {
    let mut app = app();
    command_line(&mut app, "dash");
    // Nothing sampled yet: refused, nothing written.
    app.update(Msg::Stats(Arc::new(StatsView {
        revision: 99,
        ..Default::default()
    })));
    app.update(key('e'));
    let fx = app.update(code(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        toast(&app).contains("nothing to export yet"),
        "{}",
        toast(&app)
    );
    app.update(Msg::Stats(stats(1)));
    app.update(key('e'));
    let Mode::Input(PromptKind::DashExport, input) = &app.mode else {
        panic!("expected the export prompt, got {:?}", app.mode);
    };
    assert_eq!(input.text, "wharf-dash.png");
    // A name that is none of the formats.
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "txt");
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    assert!(toast(&app).contains("must end in .png, .svg or .csv"));
    app.update(key('e'));
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "csv");
    let fx = app.update(code(KeyCode::Enter));
    // The refusal from before the prompt is not shown again as if it were this export's.
    assert_eq!(toast(&app), "", "while the export is written");
    let [Effect::ExportDash {
        path,
        series,
        overwrite: false,
        ..
    }] = fx.as_slice()
    else {
        panic!("expected one export, got {fx:?}");
    };
    assert_eq!(path, &std::path::PathBuf::from("wharf-dash.csv"));
    assert_eq!(series.at_ms.len(), 10);
    // The file was there: asked again, and only `y` replaces it.
    app.update(Msg::DashExported {
        path: path.clone(),
        result: Exported::Exists,
    });
    assert!(matches!(
        &app.mode,
        Mode::Input(PromptKind::DashOverwrite(_), _)
    ));
    type_text(&mut app, "y");
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::ExportDash {
                overwrite: true,
                ..
            }]
        ),
        "{fx:?}"
    );
    app.update(Msg::DashExported {
        path: path.clone(),
        result: Exported::Written,
    });
    assert!(toast(&app).contains("exported the graphs to wharf-dash.csv"));
}

#[test]
fn dash_reads_its_markers_draws_them_and_exports_them() {
    use wharf_core::history::{HistoryMarker, MarkerKind};
    let mut app = app();
    let fx = command_line(&mut app, "dash shop");
    let shop = DashScope::Project {
        name: "shop".into(),
    };
    assert!(
        fx.contains(&Effect::LoadDashMarkers(shop.clone())),
        "{fx:?}"
    );
    // One question at a time: no new one before the answer.
    assert!(!app
        .update(Msg::Stats(stats(9)))
        .contains(&Effect::LoadDashMarkers(shop.clone())));
    let die = HistoryMarker {
        at_ms: 1_700_000_000_000 + 5000,
        kind: MarkerKind::Die,
        action: "die".into(),
        name: "shop-web-1".into(),
        container: "aaaaaaaaaaaa".into(),
        detail: "exit 3".into(),
    };
    // An answer for another scope (a dashboard closed meanwhile) is dropped.
    app.update(Msg::DashMarkers {
        scope: DashScope::Engine,
        result: Ok(vec![die.clone()]),
    });
    assert!(app.dash.as_ref().unwrap().markers.is_empty());
    app.update(Msg::DashMarkers {
        scope: shop.clone(),
        result: Ok(vec![die.clone()]),
    });
    let screen = render(&app);
    assert!(
        screen.contains("events · 22:13:25 die exit 3 shop-web-1"),
        "{screen}"
    );
    // Asked again after MARKERS_EVERY publications (asked at 0, then at 9).
    assert!(app
        .update(Msg::Stats(stats(9)))
        .contains(&Effect::LoadDashMarkers(shop.clone())));
    app.update(Msg::DashMarkers {
        scope: shop.clone(),
        result: Ok(vec![die.clone()]),
    });
    assert!(!app
        .update(Msg::Stats(stats(10)))
        .contains(&Effect::LoadDashMarkers(shop.clone())));
    assert!(app
        .update(Msg::Stats(stats(9 + super::MARKERS_EVERY)))
        .contains(&Effect::LoadDashMarkers(shop.clone())));
    app.update(Msg::DashMarkers {
        scope: shop.clone(),
        result: Err(wharf_core::error::CoreError::invalid_input("locked")),
    });
    assert!(render(&app).contains("events · history: locked"));
    app.update(key('e'));
    let fx = app.update(code(KeyCode::Enter));
    let [Effect::ExportDash { markers, .. }] = fx.as_slice() else {
        panic!("expected one export, got {fx:?}");
    };
    assert_eq!(
        markers,
        &[die],
        "the export draws the markers the panel shows"
    );
}
