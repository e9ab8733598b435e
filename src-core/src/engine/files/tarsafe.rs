//! Tar archives from and to an untrusted container, on blocking threads.
//!
//! The archive API speaks tar; the [`tar`] crate reads and writes its headers (ustar, GNU long
//! names, PAX), but nothing here calls its `unpack`: extraction is [`extract`], which writes
//! only inside the chosen destination and never follows a host symlink.
//!
//! Invariants of [`extract`] (a container controls every byte of the archive):
//! - an entry's path is taken only when it is relative, has no `..` and sits under the one
//!   top-level name that was asked for; anything else is skipped with a reason;
//! - every parent directory of a written path is checked with `symlink_metadata` and must be
//!   a real directory (one the archive itself made into a symlink is never walked through);
//! - files are created with `O_CREAT | O_EXCL` (`create_new`), which refuses to open an
//!   existing path or a symlink, so nothing on the host is overwritten or followed; the only
//!   exception is the top-level path the user confirmed, which is replaced by a rename from a
//!   fresh file in the same directory (replacing a symlink there, never writing through it);
//! - symbolic links are made only when their target is relative and resolves inside the copy;
//!   hard links only to a regular file this copy wrote; device files, FIFOs and sockets are
//!   skipped; setuid, setgid and sticky bits are dropped;
//! - when the copy fails or is cancelled, everything it created is removed again.
//!
//! Bytes come from the async side through [`ChannelReader`] (a chunk channel that knows a
//! clean end from a cancelled one) and go to it through [`ChannelWriter`].

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::model::{FileEntry, FileKind, SkippedEntry};

/// What the async side sends to a blocking reader.
#[derive(Debug)]
pub(crate) enum Chunk {
    Data(Bytes),
    /// The archive ended normally.
    End,
    /// The engine's stream failed.
    Fail(String),
}

/// `Read` over a chunk channel. A channel that closes without [`Chunk::End`] means the copy
/// was cancelled (its future dropped): an error, never a short but "complete" archive.
pub(crate) struct ChannelReader {
    rx: mpsc::Receiver<Chunk>,
    current: Bytes,
    ended: bool,
    consumed: u64,
    /// Stop with [`BUDGET_SPENT`] once this many bytes were read (listings).
    budget: u64,
    /// Set when the budget stopped the reader (the tar parser may reword the error).
    spent: Arc<AtomicBool>,
}

/// The message of the error a reader returns when its byte budget is spent.
pub(crate) const BUDGET_SPENT: &str = "byte budget spent";

impl ChannelReader {
    pub(crate) fn new(rx: mpsc::Receiver<Chunk>, budget: u64) -> Self {
        ChannelReader {
            rx,
            current: Bytes::new(),
            ended: false,
            consumed: 0,
            budget,
            spent: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            if self.ended {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Chunk::Data(b)) => self.current = b,
                Some(Chunk::End) => self.ended = true,
                Some(Chunk::Fail(m)) => return Err(io::Error::other(m)),
                // Not `Interrupted`: `read_exact` and `io::copy` retry that kind forever.
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "cancelled",
                    ))
                }
            }
        }
        if self.consumed >= self.budget {
            self.spent.store(true, Ordering::Relaxed);
            return Err(io::Error::other(BUDGET_SPENT));
        }
        let room = usize::try_from(self.budget - self.consumed).unwrap_or(usize::MAX);
        let n = buf.len().min(self.current.len()).min(room);
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        self.consumed += n as u64;
        Ok(n)
    }
}

/// `Write` into a chunk channel (the upload body); fails once the receiver is gone.
pub(crate) struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
}

impl ChannelWriter {
    pub(crate) fn new(tx: mpsc::Sender<io::Result<Bytes>>) -> Self {
        ChannelWriter { tx }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tx
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "cancelled"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn kind_of(t: tar::EntryType) -> FileKind {
    match t {
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
            FileKind::File
        }
        tar::EntryType::Directory => FileKind::Dir,
        tar::EntryType::Symlink => FileKind::Symlink,
        tar::EntryType::Link => FileKind::Hardlink,
        tar::EntryType::Char => FileKind::CharDevice,
        tar::EntryType::Block => FileKind::BlockDevice,
        tar::EntryType::Fifo => FileKind::Fifo,
        _ => FileKind::Other,
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Limits of one listing (see docs/design.md, "Files").
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListBudget {
    /// Archive bytes read (headers and the file contents tar puts between them).
    pub bytes: u64,
    /// Archive entries seen, at any depth.
    pub entries: usize,
    /// Direct children kept.
    pub children: usize,
}

/// The direct children in an archive of `DIR/.` (names `./x`, `./x/y`, …), reading headers
/// and skipping contents, until the archive ends or `budget` is spent (then the reason).
pub(crate) fn list(
    reader: ChannelReader,
    budget: ListBudget,
) -> io::Result<(Vec<FileEntry>, Option<String>)> {
    let spent = reader.spent.clone();
    let mut archive = tar::Archive::new(reader);
    let mut out = Vec::new();
    let mut seen = 0usize;
    let entries = archive.entries()?;
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(_) if spent.load(Ordering::Relaxed) => {
                return Ok((out, Some(truncated_bytes(budget.bytes))));
            }
            Err(e) => return Err(e),
        };
        seen += 1;
        if seen > budget.entries {
            return Ok((
                out,
                Some(format!(
                    "listing truncated: stopped after {} archive entries",
                    budget.entries
                )),
            ));
        }
        let raw = entry.path_bytes();
        let name = lossy(&raw);
        let rel = name.trim_start_matches("./").trim_start_matches('/');
        let rel = rel.trim_end_matches('/');
        if rel.is_empty() || rel == "." || rel.contains('/') {
            continue;
        }
        let header = entry.header();
        let kind = kind_of(header.entry_type());
        let link_target = match entry.link_name_bytes() {
            Some(t) if matches!(kind, FileKind::Symlink | FileKind::Hardlink) => Some(lossy(&t)),
            _ => None,
        };
        out.push(FileEntry {
            name: rel.to_owned(),
            kind,
            size: if kind == FileKind::File {
                entry.size()
            } else {
                0
            },
            mode: header.mode().unwrap_or(0) & 0o7777,
            mtime: header
                .mtime()
                .ok()
                .and_then(|m| i64::try_from(m).ok())
                .unwrap_or(0),
            link_target,
        });
        if out.len() >= budget.children {
            return Ok((
                out,
                Some(format!(
                    "listing truncated: showing the first {} entries",
                    budget.children
                )),
            ));
        }
    }
    Ok((out, None))
}

fn truncated_bytes(bytes: u64) -> String {
    format!(
        "listing truncated: the directory's archive is larger than {} MiB (its subdirectories hold a lot); entries after that are not shown",
        bytes / (1024 * 1024)
    )
}

/// `raw` as a path relative to the destination: refused when absolute, empty or with `..`.
pub(crate) fn safe_relative(raw: &[u8]) -> Result<PathBuf, &'static str> {
    let p = Path::new(OsStr::from_bytes(raw));
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => return Err("path contains '..'"),
            Component::RootDir | Component::Prefix(_) => return Err("absolute path"),
        }
    }
    if out.as_os_str().is_empty() {
        return Err("empty path");
    }
    Ok(out)
}

/// Whether a symlink at `link` (relative to the destination) pointing to `target` stays
/// inside `top` (also relative to the destination), resolved lexically.
fn link_stays_inside(link: &Path, target: &[u8], top: &Path) -> bool {
    let target = Path::new(OsStr::from_bytes(target));
    if target.is_absolute() {
        return false;
    }
    let mut at: Vec<&OsStr> = link
        .parent()
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    for c in target.components() {
        match c {
            Component::Normal(n) => at.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if at.pop().is_none() {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    let resolved: PathBuf = at.iter().collect();
    resolved.starts_with(top)
}

/// The outcome of an extraction.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub written: u32,
    pub skipped: Vec<SkippedEntry>,
}

/// Extract the archive in `reader` into `dest` (an existing directory, already resolved), taking
/// only entries under `top`. `confirmed`: the user confirmed replacing `dest/top` when it exists.
/// See the module's invariants.
pub(crate) fn extract(
    reader: impl Read,
    dest: &Path,
    top: &OsStr,
    confirmed: bool,
) -> io::Result<Extracted> {
    if !confirmed && fs::symlink_metadata(dest.join(top)).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the destination exists and overwriting it was not confirmed",
        ));
    }
    let mut job = Job {
        dest,
        top: PathBuf::from(top),
        confirmed,
        created: Vec::new(),
        dirs: Vec::new(),
        done: Extracted::default(),
        pending_rename: None,
    };
    match job.run(reader) {
        Ok(()) => {
            if let Some((tmp, target)) = job.pending_rename.take() {
                if let Err(e) = fs::rename(&tmp, &target) {
                    job.undo();
                    return Err(e);
                }
            }
            // Directory modes last: a read-only directory would refuse its own children.
            for (dir, mode) in job.dirs.iter().rev() {
                // A mode the host refuses leaves the directory usable; not worth failing for.
                let _ = fs::set_permissions(dir, fs::Permissions::from_mode(mode & 0o777));
            }
            Ok(job.done)
        }
        Err(e) => {
            job.undo();
            Err(e)
        }
    }
}

struct Job<'a> {
    dest: &'a Path,
    top: PathBuf,
    confirmed: bool,
    /// Paths this copy made, in order, removed in reverse on failure.
    created: Vec<PathBuf>,
    /// Directories and the modes to give them at the end.
    dirs: Vec<(PathBuf, u32)>,
    done: Extracted,
    /// The confirmed replacement of `dest/top`: a fresh file renamed over it at the end.
    pending_rename: Option<(PathBuf, PathBuf)>,
}

impl Job<'_> {
    fn skip(&mut self, path: String, reason: impl Into<String>) {
        self.done.skipped.push(SkippedEntry {
            path,
            reason: reason.into(),
        });
    }

    fn undo(&mut self) {
        if let Some((tmp, _)) = self.pending_rename.take() {
            // Best effort: the original at the target is untouched either way.
            let _ = fs::remove_file(tmp);
        }
        for p in self.created.drain(..).rev() {
            // Best effort cleanup of what this copy made; a directory the user has since put
            // something into stays (remove_dir refuses a non-empty one).
            match fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => {
                    let _ = fs::remove_dir(&p);
                }
                Ok(_) => {
                    let _ = fs::remove_file(&p);
                }
                Err(_) => {}
            }
        }
    }

    /// Check that every directory between the destination and `rel`'s parent is a real
    /// directory, creating missing ones (`Err(reason)` when one is not).
    fn parents(&mut self, rel: &Path) -> io::Result<Result<(), String>> {
        let mut at = self.dest.to_path_buf();
        let parent = rel.parent().unwrap_or(Path::new(""));
        for c in parent.components() {
            at.push(c);
            match fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => {
                    return Ok(Err(
                        "a parent directory on the host is a symbolic link".into()
                    ))
                }
                Ok(_) => return Ok(Err("a parent on the host is not a directory".into())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir(&at)?;
                    self.created.push(at.clone());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Ok(()))
    }

    fn run(&mut self, reader: impl Read) -> io::Result<()> {
        let mut archive = tar::Archive::new(reader);
        for entry in archive.entries()? {
            let mut entry = entry?;
            let raw = entry.path_bytes().into_owned();
            let name = lossy(&raw);
            let rel = match safe_relative(&raw) {
                Ok(r) => r,
                Err(why) => {
                    self.skip(name, why);
                    continue;
                }
            };
            if !rel.starts_with(&self.top) {
                self.skip(name, "outside the copied path");
                continue;
            }
            if let Err(why) = self.parents(&rel)? {
                self.skip(name, why);
                continue;
            }
            let dst = self.dest.join(&rel);
            let is_top = rel == self.top;
            let header_mode = entry.header().mode().unwrap_or(0o644);
            let mtime = entry.header().mtime().unwrap_or(0);
            let existing = match fs::symlink_metadata(&dst) {
                Ok(m) => Some(m),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => return Err(e),
            };
            match entry.header().entry_type() {
                tar::EntryType::Directory => match existing {
                    Some(m) if m.is_dir() && (!is_top || self.confirmed) => {}
                    Some(_) => self.skip(name, "exists on the host and is not replaced"),
                    None => {
                        fs::create_dir(&dst)?;
                        self.created.push(dst.clone());
                        self.dirs.push((dst, header_mode | 0o700));
                        self.done.written += 1;
                    }
                },
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    let target = match existing {
                        None => dst.clone(),
                        Some(m) if is_top && self.confirmed && !m.is_dir() => {
                            let tmp = self.dest.join(format!(
                                ".wharf-copy-{}-{}",
                                std::process::id(),
                                self.top.display()
                            ));
                            self.pending_rename = Some((tmp.clone(), dst.clone()));
                            tmp
                        }
                        Some(_) => {
                            self.skip(name, "exists on the host and is not overwritten");
                            continue;
                        }
                    };
                    let mut file = OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(header_mode & 0o777)
                        .open(&target)?;
                    if self.pending_rename.as_ref().map(|(t, _)| t) != Some(&target) {
                        self.created.push(target.clone());
                    }
                    let want = entry.size();
                    let got = io::copy(&mut entry, &mut file)?;
                    if got != want {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!("the archive ended inside {name:?}"),
                        ));
                    }
                    set_mtime(&file, mtime);
                    self.done.written += 1;
                }
                tar::EntryType::Symlink => {
                    let target = entry
                        .link_name_bytes()
                        .map(|t| t.into_owned())
                        .unwrap_or_default();
                    if !link_stays_inside(&rel, &target, &self.top) {
                        self.skip(
                            name,
                            format!(
                                "symbolic link to {:?} points outside the copy",
                                lossy(&target)
                            ),
                        );
                    } else if existing.is_some() {
                        self.skip(name, "exists on the host and is not overwritten");
                    } else {
                        std::os::unix::fs::symlink(OsStr::from_bytes(&target), &dst)?;
                        self.created.push(dst);
                        self.done.written += 1;
                    }
                }
                tar::EntryType::Link => {
                    let target = entry
                        .link_name_bytes()
                        .map(|t| t.into_owned())
                        .unwrap_or_default();
                    let src = match safe_relative(&target) {
                        Ok(t) if t.starts_with(&self.top) => self.dest.join(t),
                        _ => {
                            self.skip(name, "hard link to a file outside the copy");
                            continue;
                        }
                    };
                    let src_is_ours = self.created.contains(&src)
                        && fs::symlink_metadata(&src)
                            .map(|m| m.is_file())
                            .unwrap_or(false);
                    if !src_is_ours {
                        self.skip(name, "hard link to a file this copy did not write");
                    } else if existing.is_some() {
                        self.skip(name, "exists on the host and is not overwritten");
                    } else {
                        fs::hard_link(&src, &dst)?;
                        self.created.push(dst);
                        self.done.written += 1;
                    }
                }
                tar::EntryType::Char | tar::EntryType::Block => {
                    self.skip(name, "device file, not copied")
                }
                tar::EntryType::Fifo => self.skip(name, "named pipe, not copied"),
                tar::EntryType::XGlobalHeader => {}
                _ => self.skip(name, "unsupported entry type, not copied"),
            }
        }
        Ok(())
    }
}

fn set_mtime(file: &File, secs: u64) {
    // The content is what matters; a host that refuses times keeps the copy's own.
    let _ = file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
}

/// The size of the archive [`pack`] will write for `path` (headers and padded contents;
/// long names add PAX headers, so this is an estimate for progress only), and how many
/// entries it holds. Symlinks are not followed, as in [`pack`].
pub(crate) fn estimate(path: &Path) -> (u64, u32) {
    fn walk(p: &Path, n: &mut u64, entries: &mut u32) {
        let Ok(m) = fs::symlink_metadata(p) else {
            return;
        };
        *n += 512;
        *entries = entries.saturating_add(1);
        if m.is_file() {
            *n += m.len().div_ceil(512) * 512;
        } else if m.is_dir() {
            if let Ok(rd) = fs::read_dir(p) {
                for e in rd.flatten() {
                    walk(&e.path(), n, entries);
                }
            }
        }
    }
    let (mut n, mut entries) = (1024, 0);
    walk(path, &mut n, &mut entries);
    (n, entries)
}

/// Write an archive of the host `path` named `name` inside it. Symlinks are archived as links
/// (never followed), like `docker cp`.
pub(crate) fn pack(path: &Path, name: &OsStr, out: impl Write) -> io::Result<()> {
    let mut b = tar::Builder::new(io::BufWriter::with_capacity(256 * 1024, out));
    b.follow_symlinks(false);
    let m = fs::symlink_metadata(path)?;
    if m.is_dir() {
        b.append_dir_all(name, path)?;
    } else {
        b.append_path_with_name(path, name)?;
    }
    b.into_inner()?.flush()
}

#[cfg(test)]
#[path = "tarsafe_tests.rs"]
mod tests;
