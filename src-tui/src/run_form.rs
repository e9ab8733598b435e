//! The run form's state: the core's `RunForm` as the user types it, which line has the focus,
//! the line being edited (with the prompt editor), and the core's preview of it (errors per
//! field, security findings, the `docker run` line), recomputed on every edit.
//!
//! Invariants: the form holds exactly what the user typed (the editor's text is applied on
//! every key, and Esc in the editor puts back what was there before); `preview` is always the
//! preview of `form`; nothing here parses a field: the core's `spec::run::preview` does, and
//! the form only places its errors. A list field shows one line per entry and an "add" line;
//! the fields whose entries never hold a comma (ports, capabilities) also split on commas.

use wharf_core::rules::findings::Finding;
use wharf_core::rules::secrets::{display_preview, mask_env_entry};
use wharf_core::spec::run::{Field, FieldError, RunForm, RunPreview};

use crate::prompt::Input;

/// Where a form line's value lives.
#[derive(Clone, Copy)]
pub enum Slot {
    Text(
        Field,
        fn(&RunForm) -> &String,
        fn(&mut RunForm) -> &mut String,
    ),
    /// Entries; `true`: a comma separates entries too.
    List(
        Field,
        fn(&RunForm) -> &Vec<String>,
        fn(&mut RunForm) -> &mut Vec<String>,
        bool,
    ),
    Flag(fn(&RunForm) -> bool, fn(&mut RunForm) -> &mut bool),
    /// Start the container once created (the command's `start`).
    Start,
    /// Open its logs once it runs (the terminal's own choice, not the engine's).
    FollowLogs,
}

/// One field of the form: its group, label, value and what the user may type.
pub struct FieldDef {
    pub group: &'static str,
    pub label: &'static str,
    pub slot: Slot,
    /// Shown on the title line while the field has the focus.
    pub hint: &'static str,
}

macro_rules! text {
    ($group:expr, $label:expr, $field:ident, $f:ident, $hint:expr) => {
        FieldDef {
            group: $group,
            label: $label,
            slot: Slot::Text(Field::$field, |f| &f.$f, |f| &mut f.$f),
            hint: $hint,
        }
    };
}

macro_rules! list {
    ($group:expr, $label:expr, $field:ident, $f:ident, $comma:expr, $hint:expr) => {
        FieldDef {
            group: $group,
            label: $label,
            slot: Slot::List(Field::$field, |f| &f.$f, |f| &mut f.$f, $comma),
            hint: $hint,
        }
    };
}

macro_rules! flag {
    ($group:expr, $label:expr, $f:ident, $hint:expr) => {
        FieldDef {
            group: $group,
            label: $label,
            slot: Slot::Flag(|f| f.$f, |f| &mut f.$f),
            hint: $hint,
        }
    };
}

/// Every field, in the order drawn, grouped.
pub const FIELDS: &[FieldDef] = &[
    text!("Basics", "image", Image, image, "busybox, reg:5000/app:1.2, busybox@sha256:… (must be on the engine)"),
    text!("Basics", "name", Name, name, "optional"),
    text!("Basics", "command", Command, command, "shell words, e.g. sh -c 'echo hi'; empty: the image's"),
    text!("Basics", "entrypoint", Entrypoint, entrypoint, "shell words; empty: the image's"),
    text!("Basics", "workdir", Workdir, workdir, "e.g. /app; empty: the image's"),
    list!("Network", "ports", Ports, ports, true, "8080:80, 127.0.0.1:8080:80/udp, 8000-8010:8000-8010, 80; a comma separates entries"),
    flag!("Network", "publish all", publish_all, "-P: every exposed port on a random host port"),
    list!("Network", "networks", Networks, networks, false, "net or net:alias1,alias2 (the first is the network mode, host for host networking); one entry per line"),
    text!("Network", "hostname", Hostname, hostname, "optional"),
    list!("Storage", "mounts", Mounts, mounts, false, "vol:/data, /host/dir:/data:ro, tmpfs:/run, type=bind,source=…,target=…,readonly; one entry per line"),
    list!("Environment", "env", Env, env, false, "K=V; one entry per line"),
    text!("Environment", "env file", EnvFile, env_file, "a file of K=V lines on this machine"),
    list!("Environment", "labels", Labels, labels, false, "k=v; one entry per line"),
    text!("Limits", "memory", Memory, memory, "e.g. 512m, 1g"),
    text!("Limits", "memory swap", MemorySwap, memory_swap, "memory + swap, e.g. 1g; -1: unlimited"),
    text!("Limits", "reservation", MemoryReservation, memory_reservation, "soft limit, e.g. 256m"),
    text!("Limits", "cpus", Cpus, cpus, "e.g. 1.5"),
    text!("Limits", "cpu shares", CpuShares, cpu_shares, "relative weight, e.g. 512"),
    text!("Limits", "cpuset", Cpuset, cpuset, "CPUs allowed, e.g. 0-2,4"),
    text!("Limits", "pids limit", PidsLimit, pids_limit, "most processes, e.g. 200"),
    text!("Security", "user", User, user, "name or uid[:gid]; empty: the image's"),
    list!("Security", "cap add", CapAdd, cap_add, true, "NET_ADMIN, SYS_TIME; a comma separates entries"),
    list!("Security", "cap drop", CapDrop, cap_drop, true, "ALL, NET_RAW; a comma separates entries"),
    flag!("Security", "privileged", privileged, "every device and capability: the host is the container's"),
    flag!("Security", "read only", read_only, "a read-only root filesystem"),
    text!("Security", "pid", Pid, pid, "host: share the host's processes"),
    text!("Health", "health cmd", HealthCmd, health_cmd, "shell command; empty: the image's check"),
    text!("Health", "interval", HealthInterval, health_interval, "e.g. 30s, 1m30s"),
    text!("Health", "timeout", HealthTimeout, health_timeout, "e.g. 5s"),
    text!("Health", "retries", HealthRetries, health_retries, "e.g. 3"),
    text!("Lifecycle", "restart", Restart, restart, "no, always, unless-stopped, on-failure[:N]"),
    flag!("Lifecycle", "--rm", auto_remove, "remove the container when it exits"),
    FieldDef {
        group: "Lifecycle",
        label: "start",
        slot: Slot::Start,
        hint: "start it once created (off: only create it)",
    },
    FieldDef {
        group: "Lifecycle",
        label: "follow logs",
        slot: Slot::FollowLogs,
        hint: "open its logs once it runs",
    },
];

/// A line the focus can be on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Field `FIELDS[def]`; for a list, entry `Some(i)` or its add line (`None`).
    Field { def: usize, entry: Option<usize> },
    /// The [Run] button.
    Submit,
}

/// A screen row of the form, in order: group titles, lines, and errors under their line.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Group(&'static str),
    Line(usize),
    Error(String),
}

/// A line being edited: the editor, and what the field held before (Esc puts it back).
#[derive(Debug, Clone)]
pub struct Editing {
    pub input: Input,
    line: Line,
    before: Before,
}

#[derive(Debug, Clone)]
enum Before {
    Text(String),
    List(Vec<String>),
}

/// A small question or explanation over the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// "Discard the changes?" after Esc on a changed form.
    Discard,
    /// Every warning with why it matters and its reference, scrolled by this many lines.
    Explain(u16),
}

#[derive(Debug, Clone)]
pub struct RunFormState {
    pub form: RunForm,
    /// The form as opened, to tell whether Esc loses anything.
    initial: RunForm,
    pub start: bool,
    pub follow_logs: bool,
    /// Index into [`RunFormState::lines`].
    pub focus: usize,
    /// First row of [`RunFormState::rows`] on screen (kept by the app so the focus shows).
    pub scroll: usize,
    pub editing: Option<Editing>,
    pub preview: RunPreview,
    /// The `docker run` line with secret-looking env values masked, for the screen (the
    /// copy key copies the real one).
    pub shown_command: Option<String>,
    pub overlay: Option<Overlay>,
    /// The request running the form, while it runs.
    pub request: Option<u64>,
    /// Set when the form edits an existing container: submitting recreates it.
    pub edit: Option<EditTarget>,
}

/// The container an edit form replaces, and the form it was opened with (the diff's "old").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditTarget {
    pub id: wharf_core::model::ContainerId,
    pub name: String,
}

impl RunFormState {
    /// A form for `image` (empty for none), focused on the first field to fill.
    pub fn new(image: &str) -> RunFormState {
        let form = RunForm {
            image: image.to_owned(),
            ..RunForm::default()
        };
        let mut s = RunFormState {
            initial: form.clone(),
            preview: RunPreview::default(),
            form,
            start: true,
            follow_logs: false,
            focus: 0,
            scroll: 0,
            editing: None,
            shown_command: None,
            overlay: None,
            request: None,
            edit: None,
        };
        s.update_preview();
        // With an image given, the name is what the user types next.
        if !image.is_empty() {
            s.focus = 1;
        }
        s
    }

    /// A form editing container `id` named `name`, prefilled with `form` (its current
    /// configuration, `Engine::run_form`); submitting recreates it.
    pub fn for_edit(id: wharf_core::model::ContainerId, name: &str, form: RunForm) -> RunFormState {
        let mut s = RunFormState::new("");
        s.initial = form.clone();
        s.form = form;
        s.edit = Some(EditTarget {
            id,
            name: name.to_owned(),
        });
        s.focus = 0;
        s.update_preview();
        s
    }

    /// An edit form's changes against the container as it is, secret values masked.
    pub fn changes(&self) -> Vec<wharf_core::spec::diff::SettingChange> {
        let mut d = wharf_core::spec::diff::diff(&self.initial, &self.form);
        wharf_core::rules::secrets::mask_diff(&mut d);
        d
    }

    /// Whether Esc would lose something the user typed.
    pub fn changed(&self) -> bool {
        self.form != self.initial || self.editing.is_some() || !self.start || self.follow_logs
    }

    /// The core's preview of the form (errors, findings, the command line), after each edit.
    pub fn update_preview(&mut self) {
        (self.preview, self.shown_command) = display_preview(&self.form);
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.preview.errors
    }

    pub fn findings(&self) -> &[Finding] {
        &self.preview.findings
    }

    /// The lines the focus moves through: every field (a list: its entries, then its add
    /// line), then [Run].
    pub fn lines(&self) -> Vec<Line> {
        let mut out = Vec::new();
        for (def, d) in FIELDS.iter().enumerate() {
            // A recreate starts the new container when the old one was running: an edit has
            // no start or follow choice.
            if self.edit.is_some() && matches!(d.slot, Slot::Start | Slot::FollowLogs) {
                continue;
            }
            if let Slot::List(_, get, _, _) = d.slot {
                for entry in 0..get(&self.form).len() {
                    out.push(Line::Field {
                        def,
                        entry: Some(entry),
                    });
                }
            }
            out.push(Line::Field { def, entry: None });
        }
        out.push(Line::Submit);
        out
    }

    pub fn focused(&self) -> Line {
        let lines = self.lines();
        lines
            .get(self.focus)
            .or(lines.last())
            .copied()
            .unwrap_or(Line::Submit)
    }

    /// The screen rows: group titles, lines, and each line's errors under it. Errors that
    /// name no line (a whole list) go under the list's add line.
    pub fn rows(&self) -> Vec<Row> {
        let mut out = Vec::new();
        let mut group = "";
        for (i, line) in self.lines().into_iter().enumerate() {
            if let Line::Field { def, entry } = line {
                let d = &FIELDS[def];
                if d.group != group {
                    group = d.group;
                    out.push(Row::Group(group));
                }
                out.push(Row::Line(i));
                for e in self.errors() {
                    if field_of(d.slot) == Some(e.field) && error_on(e, entry, self.entries(d)) {
                        out.push(Row::Error(e.message.clone()));
                    }
                }
            } else {
                out.push(Row::Line(i));
            }
        }
        out
    }

    /// How many entries list field `FIELDS[def]` has (0 for other fields).
    pub fn value_count(&self, def: usize) -> usize {
        FIELDS.get(def).map_or(0, |d| self.entries(d))
    }

    fn entries(&self, d: &FieldDef) -> usize {
        match d.slot {
            Slot::List(_, get, _, _) => get(&self.form).len(),
            _ => 0,
        }
    }

    /// The screen row of the focused line.
    pub fn focus_row(&self) -> usize {
        self.rows()
            .iter()
            .position(|r| *r == Row::Line(self.focus))
            .unwrap_or(0)
    }

    /// The text a line shows (secret-looking env values masked unless it is being edited).
    pub fn value(&self, line: Line) -> String {
        let Line::Field { def, entry } = line else {
            return String::new();
        };
        let d = &FIELDS[def];
        match (d.slot, entry) {
            (Slot::Text(_, get, _), _) => get(&self.form).clone(),
            (Slot::List(field, get, _, _), Some(i)) => {
                let v = get(&self.form).get(i).cloned().unwrap_or_default();
                if field == Field::Env {
                    masked(&v)
                } else {
                    v
                }
            }
            (Slot::List(..), None) => String::new(),
            (Slot::Flag(get, _), _) => check(get(&self.form)),
            (Slot::Start, _) => check(self.start),
            (Slot::FollowLogs, _) => check(self.follow_logs),
        }
    }

    pub fn move_focus(&mut self, delta: i64) {
        let n = self.lines().len() as i64;
        self.focus = (self.focus as i64 + delta).clamp(0, (n - 1).max(0)) as usize;
    }

    /// Enter or space on the focused line: toggles a flag, or starts editing. `true` when
    /// the line is [Run] (the caller submits).
    pub fn activate(&mut self) -> bool {
        let line = self.focused();
        let Line::Field { def, entry } = line else {
            return true;
        };
        match FIELDS[def].slot {
            Slot::Flag(_, set) => {
                let v = set(&mut self.form);
                *v = !*v;
                self.update_preview();
            }
            Slot::Start => self.start = !self.start,
            Slot::FollowLogs => self.follow_logs = !self.follow_logs,
            Slot::Text(_, get, _) => {
                let before = get(&self.form).clone();
                self.editing = Some(Editing {
                    input: Input::new(&before),
                    line,
                    before: Before::Text(before),
                });
            }
            Slot::List(_, get, _, _) => {
                let before = get(&self.form).clone();
                let text = entry
                    .and_then(|i| before.get(i))
                    .cloned()
                    .unwrap_or_default();
                self.editing = Some(Editing {
                    input: Input::new(&text),
                    line,
                    before: Before::List(before),
                });
            }
        }
        false
    }

    /// Put the editor's text into the form (on every key, so the preview follows typing).
    pub fn apply_edit(&mut self) {
        let Some(ed) = &self.editing else {
            return;
        };
        let Line::Field { def, entry } = ed.line else {
            return;
        };
        let text = ed.input.text.clone();
        match (FIELDS[def].slot, &ed.before) {
            (Slot::Text(_, _, set), _) => *set(&mut self.form) = text,
            (Slot::List(_, _, set, comma), Before::List(before)) => {
                let pieces: Vec<String> = if comma {
                    text.split(',')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned)
                        .collect()
                } else if text.trim().is_empty() {
                    Vec::new()
                } else {
                    vec![text]
                };
                let at = entry.unwrap_or(before.len()).min(before.len());
                let skip = usize::from(entry.is_some() && at < before.len());
                let mut list = before[..at].to_vec();
                list.extend(pieces);
                list.extend(before[at + skip..].iter().cloned());
                *set(&mut self.form) = list;
            }
            _ => {}
        }
        self.update_preview();
    }

    /// Ends editing, keeping what was typed. After an add, the focus moves to the add line
    /// again, ready for the next entry.
    pub fn commit(&mut self) {
        self.apply_edit();
        let Some(ed) = self.editing.take() else {
            return;
        };
        if let (Line::Field { def, entry: None }, Before::List(before)) = (ed.line, &ed.before) {
            if let Slot::List(_, get, _, _) = FIELDS[def].slot {
                let added = get(&self.form).len().saturating_sub(before.len());
                self.focus += added;
            }
        }
        let n = self.lines().len();
        self.focus = self.focus.min(n.saturating_sub(1));
    }

    /// Ends editing, putting back what the field held before.
    pub fn cancel_edit(&mut self) {
        let Some(ed) = self.editing.take() else {
            return;
        };
        if let Line::Field { def, .. } = ed.line {
            match (FIELDS[def].slot, ed.before) {
                (Slot::Text(_, _, set), Before::Text(t)) => *set(&mut self.form) = t,
                (Slot::List(_, _, set, _), Before::List(l)) => *set(&mut self.form) = l,
                _ => {}
            }
        }
        self.update_preview();
    }

    /// Removes the focused list entry (the remove key); `false` when it is not one.
    pub fn remove_entry(&mut self) -> bool {
        let Line::Field {
            def,
            entry: Some(i),
        } = self.focused()
        else {
            return false;
        };
        if let Slot::List(_, _, set, _) = FIELDS[def].slot {
            let list = set(&mut self.form);
            if i < list.len() {
                list.remove(i);
            }
            self.update_preview();
            return true;
        }
        false
    }

    /// The hint of the focused line.
    pub fn hint(&self) -> &'static str {
        match self.focused() {
            Line::Field { def, .. } => FIELDS[def].hint,
            Line::Submit => "",
        }
    }
}

/// Most warnings listed under the form; `?` explains them all.
pub const FINDINGS_SHOWN: usize = 4;
/// Most screen lines of the `docker run` line (the copy key copies all of it).
pub const COMMAND_LINES: usize = 3;

/// The `docker run` line cut into lines of `width` cells (at most [`COMMAND_LINES`], the last
/// ending in `…` when cut), or why there is none.
pub fn command_lines(f: &RunFormState, width: u16) -> Vec<String> {
    let Some(cmd) = &f.shown_command else {
        return Vec::new();
    };
    let width = usize::from(width.max(2));
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut w = 0;
    for c in format!("$ {cmd}").chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > width {
            out.push(std::mem::take(&mut cur));
            w = 0;
        }
        cur.push(c);
        w += cw;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    if out.len() > COMMAND_LINES {
        out.truncate(COMMAND_LINES);
        if let Some(last) = out.last_mut() {
            last.pop();
            last.push('…');
        }
    }
    out
}

/// Lines below the form: a rule, the warnings (at most [`FINDINGS_SHOWN`] and a "more"
/// line), and the command line or the error count; at most half of `body`.
pub fn panel_height(f: &RunFormState, body: ratatui::layout::Rect) -> u16 {
    let n = f.findings().len();
    let findings = n.min(FINDINGS_SHOWN) + usize::from(n > FINDINGS_SHOWN);
    let cmd = command_lines(f, body.width).len().max(1);
    let want = 1 + findings + cmd;
    u16::try_from(want).unwrap_or(u16::MAX).min(body.height / 2)
}

/// Rows of the form's list in `body` (the screen between header and footer): less its title
/// line and the panel.
pub fn list_height(f: &RunFormState, body: ratatui::layout::Rect) -> u16 {
    body.height
        .saturating_sub(1)
        .saturating_sub(panel_height(f, body))
}

/// The core field a slot edits (flags cannot be wrong, so they have none).
fn field_of(slot: Slot) -> Option<Field> {
    match slot {
        Slot::Text(f, ..) | Slot::List(f, ..) => Some(f),
        _ => None,
    }
}

/// Whether error `e` belongs under the line of `entry` (a list of `len` entries): an entry's
/// own error under it; an error about the whole list (or an entry that is no longer there)
/// under the add line.
fn error_on(e: &FieldError, entry: Option<usize>, len: usize) -> bool {
    match (e.entry, entry) {
        (Some(a), Some(b)) => a == b,
        (Some(a), None) => a >= len,
        (None, None) => true,
        (None, Some(_)) => false,
    }
}

fn check(on: bool) -> String {
    if on { "[x]" } else { "[ ]" }.to_owned()
}

fn masked(entry: &str) -> String {
    mask_env_entry(entry).into_owned()
}

#[cfg(test)]
#[path = "run_form_tests.rs"]
mod tests;
