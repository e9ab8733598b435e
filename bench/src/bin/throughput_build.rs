//! Build throughput: the same context (a ~50 MB file of incompressible bytes and a Dockerfile
//! that COPYs it) built once through Wharf's core and once with `docker build` (classic
//! builder, `DOCKER_BUILDKIT=0`), against the engine in `DOCKER_HOST`. Prints one markdown
//! row per run: `| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |`.
//!
//! `FROM scratch` keeps the engine's part to unpacking the context and one COPY layer, so the
//! figures compare the context's way to the engine. Each build uses `--no-cache`; the images
//! are removed at the end. Usage: `throughput_build [MB]` (default 50).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use futures_util::StreamExt;
use wharf_bench::throughput::{docker, row};
use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::{BuildEvent, Engine};
use wharf_core::spec::build::BuildForm;

/// xorshift bytes: incompressible enough that no layer of the path can shrink them.
fn fill(path: &Path, mb: usize) -> std::io::Result<u64> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..mb {
        for chunk in block.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        f.write_all(&block)?;
    }
    f.flush()?;
    Ok((mb as u64) << 20)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mb: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().map_err(|e| format!("MB: {e}")))
        .transpose()?
        .unwrap_or(50);
    let dir = std::env::temp_dir().join(format!("wharf-build-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let bytes = fill(&dir.join("blob.bin"), mb).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM scratch\nCOPY blob.bin /blob.bin\n",
    )
    .map_err(|e| e.to_string())?;

    let endpoint = resolve(&ConnectOptions {
        host: std::env::var("DOCKER_HOST").ok(),
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    let engine = Engine::connect(endpoint).await.map_err(|e| e.to_string())?;
    let wharf_tag = format!("wharf-bench-build-wharf:{}", std::process::id());
    let cli_tag = format!("wharf-bench-build-cli:{}", std::process::id());
    let plan = BuildForm {
        context: dir.display().to_string(),
        tags: vec![wharf_tag.clone()],
        no_cache: true,
        ..Default::default()
    }
    .parse()
    .map_err(|e| format!("{e:?}"))?;

    println!("| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |");
    println!("|---|---|---|---|---|---|");
    // Every image made, by id: a second build under the same tag leaves the first untagged.
    let mut made: Vec<String> = Vec::new();
    let result = async {
        for round in 1..=2 {
            let t = Instant::now();
            let mut stream = engine.build(&plan);
            let mut sent = 0;
            loop {
                match stream.next().await {
                    Some(Ok(BuildEvent::Context { bytes, .. })) => sent = bytes,
                    Some(Ok(BuildEvent::Done { id, .. })) => {
                        made.push(id);
                        break;
                    }
                    None => break,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(format!("wharf build: {e}")),
                }
            }
            let wharf = t.elapsed();
            let t = Instant::now();
            let id = docker(&[
                "build",
                "-q",
                "--no-cache",
                "-t",
                &cli_tag,
                &dir.display().to_string(),
            ])?;
            made.push(id.trim().to_owned());
            let cli = t.elapsed();
            row(
                &format!("build {mb} MB context (run {round}, {sent} B tar)"),
                bytes,
                wharf,
                cli,
            );
        }
        Ok(())
    }
    .await;
    // Cleanup whatever happened.
    for t in [&wharf_tag, &cli_tag].into_iter().chain(made.iter()) {
        if let Err(e) = docker(&["rmi", "-f", t]) {
            if !e.contains("No such image") {
                eprintln!("cleanup of {t}: {e}");
            }
        }
    }
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        eprintln!("cleanup of {}: {e}", dir.display());
    }
    result
}
