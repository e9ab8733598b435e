//! The Stats tab's export: the prompt for a file name (the export key, ctrl-s by default),
//! the samples the tab shows (recorded ones older than the live series, then the live ones,
//! over the tab's range), and the outcome. The loop reads the container's markers and writes
//! the file (`crate::stats_export`).

use std::path::PathBuf;

use wharf_core::history::HistoryRange;
use wharf_core::model::{ContainerId, Sample};

use super::prompts::expand_home;
use super::App;
use crate::msg::{Effect, Exported};
use crate::prompt::{Input, Mode, PromptKind};

impl App {
    /// What the Stats tab of `id` draws: the recorded samples of its range older than the live
    /// series, then the live ones, within the range; and the range in seconds.
    fn stats_export_samples(&self, id: &ContainerId) -> (Vec<Sample>, u32) {
        let details = self.details.as_ref().filter(|d| d.id == *id);
        let range = details.map_or(HistoryRange::default(), |d| d.stats_range);
        let live: Vec<Sample> = self
            .stats
            .series
            .get(id)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        let first_live = live.first().map_or(i64::MAX, |s| s.at_ms);
        let mut samples: Vec<Sample> = match details.and_then(|d| d.history.as_ref()) {
            Some(Ok(h)) => h
                .samples
                .iter()
                .filter(|s| s.at_ms < first_live)
                .copied()
                .collect(),
            // Not read (yet) or unreadable: the live series alone.
            _ => Vec::new(),
        };
        samples.extend(live);
        let span = range.span_ms();
        let newest = samples.last().map_or(0, |s| s.at_ms);
        samples.retain(|s| newest - s.at_ms <= span);
        (samples, u32::try_from(span / 1000).unwrap_or(u32::MAX))
    }

    pub(super) fn on_stats_prompt(&mut self, kind: PromptKind, text: &str) -> Vec<Effect> {
        let (id, path, overwrite) = match kind {
            PromptKind::StatsExport(id) if !text.is_empty() => (id, expand_home(text), false),
            PromptKind::StatsOverwrite { id, path } if text.eq_ignore_ascii_case("y") => {
                (id, path, true)
            }
            PromptKind::StatsOverwrite { .. } => {
                self.toast("not overwritten", false);
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        if !self.export_format_ok(&path, &["png", "svg"]) {
            return Vec::new();
        }
        let (samples, window_secs) = self.stats_export_samples(&id);
        if samples.is_empty() {
            self.toast(
                "export: nothing to export yet (no samples of this container)",
                true,
            );
            return Vec::new();
        }
        vec![Effect::ExportStats {
            id,
            path,
            samples,
            window_secs,
            overwrite,
        }]
    }

    pub(super) fn on_stats_exported(&mut self, id: ContainerId, path: PathBuf, result: Exported) {
        let shown = wharf_core::streams::text::inert(&path.display().to_string()).into_owned();
        match result {
            Exported::Written => self.toast(format!("exported the graphs to {shown}"), false),
            Exported::Exists => {
                self.toast(format!("{shown} exists"), true);
                self.mode = Mode::Input(PromptKind::StatsOverwrite { id, path }, Input::default());
            }
            Exported::Failed(e) => self.toast(format!("export failed: {e}"), true),
        }
    }
}
