//! Images through the real `wharf` in tmux: `:pull` from a loopback registry shows the
//! progress view (overall and per-layer bars), then the image is listed and on the engine.

use wharf_tests::{require_engine, run_id, wait_until_blocking, TestEngine, TestRegistry};

use crate::require_tmux;
use crate::term::{token, Wharf};

/// Image references removed (`rmi -f`) when dropped, pulled ones included.
struct Refs<'a>(&'a TestEngine, Vec<String>);

impl Drop for Refs<'_> {
    fn drop(&mut self) {
        for r in self.1.iter().rev() {
            let _ = self.0.docker(&["rmi", "-f", r]);
        }
    }
}

#[test]
fn pull_shows_progress_then_the_image_is_listed() {
    require_tmux!();
    let engine = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let tok = token();
    let c = engine
        .container("pullsrc")
        .cmd(&[
            "sh",
            "-c",
            "head -c 8000000 /dev/urandom > /blob && echo done",
        ])
        .start();
    wait_until_blocking(std::time::Duration::from_secs(20), "the layer", || {
        c.logs().contains("done")
    });
    let id = engine.docker_ok(&["commit", c.id()]).trim().to_owned();
    drop(c);
    let r = reg.reference("wharf-test/tuipull", &format!("{}-{tok}", run_id()));
    let _refs = Refs(engine, vec![id.clone(), r.clone()]);
    engine.docker_ok(&["tag", &id, &r]);
    engine.docker_ok(&["push", &r]);
    engine.docker_ok(&["rmi", "-f", &id]);
    assert!(engine.docker(&["image", "inspect", &r]).is_err());

    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text("img");
    w.keys(&["Enter"]);
    w.wait_for_text("REPOSITORY:TAG");
    w.keys(&[":"]);
    w.type_text(&format!("pull {r}"));
    w.keys(&["Enter"]);
    let s = w.wait("the progress view", |s| {
        s.contains("overall") && s.contains("layers")
    });
    assert!(
        s.contains(&format!("pull {r}")),
        "the view names the pull:\n{s}"
    );
    let s = w.wait("the pull to finish", |s| s.contains("esc: close"));
    assert!(s.contains("done"), "the view says it is done:\n{s}");
    assert!(
        s.contains("Pull complete") || s.contains("Already exists"),
        "layers with their status:\n{s}"
    );
    w.wait_engine("the engine has the image", || {
        engine.docker(&["image", "inspect", &r]).is_ok()
    });
    w.keys(&["Escape"]);
    w.wait("the view closes", |s| !s.contains("esc: close"));
    let s = w.filter_to(&format!("tuipull:{}", run_id()));
    assert!(
        s.contains("wharf-test/tuipull"),
        "the pulled image is listed:\n{s}"
    );
}
