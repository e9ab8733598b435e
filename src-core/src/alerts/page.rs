//! The rules as the desktop page sees and sends them: a webhook header's literal value is a
//! secret, so the page gets it as [`MASK`] ([`masked`]), and a [`MASK`] it sends back keeps
//! the value in the file ([`unmask`]); `env:NAME` references are not secrets and go as they
//! are. [`load_for_page`] and [`save_from_page`] are the editor's two commands.

use std::path::Path;

use super::rules::RuleSpec;
use super::webhook::{ENV_PREFIX, MASK};
use crate::error::Result;

/// `specs` as the desktop page may see them: literal header values replaced by [`MASK`]
/// (`env:NAME` references stay: they are not secrets).
pub fn masked(specs: &[RuleSpec]) -> Vec<RuleSpec> {
    let mut out = specs.to_vec();
    for s in &mut out {
        if let Some(w) = &mut s.webhook {
            for v in w.headers.values_mut() {
                if !v.starts_with(ENV_PREFIX) {
                    *v = MASK.to_owned();
                }
            }
        }
    }
    out
}

/// `specs` from the page with each [`MASK`] value replaced by the value of the same header
/// of the same rule (by name) in `saved` (the file as it is). A mask with nothing to keep
/// stays, and checking then says to type the value again.
pub fn unmask(mut specs: Vec<RuleSpec>, saved: &[RuleSpec]) -> Vec<RuleSpec> {
    for s in &mut specs {
        let old = saved
            .iter()
            .find(|o| o.name == s.name)
            .and_then(|o| o.webhook.as_ref());
        if let Some(w) = &mut s.webhook {
            for (name, v) in w.headers.iter_mut() {
                if v == MASK {
                    if let Some(kept) = old.and_then(|o| o.headers.get(name)) {
                        v.clone_from(kept);
                    }
                }
            }
        }
    }
    specs
}

/// The rules of the file at `path` as the desktop page may see them ([`masked`]).
pub fn load_for_page(path: &Path) -> Result<Vec<RuleSpec>> {
    let (file, _) = super::rules::load(path)?;
    Ok(masked(&file.rules))
}

/// The desktop editor's save: `specs` from the page, each [`MASK`] replaced by the file's
/// value ([`unmask`]; the file is read as written, even when a rule of it does not check),
/// checked and written ([`super::rules::save`]); the saved rules as the page may see them.
pub fn save_from_page(path: &Path, specs: Vec<RuleSpec>) -> Result<Vec<RuleSpec>> {
    let saved = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| toml::from_str::<super::rules::RulesFile>(&t).ok())
        .map(|f| f.rules)
        .unwrap_or_default();
    let specs = unmask(specs, &saved);
    super::rules::save(path, &specs)?;
    Ok(masked(&specs))
}
