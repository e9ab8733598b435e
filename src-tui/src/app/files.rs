//! Container files in the app: listings and diffs arriving for the open container, the copy
//! prompts' answers, and the one copy in flight (its progress in the footer, Esc cancels it).

use wharf_core::error::{CoreError, ErrorKind};
use wharf_core::model::{ContainerId, CopyProgress, CopyReport, DirListing, FileChange};

use super::App;
use crate::msg::Effect;
use crate::prompt::{Input, Mode, PromptKind};

/// The copy in flight, for the footer.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyState {
    /// "copy /etc out" (container text made inert when drawn).
    pub what: String,
    pub progress: CopyProgress,
    /// Copy out: what to ask when the host path exists (`id`, `src`, `dest`).
    pub retry: Option<(ContainerId, String, std::path::PathBuf)>,
}

impl App {
    pub(super) fn on_listing(
        &mut self,
        id: ContainerId,
        dir: String,
        result: Result<DirListing, CoreError>,
    ) {
        if let Some(d) = self.details.as_mut().filter(|d| d.id == id) {
            d.files.set(&dir, result);
        }
    }

    pub(super) fn on_changes(
        &mut self,
        id: ContainerId,
        result: Result<Vec<FileChange>, CoreError>,
    ) {
        if let Some(d) = self.details.as_mut().filter(|d| d.id == id) {
            d.changes = Some(result);
        }
    }

    pub(super) fn on_copy_progress(&mut self, p: CopyProgress) {
        if let Some(c) = &mut self.copy {
            c.progress = p;
        }
    }

    pub(super) fn on_copy_done(&mut self, r: Result<CopyReport, CoreError>) -> Vec<Effect> {
        let Some(copy) = self.copy.take() else {
            return Vec::new();
        };
        match r {
            Ok(report) => {
                let skipped = report.skipped.len();
                let mut text = format!("{}: done → {}", copy.what, report.target);
                if skipped > 0 {
                    let first = &report.skipped[0];
                    text.push_str(&format!(
                        " ({skipped} entr{} skipped, e.g. {}: {})",
                        if skipped == 1 { "y" } else { "ies" },
                        first.path,
                        first.reason
                    ));
                }
                self.toast(text, skipped > 0);
                // The listing shows what was copied in.
                self.details
                    .as_mut()
                    .filter(|d| d.tab == crate::details::Tab::Files)
                    .map(|d| {
                        let dir = d.files.dir.clone();
                        d.files.open(&d.id, dir)
                    })
                    .unwrap_or_default()
            }
            Err(e) if e.kind() == ErrorKind::Conflict && copy.retry.is_some() => {
                if let Some((id, src, dest)) = copy.retry {
                    self.toast(e.to_string(), true);
                    self.mode =
                        Mode::Input(PromptKind::Overwrite { id, src, dest }, Input::default());
                }
                Vec::new()
            }
            Err(e) if e.kind() == ErrorKind::Cancelled => {
                self.toast(format!("{}: cancelled", copy.what), false);
                Vec::new()
            }
            Err(e) => {
                self.toast(format!("{} failed: {e}", copy.what), true);
                Vec::new()
            }
        }
    }

    /// Start a copy out (refused while another copy runs).
    pub(super) fn start_copy_out(
        &mut self,
        id: ContainerId,
        src: String,
        dest: std::path::PathBuf,
        overwrite: bool,
    ) -> Vec<Effect> {
        if self.copy.is_some() {
            self.toast("a copy is already running (Esc cancels it)", true);
            return Vec::new();
        }
        self.copy = Some(CopyState {
            what: format!("copy {src} out"),
            progress: CopyProgress {
                bytes: 0,
                total: None,
            },
            retry: (!overwrite).then(|| (id.clone(), src.clone(), dest.clone())),
        });
        vec![Effect::CopyOut {
            id,
            src,
            dest,
            overwrite,
        }]
    }

    pub(super) fn start_copy_in(
        &mut self,
        id: ContainerId,
        src: std::path::PathBuf,
        dest: String,
    ) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast("read-only mode: copying into a container is disabled", true);
            return Vec::new();
        }
        if self.copy.is_some() {
            self.toast("a copy is already running (Esc cancels it)", true);
            return Vec::new();
        }
        self.copy = Some(CopyState {
            what: format!("copy {} in", src.display()),
            progress: CopyProgress {
                bytes: 0,
                total: None,
            },
            retry: None,
        });
        vec![Effect::CopyIn { id, src, dest }]
    }

    /// Esc while a copy runs cancels it.
    pub(super) fn cancel_copy(&mut self) -> Vec<Effect> {
        match self.copy.take() {
            Some(c) => {
                self.toast(format!("{}: cancelled", c.what), false);
                vec![Effect::CancelCopy]
            }
            None => Vec::new(),
        }
    }
}
