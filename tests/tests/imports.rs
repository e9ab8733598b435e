//! No import circles: reads the sources (no engine needed) and fails when modules import each
//! other in a circle, or when a module imports one of a higher layer.
//!
//! Rust crates: every file is a module (`a/b.rs` and `a/b/mod.rs` are `a::b`); its imports are
//! the paths it names after `crate::` (braces expanded) and `super::` (resolved from the file),
//! outside `#[cfg(test)]` blocks and test-only files (`tests.rs`, `*_tests.rs`, `test_fixtures.rs`). Each import is
//! lifted to the children of the nearest common parent of the two modules, and every parent's
//! children must form a graph without circles (a module and its own children are one unit, so
//! `super::` from a child to its parent is not a circle). Where a crate lists layers, an import
//! from a lower layer to a higher one fails too.
//!
//! The page (`ui/src`): the relative imports of every `.ts` file must form no circle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    normalize(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// Crate sources checked, with their layers from highest to lowest (top-level module names; a
/// module not listed may be imported by any layer and may import only unlisted modules).
/// src-tui's layers are `run → view → app → kinds → base` (docs/design.md), listed here module
/// by module in an order that keeps them.
const CRATES: &[(&str, &[&str])] = &[
    (
        "src-core/src",
        &[
            "fleet", "alerts", "history", "session", "command", "compose", "destroy", "rules",
            "streams", "store", "engine", "audit", "chart", "spec", "findings", "model", "error",
            "clock",
        ],
    ),
    ("src-tauri/src", &[]),
    ("src-tui/src", TUI_LAYERS),
];

/// src-tui, highest first: the loop (run, exec, clipboard), the view, the app (with its
/// details, config and filters), the kinds, then the base modules that use none of the others.
const TUI_LAYERS: &[&str] = &[
    "watch",
    "fleet_nav",
    "fleet_run",
    "run",
    "alerting",
    "exec",
    "clipboard",
    "archive_io",
    "stats_export",
    "dash_export",
    "view",
    "app",
    "config",
    "details",
    "files",
    "run_form",
    "build_form",
    "filter",
    "kinds",
    "layout",
    "format",
    "keymap",
    "prompt",
    "msg",
];

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name()
                .is_some_and(|n| n != "generated" && n != "node_modules")
            {
                files(&p, ext, out);
            }
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// `engine/connect/mod.rs` → `["engine", "connect"]`; `lib.rs`/`main.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The source without comments, test blocks and string contents.
fn code_of(text: &str) -> String {
    // An inline test module closes every file that has one (the crates' habit); test-only
    // files declared with `#[cfg(test)] mod x;` are skipped by name.
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut kept = String::new();
        for ch in line.chars() {
            if ch == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                if ch == '/' && prev == '/' {
                    kept.pop();
                    break;
                }
                kept.push(ch);
            }
            prev = ch;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Every path named after `crate::` or `super::`, braces expanded, as segments from the crate
/// root.
fn imports(code: &str, this: &[String], is_mod_file: bool) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (anchor, base) in [
        ("crate::", Vec::new()),
        ("super::", {
            // `super` of `a/b.rs` is `a`; of `a/b/mod.rs` (module a::b) it is `a` as well.
            let _ = is_mod_file;
            this[..this.len().saturating_sub(1)].to_vec()
        }),
    ] {
        let mut rest = code;
        while let Some(i) = rest.find(anchor) {
            let before = rest[..i].chars().last();
            rest = &rest[i + anchor.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            expand(rest, base.clone(), &mut out);
        }
    }
    out
}

/// Reads one path (or a `{…}` group of paths) at the start of `s`.
fn expand(s: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let s = s.trim_start();
    if let Some(group) = s.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, ch) in group.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(&group[start..i], prefix.clone(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&group[start..i], prefix.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let ident: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() || ident == "self" {
        if !prefix.is_empty() {
            out.push(prefix);
        }
        return;
    }
    let mut path = prefix;
    path.push(ident.clone());
    let after = &s[ident.len()..];
    match after.strip_prefix("::") {
        Some(more) => expand(more, path, out),
        None => out.push(path),
    }
}

/// A circle in `edges`, if any, as the modules along it.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        stack.push(n.to_owned());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == m).unwrap();
                    let mut c = stack[at..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Problems in one crate: circles among siblings, imports against the layers.
fn check_crate(dir: &str, layers: &[&str]) -> Vec<String> {
    let src = root().join(dir);
    let mut paths = Vec::new();
    files(&src, "rs", &mut paths);
    let modules: BTreeSet<Vec<String>> = paths.iter().map(|p| module_of(&src, p)).collect();
    // parent → (child → children it imports)
    let mut levels: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut problems = Vec::new();
    // Files of modules declared `#[cfg(test)] mod x;` are test code too.
    let mut test_only: BTreeSet<Vec<String>> = BTreeSet::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        let this = module_of(&src, p);
        for part in text.split("#[cfg(test)]").skip(1) {
            let decl = part.trim_start();
            if let Some(rest) = decl.strip_prefix("mod ") {
                if let Some(name) = rest.strip_suffix_once(';') {
                    let mut m = this.clone();
                    m.push(name.to_owned());
                    test_only.insert(m);
                }
            }
        }
    }
    for p in &paths {
        let name = p.file_name().unwrap().to_string_lossy();
        if name == "tests.rs"
            || name == "test_fixtures.rs"
            || name.ends_with("_tests.rs")
            || test_only.contains(&module_of(&src, p))
        {
            continue;
        }
        let this = module_of(&src, p);
        let is_mod = name == "mod.rs";
        let code = code_of(&std::fs::read_to_string(p).unwrap());
        for path in imports(&code, &this, is_mod) {
            // The longest prefix that is a module (a file).
            let Some(target) = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|m| modules.contains(m))
            else {
                continue;
            };
            let common = this.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == this.len() || common == target.len() {
                continue; // a module and its own children are one unit
            }
            let (from, to) = (this[common].clone(), target[common].clone());
            if common == 0 {
                let rank = |m: &str| layers.iter().position(|l| *l == m);
                match (rank(&from), rank(&to)) {
                    (Some(f), Some(t)) if t < f => problems.push(format!(
                        "{dir}: {} (layer {from}) imports {} (higher layer {to})",
                        this.join("::"),
                        target.join("::")
                    )),
                    (None, Some(_)) => problems.push(format!(
                        "{dir}: {} (no layer) imports the layer {to}",
                        this.join("::")
                    )),
                    _ => {}
                }
            }
            levels
                .entry(this[..common].to_vec())
                .or_default()
                .entry(from)
                .or_default()
                .insert(to);
        }
    }
    for (parent, edges) in &levels {
        if let Some(c) = circle(edges) {
            problems.push(format!(
                "{dir}: import circle under `{}`: {}",
                if parent.is_empty() {
                    "crate".to_owned()
                } else {
                    parent.join("::")
                },
                c.join(" → ")
            ));
        }
    }
    problems
}

#[test]
fn rust_crates_have_no_import_circles() {
    let problems: Vec<String> = CRATES
        .iter()
        .flat_map(|(dir, layers)| check_crate(dir, layers))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_page_has_no_import_circles() {
    let src = root().join("ui/src");
    let mut paths = Vec::new();
    files(&src, "ts", &mut paths);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &paths {
        let from = p.strip_prefix(&src).unwrap().with_extension("");
        let text = std::fs::read_to_string(p).unwrap();
        for line in text.lines() {
            let line = line.trim_start();
            if !(line.starts_with("import") || line.starts_with("export"))
                || line.contains("import type")
            {
                continue;
            }
            let Some(spec) = line
                .split(['"', '\''])
                .nth(1)
                .filter(|s| s.starts_with('.'))
            else {
                continue;
            };
            let target = normalize(&p.parent().unwrap().join(spec));
            let Ok(rel) = target.strip_prefix(&src) else {
                continue;
            };
            let rel = if src.join(rel).is_dir() {
                rel.join("index")
            } else {
                rel.to_path_buf()
            };
            edges
                .entry(from.to_string_lossy().into_owned())
                .or_default()
                .insert(rel.with_extension("").to_string_lossy().into_owned());
        }
    }
    assert!(!edges.is_empty(), "no imports read under {}", src.display());
    if let Some(c) = circle(&edges) {
        panic!("ui/src: import circle: {}", c.join(" → "));
    }
}

/// `name; …` → `name` (a one-line `mod name;` declaration).
trait DeclName {
    fn strip_suffix_once(&self, end: char) -> Option<&str>;
}

impl DeclName for str {
    fn strip_suffix_once(&self, end: char) -> Option<&str> {
        let (name, _) = self.split_once(end)?;
        name.chars()
            .all(|c| c.is_alphanumeric() || c == '_')
            .then_some(name)
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
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

#[test]
fn the_checker_sees_a_circle() {
    // (src-tui before its reshape was one import circle: app ↔ view, app ↔ actions, …; the
    // reshape removed it, so the checker is shown a circle of its own below.)
    let mut edges = BTreeMap::new();
    edges.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    edges.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert!(circle(&edges).is_some());
    edges.insert("b".to_owned(), BTreeSet::new());
    assert!(circle(&edges).is_none());
    let mut found = Vec::new();
    let code = code_of("use crate::{engine::{Engine, Policy}, model::Container};\n// crate::x\n");
    found.extend(imports(&code, &["store".to_owned()], false));
    assert_eq!(
        found,
        [
            vec!["engine", "Engine"],
            vec!["engine", "Policy"],
            vec!["model", "Container"]
        ]
        .map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>())
    );
}
