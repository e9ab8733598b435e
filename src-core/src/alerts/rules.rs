//! Alert rules: the file's shape ([`RuleSpec`], what a user writes and the desktop edits) and
//! its checked form ([`Rule`], compiled regexes and typed triggers). Checking names the rule
//! and the field at fault, so both front ends show the same message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::webhook::{Webhook, WebhookSpec};
use crate::error::{CoreError, ErrorKind, Result};

/// Longest regex a rule may carry (compiled size is bounded by `regex` too).
const MAX_PATTERN: usize = 1000;

/// The alerts file: `[[rule]]` tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesFile {
    #[serde(rename = "rule")]
    pub rules: Vec<RuleSpec>,
}

/// One rule as written in the file (every field a plain value the desktop form can edit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique, shown in every alert.
    pub name: String,
    pub select: SelectSpec,
    pub trigger: TriggerSpec,
    /// Seconds before the same rule may fire again for the same container (its compose
    /// service, else its name).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cooldown_secs: u64,
    /// POST a JSON body to this `http://` or `https://` URL (with extra headers and a CA:
    /// see [`WebhookSpec`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookSpec>,
    /// Run this program (argv, no shell) with `WHARF_ALERT_*` in its environment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// A desktop notification, a toast and a bell in the terminal UI.
    pub notify: bool,
}

/// Which containers a rule looks at: every given regex must match (none given: all).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct SelectSpec {
    /// Regex on the container's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Regex on the compose project (a container outside any project does not match).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Label key → regex on its value (the label must exist).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Regex on the engine's endpoint (`unix:///var/run/docker.sock`, `ssh://host`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
}

/// What fires a rule: exactly one of `event`, `threshold` or `log`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct TriggerSpec {
    /// `die` (non-zero exit), `oom`, `unhealthy` or `restart_loop`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// restart_loop: this many restarts…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restarts: Option<u32>,
    /// …within this many minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// `cpu_percent` (of one core), `memory_percent` (of the limit) or `memory_bytes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
    /// The threshold's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// Above it for this many seconds (0: the first sample above fires).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub for_secs: Option<u64>,
    /// A regex a log line must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
}

/// A checked trigger.
#[derive(Debug, Clone)]
pub enum Trigger {
    /// A `die` event with a non-zero exit code.
    Die,
    Oom,
    Unhealthy,
    /// `restarts` restarts within `window_ms`.
    RestartLoop {
        restarts: u32,
        window_ms: i64,
    },
    Threshold {
        metric: Metric,
        above: f64,
        for_ms: i64,
    },
    Log(Regex),
}

/// What a threshold compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    CpuPercent,
    MemoryPercent,
    MemoryBytes,
}

impl Metric {
    pub fn label(self) -> &'static str {
        match self {
            Metric::CpuPercent => "CPU",
            Metric::MemoryPercent => "memory",
            Metric::MemoryBytes => "memory",
        }
    }
}

/// A checked selector.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub name: Option<Regex>,
    pub project: Option<Regex>,
    pub labels: Vec<(String, Regex)>,
    pub engine: Option<Regex>,
}

/// A checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub select: Selector,
    pub trigger: Trigger,
    pub cooldown_ms: i64,
    /// The checked webhook.
    pub webhook: Option<Webhook>,
    pub spec: RuleSpec,
}

/// A rule that cannot be used: which rule, which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("alert rule {rule}: {field}: {message}")]
pub struct RuleError {
    /// The rule's name (or `#N` when it has none).
    pub rule: String,
    pub field: String,
    pub message: String,
}

impl From<RuleError> for CoreError {
    fn from(e: RuleError) -> CoreError {
        CoreError::new(ErrorKind::InvalidInput, e.to_string())
    }
}

const EVENTS: &str = "die, oom, unhealthy or restart_loop";
const METRICS: &str = "cpu_percent, memory_percent or memory_bytes";

impl RuleSpec {
    /// Check and compile one rule (`index` names an unnamed rule).
    pub fn compile(&self, index: usize) -> std::result::Result<Rule, RuleError> {
        let rule = if self.name.trim().is_empty() {
            format!("#{}", index + 1)
        } else {
            format!("{:?}", self.name)
        };
        let err = |field: &str, message: String| RuleError {
            rule: rule.clone(),
            field: field.to_owned(),
            message,
        };
        if self.name.trim().is_empty() {
            return Err(err("name", "give the rule a name".into()));
        }
        let re = |field: &str, p: &str| -> std::result::Result<Regex, RuleError> {
            if p.len() > MAX_PATTERN {
                return Err(err(field, format!("longer than {MAX_PATTERN} characters")));
            }
            regex::RegexBuilder::new(p)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| err(field, format!("bad regex: {}", one_line(&e.to_string()))))
        };
        let s = &self.select;
        let select = Selector {
            name: s
                .name
                .as_deref()
                .map(|p| re("select.name", p))
                .transpose()?,
            project: s
                .project
                .as_deref()
                .map(|p| re("select.project", p))
                .transpose()?,
            labels: s
                .labels
                .iter()
                .map(|(k, p)| Ok((k.clone(), re(&format!("select.labels.{k}"), p)?)))
                .collect::<std::result::Result<_, RuleError>>()?,
            engine: s
                .engine
                .as_deref()
                .map(|p| re("select.engine", p))
                .transpose()?,
        };
        let t = &self.trigger;
        let given = [t.event.is_some(), t.threshold.is_some(), t.log.is_some()]
            .iter()
            .filter(|g| **g)
            .count();
        if given != 1 {
            return Err(err(
                "trigger",
                "give exactly one of event, threshold or log".into(),
            ));
        }
        let trigger = if let Some(ev) = &t.event {
            match ev.as_str() {
                "die" => Trigger::Die,
                "oom" => Trigger::Oom,
                "unhealthy" => Trigger::Unhealthy,
                "restart_loop" => {
                    let restarts = t.restarts.unwrap_or(3);
                    let minutes = t.minutes.unwrap_or(5);
                    if restarts == 0 {
                        return Err(err("trigger.restarts", "must be at least 1".into()));
                    }
                    if minutes == 0 {
                        return Err(err("trigger.minutes", "must be at least 1".into()));
                    }
                    Trigger::RestartLoop {
                        restarts,
                        window_ms: i64::from(minutes) * 60_000,
                    }
                }
                other => {
                    return Err(err(
                        "trigger.event",
                        format!("unknown event {other:?} (use {EVENTS})"),
                    ))
                }
            }
        } else if let Some(m) = &t.threshold {
            let metric = match m.as_str() {
                "cpu_percent" => Metric::CpuPercent,
                "memory_percent" => Metric::MemoryPercent,
                "memory_bytes" => Metric::MemoryBytes,
                other => {
                    return Err(err(
                        "trigger.threshold",
                        format!("unknown threshold {other:?} (use {METRICS})"),
                    ))
                }
            };
            let Some(above) = t.above else {
                return Err(err("trigger.above", "a threshold needs a value".into()));
            };
            if !above.is_finite() || above < 0.0 {
                return Err(err("trigger.above", "must be a number ≥ 0".into()));
            }
            let for_secs = t.for_secs.unwrap_or(0).min(86_400 * 7);
            Trigger::Threshold {
                metric,
                above,
                for_ms: i64::try_from(for_secs * 1000).unwrap_or(i64::MAX),
            }
        } else if let Some(p) = &t.log {
            if p.is_empty() {
                return Err(err(
                    "trigger.log",
                    "empty pattern matches every line".into(),
                ));
            }
            Trigger::Log(re("trigger.log", p)?)
        } else {
            return Err(err("trigger", "missing".into()));
        };
        let extra = |field: &str, given: bool| {
            if given {
                Err(err(field, "does not apply to this trigger".into()))
            } else {
                Ok(())
            }
        };
        if !matches!(trigger, Trigger::RestartLoop { .. }) {
            extra("trigger.restarts", t.restarts.is_some())?;
            extra("trigger.minutes", t.minutes.is_some())?;
        }
        if !matches!(trigger, Trigger::Threshold { .. }) {
            extra("trigger.above", t.above.is_some())?;
            extra("trigger.for_secs", t.for_secs.is_some())?;
        }
        if self.cooldown_secs == 0 {
            return Err(err(
                "cooldown_secs",
                "must be at least 1 (how long before the rule fires again for a container)".into(),
            ));
        }
        let webhook = self
            .webhook
            .as_ref()
            .map(|w| w.compile().map_err(|e| err(&e.field, e.message)))
            .transpose()?;
        if self.command.first().is_some_and(|p| p.is_empty()) {
            return Err(err("command", "the program (first word) is empty".into()));
        }
        if self.webhook.is_none() && self.command.is_empty() && !self.notify {
            return Err(err(
                "actions",
                "give at least one of webhook, command or notify = true".into(),
            ));
        }
        Ok(Rule {
            name: self.name.clone(),
            select,
            trigger,
            cooldown_ms: i64::try_from(self.cooldown_secs.min(86_400 * 365) * 1000)
                .unwrap_or(i64::MAX),
            webhook,
            spec: self.clone(),
        })
    }
}

impl Rule {
    /// `name → webhook https://host [authorization, x-tag] + CA, command, notify`: what the
    /// rule does, a webhook as its host and header names (never a value, nor the URL's path).
    pub fn summary(&self) -> String {
        let mut actions = Vec::new();
        if let Some(w) = &self.webhook {
            actions.push(format!("webhook {}", w.describe()));
        }
        if !self.spec.command.is_empty() {
            actions.push("command".to_owned());
        }
        if self.spec.notify {
            actions.push("notify".to_owned());
        }
        format!("{} → {}", self.name, actions.join(", "))
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Check every rule of `specs` (names must be unique).
pub fn compile_all(specs: &[RuleSpec]) -> std::result::Result<Vec<Rule>, RuleError> {
    let mut out: Vec<Rule> = Vec::with_capacity(specs.len());
    for (i, s) in specs.iter().enumerate() {
        let r = s.compile(i)?;
        if out.iter().any(|o| o.name == r.name) {
            return Err(RuleError {
                rule: format!("{:?}", r.name),
                field: "name".into(),
                message: "another rule has this name".into(),
            });
        }
        out.push(r);
    }
    Ok(out)
}

/// Parse and check the text of an alerts file.
pub fn parse(text: &str) -> Result<(RulesFile, Vec<Rule>)> {
    let file: RulesFile = toml::from_str(text).map_err(|e| {
        CoreError::new(
            ErrorKind::Config,
            format!("alert rules: {}", one_line(&e.to_string())),
        )
    })?;
    let rules = compile_all(&file.rules)?;
    Ok((file, rules))
}

/// The alerts file: `$XDG_CONFIG_HOME/wharf/alerts.toml`, else `~/.config/wharf/alerts.toml`
/// (`WHARF_ALERTS` names another).
pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("WHARF_ALERTS").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("wharf").join("alerts.toml")
}

/// Load the rules at `path`: none (not an error) when the file does not exist.
pub fn load(path: &Path) -> Result<(RulesFile, Vec<Rule>)> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text).map_err(|e| {
            let msg = format!("{}: {}", path.display(), e.message());
            CoreError::new(e.kind(), msg)
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((RulesFile::default(), vec![])),
        Err(e) => Err(CoreError::new(
            ErrorKind::Io,
            format!("cannot read {}: {e}", path.display()),
        )
        .with_source(e)),
    }
}

/// Check `specs` and write them to `path` (atomically: a temporary file renamed over it).
/// Nothing is written when a rule is bad.
pub fn save(path: &Path, specs: &[RuleSpec]) -> Result<Vec<Rule>> {
    let rules = compile_all(specs)?;
    let file = RulesFile {
        rules: specs.to_vec(),
    };
    let text = toml::to_string(&file)
        .map_err(|e| CoreError::new(ErrorKind::Config, format!("cannot write alert rules: {e}")))?;
    let io = |e: std::io::Error| {
        CoreError::new(
            ErrorKind::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(
        &tmp,
        format!("# Wharf alert rules (see README: Alerts)\n{text}"),
    )
    .map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(rules)
}

/// What tells an evaluator the file changed (modified time and length); `None` when missing.
pub fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}
