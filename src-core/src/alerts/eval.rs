//! The evaluator: a pure function of what it is given (engine events, stats samples, log
//! lines) and its [`Clock`]. It keeps only what the triggers need: per (rule, container key)
//! the last fire time, restart times within the window and since when a threshold has been
//! exceeded. No I/O, so the "exactly once per cooldown" rules are unit-tested without waiting.

use std::collections::{HashMap, HashSet, VecDeque};

use super::rules::{Metric, Rule, Selector, Trigger};
use super::Target;
use crate::clock::Clock;
use crate::model::{EngineEvent, EventKind, Sample};
use crate::streams::text::inert;

/// Longest excerpt of a log line kept in a cause.
const LINE_EXCERPT: usize = 200;

/// One alert to act on.
#[derive(Debug, Clone, PartialEq)]
pub struct Fire {
    /// Index of the rule in the evaluator's list.
    pub rule: usize,
    pub rule_name: String,
    pub target: Target,
    /// What happened (inert).
    pub cause: String,
    /// Unix milliseconds (the evaluator's clock).
    pub at_ms: i64,
}

/// Evaluates a list of rules.
#[derive(Debug)]
pub struct Evaluator {
    rules: Vec<Rule>,
    clock: Clock,
    /// (rule, key) → last fire (ms).
    fired: HashMap<(usize, String), i64>,
    /// (rule, key) → restart times within the window.
    restarts: HashMap<(usize, String), VecDeque<i64>>,
    /// (rule, container id) → since when the threshold is exceeded.
    above_since: HashMap<(usize, String), i64>,
    /// Containers whose last event was a `die`: their next `start` is a restart.
    died: HashSet<String>,
}

impl Selector {
    /// Whether `t` is one of the containers this selector names.
    pub fn matches(&self, t: &Target) -> bool {
        self.engine.as_ref().is_none_or(|r| r.is_match(&t.engine))
            && self.name.as_ref().is_none_or(|r| r.is_match(&t.name))
            && self
                .project
                .as_ref()
                .is_none_or(|r| t.project.as_deref().is_some_and(|p| r.is_match(p)))
            && self
                .labels
                .iter()
                .all(|(k, r)| t.labels.get(k).is_some_and(|v| r.is_match(v)))
    }
}

impl Evaluator {
    pub fn new(rules: Vec<Rule>, clock: Clock) -> Evaluator {
        Evaluator {
            rules,
            clock,
            fired: HashMap::new(),
            restarts: HashMap::new(),
            above_since: HashMap::new(),
            died: HashSet::new(),
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Remember that `rule` fired for `key` at `at_ms` (read back from the history, so a
    /// restart keeps the cooldowns).
    pub fn seed(&mut self, rule: &str, key: &str, at_ms: i64) {
        if let Some(i) = self.rules.iter().position(|r| r.name == rule) {
            let e = self.fired.entry((i, key.to_owned())).or_insert(at_ms);
            *e = (*e).max(at_ms);
        }
    }

    /// Whether some log rule selects `t` (its log must be followed).
    pub fn wants_logs(&self, t: &Target) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r.trigger, Trigger::Log(_)) && r.select.matches(t))
    }

    /// Whether some threshold rule selects `t` (it must be sampled).
    pub fn wants_stats(&self, t: &Target) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r.trigger, Trigger::Threshold { .. }) && r.select.matches(t))
    }

    /// Fire rule `i` for `t` unless it fired for the same key within its cooldown.
    fn fire(&mut self, i: usize, t: &Target, cause: String, out: &mut Vec<Fire>) {
        let now = self.clock.now_ms();
        let rule = &self.rules[i];
        let slot = (i, t.key.clone());
        if self
            .fired
            .get(&slot)
            .is_some_and(|last| now - *last < rule.cooldown_ms)
        {
            return;
        }
        self.fired.insert(slot, now);
        out.push(Fire {
            rule: i,
            rule_name: rule.name.clone(),
            target: t.clone(),
            cause: inert(&cause).into_owned(),
            at_ms: now,
        });
    }

    /// An engine event (only container events matter).
    pub fn on_event(&mut self, engine: &str, e: &EngineEvent) -> Vec<Fire> {
        let mut out = Vec::new();
        if e.kind != EventKind::Container {
            return out;
        }
        let Some(t) = Target::of_event(engine, e) else {
            return out;
        };
        let now = self.clock.now_ms();
        let verb = e.verb();
        let restarted = match verb {
            "die" => {
                self.died.insert(e.actor_id.clone());
                false
            }
            "start" => self.died.remove(&e.actor_id),
            "destroy" => {
                self.died.remove(&e.actor_id);
                self.above_since.retain(|(_, id), _| *id != e.actor_id);
                false
            }
            _ => false,
        };
        for i in 0..self.rules.len() {
            let rule = &self.rules[i];
            if !rule.select.matches(&t) {
                continue;
            }
            let cause = match &rule.trigger {
                Trigger::Die if verb == "die" => {
                    let code = e.attributes.get("exitCode").map_or("?", String::as_str);
                    if code == "0" {
                        continue;
                    }
                    format!("exited with code {code}")
                }
                Trigger::Oom if verb == "oom" => "killed: out of memory".to_owned(),
                Trigger::Unhealthy if e.action == "health_status: unhealthy" => {
                    "health check failing (unhealthy)".to_owned()
                }
                Trigger::RestartLoop {
                    restarts,
                    window_ms,
                } if restarted => {
                    let (restarts, window_ms) = (*restarts, *window_ms);
                    let times = self.restarts.entry((i, t.key.clone())).or_default();
                    times.push_back(now);
                    while times.front().is_some_and(|at| now - *at > window_ms) {
                        times.pop_front();
                    }
                    if times.len() < restarts as usize {
                        continue;
                    }
                    let n = times.len();
                    times.clear();
                    format!("restarted {n} times within {} min", window_ms / 60_000)
                }
                _ => continue,
            };
            self.fire(i, &t, cause, &mut out);
        }
        out
    }

    /// A stats sample of container `t`.
    pub fn on_sample(&mut self, t: &Target, s: &Sample) -> Vec<Fire> {
        let mut out = Vec::new();
        let now = self.clock.now_ms();
        for i in 0..self.rules.len() {
            let rule = &self.rules[i];
            let Trigger::Threshold {
                metric,
                above,
                for_ms,
            } = rule.trigger
            else {
                continue;
            };
            if !rule.select.matches(t) {
                continue;
            }
            let value = match metric {
                Metric::CpuPercent => s.cpu_pct,
                Metric::MemoryPercent if s.mem_limit > 0 => {
                    s.mem_used as f64 * 100.0 / s.mem_limit as f64
                }
                Metric::MemoryPercent => continue,
                Metric::MemoryBytes => s.mem_used as f64,
            };
            let slot = (i, t.id.clone());
            if value <= above {
                self.above_since.remove(&slot);
                continue;
            }
            let since = *self.above_since.entry(slot).or_insert(now);
            if now - since < for_ms {
                continue;
            }
            let shown = |v: f64| match metric {
                Metric::MemoryBytes => format!("{} B", v.round()),
                _ => format!("{v:.1} %"),
            };
            let cause = format!(
                "{} {} above {} for {} s",
                metric.label(),
                shown(value),
                shown(above),
                (now - since) / 1000
            );
            self.fire(i, t, cause, &mut out);
        }
        out
    }

    /// A line container `t` printed (already made inert or not: the cause is).
    pub fn on_log_line(&mut self, t: &Target, line: &str) -> Vec<Fire> {
        let mut out = Vec::new();
        for i in 0..self.rules.len() {
            let rule = &self.rules[i];
            let Trigger::Log(re) = &rule.trigger else {
                continue;
            };
            if !rule.select.matches(t) || !re.is_match(line) {
                continue;
            }
            let excerpt: String = line.chars().take(LINE_EXCERPT).collect();
            let cause = format!("log line matched /{}/: {excerpt}", re.as_str());
            self.fire(i, t, cause, &mut out);
        }
        out
    }
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
