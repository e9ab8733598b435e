//! The run form in the app: opening it (`:run [IMAGE]`, the run key on an image), its keys,
//! submitting it as one `Command::Run` (never while the core reports an error), and what
//! follows a run: the new container selected in the containers view, its logs open when asked.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf_core::command::{Command, Outcome};
use wharf_core::error::CoreError;
use wharf_core::model::ContainerId;

use super::App;
use crate::details::Tab;
use crate::keymap::{Action, Key};
use crate::kinds::{RowKey, View};
use crate::layout;
use crate::msg::Effect;
use crate::prompt::{Confirm, Mode};
use crate::run_form::{Overlay, RunFormState};

/// A created container to select once the snapshot has it, and whether to open its logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: ContainerId,
    pub follow_logs: bool,
}

impl App {
    /// Opens the run form for `image` (may be empty); refused in read-only mode.
    pub fn open_run_form(&mut self, image: &str) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast(
                format!("read-only mode: {} is disabled", Action::Run.label()),
                true,
            );
            return Vec::new();
        }
        self.run_form = Some(RunFormState::new(image));
        self.keep_form_focus_in_view();
        Vec::new()
    }

    /// The run key: on the images view, a form for the selected image. `None` elsewhere (the
    /// key's next meaning is tried: `r` restarts containers).
    pub(super) fn run_selected_image(&mut self) -> Option<Vec<Effect>> {
        if self.view != View::Images {
            return None;
        }
        let image = match &self.selected_row()?.key {
            RowKey::Image(id) => self.snapshot.images.get(id).map(|i| {
                // The first real tag, else the id (a dangling image runs by id too).
                wharf_core::rules::prune::real_tags(i)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| i.id.to_string())
            }),
            _ => None,
        }?;
        Some(self.open_run_form(&image))
    }

    pub(super) fn on_form_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(mut f) = self.run_form.take() else {
            return Vec::new();
        };
        let key = Key::from_event(&k);
        let actions: Vec<Action> = self.settings.keymap.actions(key).collect();
        let mut fx = Vec::new();
        match f.overlay {
            Some(Overlay::Discard) => {
                if matches!(k.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter) {
                    self.toast("run form discarded", false);
                    return fx;
                }
                f.overlay = None;
            }
            Some(Overlay::Explain(offset)) => {
                let delta: i32 = match actions.first() {
                    Some(Action::Down) => 1,
                    Some(Action::Up) => -1,
                    Some(Action::PageDown) => 10,
                    Some(Action::PageUp) => -10,
                    _ => {
                        f.overlay = None;
                        self.run_form = Some(f);
                        return fx;
                    }
                };
                f.overlay = Some(Overlay::Explain(
                    (i32::from(offset) + delta).clamp(0, 500) as u16
                ));
            }
            None if f.editing.is_some() => {
                let submit = actions.contains(&Action::Submit);
                match k.code {
                    KeyCode::Esc => f.cancel_edit(),
                    KeyCode::Enter => f.commit(),
                    KeyCode::Tab | KeyCode::Down => {
                        f.commit();
                        f.move_focus(1);
                    }
                    KeyCode::BackTab | KeyCode::Up => {
                        f.commit();
                        f.move_focus(-1);
                    }
                    _ if submit => {
                        f.commit();
                        fx = self.submit_form(&mut f);
                    }
                    _ => {
                        if let Some(ed) = &mut f.editing {
                            ed.input.edit(k);
                        }
                        f.apply_edit();
                    }
                }
            }
            None => {
                let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers == KeyModifiers::CONTROL;
                for a in actions {
                    match a {
                        Action::Down | Action::NextTab => f.move_focus(1),
                        Action::Up | Action::PrevTab => f.move_focus(-1),
                        Action::PageDown => f.move_focus(10),
                        Action::PageUp => f.move_focus(-10),
                        Action::Top => f.focus = 0,
                        Action::Bottom => f.move_focus(i64::MAX / 2),
                        Action::Open | Action::Mark => {
                            if f.activate() {
                                fx = self.submit_form(&mut f);
                            }
                        }
                        Action::Submit => fx = self.submit_form(&mut f),
                        Action::Remove => {
                            if !f.remove_entry() {
                                continue;
                            }
                        }
                        Action::Copy => match f.preview.docker_run.clone() {
                            Some(line) => {
                                self.toast("copied the docker run command line", false);
                                fx = vec![Effect::Copy(line)];
                            }
                            None => {
                                self.toast("nothing to copy: the form has errors", true);
                            }
                        },
                        Action::Help => f.overlay = Some(Overlay::Explain(0)),
                        Action::Back | Action::Quit => {
                            if ctrl_c && !f.changed() {
                                // ctrl-c on an untouched form still leaves Wharf.
                                self.quit = true;
                                return fx;
                            }
                            if !f.changed() {
                                return fx;
                            }
                            f.overlay = Some(Overlay::Discard);
                        }
                        _ => continue,
                    }
                    break;
                }
            }
        }
        self.run_form = Some(f);
        self.keep_form_focus_in_view();
        fx
    }

    /// Runs the form: refused while the core reports errors (they are on screen) or while a
    /// run of it is in flight; otherwise exactly one `Command::Run`.
    fn submit_form(&mut self, f: &mut RunFormState) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast("read-only mode: nothing was changed", true);
            return Vec::new();
        }
        let n = f.errors().len();
        if n > 0 {
            self.toast(
                format!("fix the form first: {} ({n} in all)", f.errors()[0].message),
                true,
            );
            return Vec::new();
        }
        if f.request.is_some_and(|r| self.pending.contains_key(&r)) {
            self.toast("this form is already being run", true);
            return Vec::new();
        }
        if let Some(e) = &f.edit {
            let changes = f.changes();
            if changes.is_empty() {
                self.toast("nothing changed: the container is left as it is", false);
                return Vec::new();
            }
            // Destructive (the old container is replaced): the confirmation lists every change.
            self.mode = Mode::Confirm(Confirm {
                title: format!("Recreate {} ({})?", e.name, e.id.short()),
                objects: changes.iter().map(ToString::to_string).collect(),
                commands: vec![Command::Recreate {
                    id: e.id.clone(),
                    form: Box::new(f.form.clone()),
                }],
                notes: vec![
                    "a new container is made first; the old one is stopped, replaced and removed"
                        .into(),
                    "volumes are kept; on any failure the old container is put back as it was"
                        .into(),
                ],
            });
            return Vec::new();
        }
        let cmd = Command::Run {
            form: Box::new(f.form.clone()),
            start: f.start,
        };
        let fx = self.execute(vec![cmd]);
        f.request = fx.iter().find_map(|e| match e {
            Effect::Execute { req, .. } => Some(*req),
            _ => None,
        });
        fx
    }

    /// The outcome of the form's request: on success the form closes and the new container
    /// is selected (now or when the snapshot has it); on failure the form stays as typed.
    /// `None` when `req` is not the form's.
    pub(super) fn run_outcome(
        &mut self,
        req: u64,
        result: &Result<Outcome, CoreError>,
    ) -> Option<Vec<Effect>> {
        let f = self.run_form.as_ref().filter(|f| f.request == Some(req))?;
        let follow_logs = f.follow_logs;
        if let Ok(Outcome::Recreated { new, .. }) = result {
            self.run_form = None;
            self.created = Some(Created {
                id: new.clone(),
                follow_logs: false,
            });
            let mut fx = self.go(View::Containers);
            fx.extend(self.select_created());
            return Some(fx);
        }
        let Ok(Outcome::ContainerCreated { id, started, .. }) = result else {
            // The toast says what failed; the form keeps what the user typed.
            if let Some(f) = &mut self.run_form {
                f.request = None;
            }
            return Some(Vec::new());
        };
        self.run_form = None;
        self.created = Some(Created {
            id: id.clone(),
            follow_logs: follow_logs && *started,
        });
        let mut fx = self.go(View::Containers);
        fx.extend(self.select_created());
        Some(fx)
    }

    /// Selects the container just created once the snapshot has it (the store learns of it
    /// from the engine's events), showing stopped containers and dropping a filter that would
    /// hide it; opens its logs when the form asked.
    pub(super) fn select_created(&mut self) -> Vec<Effect> {
        let Some(c) = self.created.clone() else {
            return Vec::new();
        };
        if self.view != View::Containers {
            // The user went elsewhere first: the selection is theirs now.
            self.created = None;
            return Vec::new();
        }
        if !self.snapshot.containers.contains_key(&c.id) {
            return Vec::new();
        }
        self.created = None;
        let key = RowKey::Container(c.id.clone());
        if !self.rows.iter().any(|r| r.key == key) {
            self.show_stopped = true;
            self.table_mut().filter = None;
            self.refresh_rows();
        }
        let Some(i) = self.rows.iter().position(|r| r.key == key) else {
            return Vec::new();
        };
        self.table_mut().marks.clear();
        self.select(i);
        if c.follow_logs {
            let mut fx = vec![Effect::CloseLogs];
            fx.extend(self.open_details(c.id, Tab::Logs));
            fx
        } else {
            self.sync_details()
        }
    }

    /// The edit key on a container: reads its configuration (`Effect::LoadRunForm`); the
    /// form opens when it arrives. `None` outside the containers view.
    pub(super) fn edit_selected_container(&mut self) -> Option<Vec<Effect>> {
        if self.view != View::Containers {
            return None;
        }
        if self.settings.read_only {
            self.toast(
                format!("read-only mode: {} is disabled", Action::Edit.label()),
                true,
            );
            return Some(Vec::new());
        }
        let RowKey::Container(id) = &self.selected_row()?.key else {
            return None;
        };
        let id = id.clone();
        self.toast(
            format!("reading the configuration of {}…", id.short()),
            false,
        );
        Some(vec![Effect::LoadRunForm(id)])
    }

    /// The edit prefill arrived: the form opens (unless one is open already).
    pub(super) fn edit_form_loaded(
        &mut self,
        id: ContainerId,
        result: Result<Box<wharf_core::spec::run::RunForm>, CoreError>,
    ) -> Vec<Effect> {
        match result {
            Ok(form) if self.run_form.is_none() => {
                self.toast = None;
                let name = if form.name.is_empty() {
                    id.short().to_owned()
                } else {
                    form.name.clone()
                };
                self.run_form = Some(RunFormState::for_edit(id, &name, *form));
                self.keep_form_focus_in_view();
            }
            Ok(_) => {}
            Err(e) => self.toast(format!("edit {}: {e}", id.short()), true),
        }
        Vec::new()
    }

    /// After a confirmed recreate: the edit form waits for that request's outcome.
    pub(super) fn track_edit_request(&mut self, fx: &[Effect]) {
        let Some(f) = &mut self.run_form else {
            return;
        };
        let Some(e) = &f.edit else {
            return;
        };
        f.request = fx.iter().find_map(|x| match x {
            Effect::Execute {
                req,
                cmd: Command::Recreate { id, .. },
            } if *id == e.id => Some(*req),
            _ => None,
        });
    }

    /// Scrolls the form so the focused line (and the error under it) shows.
    fn keep_form_focus_in_view(&mut self) {
        let body = layout::areas(self.size, None).table;
        let Some(f) = &mut self.run_form else {
            return;
        };
        let h = (crate::run_form::list_height(f, body) as usize).max(1);
        let rows = f.rows();
        let top = f.focus_row();
        // The focused line and its errors.
        let mut bottom = top;
        while matches!(rows.get(bottom + 1), Some(crate::run_form::Row::Error(_))) {
            bottom += 1;
        }
        // Its group title too when it is the group's first line.
        let top = if top > 0 && matches!(rows.get(top - 1), Some(crate::run_form::Row::Group(_))) {
            top - 1
        } else {
            top
        };
        if top < f.scroll {
            f.scroll = top;
        } else if bottom >= f.scroll + h {
            f.scroll = (bottom + 1 - h).min(top);
        }
        f.scroll = f.scroll.min(rows.len().saturating_sub(1));
    }

    /// After a resize: the focus stays in view.
    pub(super) fn form_resized(&mut self) {
        if self.run_form.is_some() {
            self.keep_form_focus_in_view();
        }
    }
}

#[cfg(test)]
#[path = "run_form_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "edit_tests.rs"]
mod edit_tests;
