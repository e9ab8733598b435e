//! A build in the real `wharf` against the test engine: `:build DIR`, a tag typed into the
//! panel, ctrl-s; the output shows the RUN step's own output and the new image's id, the
//! engine holds the tagged image, and Enter shows it selected in the images view.

use wharf_tests::{require_engine, unique_name, TestEngine};

use crate::require_tmux;
use crate::term::Wharf;

/// Removes the image the panel built (by tag), also when the test fails.
struct Built<'e> {
    engine: &'e TestEngine,
    tag: String,
}

impl Drop for Built<'_> {
    fn drop(&mut self) {
        // Never panic in drop; an image that was never built is fine.
        let _ = self.engine.docker(&["rmi", "-f", &self.tag]);
    }
}

#[test]
fn build_panel_builds_the_directory_and_selects_the_image() {
    require_tmux!();
    let engine = require_engine!();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {}\nRUN echo built-by-the-wharf-panel\nCMD [\"echo\", \"ok\"]\n",
            engine.image()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let built = Built {
        engine,
        tag: format!("{}:panel", unique_name("tui-build")),
    };
    let tag = built.tag.clone();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();

    w.keys(&[":"]);
    w.type_text(&format!("build {}", dir.path().display()));
    w.keys(&["Enter"]);
    w.wait("the build panel", |s| {
        s.contains("Build an image") && s.contains("[ Build ]")
    });
    // Context, Dockerfile, Tags: two lines down.
    w.keys(&["j", "j", "Enter"]);
    w.type_text(&tag);
    w.keys(&["Enter"]);
    w.wait("the tag in the form", |s| {
        s.contains(&tag) && !s.contains("esc undo")
    });
    assert!(engine.docker(&["image", "inspect", &tag]).is_err());

    w.keys(&["C-s"]);
    let s = w.wait("the build to end", |s| {
        s.contains("Built ") || s.contains("Build failed")
    });
    assert!(s.contains("built-by-the-wharf-panel"), "{s}");
    assert!(s.contains("built sha256:"), "{s}");
    assert!(s.contains("sent the build context"), "{s}");
    let id = engine.docker_ok(&["image", "inspect", "-f", "{{.Id}}", &tag]);
    assert!(
        s.contains(id.trim()),
        "the id on screen is the engine's: {s}"
    );

    w.keys(&["Enter"]);
    let repo = &tag[..tag.len().min(30)];
    // A table row (with its CREATED column), not the status line naming the tag: the row is
    // there once the store lists the image, and that is when the app selects it.
    w.wait("the images view with the new image", |s| {
        !s.contains("Build an image") && s.lines().any(|l| l.contains(repo) && l.contains(" ago"))
    });
    // The new image is the selected row: the run key opens the run form for it.
    w.keys(&["r"]);
    w.wait("the run form for the built image", |s| {
        s.contains("Run a container") && s.contains(&tag)
    });
    w.keys(&["Escape"]);
    drop(built);
}
