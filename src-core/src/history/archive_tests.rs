//! The log archive with a manual clock: blocks, resume points, search, recreate markers and
//! the bounds, no engine needed (the engine tests are in tests/tests/core/archive.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::archive::{decode, encode, ArchLine, ResumePoint};
use super::archive_follow::split_timestamp;
use super::*;
use crate::engine::LogStream;

const T0: i64 = 1_780_000_000_000;

fn open(dir: &tempfile::TempDir, clock: &Clock) -> HistoryDb {
    HistoryDb::open(&HistoryOptions {
        path: dir.path().join("history.sqlite3"),
        cap_bytes: 64 << 20,
        clock: clock.clone(),
    })
    .unwrap()
}

fn key(k: &str) -> SeriesKey {
    SeriesKey {
        engine: "E".into(),
        key: k.into(),
    }
}

fn lines(from_ms: i64, n: usize, text: &str) -> Vec<ArchLine> {
    (0..n)
        .map(|i| ArchLine {
            ts_ns: (from_ms + i as i64 * 1000) * 1_000_000,
            stream: if i % 2 == 0 {
                LogStream::Stdout
            } else {
                LogStream::Stderr
            },
            bytes: format!("{text} {i} {}", "x".repeat(200)).into_bytes(),
        })
        .collect()
}

fn query(pattern: &str, regex: bool) -> ArchiveQuery {
    ArchiveQuery {
        engine: "E".into(),
        pattern: pattern.into(),
        regex,
        ..Default::default()
    }
}

#[test]
fn blocks_round_trip_bytes_as_received() {
    let mut l = lines(T0, 3, "a");
    l[1].bytes = b"\x1b]52;c;aGk=\x07 \xff raw".to_vec();
    l[2].ts_ns = l[1].ts_ns; // same nanosecond
    assert_eq!(decode(&encode(&l)).unwrap(), l);
    assert!(decode(b"\x80").is_err());
}

#[test]
fn timestamps_are_split_to_nanoseconds() {
    let (ts, rest) = split_timestamp(b"2026-12-01T08:00:00.000000042Z hello world").unwrap();
    assert_eq!(ts % 1_000_000_000, 42);
    assert_eq!(rest, b"hello world");
    let (ts2, _) = split_timestamp(b"2026-12-01T08:00:00Z x").unwrap();
    assert_eq!(ts - ts2, 42);
    assert!(split_timestamp(b"not a time").is_none());
}

#[test]
fn selectors_parse_and_match() {
    assert_eq!(ArchiveSelector::parse("*").unwrap(), ArchiveSelector::All);
    assert_eq!(
        ArchiveSelector::parse("project=shop").unwrap(),
        ArchiveSelector::Project("shop".into())
    );
    assert_eq!(
        ArchiveSelector::parse("compose:shop").unwrap().to_string(),
        "compose:shop"
    );
    assert_eq!(
        ArchiveSelector::parse("web1").unwrap().to_string(),
        "name:web1"
    );
    assert!(ArchiveSelector::parse("compose:shop/").is_err());
    assert!(ArchiveSelector::parse("").is_err());
    assert!(ArchiveSelector::parse("a\u{1b}b").is_err());
    let p = ArchiveSelector::Project("shop".into());
    assert!(p.covers_key("compose:shop/web"));
    assert!(!p.covers_key("compose:shopping/web"));
    assert!(!p.covers_key("name:shop"));
}

#[test]
fn the_selection_is_stored_per_engine() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(&dir, &Clock::manual(T0));
    let sel = ArchiveSelector::parse("name:web").unwrap();
    assert!(db.archive_set("E", &sel, true).unwrap());
    assert!(!db.archive_set("E", &sel, true).unwrap());
    assert_eq!(db.archive_selectors("E").unwrap(), vec![sel.clone()]);
    assert!(db.archive_selectors("F").unwrap().is_empty());
    assert!(db.archive_set("E", &sel, false).unwrap());
    assert!(db.archive_selectors("E").unwrap().is_empty());
}

#[test]
fn resume_points_count_lines_at_the_last_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(&dir, &Clock::manual(T0));
    let mut l = lines(T0, 4, "a");
    l[3].ts_ns = l[2].ts_ns;
    db.archive_write(&key("name:a"), "c1", "a", &l[..3])
        .unwrap();
    db.archive_write(&key("name:a"), "c1", "a", &l[3..])
        .unwrap();
    assert_eq!(
        db.archive_resume("c1").unwrap(),
        Some(ResumePoint {
            last_ns: l[2].ts_ns,
            at_last: 2
        })
    );
    assert_eq!(db.archive_resume("c2").unwrap(), None);
}

#[test]
fn search_spans_recreates_with_a_marker_and_makes_text_inert() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(&dir, &Clock::manual(T0));
    let k = key("compose:shop/web");
    db.archive_write(&k, "aaaa1111aaaa1111", "shop-web-1", &lines(T0, 5, "old"))
        .unwrap();
    let mut new = lines(T0 + 60_000, 5, "new");
    new[0].bytes = b"new \x1b[2J\x1b]0;pwned\x07 title".to_vec();
    db.archive_write(&k, "bbbb2222bbbb2222", "shop-web-1", &new)
        .unwrap();
    db.archive_write(&key("name:other"), "cccc", "other", &lines(T0, 2, "old"))
        .unwrap();

    let r = db.archive_search(&query("old|new", true)).unwrap();
    assert_eq!(r.entries.iter().filter(|e| e.kind == "line").count(), 12);
    let marks: Vec<_> = r.entries.iter().filter(|e| e.kind == "recreate").collect();
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert!(marks[0]
        .text
        .contains("now bbbb2222bbbb (was aaaa1111aaaa)"));
    // In time order: the marker sits between the two instances' lines.
    let pos = |pred: &dyn Fn(&ArchiveEntry) -> bool| r.entries.iter().position(pred).unwrap();
    assert!(pos(&|e| e.kind == "recreate") > pos(&|e| e.text.starts_with("old 4")));
    assert!(pos(&|e| e.kind == "recreate") < pos(&|e| e.text.starts_with("new")));
    assert!(r
        .entries
        .iter()
        .all(|e| !e.text.contains('\u{1b}') && !e.text.contains('\u{7}')));

    // Scope, time range, substring, inverted, limit, bad regex.
    let mut q = query("old", false);
    q.scope = "compose:shop".into();
    let r = db.archive_search(&q).unwrap();
    assert_eq!(r.entries.len(), 6, "5 lines and the marker: {r:?}");
    assert!(r.entries.iter().all(|e| e.key == "compose:shop/web"));
    q.from_ms = Some(T0 + 2000);
    q.to_ms = Some(T0 + 3000);
    assert_eq!(db.archive_search(&q).unwrap().entries.len(), 2);
    let mut q = query("!old", false);
    q.scope = "name:other".into();
    assert!(db.archive_search(&q).unwrap().entries.is_empty());
    let mut q = query("", false);
    q.limit = 3;
    let r = db.archive_search(&q).unwrap();
    assert!(r.truncated);
    assert_eq!(
        r.entries.last().unwrap().text,
        "new 4 ".to_owned() + &"x".repeat(200)
    );
    assert!(db.archive_search(&query("(", true)).is_err());
}

#[test]
fn maintain_prunes_the_oldest_blocks_by_age_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(T0);
    let mut db = open(&dir, &clock);
    // Incompressible lines (xorshift), so the size is known: 40 blocks of ~20 KB, a minute apart.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    };
    for b in 0..40i64 {
        let l: Vec<ArchLine> = (0..10u64)
            .map(|i| ArchLine {
                ts_ns: (T0 + b * 60_000 + i as i64) * 1_000_000,
                stream: LogStream::Stdout,
                bytes: (0..2000).map(|_| rnd()).collect(),
            })
            .collect();
        db.archive_write(&key("name:a"), "c1", "a", &l).unwrap();
    }
    let full = db.archive_bytes().unwrap();
    assert!(full > 700_000, "{full}");
    db.archive_limits = ArchiveLimits {
        max_bytes: full / 2,
        keep_ms: 30 * 60_000,
    };
    clock.set(T0 + 40 * 60_000);
    let m = db.maintain().unwrap();
    // Age: blocks whose last line is older than 30 min go (the first 10).
    assert_eq!(m.archive.expired_blocks, 10, "{m:?}");
    // Size: then the oldest until under half.
    assert!(m.archive.capped_blocks >= 10, "{m:?}");
    assert!(db.archive_bytes().unwrap() <= full / 2);
    let r = db.archive_search(&query("", false)).unwrap();
    let first = r.entries.first().unwrap().at_ms;
    assert!(first >= T0 + 20 * 60_000, "the oldest went first");
    assert_eq!(r.entries.last().unwrap().at_ms, T0 + 39 * 60_000 + 9);
}
