//! Builds and search in the app: `:build [DIR]` opens the build panel (refused in read-only
//! mode), ctrl-s or Enter on `[ Build ]` starts one build (never while the core reports an
//! error in the form), its events fill the output (Esc cancels the running build), and when
//! the panel closes after a build the images view opens with the new image selected.
//! `:search TERM` asks the engine and lists what it found; Enter on a result puts
//! `:pull NAME` on the command line, `y` copies the name.

use crossterm::event::{KeyCode, KeyEvent};
use wharf_core::engine::{BuildEvent, SearchQuery, SearchResult};
use wharf_core::error::CoreError;
use wharf_core::model::ImageId;

use super::App;
use crate::build_form::{BuildPanel, SearchPanel, Stage};
use crate::keymap::{Action, Key};
use crate::kinds::{RowKey, View};
use crate::msg::Effect;
use crate::prompt::{Input, Mode, PromptKind};

/// How many results `:search` asks for.
const SEARCH_LIMIT: u32 = 50;

impl App {
    /// `:build [DIR]`: the build panel, its context prefilled.
    pub fn open_build(&mut self, context: &str) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast("read-only mode: build is disabled", true);
            return Vec::new();
        }
        if matches!(
            self.build.as_ref().map(|b| &b.stage),
            Some(Stage::Running { .. })
        ) {
            self.toast("a build is running: wait for it or cancel it first", true);
            return Vec::new();
        }
        self.search = None;
        self.build = Some(BuildPanel::new(context));
        Vec::new()
    }

    /// `:search TERM`.
    pub fn open_search(&mut self, term: &str) -> Vec<Effect> {
        self.search = Some(SearchPanel {
            term: term.to_owned(),
            results: None,
            selected: 0,
        });
        vec![Effect::Search(SearchQuery {
            term: term.to_owned(),
            limit: Some(SEARCH_LIMIT),
            ..Default::default()
        })]
    }

    pub(super) fn on_search_results(
        &mut self,
        term: String,
        result: Result<Vec<SearchResult>, CoreError>,
    ) -> Vec<Effect> {
        if let Some(s) = self.search.as_mut().filter(|s| s.term == term) {
            s.results = Some(result.map_err(|e| e.to_string()));
            s.selected = 0;
        }
        Vec::new()
    }

    pub(super) fn on_search_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(mut s) = self.search.take() else {
            return Vec::new();
        };
        let actions: Vec<Action> = self.settings.keymap.actions(Key::from_event(&k)).collect();
        let len = match &s.results {
            Some(Ok(r)) => r.len(),
            _ => 0,
        };
        for a in actions {
            match a {
                Action::Down => s.selected = (s.selected + 1).min(len.saturating_sub(1)),
                Action::Up => s.selected = s.selected.saturating_sub(1),
                Action::Top => s.selected = 0,
                Action::Bottom => s.selected = len.saturating_sub(1),
                Action::Open => {
                    if let Some(name) = s.selected_name() {
                        // Pulling is its own command: offered on the command line.
                        self.mode =
                            Mode::Input(PromptKind::Command, Input::new(&format!("pull {name}")));
                        return Vec::new();
                    }
                }
                Action::Copy => {
                    if let Some(name) = s.selected_name().map(str::to_owned) {
                        self.toast(format!("copied {name}"), false);
                        self.search = Some(s);
                        return vec![Effect::Copy(name)];
                    }
                }
                Action::Back | Action::Quit => return Vec::new(),
                _ => continue,
            }
            break;
        }
        self.search = Some(s);
        Vec::new()
    }

    pub(super) fn on_build_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(mut b) = self.build.take() else {
            return Vec::new();
        };
        let actions: Vec<Action> = self.settings.keymap.actions(Key::from_event(&k)).collect();
        let mut fx = Vec::new();
        if b.discard {
            if matches!(k.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter) {
                self.toast("build form discarded", false);
                return fx;
            }
            b.discard = false;
            self.build = Some(b);
            return fx;
        }
        match b.stage.clone() {
            Stage::Form if b.editing.is_some() => {
                let submit = actions.contains(&Action::Submit);
                match k.code {
                    KeyCode::Esc => b.editing = None,
                    KeyCode::Enter => self.commit_edit(&mut b),
                    KeyCode::Tab | KeyCode::Down => {
                        self.commit_edit(&mut b);
                        b.move_focus(1);
                    }
                    KeyCode::BackTab | KeyCode::Up => {
                        self.commit_edit(&mut b);
                        b.move_focus(-1);
                    }
                    _ if submit => {
                        self.commit_edit(&mut b);
                        fx = self.start_build(&mut b);
                    }
                    _ => {
                        if let Some(ed) = &mut b.editing {
                            ed.edit(k);
                        }
                    }
                }
            }
            Stage::Form => {
                for a in actions {
                    match a {
                        Action::Down | Action::NextTab => b.move_focus(1),
                        Action::Up | Action::PrevTab => b.move_focus(-1),
                        Action::Top => b.focus = 0,
                        Action::Bottom => b.move_focus(i64::MAX / 2),
                        Action::Open | Action::Mark => {
                            if b.activate() {
                                fx = self.start_build(&mut b);
                            }
                        }
                        Action::Submit => fx = self.start_build(&mut b),
                        // What was typed is not thrown away unasked.
                        Action::Back | Action::Quit if b.changed() => b.discard = true,
                        Action::Back | Action::Quit => return fx,
                        _ => continue,
                    }
                    break;
                }
            }
            Stage::Running { .. } => {
                if k.code == KeyCode::Esc {
                    b.fail("build cancelled".into());
                    self.build = Some(b);
                    return vec![Effect::CancelBuild];
                }
                scroll_output(&mut b, &actions);
            }
            Stage::Finished(result) => {
                if k.code == KeyCode::Esc
                    || k.code == KeyCode::Enter
                    || actions.contains(&Action::Quit)
                {
                    return match result {
                        Ok(id) => self.show_built(ImageId::from(id.as_str())),
                        // The form again, as typed, to fix and retry.
                        Err(_) => {
                            b.stage = Stage::Form;
                            b.output.clear();
                            b.scroll = 0;
                            b.check();
                            self.build = Some(b);
                            Vec::new()
                        }
                    };
                }
                scroll_output(&mut b, &actions);
            }
        }
        self.build = Some(b);
        fx
    }

    fn commit_edit(&mut self, b: &mut BuildPanel) {
        if let Some(ed) = b.editing.take() {
            b.apply(&ed.text);
        }
    }

    /// One build of the form, unless the core finds an error in it.
    fn start_build(&mut self, b: &mut BuildPanel) -> Vec<Effect> {
        if self.settings.read_only {
            self.toast("read-only mode: nothing was changed", true);
            return Vec::new();
        }
        let plan = match b.form.parse() {
            Ok(p) => p,
            Err(errors) => {
                let n = errors.len();
                let first = errors
                    .first()
                    .map(|e| e.message.clone())
                    .unwrap_or_default();
                b.errors = errors;
                self.toast(format!("fix the form first: {first} ({n} in all)"), true);
                return Vec::new();
            }
        };
        self.build_gen += 1;
        b.stage = Stage::Running {
            gen: self.build_gen,
        };
        b.output.clear();
        b.scroll = 0;
        b.context = None;
        vec![Effect::Build {
            gen: self.build_gen,
            plan,
        }]
    }

    /// An event of build `gen`; events of an earlier build (cancelled) are dropped.
    pub(super) fn on_build_event(
        &mut self,
        gen: u64,
        event: Result<BuildEvent, CoreError>,
    ) -> Vec<Effect> {
        let Some(b) = self.build.as_mut() else {
            return Vec::new();
        };
        if b.stage != (Stage::Running { gen }) {
            return Vec::new();
        }
        match event {
            Ok(e) => b.push(e),
            Err(e) => b.fail(e.to_string()),
        }
        Vec::new()
    }

    /// Close the panel and select image `id` in the images view (now, or when the snapshot
    /// has it).
    fn show_built(&mut self, id: ImageId) -> Vec<Effect> {
        self.build = None;
        self.built = Some(id);
        let mut fx = self.go(View::Images);
        fx.extend(self.select_built());
        fx
    }

    /// Selects the image just built once the snapshot has it, dropping a filter that hides it.
    pub(super) fn select_built(&mut self) -> Vec<Effect> {
        let Some(id) = self.built.clone() else {
            return Vec::new();
        };
        if self.view != View::Images {
            self.built = None;
            return Vec::new();
        }
        if !self.snapshot.images.contains_key(&id) {
            return Vec::new();
        }
        self.built = None;
        let key = RowKey::Image(id);
        if !self.rows.iter().any(|r| r.key == key) {
            self.table_mut().filter = None;
            self.refresh_rows();
        }
        if let Some(i) = self.rows.iter().position(|r| r.key == key) {
            self.table_mut().marks.clear();
            self.select(i);
        }
        Vec::new()
    }
}

fn scroll_output(b: &mut BuildPanel, actions: &[Action]) {
    let max = b.output.len().saturating_sub(1);
    for a in actions {
        let delta: i64 = match a {
            Action::Up => 1,
            Action::Down => -1,
            Action::PageUp => 10,
            Action::PageDown => -10,
            Action::Top => i64::MAX / 2,
            Action::Bottom => -(i64::MAX / 2),
            _ => continue,
        };
        b.scroll = (b.scroll as i64 + delta).clamp(0, max as i64) as usize;
        return;
    }
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
