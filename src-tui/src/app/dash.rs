//! `:dash [PROJECT | service NAME]`: the live dashboard panel. It takes the keys and the
//! screen below the header (as the compose panel does) and shows the core's engine-wide
//! graphs ([`EngineSeries`]) for the whole engine, one compose project or one Swarm service,
//! stacked by group or by the top N containers (`s` toggles), with the state counts and the
//! objects' counts and disk usage. While it is open the stats hub samples every running
//! container (the loop calls `sample_all`); the graphs are recomputed when the hub publishes
//! (once a second), never while drawing. `e` exports them as PNG, SVG or CSV (asks for the
//! path; an existing file is replaced only after a `y`). The recorded events and fired alerts
//! of the scope (the history's markers) are read on open and every [`MARKERS_EVERY`] hub
//! publications, drawn on the graphs and listed, and exported with them.

use crossterm::event::KeyEvent;
use wharf_core::chart::dash::DashSeries;
use wharf_core::error::CoreError;
use wharf_core::history::HistoryMarker;
use wharf_core::streams::{DashScope, EngineSeries, Stacking};

use super::prompts::expand_home;
use super::App;
use crate::keymap::{Action, Key};
use crate::msg::{Effect, Exported};
use crate::prompt::{Input, Mode, PromptKind};

/// Containers named in the "top N" stacking.
pub const DASH_TOP: usize = 5;

/// The markers are read again every this many hub publications (about seconds).
pub const MARKERS_EVERY: u64 = 5;

/// The open dashboard.
#[derive(Debug)]
pub struct DashPanel {
    pub scope: DashScope,
    pub stacking: Stacking,
    /// The graphs as of the hub's latest view.
    pub series: DashSeries,
    /// The stats revision the graphs were computed from.
    revision: Option<u64>,
    agg: EngineSeries,
    /// The scope's events and fired alerts over the graphs' 15 minutes, oldest first.
    pub markers: Vec<HistoryMarker>,
    /// Why the markers could not be read, when they could not.
    pub markers_error: Option<String>,
    /// The stats revision the markers were last asked at, and whether an answer is awaited.
    markers_asked: Option<u64>,
    markers_loading: bool,
}

impl DashPanel {
    fn new(scope: DashScope) -> DashPanel {
        DashPanel {
            scope,
            stacking: Stacking::Group,
            series: DashSeries::default(),
            revision: None,
            agg: EngineSeries::default(),
            markers: Vec::new(),
            markers_error: None,
            markers_asked: None,
            markers_loading: false,
        }
    }
}

impl App {
    /// `:dash`, `:dash PROJECT`, `:dash service NAME`.
    pub(super) fn dash_command(&mut self, words: &[&str]) -> Vec<Effect> {
        let snap = &self.snapshot;
        let has_service = |name: &str| snap.services.values().any(|s| s.name == name);
        let scope = match words {
            [] => DashScope::Engine,
            ["service", name] if has_service(name) => DashScope::Service {
                name: (*name).to_owned(),
            },
            [name] if wharf_core::rules::compose::project(snap, name).is_some() => {
                DashScope::Project {
                    name: (*name).to_owned(),
                }
            }
            [name] if has_service(name) => DashScope::Service {
                name: (*name).to_owned(),
            },
            _ => {
                let what = wharf_core::streams::text::inert(&words.join(" ")).into_owned();
                self.toast(
                    format!("dash: no compose project or Swarm service called {what:?} (:dash, :dash PROJECT, :dash service NAME)"),
                    true,
                );
                return Vec::new();
            }
        };
        self.dash = Some(DashPanel::new(scope));
        self.dash_refresh();
        let mut fx = vec![Effect::LoadDiskUsage];
        fx.extend(self.dash_ask_markers());
        fx
    }

    /// Recompute the graphs when the hub published a new view (or the snapshot changed who
    /// the containers are).
    pub(super) fn dash_refresh(&mut self) {
        let Some(panel) = &mut self.dash else {
            return;
        };
        panel.agg.learn(&self.snapshot, &self.stats);
        panel.series = panel
            .agg
            .series(&self.stats, &self.snapshot, &panel.scope, panel.stacking);
        panel.revision = Some(self.stats.revision);
    }

    /// Recompute only if the hub's view is newer than the graphs; read the markers again
    /// every [`MARKERS_EVERY`] publications.
    pub(super) fn dash_on_stats(&mut self) -> Vec<Effect> {
        if self
            .dash
            .as_ref()
            .is_some_and(|p| p.revision != Some(self.stats.revision))
        {
            self.dash_refresh();
        }
        self.dash_ask_markers().into_iter().collect()
    }

    /// Ask for the markers when none are awaited and [`MARKERS_EVERY`] publications passed.
    fn dash_ask_markers(&mut self) -> Option<Effect> {
        let rev = self.stats.revision;
        let panel = self.dash.as_mut()?;
        let due = panel
            .markers_asked
            .is_none_or(|at| rev >= at + MARKERS_EVERY);
        if panel.markers_loading || !due {
            return None;
        }
        panel.markers_loading = true;
        panel.markers_asked = Some(rev);
        Some(Effect::LoadDashMarkers(panel.scope.clone()))
    }

    /// The markers read for `scope`: kept if the same dashboard is still open (an answer for
    /// one closed or changed meanwhile is dropped).
    pub(super) fn on_dash_markers(
        &mut self,
        scope: DashScope,
        result: Result<Vec<HistoryMarker>, CoreError>,
    ) {
        let Some(panel) = self.dash.as_mut().filter(|p| p.scope == scope) else {
            return;
        };
        panel.markers_loading = false;
        match result {
            Ok(m) => {
                panel.markers = m;
                panel.markers_error = None;
            }
            Err(e) => panel.markers_error = Some(e.to_string()),
        }
    }

    pub(super) fn on_dash_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let actions: Vec<Action> = self.settings.keymap.actions(Key::from_event(&k)).collect();
        for a in actions {
            match a {
                Action::DashStacking => {
                    if let Some(p) = &mut self.dash {
                        p.stacking = match p.stacking {
                            Stacking::Group => Stacking::Top { n: DASH_TOP },
                            Stacking::Top { .. } => Stacking::Group,
                        };
                    }
                    self.dash_refresh();
                }
                Action::DashExport => {
                    let name = match self.dash.as_ref().map(|p| &p.scope) {
                        Some(DashScope::Project { name } | DashScope::Service { name }) => {
                            format!("wharf-dash-{name}.png")
                        }
                        _ => "wharf-dash.png".to_owned(),
                    };
                    self.mode = Mode::Input(PromptKind::DashExport, Input::new(&name));
                }
                Action::Back | Action::Quit => self.dash = None,
                Action::Command | Action::Help => {
                    if let Some(fx) = self.on_action(a) {
                        return fx;
                    }
                }
                _ => continue,
            }
            break;
        }
        Vec::new()
    }

    pub(super) fn on_dash_prompt(&mut self, kind: PromptKind, text: &str) -> Vec<Effect> {
        if self.dash.is_none() {
            return Vec::new();
        }
        let (path, overwrite) = match kind {
            PromptKind::DashExport if !text.is_empty() => (expand_home(text), false),
            PromptKind::DashOverwrite(path) if text.eq_ignore_ascii_case("y") => (path, true),
            PromptKind::DashOverwrite(_) => {
                self.toast("not overwritten", false);
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        if !self.export_format_ok(&path, &["png", "svg", "csv"]) {
            return Vec::new();
        }
        let Some(panel) = &self.dash else {
            return Vec::new();
        };
        if panel.series.at_ms.is_empty() {
            self.toast(
                "export: nothing to export yet (no samples of running containers)",
                true,
            );
            return Vec::new();
        }
        vec![Effect::ExportDash {
            path,
            series: Box::new(panel.series.clone()),
            markers: panel.markers.clone(),
            dark: false,
            overwrite,
        }]
    }

    pub(super) fn on_dash_exported(&mut self, path: std::path::PathBuf, result: Exported) {
        let shown = wharf_core::streams::text::inert(&path.display().to_string()).into_owned();
        match result {
            Exported::Written => self.toast(format!("exported the graphs to {shown}"), false),
            Exported::Exists => {
                self.toast(format!("{shown} exists"), true);
                self.mode = Mode::Input(PromptKind::DashOverwrite(path), Input::default());
            }
            Exported::Failed(e) => self.toast(format!("export failed: {e}"), true),
        }
    }
}

#[cfg(test)]
#[path = "dash_tests.rs"]
mod tests;
