//! A container's file system as Wharf shows it: changes since creation, directory listings
//! read from the archive API's tar headers, and the progress and outcome of a copy.
//!
//! Names and link targets are the container's text, untrusted: the UIs make them inert when
//! they draw them (`streams::text::inert`, `rules::inert`).

use serde::{Deserialize, Serialize};

/// How a path differs from the image (`docker diff`'s A, C, D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename = "FileChangeKind"))]
pub enum ChangeKind {
    Added,
    Changed,
    Deleted,
}

impl ChangeKind {
    /// `docker diff`'s letter.
    pub fn letter(self) -> char {
        match self {
            ChangeKind::Added => 'A',
            ChangeKind::Changed => 'C',
            ChangeKind::Deleted => 'D',
        }
    }
}

/// One line of `docker diff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileChange {
    pub path: String,
    pub kind: ChangeKind,
}

/// What a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    /// A second name of a file earlier in the same archive.
    Hardlink,
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
    Other,
}

impl FileKind {
    /// The first letter `ls -l` shows for it.
    pub fn ls_letter(self) -> char {
        match self {
            FileKind::File | FileKind::Hardlink => '-',
            FileKind::Dir => 'd',
            FileKind::Symlink => 'l',
            FileKind::CharDevice => 'c',
            FileKind::BlockDevice => 'b',
            FileKind::Fifo => 'p',
            FileKind::Socket => 's',
            FileKind::Other => '?',
        }
    }
}

/// One entry of a directory inside a container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileEntry {
    /// The name inside its directory (no slash), or the path's last component for a stat.
    pub name: String,
    pub kind: FileKind,
    /// Bytes (0 for directories and links, as tar records them).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Permission bits with setuid, setgid and sticky (`0o7777`).
    pub mode: u32,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub mtime: i64,
    /// Where a symbolic or hard link points, as the container wrote it.
    pub link_target: Option<String>,
}

impl FileEntry {
    /// `drwxr-xr-x` like `ls -l`.
    pub fn mode_string(&self) -> String {
        let mut s = String::with_capacity(10);
        s.push(self.kind.ls_letter());
        let m = self.mode;
        for (shift, special, set_lower, set_upper) in [
            (6, 0o4000, 's', 'S'),
            (3, 0o2000, 's', 'S'),
            (0, 0o1000, 't', 'T'),
        ] {
            let bits = (m >> shift) & 0o7;
            s.push(if bits & 4 != 0 { 'r' } else { '-' });
            s.push(if bits & 2 != 0 { 'w' } else { '-' });
            let x = bits & 1 != 0;
            s.push(match (m & special != 0, x) {
                (true, true) => set_lower,
                (true, false) => set_upper,
                (false, true) => 'x',
                (false, false) => '-',
            });
        }
        s
    }
}

/// A directory's entries, possibly cut short by the listing's budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DirListing {
    /// The directory listed, as asked.
    pub dir: String,
    /// Sorted: directories first, then by name.
    pub entries: Vec<FileEntry>,
    /// Why the listing is incomplete ("listing truncated: …"), `None` when it is whole.
    pub truncated: Option<String>,
}

/// How far a copy has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CopyProgress {
    /// Archive bytes moved so far.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// The archive's expected size, when known before the copy (files; not folders copied out).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub total: Option<u64>,
}

/// An archive entry a copy out did not write, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SkippedEntry {
    /// The entry's name in the archive (container text).
    pub path: String,
    pub reason: String,
}

/// What a finished copy did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CopyReport {
    /// Where the copy landed: the host path (out) or the container path (in).
    pub target: String,
    /// Archive bytes moved.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// Files, directories and links written (copy in: archived, as the engine unpacks all).
    pub written: u32,
    /// Entries refused for safety or left alone (copy out only).
    pub skipped: Vec<SkippedEntry>,
}
