//! Images and registries in the terminal: the pull/push/save/load progress view (one transfer
//! at a time, Esc cancels), the history popup, the update check's marks, the dangling/unused
//! filter, and the login prompts (user, hidden password, then where to keep them).
//!
//! The rules are the core's (`rules::images`, `engine::credentials`); this file only holds
//! what is on screen and turns keys and `:` verbs into effects.

use crossterm::event::{KeyCode, KeyEvent};
use wharf_core::command::Command;
use wharf_core::engine::{
    HistoryEntry, RegistryCredentials, Save, SaveOutcome, SaveTarget, Secret, TagUpdate, Transfer,
    TransferEvent,
};
use wharf_core::error::CoreError;
use wharf_core::model::{Image, ImageId};
use wharf_core::rules::images::{inert_history, inert_transfer, ImageFilter, UpdateMarks};

use super::prompts::expand_home;
use super::App;
use crate::kinds::{RowKey, View};
use crate::msg::{Effect, TransferJob};
use crate::prompt::{Input, Mode, PromptKind};

/// What the images screens show besides the table.
#[derive(Debug, Clone, Default)]
pub struct ImagesState {
    pub filter: ImageFilter,
    /// The last update check (empty until one ran).
    pub marks: UpdateMarks,
    pub checking: bool,
    pub transfer: Option<TransferView>,
    pub history: Option<HistoryView>,
    /// Where "save" would keep the login being typed (asked of the loop, which reads the
    /// docker config), shown next to the choice.
    pub save_target: Option<SaveTarget>,
    next_job: u64,
}

/// The progress view of the running (or just finished) transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferView {
    pub job: u64,
    pub progress: Transfer,
    /// `None` while running; then the result line.
    pub finished: Option<Result<String, String>>,
    /// Lines under the result (a bulk image update's one line per container).
    pub lines: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct HistoryView {
    pub image: String,
    pub entries: Option<Result<Vec<HistoryEntry>, String>>,
    pub offset: usize,
}

impl App {
    /// The image under the cursor in the images view.
    fn selected_image(&self) -> Option<&Image> {
        if self.view != View::Images {
            return None;
        }
        match &self.selected_row()?.key {
            RowKey::Image(id) => self.snapshot.images.get(id).map(|i| &**i),
            _ => None,
        }
    }

    fn selected_tag(&self) -> Option<String> {
        self.selected_image()
            .and_then(|i| wharf_core::rules::prune::real_tags(i).into_iter().next())
    }

    fn refuse_read_only(&mut self, what: &str) -> bool {
        if self.settings.read_only {
            self.toast(format!("read-only mode: {what} is disabled"), true);
        }
        self.settings.read_only
    }

    /// Start a transfer; one at a time, so the view always shows the one running.
    pub(super) fn start_transfer(&mut self, what: TransferJob) -> Vec<Effect> {
        let mutating = !matches!(what, TransferJob::Save { .. });
        if mutating && self.refuse_read_only(&what.verb()) {
            return Vec::new();
        }
        if self
            .images
            .transfer
            .as_ref()
            .is_some_and(|t| t.finished.is_none())
        {
            self.toast("a transfer is running: Esc on its view cancels it", true);
            return Vec::new();
        }
        self.images.next_job += 1;
        let job = self.images.next_job;
        self.images.transfer = Some(TransferView {
            job,
            progress: Transfer::new(what.describe()),
            finished: None,
            lines: Vec::new(),
        });
        vec![Effect::StartTransfer { job, what }]
    }

    /// The transfer view of `job` while it runs (a late event of an older job or of a finished
    /// one is dropped).
    pub(super) fn running_transfer(&mut self, job: u64) -> Option<&mut TransferView> {
        self.images
            .transfer
            .as_mut()
            .filter(|t| t.job == job && t.finished.is_none())
    }

    pub(super) fn on_transfer(
        &mut self,
        job: u64,
        event: Result<TransferEvent, CoreError>,
    ) -> Vec<Effect> {
        let Some(view) = self.running_transfer(job) else {
            return Vec::new();
        };
        match event {
            Ok(TransferEvent::Progress(t)) => view.progress = inert_transfer(&t).into_owned(),
            Ok(TransferEvent::Done {
                transfer,
                image,
                digest,
            }) => {
                view.progress = inert_transfer(&transfer).into_owned();
                let what = view.progress.what.clone();
                let detail = match (image, digest) {
                    (Some(i), _) => format!("image {}", wharf_core::model::short_id(&i)),
                    (None, Some(d)) => format!("digest {d}"),
                    (None, None) => view.progress.status.clone(),
                };
                view.finished = Some(Ok(format!("{what}: done, {detail}")));
                let line = format!("{what}: done");
                self.toast(line, false);
            }
            Err(e) => {
                let mut text = e.to_string();
                if let Some(h) = e.hint() {
                    text.push_str(&format!(" ({h})"));
                }
                let text = crate::format::inert(&text);
                view.finished = Some(Err(text.clone()));
                self.toast(text, true);
            }
        }
        Vec::new()
    }

    /// Keys while a popup of this file is open: `None` when none is.
    pub(super) fn on_images_popup_key(&mut self, k: KeyEvent) -> Option<Vec<Effect>> {
        if let Some(h) = &mut self.images.history {
            match k.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('h') => {
                    self.images.history = None
                }
                KeyCode::Down | KeyCode::Char('j') => h.offset += 1,
                KeyCode::Up | KeyCode::Char('k') => h.offset = h.offset.saturating_sub(1),
                _ => {}
            }
            return Some(Vec::new());
        }
        let t = self.images.transfer.as_ref()?;
        match k.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                let job = t.job;
                let running = t.finished.is_none();
                self.images.transfer = None;
                if running {
                    self.toast("cancelled", false);
                    return Some(vec![Effect::CancelTransfer(job)]);
                }
                Some(Vec::new())
            }
            // Other keys go to the table below while the view stays on screen.
            _ => None,
        }
    }

    pub(super) fn open_history(&mut self) -> Option<Vec<Effect>> {
        let image = self.selected_image()?;
        let id = image.id.clone();
        self.images.history = Some(HistoryView {
            image: image.display_name().to_owned(),
            entries: None,
            offset: 0,
        });
        Some(vec![Effect::LoadHistory(id)])
    }

    pub(super) fn on_history(
        &mut self,
        _id: ImageId,
        result: Result<Vec<HistoryEntry>, CoreError>,
    ) -> Vec<Effect> {
        if let Some(h) = &mut self.images.history {
            h.entries = Some(result.map(inert_history).map_err(|e| e.to_string()));
        }
        Vec::new()
    }

    pub(super) fn cycle_image_filter(&mut self) -> Option<Vec<Effect>> {
        if self.view != View::Images {
            return None;
        }
        self.images.filter = self.images.filter.next();
        self.refresh_rows();
        let f = self.images.filter;
        self.toast(format!("images: {}", f.label()), false);
        Some(Vec::new())
    }

    pub(super) fn set_image_filter(&mut self, f: ImageFilter) -> Vec<Effect> {
        self.images.filter = f;
        let mut fx = self.go(View::Images);
        self.refresh_rows();
        self.toast(format!("images: {}", f.label()), false);
        fx.push(Effect::CloseLogs);
        fx
    }

    /// Check the images on screen (images view) or those the shown containers run.
    pub(super) fn check_updates(&mut self) -> Vec<Effect> {
        let ids: Vec<ImageId> = match self.view {
            View::Images => self
                .rows
                .iter()
                .filter_map(|r| match &r.key {
                    RowKey::Image(id) => Some(id.clone()),
                    _ => None,
                })
                .collect(),
            _ => self
                .rows
                .iter()
                .filter_map(|r| match &r.key {
                    RowKey::Container(id) => self
                        .snapshot
                        .containers
                        .get(id)
                        .and_then(|c| c.image_id.clone()),
                    _ => None,
                })
                .collect(),
        };
        let mut images: Vec<Image> = ids
            .iter()
            .filter_map(|id| self.snapshot.images.get(id).map(|i| (**i).clone()))
            .collect();
        images.sort_by(|a, b| a.id.cmp(&b.id));
        images.dedup_by(|a, b| a.id == b.id);
        if images.is_empty() {
            self.toast("no images to check here", true);
            return Vec::new();
        }
        self.images.checking = true;
        self.toast(
            format!(
                "checking {} image(s) against their registries…",
                images.len()
            ),
            false,
        );
        vec![Effect::CheckUpdates(images)]
    }

    pub(super) fn on_updates(&mut self, updates: Vec<TagUpdate>) -> Vec<Effect> {
        self.images.checking = false;
        self.images.marks = UpdateMarks::of(&self.snapshot, &updates);
        let outdated = self
            .images
            .marks
            .images
            .values()
            .filter(|f| **f == wharf_core::rules::images::Freshness::Outdated)
            .count();
        self.refresh_rows();
        self.toast(
            format!(
                "update check: {outdated} outdated of {} image(s)",
                self.images.marks.images.len()
            ),
            outdated > 0,
        );
        Vec::new()
    }

    /// The loop says where saving would go: now ask where to keep the login.
    pub(super) fn on_login_target(
        &mut self,
        host: String,
        user: String,
        password: Secret,
        target: Result<SaveTarget, CoreError>,
    ) -> Vec<Effect> {
        match target {
            Ok(t) => {
                self.images.save_target = Some(t);
                self.mode = Mode::Input(
                    PromptKind::LoginSave {
                        host,
                        user,
                        password,
                    },
                    Input::default(),
                );
            }
            Err(e) => self.toast(format!("login: {e}"), true),
        }
        Vec::new()
    }

    pub(super) fn on_login(&mut self, result: Result<SaveOutcome, CoreError>) -> Vec<Effect> {
        match result {
            Ok(SaveOutcome::Session) => {
                self.toast("login succeeded: kept for this session only", false)
            }
            Ok(SaveOutcome::Saved(t)) => {
                self.toast(format!("login succeeded: {}", t.describe()), false)
            }
            Err(e) => self.toast(format!("login failed: {e}"), true),
        }
        Vec::new()
    }

    /// The `:` verbs of images and registries; `None` when `first` is not one.
    pub(super) fn images_command(&mut self, first: &str, rest: &[&str]) -> Option<Vec<Effect>> {
        let fx = match (first, rest) {
            ("pull", [r]) => self.start_transfer(TransferJob::Pull((*r).to_owned())),
            ("pull", []) => match self.selected_tag() {
                Some(t) => self.start_transfer(TransferJob::Pull(t)),
                None => self.usage("pull IMAGE[:TAG|@DIGEST]"),
            },
            ("push", [r]) => self.start_transfer(TransferJob::Push((*r).to_owned())),
            ("push", []) => match self.selected_tag() {
                Some(t) => self.start_transfer(TransferJob::Push(t)),
                None => self.usage("push REGISTRY/NAME:TAG (or select a tagged image)"),
            },
            ("tag", [target]) => match self.selected_image() {
                Some(i) => {
                    let id = i.id.clone();
                    self.execute(vec![Command::Tag {
                        id,
                        target: (*target).to_owned(),
                    }])
                }
                None => self.usage("tag NAME[:TAG], on the images view"),
            },
            ("history", []) => match self.open_history() {
                Some(fx) => fx,
                None => self.usage("history, on the images view"),
            },
            ("export" | "export!", [path]) => {
                let images: Vec<String> = self
                    .targets()
                    .iter()
                    .filter_map(|r| match &r.key {
                        RowKey::Image(id) => Some(id.to_string()),
                        _ => None,
                    })
                    .collect();
                if images.is_empty() || self.view != View::Images {
                    return Some(self.usage("export FILE.tar, on the images view"));
                }
                let path = expand_home(path);
                if first == "export" && path.exists() {
                    self.toast(
                        format!(
                            "{} exists: nothing written (use :export! to replace it)",
                            path.display()
                        ),
                        true,
                    );
                    return Some(Vec::new());
                }
                self.start_transfer(TransferJob::Save {
                    images,
                    path,
                    overwrite: first == "export!",
                })
            }
            ("load", [path]) => self.start_transfer(TransferJob::Load(expand_home(path))),
            ("login", [host]) => {
                self.mode =
                    Mode::Input(PromptKind::LoginUser((*host).to_owned()), Input::default());
                Vec::new()
            }
            ("login", [host, user]) => {
                self.mode = Mode::Input(
                    PromptKind::LoginPassword {
                        host: (*host).to_owned(),
                        user: (*user).to_owned(),
                    },
                    Input::default(),
                );
                Vec::new()
            }
            ("check", []) => self.check_updates(),
            ("dangling", []) => self.set_image_filter(ImageFilter::Dangling),
            ("unused", []) => self.set_image_filter(ImageFilter::Unused),
            ("pull" | "push" | "tag" | "export" | "export!" | "load" | "login", _) => {
                self.usage(match first {
                    "pull" => "pull IMAGE[:TAG|@DIGEST]",
                    "push" => "push [REGISTRY/NAME:TAG]",
                    "tag" => "tag NAME[:TAG]",
                    "export" | "export!" => "export FILE.tar",
                    "load" => "load FILE.tar",
                    _ => "login HOST [USER]",
                })
            }
            _ => return None,
        };
        Some(fx)
    }

    fn usage(&mut self, text: &str) -> Vec<Effect> {
        self.toast(format!("usage: :{text}"), true);
        Vec::new()
    }

    /// The login prompts' answers: user → hidden password → where to keep them.
    pub(super) fn on_login_prompt(&mut self, kind: PromptKind, text: &str) -> Vec<Effect> {
        match kind {
            PromptKind::LoginUser(host) if !text.trim().is_empty() => {
                self.mode = Mode::Input(
                    PromptKind::LoginPassword {
                        host,
                        user: text.trim().to_owned(),
                    },
                    Input::default(),
                );
                Vec::new()
            }
            PromptKind::LoginPassword { host, user } if !text.is_empty() => {
                vec![Effect::LoginTarget {
                    host,
                    user,
                    password: Secret::new(text),
                }]
            }
            PromptKind::LoginSave {
                host,
                user,
                password,
            } => {
                let save = match text.trim() {
                    "" | "s" | "session" => Save::Session,
                    "w" | "write" | "save" => match &self.images.save_target {
                        Some(SaveTarget::Helper { .. }) => Save::Helper,
                        Some(SaveTarget::PlainFile { .. }) => Save::PlainFile,
                        None => {
                            self.toast("login: where to save is unknown; kept nothing", true);
                            return Vec::new();
                        }
                    },
                    other => {
                        self.toast(
                            format!("{other:?}: answer s (this session only) or w (save)"),
                            true,
                        );
                        self.mode = Mode::Input(
                            PromptKind::LoginSave {
                                host,
                                user,
                                password,
                            },
                            Input::default(),
                        );
                        return Vec::new();
                    }
                };
                let creds = RegistryCredentials::new(&host, &user, password);
                self.toast(format!("logging in to {host} as {user}…"), false);
                vec![Effect::Login { creds, save }]
            }
            _ => {
                self.toast("login cancelled: nothing entered", true);
                Vec::new()
            }
        }
    }
}

impl TransferJob {
    fn verb(&self) -> String {
        match self {
            TransferJob::Pull(_) => "pull",
            TransferJob::Push(_) => "push",
            TransferJob::Save { .. } => "export",
            TransferJob::Load(_) => "load",
            TransferJob::UpdateImages(_) => "update images",
        }
        .to_owned()
    }

    fn describe(&self) -> String {
        match self {
            TransferJob::Pull(r) => format!("pull {r}"),
            TransferJob::Push(r) => format!("push {r}"),
            TransferJob::Save { images, path, .. } => format!(
                "save {} to {}",
                images
                    .iter()
                    .map(|i| wharf_core::model::short_id(i))
                    .collect::<Vec<_>>()
                    .join(" "),
                path.display()
            ),
            TransferJob::Load(p) => format!("load {}", p.display()),
            TransferJob::UpdateImages(plan) => {
                format!("update the image of {} container(s)", plan.items.len())
            }
        }
    }
}

#[cfg(test)]
#[path = "images_tests.rs"]
mod tests;
