//! The build form: what the user typed to build an image from a directory, and its parser.
//!
//! Like the run form, the form is strings ([`BuildForm`]), so both UIs keep half-typed input
//! and this one parser decides what it means; [`BuildForm::parse`] returns every problem at
//! once or a [`BuildPlan`] of typed values. Nothing reaches the engine until the whole form is
//! valid. Tags follow the run form's image-reference rules (no digest: a build makes one).
//!
//! A relative Dockerfile path is relative to the context directory (the CLI's `-f` is
//! relative to the shell's current directory, which neither UI has); it may lie outside the
//! context, and is then sent the way the CLI sends it (see `engine::build`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::spec::fields::parse_image;

/// A build form as the user typed it. `Default` is an empty form (Dockerfile `Dockerfile`
/// in the context, no tag, pull off: a build uses the base images it has).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct BuildForm {
    /// The context directory (absolute, `~/…`, or relative to Wharf's current directory).
    pub context: String,
    /// The Dockerfile: empty = `Dockerfile` in the context; relative = to the context.
    pub dockerfile: String,
    /// `name[:tag]`, one per entry.
    pub tags: Vec<String>,
    /// `KEY=VALUE` build arguments.
    pub args: Vec<String>,
    /// The stage to build (`--target`); empty = the last.
    pub target: String,
    /// `KEY=VALUE` labels set on the image.
    pub labels: Vec<String>,
    pub no_cache: bool,
    /// Always try to pull newer base images (off by default).
    pub pull: bool,
}

/// The form's fields, for errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BuildField {
    Context,
    Dockerfile,
    Tags,
    Args,
    Target,
    Labels,
}

/// One precise problem; `entry` is the list entry (0-based) for list fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BuildFieldError {
    pub field: BuildField,
    pub entry: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for BuildFieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A valid build: typed values only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildPlan {
    /// The context directory, absolute.
    pub context: PathBuf,
    /// The Dockerfile, absolute (inside the context or not).
    pub dockerfile: PathBuf,
    pub tags: Vec<String>,
    pub args: BTreeMap<String, String>,
    pub target: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub no_cache: bool,
    pub pull: bool,
}

impl BuildPlan {
    /// The Dockerfile's path inside the context (`/`-separated), or `None` when it lies
    /// outside it.
    pub fn dockerfile_in_context(&self) -> Option<String> {
        let rel = self.dockerfile.strip_prefix(&self.context).ok()?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let parts = parts?;
        (!parts.is_empty()).then(|| parts.join("/"))
    }
}

/// `KEY=VALUE` (the value may be empty or hold `=`); the key non-empty, without spaces.
fn key_value(what: &str, s: &str) -> Result<(String, String), String> {
    let Some((k, v)) = s.split_once('=') else {
        return Err(format!("{what} '{s}' is not KEY=VALUE"));
    };
    let k = k.trim();
    if k.is_empty() || k.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{what} '{s}' needs a key without spaces before '='"
        ));
    }
    Ok((k.to_owned(), v.to_owned()))
}

/// `~` and `~/…` as the user's home (`HOME`), as a shell would have expanded them for the CLI.
fn expand_home(p: &str) -> PathBuf {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (p.strip_prefix('~'), home) {
        (Some(""), Some(h)) => PathBuf::from(h),
        (Some(rest), Some(h)) if rest.starts_with('/') => {
            PathBuf::from(h).join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(p),
    }
}

/// Absolute, with `.` and `..` resolved lexically (no symlinks followed).
fn absolute(p: &Path, base: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl BuildForm {
    /// Every problem at once, or the plan. Checks that the context is a directory and the
    /// Dockerfile a file (two `stat`s; no other I/O).
    pub fn parse(&self) -> Result<BuildPlan, Vec<BuildFieldError>> {
        let mut errors = Vec::new();
        let mut err = |field, entry, message: String| {
            errors.push(BuildFieldError {
                field,
                entry,
                message,
            })
        };
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let ctx = self.context.trim();
        let mut context = None;
        if ctx.is_empty() {
            err(
                BuildField::Context,
                None,
                "the context directory is required: the folder the Dockerfile builds from".into(),
            );
        } else {
            let p = absolute(&expand_home(ctx), &cwd);
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => context = Some(p),
                Ok(_) => err(
                    BuildField::Context,
                    None,
                    format!("context '{ctx}' is not a directory"),
                ),
                Err(e) => err(
                    BuildField::Context,
                    None,
                    format!("context '{ctx}' cannot be read: {e}"),
                ),
            }
        }
        let df = self.dockerfile.trim();
        let mut dockerfile = None;
        if let Some(c) = &context {
            let p = absolute(
                &expand_home(if df.is_empty() { "Dockerfile" } else { df }),
                c,
            );
            match std::fs::metadata(&p) {
                Ok(m) if m.is_file() => dockerfile = Some(p),
                Ok(_) => err(
                    BuildField::Dockerfile,
                    None,
                    format!("Dockerfile '{}' is not a file", p.display()),
                ),
                Err(e) => err(
                    BuildField::Dockerfile,
                    None,
                    format!("Dockerfile '{}' cannot be read: {e}", p.display()),
                ),
            }
        }
        let mut tags = Vec::new();
        for (i, t) in self.tags.iter().enumerate() {
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
            match parse_image(t) {
                Ok(r) if r.digest.is_some() => err(
                    BuildField::Tags,
                    Some(i),
                    format!("tag '{t}' has a digest; a build makes the digest, give name[:tag]"),
                ),
                Ok(r) => {
                    let full = format!("{}:{}", r.repository, r.tag.as_deref().unwrap_or("latest"));
                    if !tags.contains(&full) {
                        tags.push(full);
                    }
                }
                Err(m) => err(BuildField::Tags, Some(i), format!("tag: {m}")),
            }
        }
        let pairs = |field, what: &str, list: &[String]| {
            let mut out = BTreeMap::new();
            let mut problems = Vec::new();
            for (i, s) in list.iter().enumerate() {
                if s.trim().is_empty() {
                    continue;
                }
                match key_value(what, s.trim_start()) {
                    Ok((k, v)) => {
                        out.insert(k, v);
                    }
                    Err(m) => problems.push((field, Some(i), m)),
                }
            }
            (out, problems)
        };
        let (args, p1) = pairs(BuildField::Args, "build argument", &self.args);
        let (labels, p2) = pairs(BuildField::Labels, "label", &self.labels);
        for (f, i, m) in p1.into_iter().chain(p2) {
            err(f, i, m);
        }
        let target = self.target.trim();
        if !target.is_empty()
            && !target
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            err(
                BuildField::Target,
                None,
                format!("target '{target}' is not a stage name (letters, digits, '_', '.', '-')"),
            );
        }
        match (context, dockerfile) {
            (Some(context), Some(dockerfile)) if errors.is_empty() => Ok(BuildPlan {
                context,
                dockerfile,
                tags,
                args,
                target: (!target.is_empty()).then(|| target.to_owned()),
                labels,
                no_cache: self.no_cache,
                pull: self.pull,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        d
    }

    #[test]
    fn a_good_form_is_a_plan() {
        let d = dir();
        let form = BuildForm {
            context: d.path().display().to_string(),
            tags: vec!["app".into(), "reg:5000/a/b:1.2".into(), "app:latest".into()],
            args: vec!["A=1".into(), "EMPTY=".into(), "X=a=b".into()],
            labels: vec!["team=core".into()],
            target: "build-1".into(),
            ..Default::default()
        };
        let plan = form.parse().unwrap();
        assert_eq!(plan.tags, ["app:latest", "reg:5000/a/b:1.2"]);
        assert_eq!(plan.args["X"], "a=b");
        assert_eq!(plan.args["EMPTY"], "");
        assert_eq!(plan.target.as_deref(), Some("build-1"));
        assert_eq!(plan.dockerfile_in_context().as_deref(), Some("Dockerfile"));
    }

    #[test]
    fn every_problem_is_reported_with_its_field_and_entry() {
        let d = dir();
        let form = BuildForm {
            context: d.path().display().to_string(),
            dockerfile: "missing/Dockerfile".into(),
            tags: vec!["ok".into(), "Bad Tag".into(), "a@sha256:00".into()],
            args: vec!["NOVALUE".into()],
            labels: vec!["=x".into()],
            target: "a b".into(),
            ..Default::default()
        };
        let errors = form.parse().unwrap_err();
        let fields: Vec<(BuildField, Option<usize>)> =
            errors.iter().map(|e| (e.field, e.entry)).collect();
        assert_eq!(
            fields,
            [
                (BuildField::Dockerfile, None),
                (BuildField::Tags, Some(1)),
                (BuildField::Tags, Some(2)),
                (BuildField::Args, Some(0)),
                (BuildField::Labels, Some(0)),
                (BuildField::Target, None),
            ],
            "{errors:?}"
        );
        assert!(
            errors[0].message.contains("missing/Dockerfile"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_missing_context_is_named() {
        let errors = BuildForm {
            context: "/nonexistent/wharf-ctx".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("/nonexistent/wharf-ctx"));
        assert!(BuildForm::default().parse().is_err());
    }

    #[test]
    fn home_is_expanded_like_a_shell_would() {
        let home = PathBuf::from(std::env::var_os("HOME").unwrap());
        assert_eq!(expand_home("~"), home);
        assert_eq!(expand_home("~/src/app"), home.join("src/app"));
        assert_eq!(expand_home("~user/x"), PathBuf::from("~user/x"));
        assert_eq!(expand_home("a/~/b"), PathBuf::from("a/~/b"));
    }

    #[test]
    fn a_dockerfile_outside_the_context_is_allowed() {
        let d = dir();
        std::fs::create_dir(d.path().join("ctx")).unwrap();
        let plan = BuildForm {
            context: d.path().join("ctx").display().to_string(),
            dockerfile: "../Dockerfile".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(plan.dockerfile, d.path().join("Dockerfile"));
        assert_eq!(plan.dockerfile_in_context(), None);
    }
}
