//! Mutating keys: read-only refusal first, then the current kind says what the action comes
//! to ([`Act`]); a destructive plan only ever opens a confirmation naming every object.

use wharf_core::command::Command;

use super::App;
use crate::keymap::Action;
use crate::kinds::{Act, Selection};
use crate::msg::Effect;
use crate::prompt::{Confirm, Input, Mode};

impl App {
    /// Ask first when any command is destructive, else run.
    pub(super) fn confirm_or_run(&mut self, c: Confirm) -> Vec<Effect> {
        if c.commands.is_empty() {
            return Vec::new();
        }
        if c.commands.iter().any(Command::is_destructive) {
            self.mode = Mode::Confirm(c);
            Vec::new()
        } else {
            self.execute(c.commands)
        }
    }

    /// A mutating action key. `None` when it means nothing in this view.
    pub(super) fn on_mutating(&mut self, a: Action) -> Option<Vec<Effect>> {
        if self.settings.read_only {
            self.toast(format!("read-only mode: {} is disabled", a.label()), true);
            return Some(Vec::new());
        }
        let sel = Selection {
            targets: self.targets(),
            selected: self.selected_row(),
            snap: &self.snapshot,
        };
        let act = (self.view.kind().act)(a, &sel)?;
        Some(match act {
            Act::Run(plan) => self.confirm_or_run(plan),
            Act::Ask(kind, text) => {
                self.mode = Mode::Input(kind, Input::new(&text));
                Vec::new()
            }
            Act::Refuse(why) => {
                self.toast(why, true);
                Vec::new()
            }
            Act::Nothing => Vec::new(),
        })
    }
}
