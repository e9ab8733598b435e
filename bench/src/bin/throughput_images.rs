//! Image transfer throughput: push, pull, save and load of a ~50 MB image (a tar with one
//! 50 MB random file, imported), once through wharf-core and once through the docker CLI,
//! against the engine in `DOCKER_HOST` and two loopback registries (Debian's
//! `docker-registry`, one per tool, so neither push finds the other's blobs already there).
//! Prints one markdown row per operation.
//!
//! ```sh
//! DOCKER_HOST=unix:///tmp/wse/docker.sock cargo run --release -p wharf-bench --bin throughput_images
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use wharf_bench::throughput::{docker_ok, row};
use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::{Engine, Keychain, TransferEvent};

const SIZE: usize = 50 * 1024 * 1024;

/// A loopback registry in its own directory, killed on drop.
struct Registry {
    child: Child,
    port: u16,
}

impl Registry {
    fn start(dir: &Path) -> Registry {
        std::fs::create_dir_all(dir.join("data")).expect("registry dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}/data\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: bench\n",
            dir.display()
        );
        std::fs::write(dir.join("config.yml"), config).expect("config");
        let child = Command::new("/usr/bin/docker-registry")
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry (apt-get install docker-registry)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the registry did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        Registry { child, port }
    }

    fn reference(&self, tag: &str) -> String {
        format!("127.0.0.1:{}/wharf-bench/big:{tag}", self.port)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Drive a transfer stream to its end, panicking on an error.
async fn finish(
    what: &str,
    s: impl futures_util::Stream<Item = wharf_core::Result<TransferEvent>>,
) -> Option<String> {
    let mut s = std::pin::pin!(s);
    while let Some(ev) = s.next().await {
        match ev {
            Ok(TransferEvent::Done { image, .. }) => return image,
            Ok(TransferEvent::Progress(_)) => {}
            Err(e) => panic!("{what}: {e}"),
        }
    }
    panic!("{what}: ended without Done")
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

#[tokio::main]
async fn main() {
    let host = std::env::var("DOCKER_HOST").expect("DOCKER_HOST");
    let endpoint = resolve(&ConnectOptions {
        host: Some(host),
        ..Default::default()
    })
    .expect("endpoint");
    let engine = Engine::connect(endpoint).await.expect("engine");
    let keychain = Keychain::at(Path::new("/nonexistent-bench-docker-config"));
    let tag = format!("b{}", std::process::id());
    let dir: PathBuf = std::env::temp_dir().join(format!("wharf-bench-images-{tag}"));
    std::fs::create_dir_all(&dir).expect("dir");

    // The image: one 50 MB random file, imported.
    let mut blob = vec![0u8; SIZE];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ u64::from(std::process::id());
    for b in blob.iter_mut() {
        // xorshift: incompressible enough for a registry, and no dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *b = state as u8;
    }
    std::fs::write(dir.join("blob"), &blob).expect("blob");
    drop(blob);
    let tar = dir.join("big.tar");
    let ok = Command::new("tar")
        .arg("-cf")
        .arg(&tar)
        .arg("-C")
        .arg(&dir)
        .arg("blob")
        .status()
        .expect("tar");
    assert!(ok.success());
    let local = format!("wharf-bench/big:{tag}");
    let id = docker_ok(&["import", &tar.display().to_string(), &local]);
    let bytes = engine
        .inspect_image(&id)
        .await
        .expect("inspect")
        .size
        .max(0) as u64;

    let reg_w = Registry::start(&dir.join("reg-wharf"));
    let reg_c = Registry::start(&dir.join("reg-cli"));
    let (rw, rc) = (reg_w.reference(&tag), reg_c.reference(&tag));
    docker_ok(&["tag", &id, &rw]);
    docker_ok(&["tag", &id, &rc]);

    println!("| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |");
    println!("|---|---|---|---|---|---|");

    let t = Instant::now();
    finish("push", engine.push(&rw, &keychain)).await;
    let wharf = t.elapsed();
    let (_, cli) = timed(|| docker_ok(&["push", "-q", &rc]));
    row("push", bytes, wharf, cli);

    // Save and load while the image is here.
    let wtar = dir.join("wharf-save.tar");
    let ctar = dir.join("cli-save.tar");
    let t = Instant::now();
    finish(
        "save",
        engine.save(std::slice::from_ref(&local), &wtar, false),
    )
    .await;
    let wharf = t.elapsed();
    let (_, cli) = timed(|| docker_ok(&["save", "-o", &ctar.display().to_string(), &local]));
    let saved = std::fs::metadata(&wtar).map(|m| m.len()).unwrap_or(bytes);
    row("save", saved, wharf, cli);

    // Pull (and load) need the image gone: every name, then the id.
    let gone = || {
        for r in [&local, &rw, &rc] {
            let _ = Command::new("docker").args(["rmi", "-f", r]).output();
        }
        let _ = Command::new("docker").args(["rmi", "-f", &id]).output();
    };
    gone();
    let t = Instant::now();
    finish("load", engine.load(&wtar)).await;
    let wharf = t.elapsed();
    gone();
    let (_, cli) = timed(|| docker_ok(&["load", "-q", "-i", &ctar.display().to_string()]));
    row("load", saved, wharf, cli);

    // Three rounds, the order swapped each time: whoever pulls first after the removals meets
    // the engine still deleting layers in the background (one round made Wharf 2× slower).
    for round in 1..=3 {
        let mut wharf = std::time::Duration::ZERO;
        let mut cli = std::time::Duration::ZERO;
        for wharf_turn in [round % 2 == 1, round % 2 == 0] {
            gone();
            if wharf_turn {
                let t = Instant::now();
                finish("pull", engine.pull(&rw, &keychain)).await;
                wharf = t.elapsed();
            } else {
                cli = timed(|| docker_ok(&["pull", "-q", &rc])).1;
            }
        }
        let first = if round % 2 == 1 { "Wharf" } else { "CLI" };
        row(
            &format!("pull (round {round}, {first} first)"),
            bytes,
            wharf,
            cli,
        );
    }

    gone();
    drop(reg_w);
    drop(reg_c);
    let _ = std::fs::remove_dir_all(&dir);
}
