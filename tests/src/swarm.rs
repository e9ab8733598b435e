//! A single-node swarm on a private engine, for the Swarm tests.
//!
//! Never on the shared engine: `swarm init` changes an engine's global state. The swarm listens
//! on a loopback port of its own (so two test swarms on one machine do not fight over 2377),
//! and on drop its services are removed, the engine leaves the swarm and the
//! `docker_gwbridge` bridge swarm made on the host is deleted, even when the test failed.

use std::net::TcpListener;

use crate::engine::TestEngine;

/// A swarm whose only node is `engine`; see the module docs.
pub struct TestSwarm<'e> {
    engine: &'e TestEngine,
}

impl<'e> TestSwarm<'e> {
    /// `docker swarm init` on `engine` (a private one), on a free loopback port.
    pub fn init(engine: &'e TestEngine) -> Result<TestSwarm<'e>, String> {
        Self::init_at(engine, "127.0.0.1")
    }

    /// `docker swarm init` on `engine`, listening and advertising on `addr` (an address of
    /// this host, e.g. the host side of a veth pair other nodes reach) at a free port.
    pub fn init_at(engine: &'e TestEngine, addr: &str) -> Result<TestSwarm<'e>, String> {
        assert!(
            engine.dir().is_some(),
            "swarm init is only for private engines"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let listen = format!("{addr}:{port}");
        engine.docker(&[
            "swarm",
            "init",
            "--advertise-addr",
            addr,
            "--listen-addr",
            &listen,
        ])?;
        Ok(TestSwarm { engine })
    }

    /// The manager's engine.
    pub fn engine(&self) -> &TestEngine {
        self.engine
    }

    /// The address (`ip:port`) other nodes join at.
    pub fn join_addr(&self) -> Result<String, String> {
        self.engine
            .docker(&[
                "info",
                "--format",
                "{{range .Swarm.RemoteManagers}}{{.Addr}}{{end}}",
            ])
            .map(|s| s.trim().to_owned())
    }

    /// A replicated service `name` running `sleep 3600` from `image`, created detached.
    /// `sleep` as PID 1 ignores SIGTERM: a short stop grace period keeps updates and drains
    /// from waiting 10 s per task.
    pub fn service(&self, name: &str, image: &str, replicas: u32) -> String {
        self.service_running(name, image, replicas, &["sleep", "3600"])
    }

    /// Like [`TestSwarm::service`], running `command` (e.g. a loop that prints).
    pub fn service_running(
        &self,
        name: &str,
        image: &str,
        replicas: u32,
        command: &[&str],
    ) -> String {
        let replicas = replicas.to_string();
        let label = format!("wharf.test={}", crate::run_id());
        let mut args = vec![
            "service",
            "create",
            "--detach",
            "--name",
            name,
            "--replicas",
            &replicas,
            "--stop-grace-period",
            "1s",
            "--label",
            &label,
            image,
        ];
        args.extend_from_slice(command);
        self.engine.docker_ok(&args).trim().to_owned()
    }

    /// Running tasks of `service`, per the CLI (the test's independent witness).
    pub fn running_tasks(&self, service: &str) -> usize {
        self.engine
            .docker(&[
                "service",
                "ps",
                "--filter",
                "desired-state=running",
                "--format",
                "{{.CurrentState}}",
                service,
            ])
            .map(|out| out.lines().filter(|l| l.starts_with("Running")).count())
            .unwrap_or(0)
    }
}

impl Drop for TestSwarm<'_> {
    fn drop(&mut self) {
        let e = self.engine;
        if let Ok(ids) = e.docker(&["service", "ls", "-q"]) {
            for id in ids.split_whitespace() {
                let _ = e.docker(&["service", "rm", id]);
            }
        }
        let _ = e.docker(&["swarm", "leave", "--force"]);
        // The task containers go away asynchronously; the bridge can only go after them.
        // Not `wait_until_blocking`: a panic in a drop during a failed test would abort.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::time::Instant::now() < deadline
            && !e.docker(&["ps", "-aq"]).is_ok_and(|o| o.trim().is_empty())
        {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        let _ = e.docker(&["network", "rm", "docker_gwbridge"]);
    }
}
