//! The build panel's state (`:build [DIR]`): the core's `BuildForm` as the user types it, one
//! line per field, then the build's live output, then its result; and the search results
//! panel (`:search TERM`).
//!
//! Invariants: `form` holds exactly what the user typed; `errors` is always the core's
//! `BuildForm::parse` verdict on it (nothing here parses a field, it only places the errors);
//! the output keeps at most [`OUTPUT_CAP`] lines (the oldest go), already made inert by the
//! core (`streams::build`); a build's events carry its generation and stale ones are dropped.

use std::collections::VecDeque;

use wharf_core::engine::{BuildEvent, SearchResult};
use wharf_core::spec::build::{BuildField, BuildFieldError, BuildForm};

use crate::prompt::Input;

/// Output lines kept for scrolling back.
pub const OUTPUT_CAP: usize = 5000;

/// One line of the form: a text field, a list field (entries split on spaces, values quoted
/// like a shell's when they hold spaces), a flag, or the build button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Text(BuildField),
    List(BuildField),
    NoCache,
    Pull,
    Build,
}

pub const LINES: &[Line] = &[
    Line::Text(BuildField::Context),
    Line::Text(BuildField::Dockerfile),
    Line::List(BuildField::Tags),
    Line::List(BuildField::Args),
    Line::Text(BuildField::Target),
    Line::List(BuildField::Labels),
    Line::NoCache,
    Line::Pull,
    Line::Build,
];

impl Line {
    pub fn label(self) -> &'static str {
        match self {
            Line::Text(f) | Line::List(f) => match f {
                BuildField::Context => "Context dir",
                BuildField::Dockerfile => "Dockerfile",
                BuildField::Tags => "Tags",
                BuildField::Args => "Build args",
                BuildField::Target => "Target stage",
                BuildField::Labels => "Labels",
            },
            Line::NoCache => "No cache",
            Line::Pull => "Pull base images",
            Line::Build => "",
        }
    }

    /// What the user may type, shown for the focused line.
    pub fn hint(self) -> &'static str {
        match self {
            Line::Text(BuildField::Context) => "the folder the Dockerfile builds from",
            Line::Text(BuildField::Dockerfile) => {
                "empty: Dockerfile in the context; relative paths are to the context"
            }
            Line::List(BuildField::Tags) => "name[:tag], separated by spaces",
            Line::List(BuildField::Args) => {
                "KEY=VALUE, separated by spaces (quote values with spaces)"
            }
            Line::Text(BuildField::Target) => "the stage to build; empty: the last",
            Line::List(BuildField::Labels) => {
                "KEY=VALUE, separated by spaces (quote values with spaces)"
            }
            Line::NoCache => "do not use the build cache",
            Line::Pull => "always ask the registry for newer base images (off: use local ones)",
            _ => "ctrl-s builds",
        }
    }
}

fn list(form: &BuildForm, f: BuildField) -> &Vec<String> {
    match f {
        BuildField::Tags => &form.tags,
        BuildField::Args => &form.args,
        _ => &form.labels,
    }
}

fn list_mut(form: &mut BuildForm, f: BuildField) -> &mut Vec<String> {
    match f {
        BuildField::Tags => &mut form.tags,
        BuildField::Args => &mut form.args,
        _ => &mut form.labels,
    }
}

fn text_mut(form: &mut BuildForm, f: BuildField) -> &mut String {
    match f {
        BuildField::Context => &mut form.context,
        BuildField::Dockerfile => &mut form.dockerfile,
        _ => &mut form.target,
    }
}

/// Where the panel is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Form,
    /// The build of generation `gen` runs.
    Running {
        gen: u64,
    },
    /// The build ended: the image id, or why not.
    Finished(Result<String, String>),
}

/// One output line and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutLine {
    pub text: String,
    pub step: bool,
    pub error: bool,
}

#[derive(Debug, Clone)]
pub struct BuildPanel {
    pub form: BuildForm,
    pub focus: usize,
    pub editing: Option<Input>,
    /// The core's verdict on `form` (empty: it parses).
    pub errors: Vec<BuildFieldError>,
    pub stage: Stage,
    pub output: VecDeque<OutLine>,
    /// Lines scrolled back from the end (0: follow the output).
    pub scroll: usize,
    /// The context as sent: tar bytes and entries.
    pub context: Option<(u64, u64)>,
    /// The form as opened: Esc on a form that differs asks before discarding it.
    pub initial: BuildForm,
    /// "Discard this build form?" is asked.
    pub discard: bool,
}

impl BuildPanel {
    /// The user typed something since the panel opened.
    pub fn changed(&self) -> bool {
        self.form != self.initial
    }

    pub fn new(context: &str) -> BuildPanel {
        let mut p = BuildPanel {
            form: BuildForm {
                context: context.to_owned(),
                ..Default::default()
            },
            focus: 0,
            editing: None,
            errors: Vec::new(),
            stage: Stage::Form,
            output: VecDeque::new(),
            scroll: 0,
            context: None,
            initial: BuildForm::default(),
            discard: false,
        };
        p.initial = p.form.clone();
        p.check();
        p
    }

    /// Ask the core again what the form means.
    pub fn check(&mut self) {
        self.errors = match self.form.parse() {
            Ok(_) => Vec::new(),
            Err(e) => e,
        };
    }

    pub fn line(&self) -> Line {
        LINES[self.focus.min(LINES.len() - 1)]
    }

    pub fn move_focus(&mut self, delta: i64) {
        let max = LINES.len() as i64 - 1;
        self.focus = (self.focus as i64 + delta).clamp(0, max) as usize;
    }

    /// The value of a line as shown and edited.
    pub fn value(&self, line: Line) -> String {
        match line {
            Line::Text(BuildField::Context) => self.form.context.clone(),
            Line::Text(BuildField::Dockerfile) => self.form.dockerfile.clone(),
            Line::Text(_) => self.form.target.clone(),
            Line::List(f) => {
                let words: Vec<&str> = list(&self.form, f).iter().map(String::as_str).collect();
                shlex::try_join(words.iter().copied()).unwrap_or_else(|_| words.join(" "))
            }
            Line::NoCache => flag(self.form.no_cache),
            Line::Pull => flag(self.form.pull),
            Line::Build => String::new(),
        }
    }

    /// Put the editor's text into the focused field and check the form again.
    pub fn apply(&mut self, text: &str) {
        match self.line() {
            Line::Text(f) => *text_mut(&mut self.form, f) = text.to_owned(),
            Line::List(f) => {
                // Half-typed quotes: split on spaces until the quote closes.
                let words = shlex::split(text)
                    .unwrap_or_else(|| text.split_whitespace().map(str::to_owned).collect());
                *list_mut(&mut self.form, f) = words;
            }
            _ => {}
        }
        self.check();
    }

    /// Enter on the focused line: edit a field, toggle a flag; `true` on the build button.
    pub fn activate(&mut self) -> bool {
        match self.line() {
            Line::Text(_) | Line::List(_) => {
                self.editing = Some(Input::new(&self.value(self.line())));
                false
            }
            Line::NoCache => {
                self.form.no_cache = !self.form.no_cache;
                false
            }
            Line::Pull => {
                self.form.pull = !self.form.pull;
                false
            }
            Line::Build => true,
        }
    }

    /// The errors the core gave for a line's field.
    pub fn errors_of(&self, line: Line) -> Vec<&BuildFieldError> {
        match line {
            Line::Text(f) | Line::List(f) => self.errors.iter().filter(|e| e.field == f).collect(),
            _ => Vec::new(),
        }
    }

    /// A build event of the running build.
    pub fn push(&mut self, event: BuildEvent) {
        let line = match event {
            BuildEvent::Context { bytes, entries } => {
                self.context = Some((bytes, entries));
                OutLine {
                    text: format!(
                        "sent the build context: {} in {entries} entries",
                        crate::format::bytes(bytes)
                    ),
                    step: false,
                    error: false,
                }
            }
            BuildEvent::Step { text } => OutLine {
                text,
                step: true,
                error: false,
            },
            BuildEvent::Output { text } | BuildEvent::Status { text } => OutLine {
                text,
                step: false,
                error: false,
            },
            BuildEvent::Done { id, tags } => {
                let text = if tags.is_empty() {
                    format!("built {id}")
                } else {
                    format!("built {id} as {}", tags.join(", "))
                };
                self.stage = Stage::Finished(Ok(id));
                OutLine {
                    text,
                    step: true,
                    error: false,
                }
            }
        };
        self.add(line);
    }

    /// The build failed (or was cancelled).
    pub fn fail(&mut self, message: String) {
        self.add(OutLine {
            text: message.clone(),
            step: false,
            error: true,
        });
        self.stage = Stage::Finished(Err(message));
    }

    fn add(&mut self, line: OutLine) {
        if self.output.len() == OUTPUT_CAP {
            self.output.pop_front();
        }
        self.output.push_back(line);
        if self.scroll > 0 {
            // Keep what the user scrolled to in place.
            self.scroll = (self.scroll + 1).min(self.output.len());
        }
    }
}

fn flag(on: bool) -> String {
    if on { "[x]" } else { "[ ]" }.to_owned()
}

/// `:search TERM`'s results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPanel {
    pub term: String,
    /// `None` while the engine is asked.
    pub results: Option<Result<Vec<SearchResult>, String>>,
    pub selected: usize,
}

impl SearchPanel {
    pub fn selected_name(&self) -> Option<&str> {
        match &self.results {
            Some(Ok(r)) => r.get(self.selected).map(|r| r.name.as_str()),
            _ => None,
        }
    }
}
