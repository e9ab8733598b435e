//! The build context as a tar stream, written the way `docker build` (classic builder) writes
//! it: the directory walked in name order, `.dockerignore` applied with Docker's rules
//! (`spec::dockerignore`), excluded directories skipped unless an exception names something
//! under them, owners set to root (the CLI's `ChownOpts` 0:0), modes and times kept.
//!
//! Invariants: nothing is read outside the context (symlinks are archived as links, their
//! targets never followed, whatever they point at); the context is never held in memory
//! (entries are written to `out` as they are read, `out` applies the back-pressure); a file
//! that cannot be read stops the build with an error naming it.

use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use tar::{Builder, EntryType, Header, HeaderMode};

use crate::error::{CoreError, ErrorKind, Result};
use crate::spec::dockerignore::Ignore;

/// What was sent: bytes of tar and entries (files, directories, links).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sent {
    pub bytes: u64,
    pub entries: u64,
}

/// Where the Dockerfile goes in the archive.
pub(crate) enum DockerfileEntry<'a> {
    /// It is in the context at this path; nothing to add.
    Inside,
    /// It lies outside: added under `name`, which is also appended to `.dockerignore` in the
    /// archive so `COPY .` does not pick it up (the CLI's `AddDockerfileToBuildContext`).
    Outside { path: &'a Path, name: &'a str },
}

fn io_error(what: impl std::fmt::Display, e: io::Error) -> CoreError {
    CoreError::new(ErrorKind::Io, format!("{what}: {e}")).with_source(e)
}

/// A reader that fails instead of ending early, so a file that shrinks while it is sent
/// cannot leave a tar entry shorter than its header says.
struct Exactly<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Exactly<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let max = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file became shorter while it was being sent",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Counts what goes through to the engine.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

struct Walk<W: Write> {
    tar: Builder<Counting<W>>,
    root: PathBuf,
    ignore: Ignore,
    /// `.dockerignore` gets this line appended in the archive (Dockerfile outside).
    extra_ignore: Option<String>,
    entries: u64,
}

fn header(meta: &Metadata) -> Header {
    let mut h = Header::new_gnu();
    h.set_metadata_in_mode(meta, HeaderMode::Complete);
    h.set_uid(0);
    h.set_gid(0);
    // Names of the host's users mean nothing in the image; the CLI sends ids only.
    let _ = h.set_username("");
    let _ = h.set_groupname("");
    h
}

impl<W: Write> Walk<W> {
    fn add_file(&mut self, rel: &str, path: &Path, meta: &Metadata) -> Result<()> {
        let file = File::open(path)
            .map_err(|e| io_error(format_args!("cannot read {rel} in the build context"), e))?;
        let mut h = header(meta);
        h.set_entry_type(EntryType::Regular);
        let reader = Exactly {
            inner: file,
            left: meta.len(),
        };
        self.tar
            .append_data(&mut h, rel, reader)
            .map_err(|e| self.write_error(rel, e))
    }

    /// A write to the engine failed (request cancelled, connection lost) or reading the file
    /// did: name the file in both cases.
    fn write_error(&self, rel: &str, e: io::Error) -> CoreError {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CoreError::new(
                ErrorKind::Cancelled,
                "the build context was not sent: the build ended",
            )
        } else {
            io_error(format_args!("cannot send {rel} from the build context"), e)
        }
    }

    fn add_dockerignore(&mut self, path: &Path, meta: &Metadata, line: &str) -> Result<()> {
        let mut text = fs::read(path)
            .map_err(|e| io_error("cannot read .dockerignore in the build context", e))?;
        text.extend_from_slice(format!("\n{line}\n").as_bytes());
        let mut h = header(meta);
        h.set_entry_type(EntryType::Regular);
        h.set_size(text.len() as u64);
        self.tar
            .append_data(&mut h, ".dockerignore", text.as_slice())
            .map_err(|e| self.write_error(".dockerignore", e))
    }

    fn dir(&mut self, dir: &Path, rel_dir: &str) -> Result<()> {
        let shown = if rel_dir.is_empty() { "." } else { rel_dir };
        let mut names: Vec<_> = fs::read_dir(dir)
            .map_err(|e| io_error(format_args!("cannot list {shown} in the build context"), e))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<io::Result<_>>()
            .map_err(|e| io_error(format_args!("cannot list {shown} in the build context"), e))?;
        // Go's filepath.Walk order: lexical by bytes.
        names.sort();
        for name in names {
            let Some(name_str) = name.to_str() else {
                return Err(CoreError::invalid_input(format!(
                    "the build context holds a file name that is not UTF-8 in {shown}: {}",
                    name.to_string_lossy()
                )));
            };
            let rel = if rel_dir.is_empty() {
                name_str.to_owned()
            } else {
                format!("{rel_dir}/{name_str}")
            };
            let path = dir.join(&name);
            let meta = fs::symlink_metadata(&path)
                .map_err(|e| io_error(format_args!("cannot read {rel} in the build context"), e))?;
            let ft = meta.file_type();
            if self.ignore.excludes(&rel) {
                if ft.is_dir() && self.ignore.may_reinclude_under(&rel) {
                    self.dir(&path, &rel)?;
                }
                continue;
            }
            self.entries += 1;
            if ft.is_dir() {
                let mut h = header(&meta);
                h.set_entry_type(EntryType::Directory);
                h.set_size(0);
                self.tar
                    .append_data(&mut h, format!("{rel}/"), io::empty())
                    .map_err(|e| self.write_error(&rel, e))?;
                self.dir(&path, &rel)?;
            } else if ft.is_symlink() {
                // Archived as a link: its target is text, never opened.
                let target = fs::read_link(&path)
                    .map_err(|e| io_error(format_args!("cannot read link {rel}"), e))?;
                let mut h = header(&meta);
                h.set_entry_type(EntryType::Symlink);
                h.set_size(0);
                self.tar
                    .append_link(&mut h, &rel, &target)
                    .map_err(|e| self.write_error(&rel, e))?;
            } else if ft.is_file() {
                match &self.extra_ignore {
                    Some(line) if rel == ".dockerignore" => {
                        let line = line.clone();
                        self.extra_ignore = None;
                        self.add_dockerignore(&path, &meta, &line)?;
                    }
                    _ => self.add_file(&rel, &path, &meta)?,
                }
            } else {
                // Sockets, fifos and devices: the engine could not use them; the CLI skips
                // sockets and would copy a device node, which a build context never needs.
                self.entries -= 1;
                tracing::debug!("build context: skipped {rel} (not a file, directory or link)");
            }
        }
        Ok(())
    }
}

/// Write the context of `root` as a tar into `out`, blocking. `dockerfile` says where the
/// Dockerfile goes; `ignore` is the context's `.dockerignore`, already told to keep the build
/// files.
pub(crate) fn write<W: Write>(
    root: &Path,
    ignore: Ignore,
    dockerfile: DockerfileEntry<'_>,
    out: W,
) -> Result<Sent> {
    let mut walk = Walk {
        tar: Builder::new(Counting {
            inner: out,
            bytes: 0,
        }),
        root: root.to_path_buf(),
        ignore,
        extra_ignore: None,
        entries: 0,
    };
    walk.tar.mode(HeaderMode::Complete);
    walk.tar.follow_symlinks(false);
    if let DockerfileEntry::Outside { path, name } = dockerfile {
        let meta = fs::metadata(path).map_err(|e| {
            io_error(
                format_args!("cannot read the Dockerfile {}", path.display()),
                e,
            )
        })?;
        let file = File::open(path).map_err(|e| {
            io_error(
                format_args!("cannot read the Dockerfile {}", path.display()),
                e,
            )
        })?;
        let mut h = header(&meta);
        h.set_entry_type(EntryType::Regular);
        walk.tar
            .append_data(
                &mut h,
                name,
                Exactly {
                    inner: file,
                    left: meta.len(),
                },
            )
            .map_err(|e| walk.write_error(name, e))?;
        walk.entries += 1;
        walk.extra_ignore = Some(name.to_owned());
    }
    let root = walk.root.clone();
    walk.dir(&root, "")?;
    if let Some(line) = walk.extra_ignore.take() {
        // No .dockerignore in the context: one that hides the added Dockerfile, and itself
        // (the CLI's leaves itself in the context, so `COPY .` copied a file the user never
        // made; the engine drops a .dockerignore that excludes itself).
        let text = format!("\n{line}\n.dockerignore\n");
        let mut h = Header::new_gnu();
        h.set_entry_type(EntryType::Regular);
        h.set_mode(0o644);
        h.set_size(text.len() as u64);
        walk.tar
            .append_data(&mut h, ".dockerignore", text.as_bytes())
            .map_err(|e| walk.write_error(".dockerignore", e))?;
        walk.entries += 1;
    }
    let entries = walk.entries;
    let mut counting = walk.tar.into_inner().map_err(walk_end_error)?;
    counting.flush().map_err(walk_end_error)?;
    Ok(Sent {
        bytes: counting.bytes,
        entries,
    })
}

fn walk_end_error(e: io::Error) -> CoreError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CoreError::new(
            ErrorKind::Cancelled,
            "the build context was not sent: the build ended",
        )
    } else {
        io_error("cannot send the end of the build context", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(tar_bytes: &[u8]) -> Vec<(String, EntryType, Option<String>)> {
        let mut a = tar::Archive::new(tar_bytes);
        a.entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let link = e
                    .link_name()
                    .unwrap()
                    .map(|l| l.to_string_lossy().into_owned());
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    e.header().entry_type(),
                    link,
                )
            })
            .collect()
    }

    #[test]
    fn ignored_files_are_left_out_and_links_stay_links() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        fs::write(p.join("Dockerfile"), "FROM x\n").unwrap();
        fs::write(p.join(".dockerignore"), "secret*\nlogs\n!logs/keep.log\n").unwrap();
        fs::write(p.join("secret.txt"), "no").unwrap();
        fs::write(p.join("app.txt"), "yes").unwrap();
        fs::create_dir(p.join("logs")).unwrap();
        fs::write(p.join("logs/a.log"), "no").unwrap();
        fs::write(p.join("logs/keep.log"), "yes").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", p.join("out")).unwrap();
        let ignore = Ignore::parse(&fs::read_to_string(p.join(".dockerignore")).unwrap())
            .unwrap()
            .keep_build_files("Dockerfile")
            .unwrap();
        let mut out = Vec::new();
        let sent = write(p, ignore, DockerfileEntry::Inside, &mut out).unwrap();
        assert_eq!(sent.bytes, out.len() as u64);
        let got = names(&out);
        let paths: Vec<&str> = got.iter().map(|(n, ..)| n.as_str()).collect();
        assert_eq!(
            paths,
            [
                ".dockerignore",
                "Dockerfile",
                "app.txt",
                "logs/keep.log",
                "out"
            ]
        );
        let link = got.iter().find(|(n, ..)| n == "out").unwrap();
        assert_eq!(link.1, EntryType::Symlink);
        assert_eq!(link.2.as_deref(), Some("/etc/passwd"));
    }

    #[test]
    fn a_dockerfile_outside_is_added_and_hidden_by_dockerignore() {
        let d = tempfile::tempdir().unwrap();
        let ctx = d.path().join("ctx");
        fs::create_dir(&ctx).unwrap();
        fs::write(ctx.join("a"), "a").unwrap();
        let df = d.path().join("Dockerfile.dev");
        fs::write(&df, "FROM x\n").unwrap();
        let mut out = Vec::new();
        write(
            &ctx,
            Ignore::default(),
            DockerfileEntry::Outside {
                path: &df,
                name: ".dockerfile.abc",
            },
            &mut out,
        )
        .unwrap();
        let mut a = tar::Archive::new(out.as_slice());
        let mut seen = Vec::new();
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut text = String::new();
            e.read_to_string(&mut text).unwrap();
            seen.push((name, text));
        }
        assert_eq!(
            seen,
            [
                (".dockerfile.abc".to_owned(), "FROM x\n".to_owned()),
                ("a".to_owned(), "a".to_owned()),
                (
                    ".dockerignore".to_owned(),
                    "\n.dockerfile.abc\n.dockerignore\n".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn an_unreadable_file_is_named() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        const NAME: &str = "engine::build::context::tests::an_unreadable_file_is_named";
        // Root reads a mode-000 file anyway: as root the test runs itself again as nobody.
        let root = fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        if root && std::env::var_os("WHARF_TEST_UNPRIVILEGED").is_none() {
            let exe = std::env::current_exe().unwrap();
            let out = std::process::Command::new("setpriv")
                .args([
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    "--inh-caps=-all",
                    "--bounding-set=-all",
                ])
                .arg(&exe)
                .args(["--exact", NAME, "--test-threads=1"])
                .env("WHARF_TEST_UNPRIVILEGED", "1")
                .output();
            match out {
                Err(e) => eprintln!(
                    "SKIPPED: setpriv cannot run ({e}); as root mode 000 does not stop reads"
                ),
                // setpriv could not run the test binary as nobody (a build directory only
                // root may enter): nothing to check here.
                Ok(o) if matches!(o.status.code(), Some(126 | 127)) => eprintln!(
                    "SKIPPED: the test binary cannot run as nobody: {}",
                    String::from_utf8_lossy(&o.stderr)
                ),
                Ok(o) => {
                    let text = String::from_utf8_lossy(&o.stdout);
                    assert!(
                        o.status.success() && text.contains("1 passed"),
                        "as nobody: {text}{}",
                        String::from_utf8_lossy(&o.stderr)
                    );
                }
            }
            return;
        }
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        fs::write(p.join("Dockerfile"), "FROM x\n").unwrap();
        fs::create_dir(p.join("src")).unwrap();
        let f = p.join("src/locked.txt");
        fs::write(&f, "x").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
        let e = write(p, Ignore::default(), DockerfileEntry::Inside, io::sink()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(
            e.to_string()
                .starts_with("cannot read src/locked.txt in the build context: "),
            "{e}"
        );
    }
}
