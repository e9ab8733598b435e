//! The bulk image update through the page's commands on Tauri's mock runtime, against the
//! test engine and a loopback registry: `image_update_plan` plans a container whose tag has a
//! newer digest in the registry, `image_update` refuses to run without `confirmed`, then runs
//! it with progress over a channel and ends with the per-container report; the container runs
//! the new image under its name. Read-only refuses both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use common::{dead_host, kind, TestApp};
use serde_json::json;
use wharf_desktop::Args;
use wharf_tests::{
    require_engine, run_id, unique_name, wait_until_blocking, TestEngine, TestRegistry, LABEL,
};

const T: Duration = Duration::from_secs(90);

/// The docker config directory of this test process (empty: no credentials, no helper).
fn docker_config() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        // Before any app is built: the keychain reads it when the app starts.
        std::env::set_var("DOCKER_CONFIG", d.path());
        d
    })
    .path()
}

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

/// A new image: the test image and a layer of `bytes` random bytes. Its id.
fn image(te: &TestEngine, c: &mut Cleanup<'_>, bytes: usize) -> String {
    let b = te
        .container("desk-bulk-img")
        .cmd(&[
            "sh",
            "-c",
            &format!("head -c {bytes} /dev/urandom > /blob && echo done"),
        ])
        .start();
    wait_until_blocking(T, "the layer", || b.logs().contains("done"));
    let id = te.docker_ok(&["commit", b.id()]).trim().to_owned();
    c.images.push(id.clone());
    id
}

#[test]
fn plan_then_confirmed_update_over_a_channel() {
    docker_config();
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let mut c = Cleanup {
        te,
        images: Vec::new(),
        names: Vec::new(),
    };
    let r = reg.reference("wharf-test/deskbulk", run_id());
    c.images.push(r.clone());
    let old = image(te, &mut c, 1000);
    let new = image(te, &mut c, 2000);
    te.docker_ok(&["tag", &old, &r]);
    te.docker_ok(&["push", &r]);
    let name = unique_name("desk-bulk");
    c.names.push(name.clone());
    let label = format!("{LABEL}={}", run_id());
    let id = te
        .docker_ok(&[
            "run", "-d", "--name", &name, "--label", &label, "-e", "KEEP=1", &r, "sleep", "300",
        ])
        .trim()
        .to_owned();
    // A newer image under the same tag in the registry; locally the tag stays on the old one.
    te.docker_ok(&["tag", &new, &r]);
    te.docker_ok(&["push", &r]);
    te.docker_ok(&["tag", &old, &r]);
    te.docker_ok(&["rmi", &new]);

    let mut t = TestApp::on(te);
    let plan = t
        .invoke("image_update_plan", json!({ "ids": [id] }))
        .unwrap();
    assert_eq!(plan["items"].as_array().unwrap().len(), 1, "{plan}");
    assert_eq!(plan["items"][0]["image"], json!(old), "{plan}");
    assert_eq!(plan["items"][0]["reference"], json!(r), "{plan}");

    let (ch, _) = t.channel();
    let err = t
        .invoke(
            "image_update",
            json!({ "plan": plan, "confirmed": false, "channel": ch }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "invalid_input", "{err}");
    assert!(
        te.docker(&["image", "inspect", &new]).is_err(),
        "pulled unconfirmed"
    );

    let (ch, chan) = t.channel();
    t.invoke(
        "image_update",
        json!({ "plan": plan, "confirmed": true, "channel": ch }),
    )
    .unwrap();
    let end = t.wait_message(chan, T, |m| {
        m["kind"] == "finished" || m["kind"] == "failed"
    });
    assert_eq!(end["kind"], "finished", "{end}");
    let done = &end["report"]["containers"][0];
    assert_eq!(done["result"], "updated", "{end}");
    assert_eq!(done["old_image"], json!(old));
    assert_eq!(done["new_image"], json!(new));
    let msgs = t.messages(chan);
    assert!(msgs.iter().any(|m| m["kind"] == "pull"), "{msgs:?}");
    assert!(msgs.iter().any(|m| m["kind"] == "recreating"), "{msgs:?}");
    let now = te
        .docker_ok(&["inspect", "-f", "{{.Image}} {{.State.Running}}", &name])
        .trim()
        .to_owned();
    assert_eq!(now, format!("{new} true"));
    let env = te.docker_ok(&["inspect", "-f", "{{.Config.Env}}", &name]);
    assert!(env.contains("KEEP=1"), "{env}");
    assert!(
        te.docker(&["image", "inspect", &old]).is_ok(),
        "old image removed"
    );
}

#[test]
fn read_only_refuses_the_plan_and_the_run() {
    docker_config();
    let mut ro = TestApp::new(Args {
        host: Some(dead_host()),
        read_only: true,
        ..Args::default()
    });
    let err = ro
        .invoke("image_update_plan", json!({ "ids": ["abc"] }))
        .unwrap_err();
    assert_eq!(kind(&err), "denied", "{err}");
    let plan = json!({ "items": [{ "id": "abc", "name": "web", "reference": "r/app:1",
        "image": "sha256:1", "digest": "sha256:2" }], "excluded": [] });
    let (ch, _) = ro.channel();
    let err = ro
        .invoke(
            "image_update",
            json!({ "plan": plan, "confirmed": true, "channel": ch }),
        )
        .unwrap_err();
    assert_eq!(kind(&err), "denied", "{err}");
}
