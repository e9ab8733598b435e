//! Fuzzing, with proptest, of the stream-side parsers of outside input: the text sanitizer,
//! the log line splitter and the cgroup and `/proc` files read for local stats.
//!
//! Property: no panic on arbitrary bytes or on structure-aware input (escape sequences of
//! every kind, huge counters, truncated lines), plus cheap invariants: sanitized text holds no
//! control character, style runs lie on character boundaries, a log buffer stays within its
//! capacity. `PROPTEST_CASES=N` runs more than the default 256 cases per target.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use proptest::prelude::*;

use super::cgroup;
use super::logs::LogBuffer;
use super::text::sanitize;
use crate::engine::{LogChunk, LogStream};
use crate::model::RawStats;

/// Pieces of terminal traffic: CSI/OSC/DCS openers and terminators, SGR parameters, C0 and
/// C1 controls (raw and UTF-8 encoded), bidi and zero-width characters, and plain text.
fn terminal_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\x1b[".to_vec()),
        Just(b"\x1b]".to_vec()),
        Just(b"\x1bP".to_vec()),
        Just(b"\x1b\\".to_vec()),
        Just(b"\x07".to_vec()),
        Just(b"\x9b".to_vec()),
        Just("\u{9b}".as_bytes().to_vec()),
        Just(b"\x1b]52;c;aGVsbG8=\x07".to_vec()),
        Just(b"\x1b]8;;http://x\x1b\\".to_vec()),
        Just(b"\x1b]0;title\x07".to_vec()),
        Just(b"38;2;".to_vec()),
        Just(b"38;5;".to_vec()),
        Just(b"48;5;999;".to_vec()),
        Just(b"m".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just("\u{202e}\u{200b}".as_bytes().to_vec()),
        "[0-9]{1,6}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..8),
        any::<char>().prop_map(|c| c.to_string().into_bytes()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

fn check_sanitized(input: &[u8], keep_styles: bool) {
    let out = sanitize(input, keep_styles);
    let bad = out
        .text
        .chars()
        .find(|c| c.is_control() || ('\u{80}'..='\u{9f}').contains(c));
    assert!(
        bad.is_none(),
        "{bad:?} left in {:?} from {input:?}",
        out.text
    );
    if !keep_styles {
        assert!(out.runs.is_empty(), "styles kept: {:?}", out.runs);
    }
    let mut last = 0;
    for (at, _) in &out.runs {
        assert!(
            *at >= last && out.text.is_char_boundary(*at),
            "{:?}",
            out.runs
        );
        last = *at;
    }
    let joined: String = out.pieces().map(|(s, _)| s).collect();
    assert_eq!(joined, out.text);
}

proptest! {
    #[test]
    fn sanitizer_never_panics_and_leaves_no_controls(
        input in prop::collection::vec(any::<u8>(), 0..512),
        keep in any::<bool>(),
    ) {
        check_sanitized(&input, keep);
    }

    #[test]
    fn sanitizer_on_escape_sequences(input in terminal_bytes(), keep in any::<bool>()) {
        check_sanitized(&input, keep);
    }

    #[test]
    fn log_lines_never_panic_and_stay_bounded(
        chunks in prop::collection::vec(
            (0usize..3, prop_oneof![terminal_bytes(), prop::collection::vec(any::<u8>(), 0..256)]),
            0..16,
        ),
        timestamps in any::<bool>(),
        capacity in 1usize..8,
    ) {
        let streams = [LogStream::Stdout, LogStream::Stderr, LogStream::Console];
        let mut buf = LogBuffer::new(capacity, timestamps);
        for (s, bytes) in chunks {
            buf.push(&LogChunk { stream: streams[s], bytes });
            prop_assert!(buf.len() <= capacity);
        }
        buf.flush();
        prop_assert!(buf.len() <= capacity);
        for line in buf.lines() {
            prop_assert!(!line.text.text.contains(|c: char| c.is_control()));
        }
        let _ = buf.to_text(timestamps);
    }
}

/// Counter text: numbers at the edges of u64, keys the readers look for, and junk.
fn counter_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("18446744073709551615".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("max".to_owned()),
        Just("usage_usec".to_owned()),
        Just("inactive_file".to_owned()),
        Just("total_inactive_file".to_owned()),
        Just("rbytes=18446744073709551615".to_owned()),
        Just("wbytes=18446744073709551615".to_owned()),
        Just("Read".to_owned()),
        Just("Write".to_owned()),
        Just("8:0".to_owned()),
        Just("eth0:".to_owned()),
        Just("lo:".to_owned()),
        "[0-9]{1,20}",
        any::<String>(),
    ];
    let sep = prop_oneof![Just(" "), Just("\n"), Just(":"), Just("  ")];
    prop::collection::vec((token, sep), 0..24).prop_map(|v| {
        v.into_iter()
            .flat_map(|(t, s)| [t, s.to_owned()])
            .collect::<String>()
    })
}

const ID: &str = "0123456789abcdef";

fn write(p: &Path, content: &[u8]) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A fake `/proc` and `/sys/fs/cgroup` for pid 42 (v1 and v2 layouts side by side), made once
/// per target and rewritten per case, so a case costs a few small writes.
struct FakeHost {
    dir: tempfile::TempDir,
}

const V1_FILES: [(&str, &str); 6] = [
    ("cpuacct", "cpuacct.usage"),
    ("memory", "memory.usage_in_bytes"),
    ("memory", "memory.limit_in_bytes"),
    ("memory", "memory.stat"),
    ("blkio", "blkio.throttle.io_service_bytes_recursive"),
    ("pids", "pids.current"),
];
const V2_FILES: [&str; 6] = [
    "cpu.stat",
    "memory.current",
    "memory.max",
    "memory.stat",
    "io.stat",
    "pids.current",
];

impl FakeHost {
    fn new() -> FakeHost {
        FakeHost {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Write the case's files (`files[0]` is net/dev, `[1]` meminfo, then the counters), then
    /// take the full local-stats path: locate, open, read twice, sample.
    fn read(
        &self,
        v2: bool,
        proc_cgroup: &[u8],
        files: &[Vec<u8>],
        keep_open: bool,
    ) -> Option<(RawStats, RawStats)> {
        let (root, proc_root) = (self.dir.path().join("cg"), self.dir.path().join("proc"));
        let content = |i: usize| files.get(i).cloned().unwrap_or_default();
        write(&proc_root.join("42/cgroup"), proc_cgroup);
        write(&proc_root.join("42/net/dev"), &content(0));
        write(&proc_root.join("meminfo"), &content(1));
        let docker = format!("docker/{ID}");
        if v2 {
            for (i, name) in V2_FILES.iter().enumerate() {
                write(&root.join(&docker).join(name), &content(i + 2));
            }
        } else {
            for (i, (ctrl, name)) in V1_FILES.iter().enumerate() {
                write(&root.join(ctrl).join(&docker).join(name), &content(i + 2));
            }
        }
        let paths = cgroup::locate(&root, &proc_root, 42, ID)?;
        let cg = cgroup::open(&paths, &proc_root, keep_open);
        let host = cgroup::host_memory(&proc_root);
        let mut buf = Vec::new();
        let first = cgroup::read(&cg, host, 1_000, &mut buf, None)?;
        let second = cgroup::read(&cg, host, 2_000, &mut buf, None)?;
        let s = crate::model::Sample::between(&first, &second, Some(1.0));
        assert!(!s.cpu_pct.is_nan() && !s.mem_pct().is_nan());
        Some((first, second))
    }
}

fn proc_cgroup_of(v2: bool) -> String {
    if v2 {
        format!("0::/docker/{ID}\n")
    } else {
        format!(
            "4:cpu,cpuacct:/docker/{ID}\n3:memory:/docker/{ID}\n2:blkio:/docker/{ID}\n\
             1:pids:/docker/{ID}\n"
        )
    }
}

#[test]
fn cgroup_files_never_panic() {
    let host = FakeHost::new();
    let files = prop::collection::vec(
        prop_oneof![
            counter_text().prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..128),
        ],
        8,
    );
    proptest::test_runner::TestRunner::default()
        .run(
            &(any::<bool>(), files, any::<bool>()),
            |(v2, files, keep_open)| {
                host.read(v2, proc_cgroup_of(v2).as_bytes(), &files, keep_open);
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn proc_cgroup_files_never_panic() {
    let host = FakeHost::new();
    let proc_cgroup = prop_oneof![
        counter_text().prop_map(|t| format!("{t}{ID}")),
        any::<String>(),
    ];
    let files = vec![b"1".to_vec(); 8];
    proptest::test_runner::TestRunner::default()
        .run(&(any::<bool>(), proc_cgroup), |(v2, proc_cgroup)| {
            host.read(v2, proc_cgroup.as_bytes(), &files, false);
            Ok(())
        })
        .unwrap();
}

/// Found by `cgroup_files_never_panic`: sums and `usage_usec × 1000` overflowed (a panic in
/// debug builds, garbage in release); they saturate now.
#[test]
fn huge_cgroup_counters_saturate() {
    let host = FakeHost::new();
    let max = u64::MAX;
    let net = format!("h1\nh2\neth0: {max} 0 0 0 0 0 0 0 {max}\neth1: {max} 0 0 0 0 0 0 0 {max}\n");
    let mut files = vec![net.into_bytes(), b"MemTotal: 1 kB\n".to_vec()];
    files.push(format!("usage_usec {max}\n").into_bytes());
    files.extend([b"1".to_vec(), b"max".to_vec(), b"".to_vec()]);
    files.push(
        format!("8:0 rbytes={max} wbytes={max}\n8:16 rbytes={max} wbytes={max}\n").into_bytes(),
    );
    files.push(b"1".to_vec());
    let (_, s) = host
        .read(true, proc_cgroup_of(true).as_bytes(), &files, false)
        .unwrap();
    assert_eq!((s.cpu_total_ns, s.net_rx, s.net_tx), (max, max, max));
    assert_eq!((s.blk_read, s.blk_write), (max, max));

    let blkio = format!("8:0 Read {max}\n8:16 Read {max}\n8:0 Write {max}\n8:16 Write {max}\n");
    files[2] = b"1".to_vec();
    files[6] = blkio.into_bytes();
    let (_, s) = host
        .read(false, proc_cgroup_of(false).as_bytes(), &files, true)
        .unwrap();
    assert_eq!((s.blk_read, s.blk_write), (max, max));
}

/// Found by `sanitizer_on_escape_sequences`: vte prints DEL (0x7f) as a character.
#[test]
fn del_is_dropped_by_the_sanitizer() {
    assert_eq!(sanitize(b"a\x7fb", true).text, "ab");
}

proptest! {
    #[test]
    fn net_dev_never_panics(text in counter_text()) {
        let _ = cgroup::net_dev(&format!("h1\nh2\n{text}"));
    }
}
