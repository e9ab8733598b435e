//! What the `throughput_*` binaries (`bench/throughput.sh`) share: the docker CLI they compare
//! with, and the table row they print.

use std::process::Command;
use std::time::Duration;

/// Run `docker ARGS` against `DOCKER_HOST` (with `DOCKER_BUILDKIT=0`: the classic builder,
/// which is what Wharf's builds use): the trimmed stdout, or `docker ARGS: stderr`.
pub fn docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .args(args)
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .map_err(|e| format!("docker: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "docker {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// [`docker`] for a benchmark's setup, where a failure ends the run.
pub fn docker_ok(args: &[&str]) -> String {
    docker(args).unwrap_or_else(|e| panic!("{e}"))
}

/// One markdown row: `| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |`.
pub fn row(op: &str, bytes: u64, wharf: Duration, cli: Duration) {
    let mb = bytes as f64 / 1e6;
    let (w, c) = (wharf.as_secs_f64(), cli.as_secs_f64());
    println!(
        "| {op} | {bytes} | {w:.3} | {:.1} | {c:.3} | {:.1} |",
        mb / w,
        mb / c
    );
}
