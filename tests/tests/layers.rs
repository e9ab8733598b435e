//! The crates' shape, checked from their sources: no import circle among a crate's top-level
//! modules, and in the terminal UI, dependencies one way down its layers
//! (`run → view → app → kinds → base`, the base modules depending on nothing in the crate).
//!
//! How: every `crate::NAME` path in a module's code (comments and `#[cfg(test)]` parts left
//! out: test fixtures may cross layers) is an edge from that module's top-level module to
//! `NAME`'s. `super::` stays inside one top-level module, so it is not an edge. No engine is
//! needed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → the top-level modules it names.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a source file that builds outside tests: up to its first `#[cfg(test)]`, without
/// comments. Files that only tests include (`*tests.rs`, `test_fixtures.rs`) give nothing.
fn code(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with("tests.rs") || name == "test_fixtures.rs" {
        return String::new();
    }
    let text = std::fs::read_to_string(path).expect("read source");
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" // ").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

/// The crate's top-level module graph, from `src`.
fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rs_files(src, &mut files);
    let mut g = Graph::new();
    for f in files {
        let rel = f.strip_prefix(src).expect("under src");
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let top = first.trim_end_matches(".rs").to_owned();
        if top == "main" || top == "lib" {
            continue;
        }
        let text = code(&f);
        if text.trim().is_empty() {
            continue;
        }
        let deps = g.entry(top.clone()).or_default();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::NAME` with a capital is an item of the crate root, not a module.
            if !name.is_empty() && name != top && !name.starts_with(char::is_uppercase) {
                deps.insert(name);
            }
        }
        // `use crate::{a, b::c}` names several modules at once.
        let mut rest = text.as_str();
        while let Some(i) = rest.find("crate::{") {
            rest = &rest[i + "crate::{".len()..];
            let group = &rest[..rest.find('}').unwrap_or(rest.len())];
            for item in group.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top && !name.starts_with(char::is_uppercase) {
                    deps.insert(name);
                }
            }
        }
    }
    g
}

/// Every circle in `g`, as the list of modules on it.
fn circles(g: &Graph) -> Vec<Vec<String>> {
    fn visit(
        g: &Graph,
        n: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(i) = stack.iter().position(|s| s == n) {
            found.push(stack[i..].to_vec());
            return;
        }
        if done.contains(n) {
            return;
        }
        stack.push(n.to_owned());
        for d in g.get(n).into_iter().flatten() {
            visit(g, d, stack, done, found);
        }
        stack.pop();
        done.insert(n.to_owned());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for n in g.keys() {
        visit(g, n, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

fn src(krate: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate)
        .join("src")
}

/// The terminal UI's layers, highest first. A module may use modules of its own layer or
/// lower ones; the base layer uses none of the crate's modules.
const TUI_LAYERS: &[(&str, &[&str])] = &[
    ("run", &["run", "exec", "clipboard"]),
    ("view", &["view"]),
    ("app", &["app", "details", "config", "filter"]),
    ("kinds", &["kinds"]),
    ("base", &["layout", "format", "keymap", "prompt", "msg"]),
];

fn layer_of(module: &str) -> Option<usize> {
    TUI_LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

#[test]
fn terminal_ui_dependencies_go_one_way_down_its_layers() {
    let g = graph(&src("src-tui"));
    let mut wrong = Vec::new();
    for (m, deps) in &g {
        let Some(lm) = layer_of(m) else {
            wrong.push(format!("{m}: not in a layer (add it to TUI_LAYERS)"));
            continue;
        };
        for d in deps {
            match layer_of(d) {
                None => wrong.push(format!("{m} → {d}: {d} is not in a layer")),
                Some(_) if TUI_LAYERS[lm].0 == "base" => {
                    wrong.push(format!("{m} → {d}: base modules depend on nothing"))
                }
                Some(ld) if ld < lm => wrong.push(format!(
                    "{m} ({}) → {d} ({}): a lower layer uses a higher one",
                    TUI_LAYERS[lm].0, TUI_LAYERS[ld].0
                )),
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "layer violations:\n{}", wrong.join("\n"));
    let c = circles(&g);
    assert!(c.is_empty(), "import circles in src-tui: {c:?}");
}

#[test]
fn core_has_no_import_circle() {
    let g = graph(&src("src-core"));
    let c = circles(&g);
    assert!(c.is_empty(), "import circles in src-core: {c:?}");
}

#[test]
fn the_check_sees_a_circle_and_a_wrong_way_edge() {
    // The checker itself: a two-module circle is found, a straight line is not.
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert!(circles(&g).is_empty());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        circles(&g),
        vec![vec!["a".to_owned(), "b".into(), "c".into()]]
    );
    assert!(layer_of("layout") > layer_of("app"), "base is below app");
}
