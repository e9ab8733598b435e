//! The Files and Changes tabs of a container's details: a directory browser over the core's
//! archive listings (Enter into directories, Backspace up) and `docker diff`.
//!
//! In the Files tab the movement keys, Enter and Backspace belong to the file list (in both
//! layouts): the tab exists to walk a directory tree, and the container list is one Esc away.
//! Names are container text: the view draws them through `format::inert`.

use wharf_core::error::CoreError;
use wharf_core::model::{ContainerId, DirListing, FileChange, FileKind};

use crate::keymap::Action;
use crate::msg::Effect;
use crate::prompt::{Input, Mode, PromptKind};

/// The file browser's state for one container.
#[derive(Debug, Default)]
pub struct FilesState {
    /// The directory shown (absolute, no trailing slash except `/`).
    pub dir: String,
    /// The newest listing asked for; `None` while loading.
    pub listing: Option<Result<DirListing, CoreError>>,
    pub selected: usize,
}

impl FilesState {
    pub fn new() -> FilesState {
        FilesState {
            dir: "/".into(),
            listing: None,
            selected: 0,
        }
    }

    /// Ask for `dir`'s listing.
    pub fn open(&mut self, id: &ContainerId, dir: String) -> Vec<Effect> {
        self.dir = dir;
        self.listing = None;
        self.selected = 0;
        vec![Effect::ListDir {
            id: id.clone(),
            dir: self.dir.clone(),
        }]
    }

    /// A listing arrived: kept only when it is for the directory shown (stale ones dropped).
    pub fn set(&mut self, dir: &str, result: Result<DirListing, CoreError>) {
        if dir == self.dir {
            self.listing = Some(result);
            self.selected = 0;
        }
    }

    fn entries_len(&self) -> usize {
        match &self.listing {
            Some(Ok(l)) => l.entries.len(),
            _ => 0,
        }
    }

    /// The full container path of the selected entry.
    pub fn selected_path(&self) -> Option<(String, FileKind)> {
        let Some(Ok(l)) = &self.listing else {
            return None;
        };
        let e = l.entries.get(self.selected)?;
        Some((join(&self.dir, &e.name), e.kind))
    }

    /// Keys of the Files tab; `None` when the key means nothing here.
    pub fn on_key(&mut self, id: &ContainerId, a: Action, mode: &mut Mode) -> Option<Vec<Effect>> {
        let last = self.entries_len().saturating_sub(1);
        match a {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(20),
            Action::PageDown => self.selected = (self.selected + 20).min(last),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::Open => {
                let (path, kind) = self.selected_path()?;
                if matches!(kind, FileKind::Dir | FileKind::Symlink) {
                    return Some(self.open(id, path));
                }
            }
            Action::ParentDir => {
                let up = parent(&self.dir);
                return Some(self.open(id, up));
            }
            Action::CopyOut => {
                let (src, _) = self.selected_path()?;
                *mode = Mode::Input(
                    PromptKind::CopyOut {
                        id: id.clone(),
                        src,
                    },
                    Input::new("./"),
                );
            }
            Action::CopyIn => {
                *mode = Mode::Input(
                    PromptKind::CopyIn {
                        id: id.clone(),
                        dest: self.dir.clone(),
                    },
                    Input::default(),
                );
            }
            _ => return None,
        }
        Some(Vec::new())
    }
}

/// `docker diff` of one container; `None` while loading.
pub type ChangesState = Option<Result<Vec<FileChange>, CoreError>>;

/// `dir` + `/` + `name`.
pub fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The parent of an absolute directory (`/` stays `/`).
pub fn parent(dir: &str) -> String {
    let trimmed = dir.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => trimmed[..i].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_and_go_up() {
        assert_eq!(join("/", "etc"), "/etc");
        assert_eq!(join("/etc", "ssl"), "/etc/ssl");
        assert_eq!(parent("/etc/ssl"), "/etc");
        assert_eq!(parent("/etc"), "/");
        assert_eq!(parent("/"), "/");
    }
}
