//! A container's file system through the engine: changes since creation
//! (`/containers/{id}/changes`), directory listings and stats through the archive API (works in
//! images without a shell), and copies out to and in from the host with progress.
//!
//! Copies are futures: dropping one cancels it (the engine connection closes, the blocking
//! archive worker sees the closed channel, and a copy out removes what it had written).
//! Copy in changes the container and goes through [`Engine::mutate`] (read-only, audit);
//! listing, stat, diff and copy out read only.
//!
//! How a listing is bounded, and why, is in docs/design.md ("Container files").

mod tarsafe;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bollard::models::ChangeType;
use bollard::query_parameters as qp;
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::Engine;
use crate::error::{CoreError, ErrorKind, Result};
use crate::model::{
    ChangeKind, CopyProgress, CopyReport, DirListing, FileChange, FileEntry, FileKind,
};

/// Called as a copy moves bytes (at most every [`PROGRESS_STEP`] bytes, and at the end).
pub type OnProgress = Arc<dyn Fn(CopyProgress) + Send + Sync>;

/// Bytes between two progress reports.
pub const PROGRESS_STEP: u64 = 256 * 1024;

/// A listing reads at most this much of the directory's archive (see docs/design.md).
pub const LIST_BYTE_BUDGET: u64 = 16 * 1024 * 1024;
/// A listing reads at most this many archive entries (any depth).
pub const LIST_ENTRY_BUDGET: usize = 20_000;
/// A listing keeps at most this many direct children.
pub const LIST_CHILD_BUDGET: usize = 5_000;

/// Chunks in flight between the engine connection and the blocking archive worker.
const CHANNEL_CHUNKS: usize = 16;

impl Engine {
    /// `docker diff`: paths added, changed or deleted since the container was created,
    /// sorted by path.
    pub async fn changes(&self, id: &str) -> Result<Vec<FileChange>> {
        let list = self
            .ready()
            .await?
            .container_changes(id)
            .await
            .map_err(|e| self.err(format_args!("changes of {id}"), e))?;
        let mut out: Vec<FileChange> = list
            .unwrap_or_default()
            .into_iter()
            .map(|c| FileChange {
                path: c.path,
                kind: match c.kind {
                    ChangeType::_0 => ChangeKind::Changed,
                    ChangeType::_1 => ChangeKind::Added,
                    ChangeType::_2 => ChangeKind::Deleted,
                },
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// What `path` is in container `id` (`HEAD /containers/{id}/archive`: the engine's stat,
    /// without the link followed).
    pub async fn stat_path(&self, id: &str, path: &str) -> Result<FileEntry> {
        let opts = qp::ContainerArchiveInfoOptions {
            path: path.to_owned(),
        };
        let s = self
            .ready()
            .await?
            .get_container_archive_info(id, Some(opts))
            .await
            .map_err(|e| self.err(format_args!("stat {path:?} in {id}"), e))?;
        Ok(FileEntry {
            name: s.name,
            kind: go_mode_kind(s.file_mode),
            size: u64::try_from(s.size).unwrap_or(0),
            mode: go_mode_perm(s.file_mode),
            mtime: s
                .modification_time
                .as_deref()
                .and_then(super::convert::rfc3339_secs)
                .unwrap_or(0),
            link_target: Some(s.link_target).filter(|t| !t.is_empty()),
        })
    }

    /// The entries of directory `dir` in container `id`, from the tar headers of its archive,
    /// bounded by [`LIST_BYTE_BUDGET`], [`LIST_ENTRY_BUDGET`] and [`LIST_CHILD_BUDGET`]: past
    /// them the connection is closed and the listing says it is truncated. A symlink to a
    /// directory is listed as the directory (`DIR/.`).
    pub async fn list_dir(&self, id: &str, dir: &str) -> Result<DirListing> {
        let what = format!("list {dir:?} in {id}");
        let path = if dir.ends_with('/') {
            format!("{dir}.")
        } else {
            format!("{dir}/.")
        };
        let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
        let budget = tarsafe::ListBudget {
            bytes: LIST_BYTE_BUDGET,
            entries: LIST_ENTRY_BUDGET,
            children: LIST_CHILD_BUDGET,
        };
        let worker = tokio::task::spawn_blocking(move || {
            tarsafe::list(tarsafe::ChannelReader::new(rx, budget.bytes), budget)
        });
        let (_, engine_error) = self.pump_download(id, &path, tx, None).await;
        let listed = worker
            .await
            .map_err(|e| CoreError::new(ErrorKind::Engine, format!("{what}: {e}")))?;
        let (mut entries, truncated) = match (listed, engine_error) {
            (_, Some(e)) => return Err(e.context(&what)),
            (Ok(l), None) => l,
            (Err(e), None) => {
                return Err(CoreError::new(
                    ErrorKind::Engine,
                    format!("{what}: unreadable archive: {e}"),
                ))
            }
        };
        entries.sort_by(|a, b| {
            (a.kind != FileKind::Dir, &a.name).cmp(&(b.kind != FileKind::Dir, &b.name))
        });
        Ok(DirListing {
            dir: dir.to_owned(),
            entries,
            truncated,
        })
    }

    /// Stream the archive of `path` into `tx`, then [`tarsafe::Chunk::End`]. Stops (closing
    /// the connection) when the receiver is gone. Returns the engine's error, if any.
    async fn pump_download(
        &self,
        id: &str,
        path: &str,
        tx: mpsc::Sender<tarsafe::Chunk>,
        progress: Option<(&OnProgress, Option<u64>)>,
    ) -> (u64, Option<CoreError>) {
        let docker = match self.ready().await {
            Ok(d) => d,
            Err(e) => return (0, Some(e)),
        };
        let opts = qp::DownloadFromContainerOptions {
            path: path.to_owned(),
        };
        let mut stream = Box::pin(docker.download_from_container(id, Some(opts)));
        let mut meter = Meter::new(progress);
        while let Some(item) = stream.next().await {
            match item {
                Ok(bytes) => {
                    meter.add(bytes.len() as u64);
                    if tx.send(tarsafe::Chunk::Data(bytes)).await.is_err() {
                        // The reader stopped (budget spent, or a failure it reports itself).
                        return (meter.bytes, None);
                    }
                }
                Err(e) => {
                    let e = super::map_error(e, &self.endpoint);
                    // The worker may be gone already; its own error then stands.
                    let _ = tx.send(tarsafe::Chunk::Fail(e.to_string())).await;
                    return (meter.bytes, Some(e));
                }
            }
        }
        meter.finish();
        // As above: a worker that stopped early reports why itself.
        let _ = tx.send(tarsafe::Chunk::End).await;
        (meter.bytes, None)
    }

    /// Copy `src` (a file or folder in container `id`) into the host directory `dest_dir`,
    /// as `dest_dir/<last component of src>`. An existing host path there is replaced only
    /// when `overwrite` (the user confirmed that exact path; a folder is then merged and the
    /// files already in it are still not overwritten). Unsafe entries are skipped and listed
    /// in the report (module `tarsafe`). Dropping the future cancels and removes what was
    /// written.
    pub async fn copy_out(
        &self,
        id: &str,
        src: &str,
        dest_dir: &Path,
        overwrite: bool,
        on_progress: OnProgress,
    ) -> Result<CopyReport> {
        let what = format!("copy {src:?} out of {id}");
        let top = src
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|t| !t.is_empty() && *t != "." && *t != "..")
            .ok_or_else(|| {
                CoreError::invalid_input(format!(
                    "{what}: name a file or folder inside the container, not {src:?}"
                ))
            })?
            .to_owned();
        let dest = host_dir(dest_dir).await.map_err(|e| e.context(&what))?;
        let target = dest.join(&top);
        if !overwrite && tokio::fs::symlink_metadata(&target).await.is_ok() {
            return Err(CoreError::new(
                ErrorKind::Conflict,
                format!("{what}: {} already exists on the host", target.display()),
            )
            .with_hint("confirm overwriting that path, or choose another folder"));
        }
        let stat = self.stat_path(id, src).await?;
        let total = (stat.kind == FileKind::File).then(|| 1536 + stat.size.div_ceil(512) * 512);
        let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
        let (dest2, top2) = (dest.clone(), top.clone());
        let worker = tokio::task::spawn_blocking(move || {
            tarsafe::extract(
                tarsafe::ChannelReader::new(rx, u64::MAX),
                &dest2,
                std::ffi::OsStr::new(&top2),
                overwrite,
            )
        });
        let (bytes, engine_error) = self
            .pump_download(id, src, tx, Some((&on_progress, total)))
            .await;
        let extracted = worker
            .await
            .map_err(|e| CoreError::new(ErrorKind::Engine, format!("{what}: {e}")))?;
        if let Some(e) = engine_error {
            return Err(e.context(&what));
        }
        let done = extracted.map_err(|e| io_error(&what, e))?;
        Ok(CopyReport {
            target: target.display().to_string(),
            bytes,
            written: done.written,
            skipped: done.skipped,
        })
    }

    /// Copy the host file or folder `src` into the existing directory `dest_dir` of container
    /// `id` (symlinks archived as links, never followed). Changes the container: refused in
    /// read-only mode, audited as `container.copy_in`. Dropping the future cancels the upload
    /// (the engine may have unpacked part of it, as with `docker cp`).
    pub async fn copy_in(
        &self,
        id: &str,
        src: &Path,
        dest_dir: &str,
        on_progress: OnProgress,
    ) -> Result<CopyReport> {
        self.mutate(
            "container.copy_in",
            &[id, dest_dir],
            self.copy_in_unchecked(id, src, dest_dir, on_progress),
        )
        .await
    }

    async fn copy_in_unchecked(
        &self,
        id: &str,
        src: &Path,
        dest_dir: &str,
        on_progress: OnProgress,
    ) -> Result<CopyReport> {
        let what = format!("copy {} into {id}:{dest_dir}", src.display());
        let name = src.file_name().map(|n| n.to_owned()).ok_or_else(|| {
            CoreError::invalid_input(format!("{what}: name a file or folder on the host"))
        })?;
        if let Err(e) = tokio::fs::symlink_metadata(src).await {
            return Err(io_error(&what, e));
        }
        match self.stat_path(id, dest_dir).await {
            Ok(s) if matches!(s.kind, FileKind::Dir | FileKind::Symlink) => {}
            Ok(_) => {
                return Err(CoreError::invalid_input(format!(
                    "{what}: {dest_dir:?} is not a directory in the container"
                )))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(CoreError::not_found(format!(
                    "{what}: the directory {dest_dir:?} does not exist in the container"
                ))
                .with_hint("create it first, or choose an existing directory"))
            }
            Err(e) => return Err(e),
        }
        let src_owned = src.to_path_buf();
        let (total, entries) = tokio::task::spawn_blocking(move || tarsafe::estimate(&src_owned))
            .await
            .map_err(|e| CoreError::new(ErrorKind::Engine, format!("{what}: {e}")))?;
        let (tx, mut rx) = mpsc::channel::<io::Result<Bytes>>(CHANNEL_CHUNKS);
        let failed = tx.clone();
        let src_owned = src.to_path_buf();
        let packer = tokio::task::spawn_blocking(move || {
            let r = tarsafe::pack(&src_owned, &name, tarsafe::ChannelWriter::new(tx));
            if let Err(e) = &r {
                // Fail the upload too, so the engine does not take a cut archive as whole.
                let _ = failed.blocking_send(Err(io::Error::new(e.kind(), e.to_string())));
            }
            r
        });
        let moved = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = moved.clone();
        let cb = on_progress.clone();
        let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)).inspect(
            move |chunk: &io::Result<Bytes>| {
                if let Ok(b) = chunk {
                    let n = counter.fetch_add(b.len() as u64, std::sync::atomic::Ordering::Relaxed)
                        + b.len() as u64;
                    if n / PROGRESS_STEP != (n - b.len() as u64) / PROGRESS_STEP {
                        cb(CopyProgress {
                            bytes: n,
                            total: Some(total.max(n)),
                        });
                    }
                }
            },
        );
        let opts = qp::UploadToContainerOptions {
            path: dest_dir.to_owned(),
            no_overwrite_dir_non_dir: Some("true".into()),
            ..Default::default()
        };
        let uploaded = self
            .ready()
            .await?
            .upload_to_container(id, Some(opts), bollard::body_try_stream(body))
            .await;
        let packed = packer
            .await
            .map_err(|e| CoreError::new(ErrorKind::Engine, format!("{what}: {e}")))?;
        packed.map_err(|e| io_error(&what, e))?;
        uploaded.map_err(|e| self.err(&what, e))?;
        let bytes = moved.load(std::sync::atomic::Ordering::Relaxed);
        on_progress(CopyProgress {
            bytes,
            total: Some(total.max(bytes)),
        });
        let dest = dest_dir.trim_end_matches('/');
        Ok(CopyReport {
            target: format!(
                "{dest}/{}",
                src.file_name().unwrap_or_default().to_string_lossy()
            ),
            bytes,
            written: entries,
            skipped: Vec::new(),
        })
    }
}

/// Progress reports every [`PROGRESS_STEP`] bytes.
struct Meter<'a> {
    to: Option<(&'a OnProgress, Option<u64>)>,
    bytes: u64,
}

impl<'a> Meter<'a> {
    fn new(to: Option<(&'a OnProgress, Option<u64>)>) -> Self {
        Meter { to, bytes: 0 }
    }

    fn add(&mut self, n: u64) {
        let before = self.bytes / PROGRESS_STEP;
        self.bytes += n;
        if self.bytes / PROGRESS_STEP != before {
            self.report();
        }
    }

    fn report(&self) {
        if let Some((f, total)) = self.to {
            f(CopyProgress {
                bytes: self.bytes,
                total: total.map(|t| t.max(self.bytes)),
            });
        }
    }

    fn finish(&self) {
        self.report();
    }
}

/// The host directory a copy lands in, resolved once (a symlink the user chose is theirs);
/// below it nothing is followed.
async fn host_dir(dir: &Path) -> Result<PathBuf> {
    let dest = tokio::fs::canonicalize(dir).await.map_err(|e| {
        CoreError::new(
            if e.kind() == io::ErrorKind::NotFound {
                ErrorKind::NotFound
            } else {
                ErrorKind::Io
            },
            format!("host folder {}: {e}", dir.display()),
        )
    })?;
    let meta = tokio::fs::metadata(&dest).await.map_err(|e| {
        CoreError::new(ErrorKind::Io, format!("host folder {}: {e}", dir.display()))
    })?;
    if !meta.is_dir() {
        return Err(CoreError::invalid_input(format!(
            "{} is not a folder on the host",
            dir.display()
        )));
    }
    Ok(dest)
}

fn io_error(what: &str, e: io::Error) -> CoreError {
    let kind = match e.kind() {
        io::ErrorKind::NotFound => ErrorKind::NotFound,
        io::ErrorKind::AlreadyExists => ErrorKind::Conflict,
        io::ErrorKind::PermissionDenied => ErrorKind::Denied,
        io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => ErrorKind::Cancelled,
        _ => ErrorKind::Io,
    };
    CoreError::new(kind, format!("{what}: {e}"))
}

// Go's os.FileMode bits, as the engine's stat header carries them.
const GO_DIR: u32 = 1 << 31;
const GO_SYMLINK: u32 = 1 << 27;
const GO_DEVICE: u32 = 1 << 26;
const GO_PIPE: u32 = 1 << 25;
const GO_SOCKET: u32 = 1 << 24;
const GO_SETUID: u32 = 1 << 23;
const GO_SETGID: u32 = 1 << 22;
const GO_CHAR: u32 = 1 << 21;
const GO_STICKY: u32 = 1 << 20;
const GO_IRREGULAR: u32 = 1 << 19;

fn go_mode_kind(m: u32) -> FileKind {
    if m & GO_DIR != 0 {
        FileKind::Dir
    } else if m & GO_SYMLINK != 0 {
        FileKind::Symlink
    } else if m & GO_DEVICE != 0 {
        if m & GO_CHAR != 0 {
            FileKind::CharDevice
        } else {
            FileKind::BlockDevice
        }
    } else if m & GO_PIPE != 0 {
        FileKind::Fifo
    } else if m & GO_SOCKET != 0 {
        FileKind::Socket
    } else if m & GO_IRREGULAR != 0 {
        FileKind::Other
    } else {
        FileKind::File
    }
}

fn go_mode_perm(m: u32) -> u32 {
    let mut p = m & 0o777;
    if m & GO_SETUID != 0 {
        p |= 0o4000;
    }
    if m & GO_SETGID != 0 {
        p |= 0o2000;
    }
    if m & GO_STICKY != 0 {
        p |= 0o1000;
    }
    p
}
