//! Copy throughput: a 50 MB file into and out of a container, once with Wharf's core
//! (`Engine::copy_in` / `copy_out`) and once with `docker cp`, against the engine in
//! `DOCKER_HOST`. Prints one markdown row per operation:
//! `| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |`.
//!
//! Needs an image with `sleep` (`WHARF_BENCH_IMAGE`, default `busybox`); the container it
//! makes is removed at the end.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use wharf_bench::throughput::{docker, row};
use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::Engine;

const SIZE: usize = 50 * 1000 * 1000;

/// Incompressible bytes without a dependency (xorshift).
fn noise(len: usize) -> Vec<u8> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

struct Removed(String);

impl Drop for Removed {
    fn drop(&mut self) {
        if let Err(e) = docker(&["rm", "-f", &self.0]) {
            eprintln!("cleanup: {e}");
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let image = std::env::var("WHARF_BENCH_IMAGE").unwrap_or_else(|_| "busybox".into());
    let id = docker(&[
        "run",
        "-d",
        "--label",
        "wharf.bench=1",
        &image,
        "sleep",
        "600",
    ])?;
    let _guard = Removed(id.clone());
    let opts = ConnectOptions {
        host: std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()),
        ..Default::default()
    };
    let ep = resolve(&opts).map_err(|e| e.to_string())?;
    let engine = Engine::connect(ep).await.map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("wharf-bench-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let src = dir.join("payload.bin");
    std::fs::write(&src, noise(SIZE)).map_err(|e| e.to_string())?;
    let quiet: wharf_core::engine::OnProgress = Arc::new(|_| {});

    println!("| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |");
    println!("|---|---|---|---|---|---|");
    // In.
    let t = Instant::now();
    engine
        .copy_in(&id, &src, "/tmp", quiet.clone())
        .await
        .map_err(|e| e.to_string())?;
    let wharf_in = t.elapsed();
    let t = Instant::now();
    docker(&[
        "cp",
        src.to_str().unwrap_or_default(),
        &format!("{id}:/tmp/cli.bin"),
    ])?;
    let cli_in = t.elapsed();
    row("copy in 50 MB file", SIZE as u64, wharf_in, cli_in);
    // Out.
    let out_w = dir.join("wharf");
    let out_c = dir.join("cli");
    for d in [&out_w, &out_c] {
        std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
    }
    let t = Instant::now();
    engine
        .copy_out(&id, "/tmp/payload.bin", &out_w, false, quiet)
        .await
        .map_err(|e| e.to_string())?;
    let wharf_out = t.elapsed();
    let t = Instant::now();
    docker(&[
        "cp",
        &format!("{id}:/tmp/cli.bin"),
        out_c.to_str().unwrap_or_default(),
    ])?;
    let cli_out = t.elapsed();
    row("copy out 50 MB file", SIZE as u64, wharf_out, cli_out);
    check_same(&src, &out_w.join("payload.bin"))?;
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        eprintln!("cleanup {}: {e}", dir.display());
    }
    Ok(())
}

fn check_same(a: &Path, b: &Path) -> Result<(), String> {
    let (a, b) = (
        std::fs::read(a).map_err(|e| e.to_string())?,
        std::fs::read(b).map_err(|e| e.to_string())?,
    );
    if a == b {
        Ok(())
    } else {
        Err("the copied file differs".into())
    }
}
