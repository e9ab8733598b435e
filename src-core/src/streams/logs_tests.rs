//! Tests of log line splitting, bounds, timestamps and inert text.

use super::*;

#[test]
fn marker_timestamps_are_rfc3339() {
    assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339_utc(1_796_083_200 + 3_723), "2026-12-01T01:02:03Z");
}

fn chunk(stream: LogStream, s: &str) -> LogChunk {
    LogChunk {
        stream,
        bytes: s.as_bytes().to_vec(),
    }
}

#[test]
fn splits_lines_per_stream() {
    let mut b = LogBuffer::new(100, false);
    assert_eq!(b.push(&chunk(LogStream::Stdout, "hel")), 0);
    assert_eq!(b.push(&chunk(LogStream::Stderr, "oops\n")), 1);
    assert_eq!(b.push(&chunk(LogStream::Stdout, "lo\r\nworld\n")), 2);
    let texts: Vec<(&str, LogStream)> = b
        .lines()
        .iter()
        .map(|l| (l.text.text.as_str(), l.stream))
        .collect();
    assert_eq!(
        texts,
        vec![
            ("oops", LogStream::Stderr),
            ("hello", LogStream::Stdout),
            ("world", LogStream::Stdout)
        ]
    );
}

#[test]
fn bounded_drops_oldest() {
    let mut b = LogBuffer::new(3, false);
    for i in 0..10 {
        b.push(&chunk(LogStream::Stdout, &format!("line {i}\n")));
    }
    assert_eq!(b.len(), 3);
    assert_eq!(b.dropped(), 7);
    assert_eq!(b.lines()[0].text.text, "line 7");
    assert_eq!(b.lines()[2].seq, 9);
}

#[test]
fn timestamps_are_split_off() {
    let mut b = LogBuffer::new(10, true);
    b.push(&chunk(
        LogStream::Stdout,
        "2026-11-23T11:51:39.522509444Z hello there\n",
    ));
    let l = &b.lines()[0];
    assert_eq!(
        l.timestamp.as_deref(),
        Some("2026-11-23T11:51:39.522509444Z")
    );
    assert_eq!(l.text.text, "hello there");
    assert_eq!(
        b.to_text(true),
        "2026-11-23T11:51:39.522509444Z hello there\n"
    );
}

/// Issue #9, item 9: a line whose first word starts with a digit was taken for the
/// timestamp, unsanitized, and shown and saved as it was.
#[test]
fn only_real_timestamps_are_split_off_and_saved_text_is_inert() {
    let mut b = LogBuffer::new(10, true);
    b.push(&chunk(
        LogStream::Console,
        "7\x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{9b}1m\u{202e}gnp.exe rest\n",
    ));
    b.push(&chunk(
        LogStream::Console,
        "2026-11-23T11:51:39Z v=\u{202e}gnp.exe\x1b[31m red\x07\n",
    ));
    assert_eq!(b.lines()[0].timestamp, None);
    assert_eq!(b.lines()[0].text.text, "71m⟨U+202E⟩gnp.exe rest");
    let saved = b.to_text(true);
    assert_eq!(
        saved,
        "71m⟨U+202E⟩gnp.exe rest\n2026-11-23T11:51:39Z v=⟨U+202E⟩gnp.exe red\n"
    );
    assert!(
        !saved.chars().any(|c| c.is_control() && c != '\n'),
        "{saved:?}"
    );
}

#[test]
fn long_lines_are_capped() {
    let mut b = LogBuffer::new(10, false);
    let long = "x".repeat(90_000) + "\n";
    b.push(&chunk(LogStream::Stdout, &long));
    assert!(b.lines()[0].truncated);
    assert!(b.lines()[0].text.text.len() < MAX_LINE_BYTES + 20);
}

/// A 1 MB line arriving in 8 KiB chunks is one cut line, and the buffer never holds more
/// than the cap of it (before: one cut line per 64 KiB, sixteen lines of noise).
#[test]
fn a_megabyte_line_is_one_cut_line_and_the_next_line_is_whole() {
    let mut b = LogBuffer::new(10, false);
    b.push(&chunk(LogStream::Stdout, "before\n"));
    let piece = "x".repeat(8192);
    for _ in 0..128 {
        b.push(&chunk(LogStream::Stdout, &piece));
        assert!(b
            .partial
            .iter()
            .all(|p| p.len() <= MAX_LINE_BYTES + 64 + 8192));
    }
    b.push(&chunk(LogStream::Stdout, "xx\nafter\n"));
    let texts: Vec<&str> = b.lines().iter().map(|l| l.text.text.as_str()).collect();
    assert_eq!(
        texts.len(),
        3,
        "{:?}",
        texts.iter().map(|t| t.len()).collect::<Vec<_>>()
    );
    assert_eq!((texts[0], texts[2]), ("before", "after"));
    assert!(b.lines()[1].truncated);
}

#[test]
fn control_sequences_are_inert_in_lines() {
    let mut b = LogBuffer::new(10, false);
    b.push(&chunk(
        LogStream::Console,
        "\x1b]52;c;aGk=\x07\x1b[31mred\x1b[0m\n",
    ));
    assert_eq!(b.lines()[0].text.text, "red");
}

#[test]
fn queries() {
    let q = LogQuery::text("error").unwrap_or_else(|e| panic!("{e}"));
    assert!(q.is_match("An ERROR happened"));
    let q = LogQuery::text("Error").unwrap_or_else(|e| panic!("{e}"));
    assert!(!q.is_match("an error"), "capitals make it case-sensitive");
    let q = LogQuery::text("a.b").unwrap_or_else(|e| panic!("{e}"));
    assert!(!q.is_match("axb"), "plain text is not a regex");
    let q = LogQuery::regex(r"req \d+ms").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(q.find_all("req 12ms and req 7ms"), vec![0..8, 13..20]);
    let q = LogQuery::parse("!health", false).unwrap_or_else(|e| panic!("{e}"));
    assert!(q.is_match("GET /") && !q.is_match("GET /health"));
    let err = LogQuery::regex("(unclosed").err().map(|e| e.kind());
    assert_eq!(err, Some(crate::ErrorKind::InvalidInput));
    assert!(LogQuery::text("").is_err());
}
