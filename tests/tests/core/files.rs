//! Container files against a real engine: `docker diff`, listings through the archive API
//! (checked against `docker exec stat`), copies out and in that round-trip bytes exactly, a
//! hostile container file system that never writes outside the host destination, no
//! overwrite without confirmation, and read-only mode refusing copy in.

use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};

use wharf_core::audit::AuditLog;
use wharf_core::engine::{Engine, OnProgress, Policy};
use wharf_core::model::{ChangeKind, CopyProgress, FileKind};
use wharf_core::ErrorKind;
use wharf_tests::{require_engine, TestContainer, TestEngine};

use crate::common::connect;

fn sleeper(te: &TestEngine, suffix: &str) -> TestContainer {
    te.container(suffix).cmd(&["sleep", "600"]).start()
}

fn exec(te: &TestEngine, c: &TestContainer, script: &str) -> String {
    te.docker_ok(&["exec", c.id(), "sh", "-c", script])
}

/// Progress reports collected for assertions.
fn recorder() -> (OnProgress, Arc<Mutex<Vec<CopyProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (Arc::new(move |p| s.lock().unwrap().push(p)), seen)
}

fn quiet() -> OnProgress {
    Arc::new(|_| {})
}

/// Deterministic pseudo-random bytes (xorshift): incompressible, no dependency.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_shows_added_changed_and_deleted_paths() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = sleeper(te, "diff");
    exec(
        te,
        &c,
        "echo hi > /made-here && echo x >> /etc/group && rm /bin/cat",
    );
    let changes = engine.changes(c.id()).await.unwrap();
    let has = |path: &str, kind| changes.iter().any(|ch| ch.path == path && ch.kind == kind);
    assert!(has("/made-here", ChangeKind::Added), "{changes:?}");
    assert!(has("/etc/group", ChangeKind::Changed), "{changes:?}");
    assert!(has("/bin/cat", ChangeKind::Deleted), "{changes:?}");
    assert!(changes.windows(2).all(|w| w[0].path <= w[1].path));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_matches_stat_in_the_container() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = sleeper(te, "list");
    exec(
        te,
        &c,
        "mkdir -p /d/sub/deeper && printf 12345 > /d/five && chmod 751 /d/five \
         && ln -s /etc/passwd /d/link && head -c 70000 /dev/zero > /d/sub/deeper/big \
         && touch -d '2021-02-03 04:05:06' /d/five && chmod 1777 /d/sub",
    );
    let listing = engine.list_dir(c.id(), "/d").await.unwrap();
    assert_eq!(listing.truncated, None);
    let names: Vec<_> = listing.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["sub", "five", "link"],
        "directories first, then by name"
    );
    for e in &listing.entries {
        // busybox stat: size, octal mode (with special bits), mtime, type letter of ls.
        let stat = exec(te, &c, &format!("stat -c '%s %a %Y %A' /d/{}", e.name));
        let f: Vec<&str> = stat.split_whitespace().collect();
        let want_size: u64 = if e.kind == FileKind::File {
            f[0].parse().unwrap()
        } else {
            0
        };
        assert_eq!(e.size, want_size, "size of {}", e.name);
        assert_eq!(format!("{:o}", e.mode), f[1], "mode of {}", e.name);
        assert_eq!(e.mtime.to_string(), f[2], "mtime of {}", e.name);
        assert_eq!(e.mode_string(), f[3], "ls mode of {}", e.name);
    }
    let link = &listing.entries[2];
    assert_eq!(link.kind, FileKind::Symlink);
    assert_eq!(link.link_target.as_deref(), Some("/etc/passwd"));
    // The stat header for one path agrees, and a symlink is not followed.
    let five = engine.stat_path(c.id(), "/d/five").await.unwrap();
    assert_eq!(
        (five.kind, five.size, five.mode),
        (FileKind::File, 5, 0o751)
    );
    assert_eq!(five.mtime, listing.entries[1].mtime);
    let l = engine.stat_path(c.id(), "/d/link").await.unwrap();
    assert_eq!(l.kind, FileKind::Symlink);
    let missing = engine.list_dir(c.id(), "/nope").await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_of_a_huge_directory_is_cut_short_and_says_so() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = sleeper(te, "bigdir");
    // 24 MiB under `a/` comes before `z` in the archive; the listing reads at most 16 MiB.
    exec(
        te,
        &c,
        "mkdir -p /big/a && head -c 25165824 /dev/zero > /big/a/blob && touch /big/z",
    );
    let listing = engine.list_dir(c.id(), "/big").await.unwrap();
    let why = listing.truncated.expect("a truncated listing");
    assert!(why.starts_with("listing truncated"), "{why}");
    let names: Vec<_> = listing.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["a"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_in_and_out_round_trip_bytes_exactly() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = sleeper(te, "copy");
    let host = tempfile::tempdir().unwrap();
    // A 50 MB random file.
    let big = host.path().join("big.bin");
    let data = noise(50 * 1000 * 1000, 0x9E37_79B9_7F4A_7C15);
    fs::write(&big, &data).unwrap();
    // A folder with nested files and a symlink.
    let tree = host.path().join("tree");
    fs::create_dir_all(tree.join("a/b")).unwrap();
    fs::write(tree.join("top.txt"), b"top\n").unwrap();
    fs::write(tree.join("a/b/deep.bin"), noise(123_457, 7)).unwrap();
    fs::write(tree.join("a/empty"), b"").unwrap();
    std::os::unix::fs::symlink("b/deep.bin", tree.join("a/link")).unwrap();

    let (progress, seen) = recorder();
    let sent = engine
        .copy_in(c.id(), &big, "/tmp", progress)
        .await
        .unwrap();
    assert_eq!(sent.target, "/tmp/big.bin");
    assert!(sent.bytes > 50_000_000);
    {
        let seen = seen.lock().unwrap();
        assert!(
            seen.len() > 10,
            "progress reported as it goes: {}",
            seen.len()
        );
        assert!(seen.windows(2).all(|w| w[0].bytes <= w[1].bytes));
        assert_eq!(seen.last().unwrap().bytes, sent.bytes);
    }
    engine
        .copy_in(c.id(), &tree, "/tmp", quiet())
        .await
        .unwrap();
    assert_eq!(exec(te, &c, "stat -c %s /tmp/big.bin").trim(), "50000000");
    assert_eq!(
        exec(te, &c, "readlink /tmp/tree/a/link").trim(),
        "b/deep.bin"
    );

    let back = tempfile::tempdir().unwrap();
    let (progress, seen) = recorder();
    let got = engine
        .copy_out(c.id(), "/tmp/big.bin", back.path(), false, progress)
        .await
        .unwrap();
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    assert!(
        fs::read(back.path().join("big.bin")).unwrap() == data,
        "50 MB file differs"
    );
    assert!(seen.lock().unwrap().len() > 10);
    let got = engine
        .copy_out(c.id(), "/tmp/tree", back.path(), false, quiet())
        .await
        .unwrap();
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    let b = back.path().join("tree");
    assert_eq!(fs::read(b.join("top.txt")).unwrap(), b"top\n");
    assert_eq!(fs::read(b.join("a/b/deep.bin")).unwrap(), noise(123_457, 7));
    assert_eq!(fs::read(b.join("a/empty")).unwrap(), b"");
    assert_eq!(
        fs::read_link(b.join("a/link")).unwrap(),
        Path::new("b/deep.bin")
    );
}

/// A minimal ustar header + data, name and link written verbatim.
fn tar_entry(out: &mut Vec<u8>, name: &str, kind: u8, link: &str, data: &[u8]) {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..107].copy_from_slice(b"0000755");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    h[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
    h[136..147].copy_from_slice(b"14000000000");
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_container_never_writes_outside_the_destination() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = sleeper(te, "hostile");
    // A crafted file system, put in with the docker CLI: links out of any destination.
    let mut t = Vec::new();
    tar_entry(&mut t, "hostile/", b'5', "", b"");
    tar_entry(&mut t, "hostile/evil", b'2', "/", b"");
    tar_entry(&mut t, "hostile/up", b'2', "../../../../..", b"");
    tar_entry(&mut t, "hostile/sub/", b'5', "", b"");
    tar_entry(&mut t, "hostile/sub/esc", b'2', "../../..", b"");
    tar_entry(&mut t, "hostile/ok.txt", b'0', "", b"fine");
    tar_entry(&mut t, "hostile/okl", b'2', "ok.txt", b"");
    t.extend_from_slice(&[0; 1024]);
    let mut cmd = te.cli().command();
    cmd.args(["cp", "-", &format!("{}:/", c.id())]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&t).unwrap();
    }
    assert!(
        child.wait().unwrap().success(),
        "docker cp of the crafted tar"
    );
    assert_eq!(exec(te, &c, "readlink /hostile/evil").trim(), "/");
    // Plus a file the container names `evil/…` once the host would follow the link.
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let before = snapshot_outside(root.path());
    let report = engine
        .copy_out(c.id(), "/hostile", &dest, false, quiet())
        .await
        .unwrap();
    let skipped: Vec<_> = report.skipped.iter().map(|s| s.path.as_str()).collect();
    for s in ["hostile/evil", "hostile/up", "hostile/sub/esc"] {
        assert!(skipped.contains(&s), "{s} not refused: {skipped:?}");
    }
    assert_eq!(fs::read(dest.join("hostile/ok.txt")).unwrap(), b"fine");
    assert_eq!(
        fs::read_link(dest.join("hostile/okl")).unwrap(),
        Path::new("ok.txt")
    );
    assert!(fs::symlink_metadata(dest.join("hostile/evil")).is_err());
    assert_eq!(
        snapshot_outside(root.path()),
        before,
        "nothing new outside dest"
    );
}

/// Every path under `root` except inside `root/dest`.
fn snapshot_outside(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "dest")
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_host_file_is_overwritten_only_when_confirmed() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = sleeper(te, "noclobber");
    exec(te, &c, "mkdir /x && echo new > /x/f");
    let host = tempfile::tempdir().unwrap();
    fs::write(host.path().join("f"), b"mine\n").unwrap();
    let e = engine
        .copy_out(c.id(), "/x/f", host.path(), false, quiet())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(fs::read(host.path().join("f")).unwrap(), b"mine\n");
    engine
        .copy_out(c.id(), "/x/f", host.path(), true, quiet())
        .await
        .unwrap();
    assert_eq!(fs::read(host.path().join("f")).unwrap(), b"new\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_in_needs_an_existing_directory_and_a_writable_engine() {
    let te = require_engine!();
    let c = sleeper(te, "copyin-ro");
    let host = tempfile::tempdir().unwrap();
    let file = host.path().join("payload");
    fs::write(&file, b"data").unwrap();
    let engine = connect(te.host()).await;
    let e = engine
        .copy_in(c.id(), &file, "/no/such/dir", quiet())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(
        e.to_string().contains("does not exist in the container"),
        "{e}"
    );

    let log_path = host.path().join("audit.log");
    let audit = Arc::new(AuditLog::open(&log_path).unwrap());
    let ro = engine.clone().with_policy(Policy {
        read_only: true,
        audit: Some(audit),
    });
    let _: &Engine = &ro;
    let e = ro
        .copy_in(c.id(), &file, "/tmp", quiet())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Denied, "{e}");
    assert!(te
        .docker(&["exec", c.id(), "test", "-e", "/tmp/payload"])
        .is_err());
    let log = fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("container.copy_in"), "{log}");
    // Listing and copying out stay allowed: they change nothing in the engine.
    ro.list_dir(c.id(), "/tmp").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_copy_out_leaves_nothing_on_the_host() {
    let te = require_engine!();
    let engine = connect(te.host()).await;
    let c = sleeper(te, "cancel");
    exec(
        te,
        &c,
        "mkdir /big && head -c 40000000 /dev/urandom > /big/blob",
    );
    let host = tempfile::tempdir().unwrap();
    // Cancel (drop the future) as soon as the first progress report shows bytes moving.
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let tx = Mutex::new(Some(tx));
    let progress: OnProgress = Arc::new(move |_| {
        if let Some(tx) = tx.lock().unwrap().take() {
            let _ = tx.send(());
        }
    });
    let copy = engine.copy_out(c.id(), "/big", host.path(), false, progress);
    tokio::select! {
        r = copy => panic!("the copy finished before it was cancelled: {r:?}"),
        _ = rx => {}
    }
    // The blocking worker notices the closed channel and removes what it wrote.
    wharf_tests::wait_until(
        std::time::Duration::from_secs(20),
        "the partial copy removed",
        || async { fs::read_dir(host.path()).unwrap().count() == 0 },
    )
    .await;
}
