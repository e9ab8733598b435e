//! Bulk image update throughput: three containers running `REGISTRY/…:1` moved onto a newer
//! image pushed under the same tag (the test image plus one 50 MB random layer): once through
//! wharf-core (`plan_image_updates` + `update_images`: one pull, then a recreate per container
//! with rollback) and once through the docker CLI doing the same safe steps by hand (`pull`,
//! then per container `create` under a temporary name, `stop`, `rename` aside, `rename`,
//! `start`, `rm`). Each tool pulls its own image (different random bytes), so neither finds
//! the other's layer already there. Prints one markdown row.
//!
//! Run by `bench/throughput.sh` (which sets `WHARF_BENCH_IMAGE`, `WHARF_BENCH_REGISTRY` and
//! `WHARF_BENCH_RUN`), or by hand against an engine with a busybox image and a loopback
//! registry:
//!
//! ```sh
//! DOCKER_HOST=unix:///tmp/wse/docker.sock WHARF_BENCH_IMAGE=busybox \
//!   WHARF_BENCH_REGISTRY=127.0.0.1:5000 cargo run -p wharf-bench --bin throughput_bulk
//! ```

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use futures_util::StreamExt;
use wharf_bench::throughput::{docker_ok, row};
use wharf_core::engine::connect::{resolve, ConnectOptions};
use wharf_core::engine::{ContainerUpdate, Engine, ImageUpdateEvent, Keychain};
use wharf_core::model::ContainerId;

const SIZE: usize = 50 * 1024 * 1024;
const CONTAINERS: usize = 3;

/// What the run made, removed on drop (also after a panic).
struct Made {
    containers: Vec<String>,
    images: Vec<String>,
    /// Repositories pushed to (without tag).
    repos: Vec<String>,
}

impl Drop for Made {
    fn drop(&mut self) {
        for c in &self.containers {
            let ids = Command::new("docker")
                .args(["ps", "-aq", "--filter", &format!("name={c}")])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            for id in ids.split_whitespace() {
                let _ = Command::new("docker").args(["rm", "-f", id]).output();
            }
        }
        for i in self.images.iter().rev() {
            let _ = Command::new("docker").args(["rmi", "-f", i]).output();
        }
        // The pushes left `repo@digest` names on the base image: those go too, the base stays.
        for repo in &self.repos {
            let refs = Command::new("docker")
                .args([
                    "images",
                    "--digests",
                    "--format",
                    "{{.Repository}}@{{.Digest}}",
                    repo,
                ])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            for r in refs.split_whitespace() {
                let _ = Command::new("docker").args(["rmi", r]).output();
            }
        }
    }
}

/// The base image plus one layer of `SIZE` random bytes; its id.
fn layered(base: &str, made: &mut Made, name: &str) -> String {
    made.containers.push(name.to_owned());
    docker_ok(&[
        "run",
        "--name",
        name,
        base,
        "sh",
        "-c",
        &format!("head -c {SIZE} /dev/urandom > /blob"),
    ]);
    let id = docker_ok(&["commit", name]);
    docker_ok(&["rm", "-f", name]);
    made.images.push(id.clone());
    id
}

#[tokio::main]
async fn main() {
    let host = std::env::var("DOCKER_HOST").expect("DOCKER_HOST");
    let base = std::env::var("WHARF_BENCH_IMAGE").expect("WHARF_BENCH_IMAGE (a busybox image)");
    let registry = std::env::var("WHARF_BENCH_REGISTRY").expect("WHARF_BENCH_REGISTRY (HOST:PORT)");
    let run =
        std::env::var("WHARF_BENCH_RUN").unwrap_or_else(|_| format!("b{}", std::process::id()));
    let endpoint = resolve(&ConnectOptions {
        host: Some(host),
        ..Default::default()
    })
    .expect("endpoint");
    let engine = Engine::connect(endpoint).await.expect("engine");
    let keychain = Keychain::at(Path::new("/nonexistent-bench-docker-config"));
    let mut made = Made {
        containers: Vec::new(),
        images: Vec::new(),
        repos: Vec::new(),
    };

    // Per tool: its reference, pushed first as the base image, containers on it, then a newer
    // image of its own under the same tag in the registry (the local tag back on the base).
    let mut setup = |tool: &str| -> (String, Vec<String>, String) {
        let repo = format!("{registry}/wharf-bench/bulk-{tool}");
        made.repos.push(repo.clone());
        let r = format!("{repo}:{run}");
        docker_ok(&["tag", &base, &r]);
        made.images.push(r.clone());
        docker_ok(&["push", "-q", &r]);
        let names: Vec<String> = (0..CONTAINERS)
            .map(|i| {
                let n = format!("wharf-bench-{run}-bulk-{tool}-{i}");
                made.containers.push(n.clone());
                // `sleep` as PID 1 ignores SIGTERM: a 1 s stop timeout (kept by both
                // recreates) so the stops do not hide the transfer behind 10 s waits.
                docker_ok(&[
                    "run",
                    "-d",
                    "--name",
                    &n,
                    "--label",
                    "wharf.bench=1",
                    "--stop-timeout",
                    "1",
                    &r,
                    "sleep",
                    "600",
                ]);
                n
            })
            .collect();
        let new = layered(&base, &mut made, &format!("wharf-bench-{run}-layer-{tool}"));
        docker_ok(&["tag", &new, &r]);
        docker_ok(&["push", "-q", &r]);
        docker_ok(&["tag", &base, &r]);
        docker_ok(&["rmi", &new]);
        (r, names, new)
    };
    let (_rw, names_w, _) = setup("wharf");
    let (rc, names_c, _) = setup("cli");
    let bytes = SIZE as u64;

    println!("| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |");
    println!("|---|---|---|---|---|---|");

    let ids: Vec<ContainerId> = names_w
        .iter()
        .map(|n| ContainerId::from(docker_ok(&["inspect", "-f", "{{.Id}}", n])))
        .collect();
    let t = Instant::now();
    let plan = engine.plan_image_updates(&ids, &keychain).await;
    assert_eq!(plan.items.len(), CONTAINERS, "plan: {plan:?}");
    let mut events = engine.update_images(&plan, &keychain);
    let mut report = None;
    while let Some(ev) = events.next().await {
        if let ImageUpdateEvent::Finished { report: r } = ev.expect("update") {
            report = Some(r);
        }
    }
    let wharf = t.elapsed();
    let report = report.expect("a report");
    assert!(
        report
            .containers
            .iter()
            .all(|c| matches!(c, ContainerUpdate::Updated { .. })),
        "{report:?}"
    );

    let t = Instant::now();
    docker_ok(&["pull", "-q", &rc]);
    for n in &names_c {
        let temp = format!("{n}-new");
        let aside = format!("{n}-old");
        made.containers.push(temp.clone());
        docker_ok(&[
            "create",
            "--name",
            &temp,
            "--label",
            "wharf.bench=1",
            "--stop-timeout",
            "1",
            &rc,
            "sleep",
            "600",
        ]);
        docker_ok(&["stop", n]);
        docker_ok(&["rename", n, &aside]);
        docker_ok(&["rename", &temp, n]);
        docker_ok(&["start", n]);
        docker_ok(&["rm", &aside]);
    }
    let cli = t.elapsed();
    row(
        &format!("update {CONTAINERS} containers (1 pull + {CONTAINERS} recreates)"),
        bytes,
        wharf,
        cli,
    );
}
