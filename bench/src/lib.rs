//! Fixtures for Wharf's micro-benchmarks (`cargo bench -p wharf-bench`): realistic model values
//! built without an engine. The end-to-end benchmark is `bench/run.sh`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use wharf_core::engine::{LogChunk, LogStream};
use wharf_core::model::{
    ComposeRef, Container, ContainerId, ContainerState, EngineEvent, EventKind, ImageId,
    MountPoint, PortMapping, Protocol, RawStats,
};
use wharf_core::store::{ConnectionState, Snapshot, EVENT_HISTORY};

pub mod throughput;

/// A 64-hex-digit id that differs per `i`.
pub fn hex_id(i: usize) -> String {
    format!("{:016x}{:048x}", i as u64 * 0x9e37_79b9_7f4a_7c15, i)
}

/// A running container shaped like the benchmark's (`docker run -d --label … busybox sleep`),
/// with the compose labels, a port and a mount a real one often has.
pub fn container(i: usize) -> Container {
    let mut labels = BTreeMap::new();
    labels.insert("wharf.bench".to_owned(), "1700000000-4242".to_owned());
    labels.insert("com.docker.compose.project".to_owned(), "bench".to_owned());
    labels.insert("com.docker.compose.service".to_owned(), format!("svc{i}"));
    Container {
        id: ContainerId(hex_id(i)),
        name: format!("wb-{i:04}"),
        image: "wharf-bench/busybox:1".to_owned(),
        image_id: Some(ImageId(format!("sha256:{}", hex_id(100_000)))),
        command: "sh -c 'while :; do sleep 3600; done'".to_owned(),
        created: 1_700_000_000 + i as i64,
        state: ContainerState::Running,
        status: "Up 5 minutes".to_owned(),
        health: None,
        started_at: Some(1_700_000_100),
        finished_at: None,
        exit_code: Some(0),
        restart_count: Some(0),
        ports: vec![PortMapping {
            host_ip: Some("127.0.0.1".to_owned()),
            host_port: Some(8000 + (i % 1000) as u16),
            container_port: 80,
            protocol: Protocol::Tcp,
        }],
        mounts: vec![MountPoint {
            kind: "volume".to_owned(),
            name: Some(format!("data{i}")),
            source: format!("/var/lib/docker/volumes/data{i}/_data"),
            destination: "/data".to_owned(),
            read_write: true,
        }],
        networks: vec!["bridge".to_owned()],
        compose: ComposeRef::from_labels(&labels),
        labels,
        pid: Some(10_000 + i as u32),
        cpu_limit: None,
        memory_limit: None,
        tty: false,
        security: None,
        detailed: true,
    }
}

/// A container event as the engine sends it (`docker stop` gives kill, die, stop).
pub fn event(kind: EventKind, action: &str, actor: &str) -> EngineEvent {
    let mut attributes = BTreeMap::new();
    attributes.insert("name".to_owned(), "wb-0001".to_owned());
    attributes.insert("image".to_owned(), "wharf-bench/busybox:1".to_owned());
    attributes.insert("wharf.bench".to_owned(), "1700000000-4242".to_owned());
    attributes.insert("exitCode".to_owned(), "137".to_owned());
    EngineEvent {
        kind,
        action: action.to_owned(),
        actor_id: actor.to_owned(),
        attributes,
        time_nano: 1_700_000_000_000_000_000,
    }
}

/// A synced snapshot with `n` containers and a full event history.
pub fn snapshot(n: usize) -> Snapshot {
    let mut s = Snapshot::empty("unix:///var/run/docker.sock".to_owned());
    s.revision = 1;
    s.synced = true;
    s.connection = ConnectionState::Connected { since_ms: 0 };
    s.containers = Arc::new(
        (0..n)
            .map(|i| {
                let c = container(i);
                (c.id.clone(), Arc::new(c))
            })
            .collect(),
    );
    let mut events = VecDeque::with_capacity(EVENT_HISTORY);
    for i in 0..EVENT_HISTORY {
        events.push_back(Arc::new(event(
            EventKind::Container,
            "start",
            &hex_id(i % n.max(1)),
        )));
    }
    s.events = Arc::new(events);
    s
}

/// Two cgroup readings one second apart, as the stats hub pairs them.
pub fn raw_pair() -> (RawStats, RawStats) {
    let a = RawStats {
        at_ms: 1_700_000_000_000,
        cpu_total_ns: 12_345_678_901,
        system_ns: None,
        online_cpus: 2,
        mem_usage: 1_234_567,
        mem_inactive_file: 12_345,
        mem_limit: 25_000_000_000,
        net_rx: 1_000_000,
        net_tx: 2_000_000,
        blk_read: 4096,
        blk_write: 8192,
        pids: 2,
    };
    let b = RawStats {
        at_ms: a.at_ms + 1000,
        cpu_total_ns: a.cpu_total_ns + 3_000_000,
        mem_usage: a.mem_usage + 4096,
        net_rx: a.net_rx + 1500,
        net_tx: a.net_tx + 900,
        ..a
    };
    (a, b)
}

/// What `yes`-style output looks like to the log follower: `lines` lines of `text` in one
/// chunk (the engine hands over up to 32 KiB at a time).
pub fn log_chunk(text: &str, lines: usize) -> LogChunk {
    let mut bytes = Vec::with_capacity((text.len() + 1) * lines);
    for _ in 0..lines {
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b'\n');
    }
    LogChunk {
        stream: LogStream::Stdout,
        bytes,
    }
}
