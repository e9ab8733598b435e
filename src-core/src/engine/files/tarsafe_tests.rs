//! Crafted archives against [`extract`] and [`list`]: nothing lands outside the destination.

use super::*;

/// One raw tar entry, its name written byte for byte (the `tar` crate's own setters refuse
/// `..` and absolute names, which is what these tests need to send).
fn raw_entry(out: &mut Vec<u8>, name: &[u8], kind: tar::EntryType, link: &[u8], data: &[u8]) {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link);
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(1_700_000_000);
    h.set_cksum();
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

fn finish(mut out: Vec<u8>) -> Vec<u8> {
    out.extend_from_slice(&[0; 1024]);
    out
}

fn run(archive: Vec<u8>, dest: &Path, top: &str, confirmed: bool) -> io::Result<Extracted> {
    extract(io::Cursor::new(archive), dest, OsStr::new(top), confirmed)
}

fn names(x: &Extracted) -> Vec<&str> {
    x.skipped.iter().map(|s| s.path.as_str()).collect()
}

#[test]
fn entries_outside_the_destination_are_skipped() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let mut a = Vec::new();
    raw_entry(&mut a, b"top/", tar::EntryType::Directory, b"", b"");
    raw_entry(&mut a, b"top/ok", tar::EntryType::Regular, b"", b"fine");
    raw_entry(&mut a, b"../escaped", tar::EntryType::Regular, b"", b"bad");
    raw_entry(
        &mut a,
        b"top/../../escaped2",
        tar::EntryType::Regular,
        b"",
        b"bad",
    );
    raw_entry(&mut a, b"/tmp/abs", tar::EntryType::Regular, b"", b"bad");
    raw_entry(&mut a, b"other/x", tar::EntryType::Regular, b"", b"bad");
    raw_entry(&mut a, b"top/evil", tar::EntryType::Symlink, b"/", b"");
    raw_entry(&mut a, b"top/up", tar::EntryType::Symlink, b"../..", b"");
    raw_entry(
        &mut a,
        b"top/evil/escaped3",
        tar::EntryType::Regular,
        b"",
        b"bad",
    );
    raw_entry(
        &mut a,
        b"top/hard",
        tar::EntryType::Link,
        b"../../etc/passwd",
        b"",
    );
    raw_entry(
        &mut a,
        b"top/hard2",
        tar::EntryType::Link,
        b"/etc/passwd",
        b"",
    );
    raw_entry(&mut a, b"top/dev", tar::EntryType::Char, b"", b"");
    raw_entry(&mut a, b"top/fifo", tar::EntryType::Fifo, b"", b"");
    raw_entry(&mut a, b"top/rel", tar::EntryType::Symlink, b"ok", b"");
    raw_entry(&mut a, b"top/same", tar::EntryType::Link, b"top/ok", b"");
    let x = run(finish(a), &dest, "top", false).unwrap();
    assert_eq!(fs::read(dest.join("top/ok")).unwrap(), b"fine");
    assert_eq!(fs::read(dest.join("top/same")).unwrap(), b"fine");
    assert_eq!(
        fs::read_link(dest.join("top/rel")).unwrap(),
        Path::new("ok")
    );
    assert!(!root.path().join("escaped").exists());
    assert!(!root.path().join("escaped2").exists());
    assert!(fs::symlink_metadata(dest.join("top/evil"))
        .map(|m| !m.file_type().is_symlink())
        .unwrap_or(true));
    assert!(fs::symlink_metadata(dest.join("top/up")).is_err());
    assert!(fs::symlink_metadata(dest.join("top/hard")).is_err());
    assert!(fs::symlink_metadata(dest.join("top/dev")).is_err());
    assert!(fs::symlink_metadata(dest.join("top/fifo")).is_err());
    let skipped = names(&x);
    for n in [
        "../escaped",
        "top/../../escaped2",
        "/tmp/abs",
        "other/x",
        "top/evil",
        "top/up",
        "top/hard",
        "top/hard2",
        "top/dev",
        "top/fifo",
    ] {
        assert!(skipped.contains(&n), "{n} not skipped: {skipped:?}");
    }
    // Nothing at all was written outside `dest`.
    let outside: Vec<_> = fs::read_dir(root.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, vec![std::ffi::OsString::from("dest")]);
}

#[test]
fn a_host_symlink_is_never_walked_through() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("dest");
    let outside = root.path().join("outside");
    fs::create_dir_all(dest.join("top")).unwrap();
    fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, dest.join("top/link")).unwrap();
    fs::write(dest.join("top/kept"), b"mine").unwrap();
    let mut a = Vec::new();
    raw_entry(&mut a, b"top/", tar::EntryType::Directory, b"", b"");
    raw_entry(&mut a, b"top/link/x", tar::EntryType::Regular, b"", b"bad");
    raw_entry(&mut a, b"top/link", tar::EntryType::Regular, b"", b"bad");
    raw_entry(&mut a, b"top/kept", tar::EntryType::Regular, b"", b"theirs");
    // The user confirmed `dest/top` (a folder): merged, but no file inside is overwritten.
    let x = run(finish(a), &dest, "top", true).unwrap();
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(fs::read(dest.join("top/kept")).unwrap(), b"mine");
    assert!(fs::symlink_metadata(dest.join("top/link"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(names(&x), vec!["top/link/x", "top/link", "top/kept"]);
}

#[test]
fn an_existing_target_needs_confirmation_and_is_replaced_not_followed() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let victim = root.path().join("victim");
    fs::write(&victim, b"precious").unwrap();
    std::os::unix::fs::symlink(&victim, dest.join("f")).unwrap();
    let mut a = Vec::new();
    raw_entry(&mut a, b"f", tar::EntryType::Regular, b"", b"new");
    let a = finish(a);
    let e = run(a.clone(), &dest, "f", false).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    run(a, &dest, "f", true).unwrap();
    // The symlink itself was replaced by the file; its old target is untouched.
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    assert!(fs::symlink_metadata(dest.join("f")).unwrap().is_file());
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"new");
}

#[test]
fn a_cancelled_copy_removes_what_it_wrote() {
    let root = tempfile::tempdir().unwrap();
    let (tx, rx) = mpsc::channel(4);
    let mut a = Vec::new();
    raw_entry(&mut a, b"top/", tar::EntryType::Directory, b"", b"");
    raw_entry(&mut a, b"top/a", tar::EntryType::Regular, b"", &[7u8; 3000]);
    // Half of the archive, then the sender goes away without `End` (the future was dropped).
    tx.blocking_send(Chunk::Data(Bytes::from(a[..1500].to_vec())))
        .unwrap();
    drop(tx);
    let e = extract(
        ChannelReader::new(rx, u64::MAX),
        root.path(),
        OsStr::new("top"),
        false,
    )
    .unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::ConnectionAborted);
    assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
}

#[test]
fn a_listing_keeps_direct_children_and_stops_at_its_budget() {
    let mut a = Vec::new();
    raw_entry(&mut a, b"./", tar::EntryType::Directory, b"", b"");
    raw_entry(&mut a, b"./a", tar::EntryType::Regular, b"", b"abc");
    raw_entry(&mut a, b"./d/", tar::EntryType::Directory, b"", b"");
    raw_entry(
        &mut a,
        b"./d/deep",
        tar::EntryType::Regular,
        b"",
        &[0; 4096],
    );
    raw_entry(&mut a, b"./l", tar::EntryType::Symlink, b"/etc", b"");
    raw_entry(&mut a, b"./z", tar::EntryType::Regular, b"", b"");
    let a = finish(a);
    let feed = |budget: ListBudget| {
        let (tx, rx) = mpsc::channel(4);
        tx.blocking_send(Chunk::Data(Bytes::from(a.clone())))
            .unwrap();
        tx.blocking_send(Chunk::End).unwrap();
        list(ChannelReader::new(rx, budget.bytes), budget).unwrap()
    };
    let all = ListBudget {
        bytes: u64::MAX,
        entries: 100,
        children: 100,
    };
    let (entries, truncated) = feed(all);
    let names: Vec<_> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["a", "d", "l", "z"]);
    assert_eq!(truncated, None);
    assert_eq!(entries[0].size, 3);
    assert_eq!(entries[2].link_target.as_deref(), Some("/etc"));
    let (entries, truncated) = feed(ListBudget { bytes: 2048, ..all });
    assert!(entries.len() < 4 && truncated.unwrap().contains("truncated"));
    let (entries, truncated) = feed(ListBudget { children: 2, ..all });
    assert_eq!(entries.len(), 2);
    assert!(truncated.unwrap().contains("first 2"));
}
