//! Build script: checks the Tauri config and capabilities, and generates one permission per
//! Wharf command (`allow-<command>`) so capabilities can grant exactly those.
//!
//! The UI (`../ui/dist`) is embedded at compile time. When it has not been built (a fresh clone
//! where only `cargo` ran), a one-page placeholder is written there so the workspace still
//! builds; the placeholder tells how to build the real UI.

use std::path::Path;

// COMMANDS: the one list of command names (src/command_names.rs).
include!("src/command_names.rs");

const PLACEHOLDER: &str = "<!doctype html><meta charset=utf-8><title>Wharf</title>\
<p>The Wharf UI was not built. Run <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>, \
then rebuild <code>wharf-desktop</code>.</p>\n";

fn main() {
    let dist = Path::new("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if !dist.join("index.html").exists() {
        // Ignore errors: tauri-build reports a missing frontendDist clearly enough.
        let _ = std::fs::create_dir_all(dist);
        let _ = std::fs::write(dist.join("index.html"), PLACEHOLDER);
    }
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        panic!("tauri-build: {e:#}");
    }
}
