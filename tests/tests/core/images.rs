//! Images and registries against a real engine and a real loopback registry
//! (`TestRegistry`): push, pull with progress, cancel, tag, history, save/load, credentials
//! from config.json and from a helper, login, the outdated check, the list filters.
//!
//! Every image a test makes, tags or pulls is removed by an [`Images`] guard, also when the
//! test fails.

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use wharf_core::audit::AuditLog;
use wharf_core::command::{execute, Command, Outcome};
use wharf_core::engine::{
    Engine, Keychain, Policy, RegistryCredentials, Save, SaveOutcome, Secret, Transfer,
    TransferEvent, UnknownWhy, UpdateState,
};
use wharf_core::model::ImageId;
use wharf_core::rules::images::{Freshness, ImageFilter, UpdateMarks};
use wharf_core::rules::usage::Usage;
use wharf_core::{CoreError, ErrorKind};
use wharf_tests::{require_engine, wait_until_blocking, TestEngine, TestRegistry};

use crate::common::{connect, synced_store, wait, TIMEOUT};

/// Removes every image reference and id it holds when dropped (`docker rmi -f`).
pub(crate) struct Images<'a> {
    te: &'a TestEngine,
    refs: Vec<String>,
}

impl<'a> Images<'a> {
    pub(crate) fn new(te: &'a TestEngine) -> Images<'a> {
        Images {
            te,
            refs: Vec::new(),
        }
    }

    pub(crate) fn hold(&mut self, r: &str) {
        self.refs.push(r.to_owned());
    }

    /// A new image: the test image plus one layer of `bytes` random bytes (and a comment),
    /// committed from a container that wrote them. Returns its id.
    pub(crate) fn make(&mut self, bytes: usize, comment: &str) -> String {
        let te = self.te;
        let c = te
            .container("layer")
            .cmd(&[
                "sh",
                "-c",
                &format!("head -c {bytes} /dev/urandom > /blob && echo done"),
            ])
            .start();
        wait_until_blocking(TIMEOUT, "the layer written", || c.logs().contains("done"));
        let id = te
            .docker_ok(&["commit", "-m", comment, c.id()])
            .trim()
            .to_owned();
        self.hold(&id);
        id
    }

    pub(crate) fn tag(&mut self, id: &str, r: &str) {
        self.te.docker_ok(&["tag", id, r]);
        self.hold(r);
    }

    pub(crate) fn exists(&self, r: &str) -> bool {
        self.te.docker(&["image", "inspect", r]).is_ok()
    }
}

impl Drop for Images<'_> {
    fn drop(&mut self) {
        for r in self.refs.iter().rev() {
            let _ = self.te.docker(&["rmi", "-f", r]);
        }
    }
}

/// Every progress snapshot of a transfer, and how it ended.
async fn collect(
    s: impl Stream<Item = wharf_core::Result<TransferEvent>>,
) -> (
    Vec<Transfer>,
    Result<(Option<String>, Option<String>), CoreError>,
) {
    let mut s = std::pin::pin!(s);
    let mut seen = Vec::new();
    while let Some(item) = s.next().await {
        match item {
            Ok(TransferEvent::Progress(t)) => seen.push(t),
            Ok(TransferEvent::Done {
                transfer,
                image,
                digest,
            }) => {
                seen.push(transfer);
                return (seen, Ok((image, digest)));
            }
            Err(e) => return (seen, Err(e)),
        }
    }
    panic!("the transfer ended without Done or an error");
}

pub(crate) fn repo(name: &str) -> String {
    format!("wharf-test/{name}")
}

pub(crate) fn empty_keychain() -> (tempfile::TempDir, Keychain) {
    let dir = tempfile::tempdir().expect("temp dir");
    let k = Keychain::at(dir.path());
    (dir, k)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_then_pull_back_with_layer_progress() {
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let engine = connect(te.host()).await;
    let (_d, keychain) = empty_keychain();
    let mut images = Images::new(te);
    let id = images.make(3_000_000, "three megabytes");
    let r = reg.reference(&repo("app"), wharf_tests::run_id());
    images.tag(&id, &r);

    let (pushed, end) = collect(engine.push(&r, &keychain)).await;
    let (_, digest) = end.unwrap_or_else(|e| panic!("push {r}: {e}"));
    let digest = digest.expect("a pushed digest");
    assert!(digest.starts_with("sha256:"), "{digest}");
    let last = pushed.last().expect("progress");
    assert!(!last.layers.is_empty(), "push layers: {last:?}");
    assert_eq!(last.layers_done as usize, last.layers.len(), "{last:?}");

    // Gone from the engine, then back from the registry.
    te.docker_ok(&["rmi", "-f", &id]);
    assert!(!images.exists(&r));
    let (pulled, end) = collect(engine.pull(&r, &keychain)).await;
    let (image, _) = end.unwrap_or_else(|e| panic!("pull {r}: {e}"));
    assert_eq!(
        image.as_deref(),
        Some(id.as_str()),
        "the same image came back"
    );
    assert!(images.exists(&r));
    // The new layer was downloaded with its byte count rising to its size.
    let downloads: Vec<(u64, u64)> = pulled
        .iter()
        .flat_map(|t| t.layers.iter())
        .filter(|l| l.status == "Downloading")
        .map(|l| (l.current, l.total))
        .collect();
    assert!(!downloads.is_empty(), "no download progress in {pulled:?}");
    assert!(
        downloads.iter().all(|(c, t)| c <= t && *t > 0),
        "{downloads:?}"
    );
    let last = pulled.last().expect("progress");
    assert!(
        last.total >= 1_000_000,
        "the 3 MB layer is in the total: {last:?}"
    );
    assert_eq!(last.current, last.total, "{last:?}");
    assert_eq!(last.layers_done as usize, last.layers.len(), "{last:?}");
    assert!(last.layers.iter().all(|l| !l.id.is_empty()));

    // By digest: the same image.
    let by_digest = format!(
        "{}@{digest}",
        r.rsplit_once(':').map_or(r.as_str(), |(n, _)| n)
    );
    images.hold(&by_digest);
    let (_, end) = collect(engine.pull(&by_digest, &keychain)).await;
    let (image, _) = end.unwrap_or_else(|e| panic!("pull {by_digest}: {e}"));
    assert_eq!(image.as_deref(), Some(id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_errors_are_typed_and_bad_references_send_nothing() {
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let engine = connect(te.host()).await;
    let (_d, keychain) = empty_keychain();

    let (_, end) = collect(engine.pull("Foo:bar", &keychain)).await;
    let e = end.expect_err("an upper-case name");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        e.message(),
        "'Foo:bar' is not a valid image name: repository names must be lowercase"
    );

    let missing = reg.reference(&repo("nothing-here"), "nope");
    let (_, end) = collect(engine.pull(&missing, &keychain)).await;
    let e = end.expect_err("an unknown tag");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");

    // A port nothing listens on (the registry's, once it is gone).
    let gone = reg.reference(&repo("app"), "1");
    drop(reg);
    let (_, end) = collect(engine.pull(&gone, &keychain)).await;
    let e = end.expect_err("an unreachable registry");
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_dropped_midway_leaves_no_image() {
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let engine = connect(te.host()).await;
    let (_d, keychain) = empty_keychain();
    let mut images = Images::new(te);
    let id = images.make(96_000_000, "big");
    let r = reg.reference(&repo("big"), wharf_tests::run_id());
    images.tag(&id, &r);
    te.docker_ok(&["push", &r]);
    te.docker_ok(&["rmi", "-f", &id]);

    let mut pull = engine.pull(&r, &keychain);
    loop {
        match pull.next().await {
            Some(Ok(TransferEvent::Progress(t))) if t.layers.iter().any(|l| l.current > 0) => break,
            Some(Ok(TransferEvent::Progress(_))) => {}
            other => panic!("expected download progress, got {other:?}"),
        }
    }
    drop(pull);
    // Had the engine gone on, the 96 MB would land within a few seconds on loopback.
    for _ in 0..30 {
        assert!(!images.exists(&r), "the cancelled pull made the image");
        assert!(!images.exists(&id), "the cancelled pull made the image");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_and_history_match_the_build_steps() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let mut images = Images::new(te);
    let id = images.make(1000, "wharf step two");
    let target = format!("{}:tagged-{}", repo("hist"), wharf_tests::run_id());
    images.hold(&target);
    let out = execute(
        &engine,
        &Command::Tag {
            id: ImageId::from(id.as_str()),
            target: target.clone(),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("tag: {e}"));
    assert_eq!(out, Outcome::Done);
    let tagged = te.docker_ok(&["image", "inspect", "-f", "{{.Id}}", &target]);
    assert_eq!(tagged.trim(), id);

    let bad = execute(
        &engine,
        &Command::Tag {
            id: ImageId::from(id.as_str()),
            target: "Bad:Name".into(),
        },
    )
    .await
    .expect_err("an invalid tag");
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);

    let base = engine.history(&te.image()).await.expect("base history");
    let h = engine.history(&id).await.expect("history");
    assert_eq!(h.len(), base.len() + 1, "one step on top of the base");
    assert_eq!(h[0].comment, "wharf step two");
    assert!(h[0].created_by.contains("/dev/urandom"), "{:?}", h[0]);
    assert!((1000..10_000).contains(&h[0].size), "{:?}", h[0]);
    assert!(h[0].tags.contains(&target), "{:?}", h[0].tags);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_then_load_round_trips_and_never_overwrites_unasked() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let mut images = Images::new(te);
    let id = images.make(2_000_000, "saved");
    let name = format!("{}:{}", repo("saved"), wharf_tests::run_id());
    images.tag(&id, &name);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("app.tar");

    let (saved, end) = collect(engine.save(std::slice::from_ref(&name), &file, false)).await;
    end.unwrap_or_else(|e| panic!("save: {e}"));
    let size = std::fs::metadata(&file).expect("the tarball").len();
    assert!(size > 2_000_000);
    assert_eq!(saved.last().map(|t| t.current), Some(size));

    // An existing file is not replaced without the user's yes, and nothing is left beside it.
    std::fs::write(dir.path().join("keep.tar"), b"mine").expect("write");
    let keep = dir.path().join("keep.tar");
    let (_, end) = collect(engine.save(std::slice::from_ref(&name), &keep, false)).await;
    assert_eq!(end.expect_err("exists").kind(), ErrorKind::Conflict);
    assert_eq!(std::fs::read(&keep).expect("read"), b"mine");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 2);

    te.docker_ok(&["rmi", "-f", &id]);
    assert!(!images.exists(&id));
    let (loaded, end) = collect(engine.load(&file)).await;
    let (image, _) = end.unwrap_or_else(|e| panic!("load: {e}"));
    assert_eq!(image.as_deref(), Some(id.as_str()), "the same image id");
    assert_eq!(loaded.last().map(|t| t.current), Some(size), "bytes sent");
    assert!(images.exists(&name));
}

/// A directory with `docker-credential-wharftest`, put in front of `PATH` once per process.
/// The helper answers `get` with the user and password in `creds` beside it, and appends what
/// `store` gets to `stored`.
fn helper_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path().display().to_string();
        let script = format!(
            "#!/bin/sh\ncase \"$1\" in\n  get) read server; cat '{d}/creds' ;;\n  \
             store) cat >> '{d}/stored' ;;\n  *) exit 1 ;;\nesac\n"
        );
        let path = dir.path().join("docker-credential-wharftest");
        std::fs::write(&path, script).expect("helper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        // A helper that never answers.
        let slow = dir.path().join("docker-credential-wharfslow");
        std::fs::write(&slow, "#!/bin/sh\nexec sleep 60\n").expect("helper");
        std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let old = std::env::var("PATH").unwrap_or_default();
        // Prepending a directory only adds one program; other tests are unaffected.
        std::env::set_var("PATH", format!("{d}:{old}"));
        dir
    })
    .path()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_from_auths_and_from_a_helper_reach_the_registry() {
    let te = require_engine!();
    let (user, password) = ("wharf", "s3cret-pw-Q7");
    let Some(reg) = TestRegistry::start_with_auth_or_skip(user, password) else {
        return;
    };
    let engine = connect(te.host()).await;
    let mut images = Images::new(te);
    let id = images.make(1000, "auth");
    let r = reg.reference(&repo("auth"), wharf_tests::run_id());
    images.tag(&id, &r);

    // No credentials: refused, typed, with the login hint.
    let (_d, nobody) = empty_keychain();
    let (_, end) = collect(engine.push(&r, &nobody)).await;
    let e = end.expect_err("no credentials");
    assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    assert!(e.hint().unwrap_or_default().contains(":login"), "{e:?}");

    // config.json auths.
    let dir = tempfile::tempdir().expect("temp dir");
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    std::fs::write(
        dir.path().join("config.json"),
        format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, reg.host()),
    )
    .expect("config");
    let (_, end) = collect(engine.push(&r, &Keychain::at(dir.path()))).await;
    end.unwrap_or_else(|e| panic!("push with auths: {e}"));

    // A credential helper (credHelpers for this host).
    let helper = helper_dir();
    std::fs::write(
        helper.join("creds"),
        format!(
            r#"{{"ServerURL":"{}","Username":"{user}","Secret":"{password}"}}"#,
            reg.host()
        ),
    )
    .expect("creds");
    let hdir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        hdir.path().join("config.json"),
        format!(r#"{{"credHelpers":{{"{}":"wharftest"}}}}"#, reg.host()),
    )
    .expect("config");
    te.docker_ok(&["rmi", &r]);
    let (_, end) = collect(engine.pull(&r, &Keychain::at(hdir.path()))).await;
    end.unwrap_or_else(|e| panic!("pull with a helper: {e}"));
    assert!(images.exists(&r));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_refuses_a_wrong_password_and_writes_the_password_nowhere() {
    let te = require_engine!();
    let (user, password) = ("wharf", "pw-never-Written-91");
    let Some(reg) = TestRegistry::start_with_auth_or_skip(user, password) else {
        return;
    };
    let logs = tempfile::tempdir().expect("temp dir");
    let audit_path = logs.path().join("audit.log");
    let audit = Arc::new(AuditLog::open(&audit_path).expect("audit log"));
    let engine: Engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(audit),
    });
    let (kdir, keychain) = empty_keychain();
    let host = reg.host();
    let wrong = "wrong-Password-55";

    let e = keychain
        .login(
            &engine,
            RegistryCredentials::new(&host, user, Secret::new(wrong)),
            Save::Session,
        )
        .await
        .expect_err("a wrong password");
    assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    assert!(!format!("{e} {e:?}").contains(wrong));
    assert!(keychain
        .credentials_for(&host)
        .await
        .expect("read")
        .is_none());

    let kept = keychain
        .login(
            &engine,
            RegistryCredentials::new(&host, user, Secret::new(password)),
            Save::Session,
        )
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    assert_eq!(kept, SaveOutcome::Session);
    assert!(
        !kdir.path().join("config.json").exists(),
        "nothing saved unasked"
    );
    // The session's login is used for a push.
    let mut images = Images::new(te);
    let id = images.make(1000, "login");
    let r = reg.reference(&repo("login"), wharf_tests::run_id());
    images.tag(&id, &r);
    let (_, end) = collect(engine.push(&r, &keychain)).await;
    end.unwrap_or_else(|e| panic!("push after login: {e}"));

    // Saving asked for explicitly, with no helper: config.json, base64 only.
    keychain
        .login(
            &engine,
            RegistryCredentials::new(&host, user, Secret::new(password)),
            Save::PlainFile,
        )
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    let config = std::fs::read_to_string(kdir.path().join("config.json")).expect("config");
    assert!(config.contains(&host), "{config}");

    let log = std::fs::read_to_string(&audit_path).expect("audit");
    assert!(log.contains(&format!("login to {host} as {user}")), "{log}");
    // The refused login is recorded as refused, and the push as a push of that reference.
    assert!(
        log.lines()
            .any(|l| l.contains("registry.login") && l.contains("\"error\"")),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("image.push") && l.contains(&r) && l.contains("\"ok\"")),
        "{log}"
    );
    for text in [&log, &config, &reg.log()] {
        assert!(!text.contains(password), "password written: {text}");
        assert!(!text.contains(wrong), "password written: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_digest_in_the_registry_marks_image_and_container_outdated() {
    let te = require_engine!();
    let Some(reg) = TestRegistry::start_or_skip() else {
        return;
    };
    let engine = connect(te.host()).await;
    let (_d, keychain) = empty_keychain();
    let mut images = Images::new(te);
    let old = images.make(1000, "v1");
    let r = reg.reference(&repo("fresh"), wharf_tests::run_id());
    images.tag(&old, &r);
    te.docker_ok(&["push", &r]);
    let c = te
        .container("fresh")
        .image(&r)
        .cmd(&["sleep", "300"])
        .start();

    let store = synced_store(te.host()).await;
    let snap = wait(&store, "the container and image", |s| {
        s.containers.values().any(|x| x.id.as_str() == c.id())
            && s.images.keys().any(|i| i.as_str() == old)
    })
    .await;
    let image = snap
        .images
        .get(&ImageId::from(old.as_str()))
        .expect("image")
        .as_ref()
        .clone();
    let checked = engine
        .check_updates(std::slice::from_ref(&image), &keychain)
        .await;
    assert_eq!(checked.len(), 1);
    assert_eq!(checked[0].state, UpdateState::UpToDate, "{checked:?}");

    // A newer build pushed under the same tag; the local tag goes back to the old image.
    let new = images.make(1000, "v2");
    te.docker_ok(&["tag", &new, &r]);
    te.docker_ok(&["push", &r]);
    te.docker_ok(&["tag", &old, &r]);
    let image = engine.inspect_image(&old).await.expect("inspect");
    let checked = engine
        .check_updates(std::slice::from_ref(&image), &keychain)
        .await;
    assert!(
        matches!(checked[0].state, UpdateState::Outdated { .. }),
        "{checked:?}"
    );
    let marks = UpdateMarks::of(&snap, &checked);
    assert_eq!(marks.images[&image.id], Freshness::Outdated);
    let cid = wharf_core::model::ContainerId::from(c.id());
    assert_eq!(marks.containers[&cid], Freshness::Outdated);

    // An image never pushed: unknown, and no registry is asked.
    let local = images.make(10, "local");
    let tag = format!("{}:{}", repo("never-pushed"), wharf_tests::run_id());
    images.tag(&local, &tag);
    let li = engine.inspect_image(&local).await.expect("inspect");
    let checked = engine
        .check_updates(std::slice::from_ref(&li), &keychain)
        .await;
    assert!(
        matches!(
            checked[0].state,
            UpdateState::Unknown {
                why: UnknownWhy::NoLocalDigest,
                ..
            }
        ),
        "{checked:?}"
    );

    // The registry gone: unknown, unreachable.
    drop(reg);
    let checked = engine
        .check_updates(std::slice::from_ref(&image), &keychain)
        .await;
    assert!(
        matches!(
            checked[0].state,
            UpdateState::Unknown {
                why: UnknownWhy::Unreachable,
                ..
            }
        ),
        "{checked:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dangling_and_unused_filters() {
    let te = require_engine!();
    let mut images = Images::new(te);
    let dangling = images.make(10, "dangling");
    let unused = images.make(10, "unused");
    images.tag(
        &unused,
        &format!("{}:{}", repo("unused"), wharf_tests::run_id()),
    );
    let used = images.make(10, "used");
    images.tag(
        &used,
        &format!("{}:{}", repo("used"), wharf_tests::run_id()),
    );
    let _c = te
        .container("user")
        .image(&used)
        .cmd(&["true"])
        .created_only();

    let store = synced_store(te.host()).await;
    let snap = wait(&store, "the three images and the user", |s| {
        [&dangling, &unused, &used]
            .iter()
            .all(|i| s.images.keys().any(|k| k.as_str() == i.as_str()))
            && s.containers
                .values()
                .any(|c| c.image_id.as_ref().is_some_and(|i| i.as_str() == used))
    })
    .await;
    let usage = Usage::of(&snap);
    let shown = |f: ImageFilter| -> Vec<String> {
        snap.images
            .values()
            .filter(|i| f.keeps(i, &usage))
            .map(|i| i.id.to_string())
            .collect()
    };
    let d = shown(ImageFilter::Dangling);
    assert!(d.contains(&dangling) && !d.contains(&unused) && !d.contains(&used));
    let u = shown(ImageFilter::Unused);
    assert!(u.contains(&dangling) && u.contains(&unused) && !u.contains(&used));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_saved_with_the_configured_helper_goes_to_the_helper_only() {
    let te = require_engine!();
    let (user, password) = ("helperuser", "helper-Pw-4410");
    let Some(reg) = TestRegistry::start_with_auth_or_skip(user, password) else {
        return;
    };
    let engine = connect(te.host()).await;
    let helper = helper_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = r#"{"credsStore":"wharftest"}"#;
    std::fs::write(dir.path().join("config.json"), config).expect("config");
    let keychain = Keychain::at(dir.path());
    assert_eq!(
        keychain.save_target(&reg.host()).expect("target"),
        wharf_core::engine::SaveTarget::Helper {
            helper: "wharftest".into()
        }
    );
    let before = std::fs::read_to_string(helper.join("stored")).unwrap_or_default();
    let kept = keychain
        .login(
            &engine,
            RegistryCredentials::new(&reg.host(), user, Secret::new(password)),
            Save::Helper,
        )
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    assert!(matches!(kept, SaveOutcome::Saved(_)), "{kept:?}");
    let stored = std::fs::read_to_string(helper.join("stored")).expect("the helper got it");
    let new = &stored[before.len()..];
    assert!(new.contains(&reg.host()) && new.contains(user), "{new}");
    // config.json is untouched: the helper holds the secret.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("config.json")).expect("config"),
        config
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_that_never_answers_is_an_error_not_a_hang() {
    helper_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"credsStore":"wharfslow"}"#,
    )
    .expect("config");
    // It returns (a hang would keep this test from ending) with the timeout's error.
    let e = Keychain::at(dir.path())
        .credentials_for("127.0.0.1:1")
        .await
        .expect_err("a helper that never answers");
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(
        e.message().contains(&format!(
            "did not answer in {} s",
            wharf_core::engine::HELPER_TIMEOUT.as_secs()
        )),
        "{e}"
    );
}

/// A tag is one image's at a time: moved to another image and back (as a newer build or pull
/// does, with no event for the image it left), the store shows it on the image that holds it,
/// and only there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_moved_to_another_image_and_back_is_shown_where_it_is() {
    let te = require_engine!();
    let store = synced_store(te.host()).await;
    let mut images = Images::new(te);
    let old = images.make(1000, "old");
    let new = images.make(2000, "new");
    let r = format!("wharf-test/moved:{}", wharf_tests::run_id());
    let holds = |s: &wharf_core::store::Snapshot, id: &str| {
        s.images
            .get(&ImageId::from(id))
            .is_some_and(|i| i.tags.contains(&r))
    };
    images.tag(&old, &r);
    wait(&store, "the tag on the old image", |s| holds(s, &old)).await;
    images.tag(&new, &r);
    wait(&store, "the tag on the new image only", |s| {
        holds(s, &new) && !holds(s, &old)
    })
    .await;
    images.tag(&old, &r);
    wait(&store, "the tag back on the old image only", |s| {
        holds(s, &old) && !holds(s, &new)
    })
    .await;
    te.docker_ok(&["rmi", &new]);
    wait(&store, "the new image gone, the old one tagged", |s| {
        !s.images.contains_key(&ImageId::from(new.as_str())) && holds(s, &old)
    })
    .await;
}
