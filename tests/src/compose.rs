//! `TestProject`: a compose project in a temp dir whose services run the test image
//! (`sleep 3600`, labelled `wharf.test=<run id>`), taken down with `docker-compose down` when
//! dropped, also when the test panics. Needs Debian's `docker-compose` (scripts/apt-packages.txt).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{run_id, unique_name, TestEngine, LABEL};

pub struct TestProject {
    name: String,
    file: PathBuf,
    host: String,
    // Kept for its Drop (the directory goes after `down`).
    dir: tempfile::TempDir,
}

impl TestProject {
    /// A project named after the run with one service per name in `services`; nothing runs
    /// until someone brings it up.
    pub fn new(engine: &TestEngine, suffix: &str, services: &[&str]) -> TestProject {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        // compose v1 keeps `[a-z0-9_-]` of a project name.
        let name: String = unique_name(suffix)
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        let mut yaml = String::from("version: \"2.4\"\nservices:\n");
        for s in services {
            yaml.push_str(&format!(
                "  {s}:\n    image: {}\n    command: sleep 3600\n    stop_signal: SIGKILL\n    labels:\n      {LABEL}: \"{}\"\n",
                engine.image(),
                run_id()
            ));
        }
        let file = dir.path().join("docker-compose.yml");
        std::fs::write(&file, yaml).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
        TestProject {
            name,
            file,
            host: engine.host().to_owned(),
            dir,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// `docker-compose ARGS` for this project (under `timeout`); stdout+stderr, or why not.
    pub fn compose(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new("timeout")
            .args([
                "--kill-after=5",
                "120",
                "docker-compose",
                "-p",
                &self.name,
                "-f",
            ])
            .arg(&self.file)
            .args(args)
            .current_dir(self.dir.path())
            .env("DOCKER_HOST", &self.host)
            .env_remove("DOCKER_CONTEXT")
            .output()
            .map_err(|e| format!("docker-compose: {e}"))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            Ok(text)
        } else {
            Err(format!("docker-compose {args:?}: {}: {text}", out.status))
        }
    }

    /// The states of the project's containers as the engine lists them, sorted.
    pub fn states(&self, engine: &TestEngine) -> Vec<String> {
        let out = engine.docker_ok(&[
            "ps",
            "-a",
            "--filter",
            &format!("label=com.docker.compose.project={}", self.name),
            "--format",
            "{{.State}}",
        ]);
        let mut v: Vec<String> = out.lines().map(str::to_owned).collect();
        v.sort();
        v
    }

    /// `up -d` with the harness's own tool (a fixture that does not depend on Wharf).
    pub fn up(&self) {
        self.compose(&["up", "-d"])
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

impl Drop for TestProject {
    fn drop(&mut self) {
        if let Err(e) = self.compose(&["down", "--timeout", "1"]) {
            eprintln!("cleanup of compose project {}: {e}", self.name);
        }
    }
}
