//! The bulk image update through the real `wharf` in tmux: a container runs
//! `127.0.0.1:PORT/…:TAG`, a different image is pushed under the same tag, `U` on the
//! containers list marks it outdated, `A` shows the confirmation naming it and its image, `y`
//! runs the update in the progress view, which ends with "1 updated"; the engine then has a
//! container of that name on the new image, with its settings.

use wharf_tests::{
    require_engine, run_id, unique_name, wait_until_blocking, TestEngine, TestRegistry, LABEL,
};

use crate::require_tmux;
use crate::term::{token, Wharf};

/// Images (references and ids) and containers (by name, whatever id they have now) removed
/// when dropped.
struct Cleanup<'a> {
    te: &'a TestEngine,
    images: Vec<String>,
    names: Vec<String>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            let ids = self
                .te
                .docker(&["ps", "-aq", "--filter", &format!("name={name}")])
                .unwrap_or_default();
            for id in ids.split_whitespace() {
                let _ = self.te.docker(&["rm", "-f", "-v", id]);
            }
        }
        for r in self.images.iter().rev() {
            let _ = self.te.docker(&["rmi", "-f", r]);
        }
    }
}

fn image(te: &TestEngine, c: &mut Cleanup<'_>, bytes: usize) -> String {
    let b = te
        .container("tui-bulk-img")
        .cmd(&[
            "sh",
            "-c",
            &format!("head -c {bytes} /dev/urandom > /blob && echo done"),
        ])
        .start();
    wait_until_blocking(std::time::Duration::from_secs(20), "the layer", || {
        b.logs().contains("done")
    });
    let id = te.docker_ok(&["commit", b.id()]).trim().to_owned();
    c.images.push(id.clone());
    id
}

#[test]
fn check_then_update_images_moves_the_container_to_the_new_image() {
    require_tmux!();
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let mut c = Cleanup {
        te,
        images: Vec::new(),
        names: Vec::new(),
    };
    let r = reg.reference("wharf-test/tuibulk", &format!("{}-{}", run_id(), token()));
    c.images.push(r.clone());
    let old = image(te, &mut c, 1000);
    let new = image(te, &mut c, 2000);
    te.docker_ok(&["tag", &old, &r]);
    te.docker_ok(&["push", &r]);
    let name = unique_name("tui-bulk");
    c.names.push(name.clone());
    let label = format!("{LABEL}={}", run_id());
    let old_id = te
        .docker_ok(&[
            "run", "-d", "--name", &name, "--label", &label, "-e", "KEEP=yes", &r, "sleep", "300",
        ])
        .trim()
        .to_owned();
    te.docker_ok(&["tag", &new, &r]);
    te.docker_ok(&["push", &r]);
    te.docker_ok(&["tag", &old, &r]);
    te.docker_ok(&["rmi", &new]);

    // No credentials anywhere: the registry is open, and the user's config is not read.
    let config = tempfile::tempdir().expect("temp dir");
    let config_dir = config.path().display().to_string();
    let mut w = Wharf::start_with_env(te, &[], &[("DOCKER_CONFIG", config_dir.as_str())]);
    w.wait_ready();
    w.filter_to(&name);
    w.keys(&["U"]);
    // The image column is too narrow for the mark after a long registry name: the check's
    // message says it.
    w.wait("the check finds it outdated", |s| {
        s.contains("update check: 1 outdated of 1 image(s)")
    });
    w.keys(&["A"]);
    let s = w.wait("the confirmation", |s| {
        s.contains("Update the image of 1 container?")
    });
    let prefix = &name[..name.len().min(40)];
    assert!(s.contains(prefix), "names the container:\n{s}");
    assert_eq!(
        te.docker_ok(&["inspect", "-f", "{{.Id}}", &name]).trim(),
        old_id,
        "nothing happens before the confirmation"
    );
    w.keys(&["y"]);
    let s = w.wait("the update to finish", |s| s.contains("esc: close"));
    assert!(s.contains("1 updated, 0 skipped, 0 failed"), "{s}");
    let now = te
        .docker_ok(&["inspect", "-f", "{{.Image}} {{.State.Running}}", &name])
        .trim()
        .to_owned();
    assert_eq!(now, format!("{new} true"));
    let env = te.docker_ok(&["inspect", "-f", "{{json .Config.Env}}", &name]);
    assert!(env.contains("KEEP=yes"), "{env}");
    assert!(
        te.docker(&["image", "inspect", &old]).is_ok(),
        "the old image is kept"
    );
}
