//! Rules that follow their file: whoever evaluates (`wharf watch`, or a UI when no recorder
//! runs) keeps a [`RulesFileWatch`] and calls [`RulesFileWatch::check`] every few seconds
//! (one `stat`: cheap) or [`RulesFileWatch::reload`] on demand (`wharf watch` on SIGHUP).
//! A changed file that checks ([`super::rules::load`], the same checker the editor uses)
//! replaces the rules; a bad one keeps the rules in use and is reported once, with the
//! checker's message naming the rule and the field.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::rules::{load, stamp, Rule};
use crate::error::CoreError;

/// What a look at the rules file found.
#[derive(Debug)]
pub enum Reload {
    /// Same file as before (or the same bad file, already reported).
    Unchanged,
    /// The file changed and its rules check: use these from now on (empty: the file is gone
    /// or has no rules).
    Changed(Vec<Rule>),
    /// The file changed and does not check: the rules in use stay; say why (once).
    Bad(CoreError),
}

/// The rules of one file and the file's stamp when they were read.
#[derive(Debug)]
pub struct RulesFileWatch {
    path: PathBuf,
    stamp: Option<(SystemTime, u64)>,
    rules: Vec<Rule>,
}

impl RulesFileWatch {
    /// Read the rules of `path` (none when it is missing); an error when they do not check.
    pub fn open(path: &Path) -> crate::error::Result<RulesFileWatch> {
        let stamp = stamp(path);
        let (_, rules) = load(path)?;
        Ok(RulesFileWatch {
            path: path.to_owned(),
            stamp,
            rules,
        })
    }

    /// Start with `rules` in use for `path` as it is now, when the first read failed: the next
    /// change of the file is read.
    pub fn with_rules(path: &Path, rules: Vec<Rule>) -> RulesFileWatch {
        RulesFileWatch {
            path: path.to_owned(),
            stamp: stamp(path),
            rules,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The rules in use.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Read the file again if its modified time or length changed.
    pub fn check(&mut self) -> Reload {
        if stamp(&self.path) == self.stamp {
            return Reload::Unchanged;
        }
        self.reload()
    }

    /// Read the file again now, whatever its stamp.
    pub fn reload(&mut self) -> Reload {
        self.stamp = stamp(&self.path);
        match load(&self.path) {
            Ok((_, rules)) => {
                self.rules.clone_from(&rules);
                Reload::Changed(rules)
            }
            Err(e) => Reload::Bad(e),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const GOOD: &str = "[[rule]]\nname = \"a\"\ntrigger = { event = \"die\" }\ncooldown_secs = 60\nnotify = true\n";

    #[test]
    fn a_changed_file_replaces_the_rules_and_a_bad_one_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alerts.toml");
        let mut w = RulesFileWatch::open(&path).unwrap();
        assert!(w.rules().is_empty(), "a missing file: no rules");
        assert!(matches!(w.check(), Reload::Unchanged));

        std::fs::write(&path, GOOD).unwrap();
        let Reload::Changed(rules) = w.check() else {
            panic!("the new file is read");
        };
        assert_eq!(rules.len(), 1);
        assert!(matches!(w.check(), Reload::Unchanged), "read once");

        // A bad regex in a second rule: the message names the rule and the field; the one
        // good rule stays in use, and the bad file is reported once.
        std::fs::write(
            &path,
            format!("{GOOD}[[rule]]\nname = \"b\"\ntrigger = {{ log = \"(\" }}\nnotify = true\n"),
        )
        .unwrap();
        let Reload::Bad(e) = w.check() else {
            panic!("a bad file is refused");
        };
        let text = e.to_string();
        assert!(
            text.contains("\"b\"") && text.contains("trigger.log"),
            "{text}"
        );
        assert_eq!(w.rules().len(), 1);
        assert_eq!(w.rules()[0].name, "a");
        assert!(matches!(w.check(), Reload::Unchanged), "told once");
        // Asked explicitly (SIGHUP), the same bad file is reported again.
        assert!(matches!(w.reload(), Reload::Bad(_)));

        std::fs::remove_file(&path).unwrap();
        assert!(matches!(w.check(), Reload::Changed(r) if r.is_empty()));
    }
}
