//! Builds and search against a real engine: a multi-stage Dockerfile `FROM` the harness's
//! busybox with COPY, RUN, a build argument and a target stage, whose image is then run;
//! `.dockerignore` (with an exception) checked inside the image; a failing RUN; a symlink
//! pointing outside the context; a Dockerfile outside the context; cancelling mid-build; and
//! search against a loopback registry. Every image a test builds is removed by a guard.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use wharf_core::audit::AuditLog;
use wharf_core::engine::{BuildEvent, Engine, Policy, SearchQuery};
use wharf_core::spec::build::{BuildForm, BuildPlan};
use wharf_core::streams::build as builds;
use wharf_core::{CoreError, ErrorKind};
use wharf_tests::{
    require_engine, unique_name, wait_for, wait_until_blocking, TestEngine, TestRegistry, LABEL,
};

use crate::common::{connect, TIMEOUT};

/// Images a test built (by tag or id), removed when dropped, even when the test failed.
struct Built<'a> {
    te: &'a TestEngine,
    refs: Vec<String>,
}

impl Drop for Built<'_> {
    fn drop(&mut self) {
        for r in &self.refs {
            if let Err(e) = self.te.docker(&["rmi", "-f", r]) {
                if !e.contains("No such image") {
                    eprintln!("cleanup of image {r}: {e}");
                }
            }
        }
    }
}

fn tag(suffix: &str) -> String {
    format!("{}:1", unique_name(suffix))
}

fn write(dir: &Path, name: &str, text: &str) {
    if let Some(parent) = dir.join(name).parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn plan(form: BuildForm) -> BuildPlan {
    form.parse().unwrap_or_else(|e| panic!("form: {e:?}"))
}

/// Run the build to its end: the events and the result (the image id, or the error).
async fn build(engine: &Engine, plan: &BuildPlan) -> (Vec<BuildEvent>, Result<String, CoreError>) {
    let mut stream = builds::output(engine, plan);
    let mut events = Vec::new();
    let deadline = Duration::from_secs(120);
    loop {
        match tokio::time::timeout(deadline, stream.next()).await {
            Err(_) => panic!("the build did not end in {deadline:?}: {events:?}"),
            Ok(None) => panic!("the build stream ended without a result: {events:?}"),
            Ok(Some(Err(e))) => return (events, Err(e)),
            Ok(Some(Ok(BuildEvent::Done { id, .. }))) => return (events, Ok(id)),
            Ok(Some(Ok(e))) => events.push(e),
        }
    }
}

/// `docker run --rm IMAGE ARGS…`, its output (trimmed). The test image links a few applets
/// only; others run as `busybox APPLET`.
fn run(te: &TestEngine, image: &str, args: &[&str]) -> String {
    let label = format!("{LABEL}={}", wharf_tests::run_id());
    let mut all = vec!["run", "--rm", "--label", &label, image];
    all.extend_from_slice(args);
    te.docker_ok(&all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_stage_build_with_args_and_target_runs() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = te.image();
    write(
        dir.path(),
        "Dockerfile",
        &format!(
            "FROM {base} AS base\n\
             ARG GREETING=none\n\
             COPY hello.txt /hello.txt\n\
             RUN echo \"$GREETING\" > /out && cat /hello.txt >> /out\n\
             CMD [\"cat\", \"/out\"]\n\
             FROM base AS second\n\
             RUN echo second >> /out\n\
             FROM {base} AS last\n\
             CMD [\"echo\", \"the last stage was built\"]\n"
        ),
    );
    write(dir.path(), "hello.txt", "hello from the context\n");
    let (t1, t2) = (tag("build-a"), tag("build-b"));
    let mut guard = Built {
        te,
        refs: vec![t1.clone(), t2.clone()],
    };
    let p = plan(BuildForm {
        context: dir.path().display().to_string(),
        tags: vec![t1.clone(), t2.clone()],
        args: vec!["GREETING=hi there".into()],
        target: "second".into(),
        labels: vec![format!("{LABEL}={}", wharf_tests::run_id())],
        ..Default::default()
    });
    let (events, result) = build(&engine, &p).await;
    let id = result.unwrap_or_else(|e| panic!("build failed: {e}\n{events:?}"));
    guard.refs.push(id.clone());

    assert!(
        events
            .iter()
            .any(|e| matches!(e, BuildEvent::Step { text } if text.contains("COPY hello.txt"))),
        "{events:?}"
    );
    let context = events.iter().find_map(|e| match e {
        BuildEvent::Context { bytes, entries } => Some((*bytes, *entries)),
        _ => None,
    });
    let (bytes, entries) = context.unwrap_or_else(|| panic!("no context size: {events:?}"));
    assert_eq!(entries, 2, "Dockerfile and hello.txt");
    assert!(bytes >= 1024, "{bytes}");

    assert_eq!(
        run(te, &t1, &[]),
        "hi there\nhello from the context\nsecond"
    );
    // Both tags name the image, and it carries the label.
    for t in [&t1, &t2] {
        let got = te.docker_ok(&["image", "inspect", "--format", "{{.Id}}", t]);
        assert_eq!(got.trim(), id, "{t}");
    }
    let label = te.docker_ok(&[
        "image",
        "inspect",
        "--format",
        &format!("{{{{index .Config.Labels \"{LABEL}\"}}}}"),
        &t1,
    ]);
    assert_eq!(label.trim(), wharf_tests::run_id());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dockerignore_is_honoured_inside_the_image() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        &format!("FROM {}\nCOPY . /ctx\n", te.image()),
    );
    // The Dockerfile and .dockerignore excluded too: they are still sent (the build works)
    // and the engine leaves them out of COPY.
    write(
        d,
        ".dockerignore",
        "# comment\nsecret*\nlogs\n!logs/keep.log\n**/*.tmp\nDockerfile\n.dockerignore\n",
    );
    write(d, "app.txt", "app\n");
    write(d, "secret.env", "PASSWORD=x\n");
    write(d, "logs/a.log", "a\n");
    write(d, "logs/keep.log", "keep\n");
    write(d, "src/deep/x.tmp", "tmp\n");
    write(d, "src/deep/x.rs", "rs\n");
    let t = tag("ignore");
    let mut guard = Built {
        te,
        refs: vec![t.clone()],
    };
    let p = plan(BuildForm {
        context: d.display().to_string(),
        tags: vec![t.clone()],
        ..Default::default()
    });
    let (events, result) = build(&engine, &p).await;
    guard
        .refs
        .push(result.unwrap_or_else(|e| panic!("build failed: {e}\n{events:?}")));
    let listing = run(te, &t, &["busybox", "find", "/ctx"]);
    let mut files: Vec<&str> = listing.lines().collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [
            "/ctx",
            "/ctx/app.txt",
            "/ctx/logs",
            "/ctx/logs/keep.log",
            "/ctx/src",
            "/ctx/src/deep",
            "/ctx/src/deep/x.rs",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_run_gives_the_engines_error_and_no_image() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "Dockerfile",
        &format!("FROM {}\nRUN echo about to fail && exit 3\n", te.image()),
    );
    let t = tag("fails");
    let _guard = Built {
        te,
        refs: vec![t.clone()],
    };
    let (events, result) = build(
        &engine,
        &plan(BuildForm {
            context: dir.path().display().to_string(),
            tags: vec![t.clone()],
            ..Default::default()
        }),
    )
    .await;
    let e = result
        .err()
        .unwrap_or_else(|| panic!("the build succeeded"));
    assert_eq!(e.kind(), ErrorKind::Engine, "{e}");
    assert!(e.to_string().contains("returned a non-zero code: 3"), "{e}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BuildEvent::Output { text } if text == "about to fail")),
        "{events:?}"
    );
    assert!(
        te.docker(&["image", "inspect", &t]).is_err(),
        "a failed build left the image {t}"
    );
    // The failed step's container is removed too (forcerm).
    let container = events
        .iter()
        .find_map(|e| match e {
            BuildEvent::Output { text } => text
                .trim()
                .strip_prefix("---> Running in ")
                .map(str::to_owned),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no RUN container: {events:?}"));
    wait_until_blocking(TIMEOUT, "the failed step's container to be removed", || {
        te.docker(&["inspect", "--type", "container", &container])
            .is_err()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlink_out_of_the_context_is_sent_as_a_link() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let outer = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(outer.path(), "host-secret", "HOST SECRET\n");
    let ctx = outer.path().join("ctx");
    write(
        &ctx,
        "Dockerfile",
        &format!("FROM {}\nCOPY . /ctx\n", te.image()),
    );
    let target = outer.path().join("host-secret");
    std::os::unix::fs::symlink(&target, ctx.join("outside")).unwrap_or_else(|e| panic!("{e}"));
    let t = tag("link");
    let mut guard = Built {
        te,
        refs: vec![t.clone()],
    };
    let (events, result) = build(
        &engine,
        &plan(BuildForm {
            context: ctx.display().to_string(),
            tags: vec![t.clone()],
            ..Default::default()
        }),
    )
    .await;
    guard
        .refs
        .push(result.unwrap_or_else(|e| panic!("build failed: {e}\n{events:?}")));
    let link = run(te, &t, &["busybox", "readlink", "/ctx/outside"]);
    assert_eq!(link.trim(), target.display().to_string());
    // The host file's content is nowhere in the image.
    let grep = te.docker(&[
        "run",
        "--rm",
        &t,
        "sh",
        "-c",
        "grep -rs 'HOST SECRET' /ctx; echo rc=$?",
    ]);
    assert_eq!(grep.map(|s| s.trim().to_owned()), Ok("rc=1".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dockerfile_outside_the_context_is_sent_but_not_copied() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let outer = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        outer.path(),
        "build.Dockerfile",
        &format!("FROM {}\nCOPY . /ctx\n", te.image()),
    );
    let ctx = outer.path().join("ctx");
    write(&ctx, "a.txt", "a\n");
    let t = tag("outside");
    let mut guard = Built {
        te,
        refs: vec![t.clone()],
    };
    let (events, result) = build(
        &engine,
        &plan(BuildForm {
            context: ctx.display().to_string(),
            dockerfile: "../build.Dockerfile".into(),
            tags: vec![t.clone()],
            ..Default::default()
        }),
    )
    .await;
    guard
        .refs
        .push(result.unwrap_or_else(|e| panic!("build failed: {e}\n{events:?}")));
    assert_eq!(run(te, &t, &["ls", "-A", "/ctx"]).trim(), "a.txt");
}

/// A context the core cannot send whole (here a file name that is not UTF-8, after 4 MB were
/// already sent) ends the build with the core's reason, not the broken request's, and the
/// engine builds nothing from the partial context.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_that_cannot_be_sent_builds_nothing_and_says_why() {
    use std::os::unix::ffi::OsStrExt;
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "Dockerfile",
        &format!("FROM {}\nCOPY . /ctx\n", te.image()),
    );
    write(dir.path(), "a-big.bin", &"x".repeat(4 << 20));
    std::fs::write(
        dir.path().join(std::ffi::OsStr::from_bytes(b"z-\xff.txt")),
        "bad name",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let t = tag("unsendable");
    let _guard = Built {
        te,
        refs: vec![t.clone()],
    };
    let (events, result) = build(
        &engine,
        &plan(BuildForm {
            context: dir.path().display().to_string(),
            tags: vec![t.clone()],
            ..Default::default()
        }),
    )
    .await;
    let e = result
        .err()
        .unwrap_or_else(|| panic!("the build succeeded: {events:?}"));
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    assert!(te.docker(&["image", "inspect", &t]).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_build_stops_it() {
    let te = require_engine!();
    let audit_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit_path = audit_dir.path().join("audit.jsonl");
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: false,
        audit: Some(std::sync::Arc::new(
            AuditLog::open(&audit_path).unwrap_or_else(|e| panic!("{e}")),
        )),
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "Dockerfile",
        &format!("FROM {}\nRUN echo started && sleep 300\n", te.image()),
    );
    let t = tag("cancel");
    let _guard = Built {
        te,
        refs: vec![t.clone()],
    };
    let p = plan(BuildForm {
        context: dir.path().display().to_string(),
        tags: vec![t.clone()],
        no_cache: true,
        ..Default::default()
    });
    let mut stream = builds::output(&engine, &p);
    // The builder's container for the RUN step: ` ---> Running in 0123456789ab`.
    let mut container = None;
    let mut started = false;
    while !(started && container.is_some()) {
        let next = tokio::time::timeout(TIMEOUT, stream.next())
            .await
            .unwrap_or_else(|_| panic!("no RUN output in {TIMEOUT:?}"));
        match next {
            Some(Ok(BuildEvent::Output { text })) => {
                if let Some(id) = text.trim().strip_prefix("---> Running in ") {
                    container = Some(id.to_owned());
                }
                started |= text == "started";
            }
            Some(Ok(_)) => {}
            other => panic!("the build ended: {other:?}"),
        }
    }
    let container = container.unwrap_or_default();
    assert!(
        te.docker(&["inspect", "--type", "container", &container])
            .is_ok(),
        "the RUN step's container {container} should exist while it runs"
    );
    drop(stream);
    wait_until_blocking(TIMEOUT, "the build's container to go away", || {
        te.docker(&["inspect", "--type", "container", &container])
            .is_err()
    });
    assert!(te.docker(&["image", "inspect", &t]).is_err());
    // The cancelled build is in the audit log, under its tag, as cancelled.
    let line = wait_for(TIMEOUT, "the audit line of the build", || {
        let text = std::fs::read_to_string(&audit_path).unwrap_or_default();
        async move {
            text.lines()
                .find(|l| l.contains("\"image.build\""))
                .map(str::to_owned)
        }
    })
    .await;
    let v: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(v["targets"], serde_json::json!([t]), "{line}");
    assert_eq!(v["result"], "error", "{line}");
    assert_eq!(v["error"]["kind"], "cancelled", "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_a_build_before_reading_the_context() {
    let te = require_engine!();
    let engine = connect(te.host()).await.with_policy(Policy {
        read_only: true,
        audit: None,
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "Dockerfile", "FROM scratch\n");
    let (events, result) = build(
        &engine,
        &plan(BuildForm {
            context: dir.path().display().to_string(),
            ..Default::default()
        }),
    )
    .await;
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(result.err().map(|e| e.kind()), Some(ErrorKind::Denied));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_of_a_registry_without_search_says_so() {
    let te = require_engine!();
    let Some(registry) = TestRegistry::start_or_skip() else {
        return;
    };
    let engine = connect(te.host()).await;
    let term = format!("{}/busybox", registry.host());
    let e = builds::search(
        &engine,
        &SearchQuery {
            term,
            limit: Some(5),
            ..Default::default()
        },
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("search of a v2 registry succeeded"));
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("{} does not offer search", registry.host())),
        "{e}"
    );
}
