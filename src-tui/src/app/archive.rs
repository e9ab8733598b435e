//! The log archive in the terminal: `:archive on|off [SELECTOR]` chooses what `wharf watch`
//! archives (the selected container's key, or the selected project, by default), and
//! `:archive find TEXT` / `:archive grep REGEX` (with `since=DUR`, `until=DUR` ago and
//! `in=SELECTOR`) searches it. Results open in the log pane (search, only matches, save),
//! oldest first, with a marker line where a container was recreated; their text is inert
//! (the core's search made it so).

use wharf_core::clock::now_ms;
use wharf_core::history::{ArchiveQuery, ArchiveResult, ArchiveSelector};
use wharf_core::streams::text::StyledText;
use wharf_core::streams::LogLine;
use wharf_core::CoreError;

use super::App;
use crate::details::{Details, Tab};
use crate::kinds::{RowKey, View};
use crate::msg::Effect;

/// The `id` of the archive search pane: no container has it.
pub const ARCHIVE_ID: &str = "archive-search";

const HOW: &str = "archive: :archive on|off [SELECTOR], :archive find TEXT or :archive grep \
                   REGEX [since=2h] [until=10m] [in=SELECTOR]";

/// `30s`, `15m`, `2h`, `7d` → milliseconds.
pub fn parse_duration_ms(s: &str) -> Option<i64> {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok()?;
    let ms = match unit {
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(ms)
}

impl App {
    /// What `:archive on|off` applies to without a selector: the selected container's key or
    /// the selected project.
    fn archive_target(&self) -> Option<ArchiveSelector> {
        match self.selected_row().map(|r| &r.key) {
            Some(RowKey::Project(p)) => Some(ArchiveSelector::Project(p.clone())),
            Some(RowKey::Container(id)) => self
                .snapshot
                .containers
                .get(id)
                .map(|c| ArchiveSelector::of_container(c, false)),
            _ => None,
        }
    }

    /// `:archive …`.
    pub(super) fn archive_command(&mut self, words: &[&str]) -> Vec<Effect> {
        match words {
            [on @ ("on" | "off"), rest @ ..] => {
                let sel = match rest {
                    [] => self.archive_target().ok_or_else(|| {
                        CoreError::invalid_input(
                            "select a container or a project first, or name one: :archive on \
                             name:NAME / project=NAME",
                        )
                    }),
                    [s] => ArchiveSelector::parse(s),
                    _ => Err(CoreError::invalid_input(HOW)),
                };
                match sel {
                    Ok(sel) => vec![Effect::ArchiveSet {
                        selector: sel.to_string(),
                        on: *on == "on",
                    }],
                    Err(e) => {
                        self.toast(e.to_string(), true);
                        Vec::new()
                    }
                }
            }
            [verb @ ("find" | "grep"), rest @ ..] => match archive_query(*verb == "grep", rest) {
                Ok(q) => self.open_archive(q),
                Err(e) => {
                    self.toast(e.to_string(), true);
                    Vec::new()
                }
            },
            _ => {
                self.toast(HOW, true);
                Vec::new()
            }
        }
    }

    /// Open the archive pane over the containers view and ask for the search.
    pub fn open_archive(&mut self, q: ArchiveQuery) -> Vec<Effect> {
        let mut fx = if self.view == View::Containers {
            Vec::new()
        } else {
            self.go(View::Containers)
        };
        let what = if q.pattern.is_empty() {
            "everything".to_owned()
        } else {
            format!("{:?}", q.pattern)
        };
        let mut d = Details::new(
            ARCHIVE_ID.into(),
            format!("archive: {what}"),
            Tab::Logs,
            self.settings
                .log_buffer
                .max(wharf_core::history::ARCHIVE_MAX_RESULTS + 1),
            self.settings.log_tail,
        );
        d.logs.ended = Some("searching the archive…".into());
        d.archive = Some(q.clone());
        self.details = Some(d);
        fx.push(Effect::ArchiveSearch(q));
        fx
    }

    /// The answer to [`Effect::ArchiveSearch`]: lines into the pane.
    pub(super) fn on_archive_found(&mut self, result: Result<ArchiveResult, CoreError>) {
        let Some(d) = self.details.as_mut().filter(|d| d.archive.is_some()) else {
            return;
        };
        d.logs.buffer.clear();
        match result {
            Ok(r) => {
                let lines = r.entries.iter().filter(|e| e.kind == "line").count();
                for e in &r.entries {
                    let time = e.time.get(..23).unwrap_or(&e.time).replace('T', " ");
                    d.logs.buffer.push_line(LogLine {
                        seq: 0,
                        stream: e.stream,
                        timestamp: Some(e.time.clone()),
                        text: StyledText {
                            text: format!("{time} {} │ {}", e.name, e.text),
                            runs: Vec::new(),
                        },
                        truncated: false,
                    });
                }
                d.logs.ended = Some(format!(
                    "archive: {lines} lines found in {} read{}",
                    r.scanned,
                    if r.truncated {
                        " (only the newest are shown)"
                    } else {
                        ""
                    }
                ));
            }
            Err(e) => d.logs.ended = Some(format!("archive search failed: {e}")),
        }
    }

    /// The answer to [`Effect::ArchiveSet`].
    pub(super) fn on_archive_set(&mut self, result: Result<String, CoreError>) {
        match result {
            Ok(text) => self.toast(text, false),
            Err(e) => self.toast(e.to_string(), true),
        }
    }
}

/// `TEXT… [since=DUR] [until=DUR] [in=SELECTOR]` → a query (the engine is filled in by the
/// loop, which knows the session).
pub fn archive_query(regex: bool, words: &[&str]) -> Result<ArchiveQuery, CoreError> {
    let mut q = ArchiveQuery {
        regex,
        ..Default::default()
    };
    let mut pattern = Vec::new();
    let now = now_ms();
    let ago = |v: &str| {
        parse_duration_ms(v).map(|ms| now - ms).ok_or_else(|| {
            CoreError::invalid_input(format!("{v:?} is not a duration like 30s, 15m, 2h or 7d"))
        })
    };
    for w in words {
        if let Some(v) = w.strip_prefix("since=") {
            q.from_ms = Some(ago(v)?);
        } else if let Some(v) = w.strip_prefix("until=") {
            q.to_ms = Some(ago(v)?);
        } else if let Some(v) = w.strip_prefix("in=") {
            q.scope = ArchiveSelector::parse(v)?.to_string();
        } else {
            pattern.push(*w);
        }
    }
    q.pattern = pattern.join(" ");
    if regex && q.pattern.is_empty() {
        return Err(CoreError::invalid_input(
            "archive grep needs a regular expression",
        ));
    }
    Ok(q)
}
