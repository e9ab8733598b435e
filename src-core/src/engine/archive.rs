//! Images to and from tarballs: `save` (`docker save`) into a file that appears only when
//! complete and never replaces one unless the user confirmed, and `load` (`docker load`)
//! with the file's bytes sent as progress. Both are [`TransferEvent`] streams like pull and
//! push (`engine::images`), cancelled by dropping them.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use hyper::body::Bytes;
use tokio::io::AsyncWriteExt;

use super::images::{failed, Body, Events, Finish, Produced};
use super::transfer::{Throttle, Transfer, TransferEvent};
use super::{map_error, Engine};
use crate::error::{CoreError, ErrorKind, Result};

impl Engine {
    /// Load images from a `docker save` tarball. Progress is the file's bytes sent; `Done`
    /// carries the (last) loaded image's id.
    pub fn load(&self, path: &Path) -> Events {
        let shown = path.display().to_string();
        if let Err(e) = self.check_writable("image.load", &[&shown]) {
            return failed(e);
        }
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                return failed(CoreError::new(
                    ErrorKind::Io,
                    format!("cannot open {shown}: {e}"),
                ))
            }
        };
        let total = file.metadata().map(|m| m.len()).unwrap_or(0);
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let file = tokio::fs::File::from_std(file);
        let body = futures_util::stream::unfold(file, move |mut file| {
            let counter = counter.clone();
            async move {
                use tokio::io::AsyncReadExt;
                let mut buf = vec![0u8; 256 * 1024];
                match file.read(&mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        counter.fetch_add(n as u64, Ordering::Relaxed);
                        Some((Ok(Bytes::from(buf)), file))
                    }
                    Err(e) => Some((Err(e), file)),
                }
            }
        });
        let send = self.raw(
            hyper::Method::POST,
            "/images/load?quiet=1",
            &[("Content-Type", "application/x-tar".to_owned())],
            Body::Stream(Box::pin(body)),
        );
        let finder = self.clone();
        let finish: Finish = Box::new(move |_t, loaded, _digest| {
            Box::pin(async move {
                let Some(last) = loaded.last() else {
                    return Err(CoreError::new(
                        ErrorKind::Engine,
                        "load: the engine loaded no image from the file",
                    ));
                };
                let image = if let Some(id) = last.strip_prefix("Loaded image ID:") {
                    id.trim().to_owned()
                } else {
                    let name = last.strip_prefix("Loaded image:").unwrap_or(last).trim();
                    finder.inspect_image(name).await?.id.to_string()
                };
                Ok(Produced {
                    image: Some(image),
                    digest: None,
                })
            })
        });
        self.transfer(
            "image.load",
            format!("load {shown}"),
            shown,
            String::new(),
            send,
            Some((sent, total)),
            finish,
        )
    }

    /// Save `images` (ids or names) into a tarball at `path`. An existing file is replaced
    /// only when `overwrite` (the user confirmed it); the tarball is written beside it and
    /// moved into place at the end, so a failed or cancelled save leaves no partial file and
    /// an existing one untouched.
    pub fn save(&self, images: &[String], path: &Path, overwrite: bool) -> Events {
        if images.is_empty() {
            return failed(CoreError::invalid_input("save: no image given"));
        }
        let shown = path.display().to_string();
        if !overwrite && path.exists() {
            return failed(
                CoreError::new(ErrorKind::Conflict, format!("{shown} already exists"))
                    .with_hint("choose another file, or confirm replacing it"),
            );
        }
        let names: Vec<&str> = images.iter().map(String::as_str).collect();
        let bytes = match self.docker_now() {
            Some(d) => d.export_images(&names).boxed(),
            None => {
                // Not negotiated yet: negotiate inside the stream.
                let engine = self.clone();
                let names: Vec<String> = images.to_vec();
                futures_util::stream::once(async move { engine.ready().await })
                    .flat_map(move |d| match d {
                        Ok(d) => {
                            let n: Vec<&str> = names.iter().map(String::as_str).collect();
                            d.export_images(&n).boxed()
                        }
                        Err(e) => futures_util::stream::once(async move {
                            Err(bollard::errors::Error::IOError {
                                err: std::io::Error::other(e.to_string()),
                            })
                        })
                        .boxed(),
                    })
                    .boxed()
            }
        };
        let partial = partial_path(path);
        let state = Save {
            engine: self.clone(),
            bytes,
            file: None,
            partial: Some(partial),
            target: path.to_owned(),
            overwrite,
            transfer: Transfer::new(format!("save {}", images.join(" "))),
            throttle: Throttle::new(),
            over: false,
        };
        Box::pin(futures_util::stream::unfold(state, |mut s| async move {
            let item = s.step().await?;
            Some((item, s))
        }))
    }

    /// The client when negotiated already (a stream that needs it now).
    fn docker_now(&self) -> Option<bollard::Docker> {
        self.negotiated.load(Ordering::Acquire).then(|| self.api())
    }
}

/// `FILE` → `FILE.wharf-partial`, beside it (same file system, so the final move is a rename).
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".wharf-partial");
    path.with_file_name(name)
}

/// The state of a save stream. Dropped before the end, it removes its partial file.
struct Save {
    engine: Engine,
    bytes: Pin<Box<dyn Stream<Item = std::result::Result<Bytes, bollard::errors::Error>> + Send>>,
    file: Option<tokio::fs::File>,
    partial: Option<PathBuf>,
    target: PathBuf,
    overwrite: bool,
    transfer: Transfer,
    throttle: Throttle,
    over: bool,
}

impl Save {
    fn fail(&mut self, e: CoreError) -> Option<Result<TransferEvent>> {
        self.over = true;
        self.discard();
        Some(Err(e))
    }

    fn discard(&mut self) {
        self.file = None;
        if let Some(p) = self.partial.take() {
            // Ours, written by this stream; nothing else to report if it is already gone.
            let _ = std::fs::remove_file(p);
        }
    }

    async fn step(&mut self) -> Option<Result<TransferEvent>> {
        if self.over {
            return None;
        }
        let io = |what: &str, p: &Path, e: std::io::Error| {
            CoreError::new(ErrorKind::Io, format!("{what} {}: {e}", p.display())).with_source(e)
        };
        loop {
            let partial = self.partial.clone()?;
            if self.file.is_none() {
                match tokio::fs::File::create(&partial).await {
                    Ok(f) => self.file = Some(f),
                    Err(e) => return self.fail(io("cannot write", &partial, e)),
                }
            }
            match self.bytes.next().await {
                Some(Ok(chunk)) => {
                    let file = self.file.as_mut()?;
                    if let Err(e) = file.write_all(&chunk).await {
                        return self.fail(io("cannot write", &partial, e));
                    }
                    self.transfer.current += chunk.len() as u64;
                    if self.throttle.due() {
                        return Some(Ok(TransferEvent::Progress(self.transfer.clone())));
                    }
                }
                Some(Err(e)) => {
                    let e = map_error(e, &self.engine.endpoint).context("save");
                    return self.fail(e);
                }
                None => {
                    self.over = true;
                    if let Some(mut file) = self.file.take() {
                        if let Err(e) = file.flush().await.and(file.sync_all().await) {
                            return self.fail(io("cannot write", &partial, e));
                        }
                    }
                    let target = self.target.clone();
                    let placed = if self.overwrite {
                        std::fs::rename(&partial, &target)
                    } else {
                        // A hard link never replaces: a file made meanwhile is kept.
                        std::fs::hard_link(&partial, &target)
                            .and_then(|()| std::fs::remove_file(&partial))
                    };
                    if let Err(e) = placed {
                        let err = if e.kind() == std::io::ErrorKind::AlreadyExists {
                            CoreError::new(
                                ErrorKind::Conflict,
                                format!("{} already exists", target.display()),
                            )
                        } else {
                            io("cannot write", &target, e)
                        };
                        return self.fail(err);
                    }
                    self.partial = None;
                    self.transfer.total = self.transfer.current;
                    self.transfer.status = format!("saved to {}", target.display());
                    return Some(Ok(TransferEvent::Done {
                        transfer: self.transfer.clone(),
                        image: None,
                        digest: None,
                    }));
                }
            }
        }
    }
}

impl Drop for Save {
    fn drop(&mut self) {
        self.discard();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/tmp/x/app.tar")),
            PathBuf::from("/tmp/x/app.tar.wharf-partial")
        );
    }
}
