//! Hand-built fixtures shared by the view snapshot tests and the `App::update` tests: a
//! fixed clock, a realistic snapshot (running, paused, exited, unhealthy containers, a compose
//! project, images, networks, volumes, events) and stats series. Nothing here reads the clock
//! or an engine, so every test sees the same state.
//!
//! Declared once, in `view::tests`, and used from `app::tests` too.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf_core::model::{
    ComposeRef, Container, ContainerId, ContainerState, DiskUsage, DiskUsageKind, EngineEvent,
    EngineInfo, EventKind, Health, Image, ImageId, MountPoint, Network, NetworkId, PortMapping,
    Protocol, Sample, SecurityFacts, Volume, VolumeName, COMPOSE_PROJECT_LABEL,
    COMPOSE_SERVICE_LABEL,
};
use wharf_core::store::{ConnectionState, Snapshot};
use wharf_core::streams::{Series, StatsView};

use crate::app::{App, Settings};
use crate::kinds::View;
use crate::msg::Msg;

/// The fixed "now": 2023-11-14T22:13:20Z.
pub const NOW_MS: i64 = 1_700_000_000_000;
pub const NOW: i64 = NOW_MS / 1000;
pub const ENDPOINT: &str = "unix:///var/run/docker.sock (default)";

/// A 64-hex-character id made of one repeated digit/letter, e.g. `id('a')`.
pub fn id(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

pub fn cid(c: char) -> ContainerId {
    ContainerId::from(id(c))
}

pub fn image_id(c: char) -> ImageId {
    ImageId::from(format!("sha256:{}", id(c)))
}

/// A plain running container with nothing else set.
pub fn container(c: char, name: &str, image: &str, state: ContainerState) -> Container {
    let alive = state.is_alive();
    Container {
        id: cid(c),
        name: name.to_owned(),
        image: image.to_owned(),
        image_id: None,
        command: "sh".into(),
        created: NOW - 3 * 3600,
        state,
        status: String::new(),
        health: None,
        started_at: Some(NOW - 2 * 3600 - 5 * 60),
        finished_at: (!alive).then_some(NOW - 600),
        exit_code: (!alive).then_some(0),
        restart_count: Some(0),
        ports: Vec::new(),
        mounts: Vec::new(),
        networks: vec!["bridge".into()],
        labels: BTreeMap::new(),
        compose: None,
        pid: alive.then_some(4242),
        cpu_limit: None,
        memory_limit: None,
        tty: false,
        security: None,
        detailed: true,
    }
}

fn compose(mut c: Container, project: &str, service: &str) -> Container {
    c.labels
        .insert(COMPOSE_PROJECT_LABEL.into(), project.into());
    c.labels
        .insert(COMPOSE_SERVICE_LABEL.into(), service.into());
    c.compose = Some(ComposeRef {
        project: project.into(),
        service: Some(service.into()),
    });
    c.networks = vec![format!("{project}_default")];
    c
}

/// The containers of the populated fixture, keyed by a letter of their id:
/// `a` web (running, port, project shop), `b` db (running, healthy, shop, volume),
/// `c` cache (paused), `d` job (exited 0), `e` broken (exited 3), `f` sick (running, unhealthy).
pub fn containers() -> Vec<Container> {
    let mut web = compose(
        container(
            'a',
            "shop-web-1",
            "nginx:1.25-alpine",
            ContainerState::Running,
        ),
        "shop",
        "web",
    );
    web.image_id = Some(image_id('1'));
    web.ports = vec![
        PortMapping {
            host_ip: Some("0.0.0.0".into()),
            host_port: Some(8080),
            container_port: 80,
            protocol: Protocol::Tcp,
        },
        PortMapping {
            host_ip: None,
            host_port: None,
            container_port: 443,
            protocol: Protocol::Tcp,
        },
    ];
    web.labels.insert("tier".into(), "frontend".into());
    web.mounts = vec![MountPoint {
        kind: "bind".into(),
        name: None,
        source: "/srv/shop/nginx.conf".into(),
        destination: "/etc/nginx/nginx.conf".into(),
        read_write: false,
    }];
    web.cpu_limit = Some(0.5);

    let mut db = compose(
        container('b', "shop-db-1", "postgres:16", ContainerState::Running),
        "shop",
        "db",
    );
    db.image_id = Some(image_id('2'));
    db.health = Some(Health::Healthy);
    db.started_at = Some(NOW - 3 * 86_400);
    db.labels.insert("tier".into(), "backend".into());
    db.mounts = vec![MountPoint {
        kind: "volume".into(),
        name: Some("shop_pgdata".into()),
        source: "/var/lib/docker/volumes/shop_pgdata/_data".into(),
        destination: "/var/lib/postgresql/data".into(),
        read_write: true,
    }];

    let mut cache = container('c', "cache", "redis:7", ContainerState::Paused);
    cache.image_id = Some(image_id('3'));

    let mut job = container('d', "nightly-job", "busybox:latest", ContainerState::Exited);
    job.image_id = Some(image_id('4'));

    let mut broken = container('e', "broken", "busybox:latest", ContainerState::Exited);
    broken.exit_code = Some(3);
    broken.image_id = Some(image_id('4'));

    let mut sick = container('f', "sick", "busybox:latest", ContainerState::Running);
    sick.health = Some(Health::Unhealthy);
    sick.image_id = Some(image_id('4'));
    sick.started_at = Some(NOW - 42);
    // What the security rules read (inspected containers): web published on all interfaces
    // as root, db hardened, sick privileged with the engine's socket; the others are not
    // inspected yet.
    web.security = Some(SecurityFacts {
        network_mode: "shop_default".into(),
        mounts: vec![(
            "/srv/shop/nginx.conf".into(),
            "/etc/nginx/nginx.conf".into(),
        )],
        published: vec![("0.0.0.0".into(), 8080)],
        image: "nginx:1.25-alpine".into(),
        restart_policy: "unless-stopped".into(),
        ..SecurityFacts::default()
    });
    db.security = Some(SecurityFacts {
        user: "999:999".into(),
        network_mode: "shop_default".into(),
        read_only_rootfs: true,
        memory_limit: Some(1 << 30),
        pids_limit: Some(200),
        mounts: vec![("shop_pgdata".into(), "/var/lib/postgresql/data".into())],
        image: "postgres:16".into(),
        healthcheck: true,
        restart_policy: "always".into(),
        ..SecurityFacts::default()
    });
    sick.security = Some(SecurityFacts {
        privileged: true,
        network_mode: "host".into(),
        mounts: vec![("/var/run/docker.sock".into(), "/var/run/docker.sock".into())],
        image: "busybox:latest".into(),
        ..SecurityFacts::default()
    });
    vec![web, db, cache, job, broken, sick]
}

pub fn engine_info() -> EngineInfo {
    EngineInfo {
        platform: "Docker Engine - Community".into(),
        version: "27.3.1".into(),
        api_version: "1.47".into(),
        negotiated_api_version: "1.47".into(),
        min_api_version: Some("1.24".into()),
        os: "Debian GNU/Linux 12 (bookworm)".into(),
        os_type: "linux".into(),
        kernel: "6.1.0-26-amd64".into(),
        arch: "x86_64".into(),
        hostname: "dockerhost".into(),
        storage_driver: "overlay2".into(),
        cgroup_driver: "systemd".into(),
        cgroup_version: "2".into(),
        logging_driver: "json-file".into(),
        cpus: 8,
        memory: 16 * 1024 * 1024 * 1024,
        root_dir: "/var/lib/docker".into(),
        containers: 6,
        running: 3,
        paused: 1,
        stopped: 2,
        images: 5,
        swarm: "inactive".into(),
        swarm_manager: false,
        node_id: None,
        system_time: "2023-11-14T22:13:20Z".into(),
        warnings: vec!["WARNING: bridge-nf-call-iptables is disabled".into()],
    }
}

fn image(c: char, tags: &[&str], size_mib: i64, age_secs: i64) -> Image {
    Image {
        id: image_id(c),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        digests: Vec::new(),
        created: NOW - age_secs,
        size: size_mib * 1024 * 1024,
        containers: None,
        labels: BTreeMap::new(),
    }
}

pub fn images() -> Vec<Image> {
    vec![
        image('1', &["nginx:1.25-alpine"], 41, 20 * 86_400),
        image('2', &["postgres:16"], 432, 9 * 86_400),
        image('3', &["redis:7"], 130, 3 * 86_400),
        image('4', &["busybox:latest", "busybox:1.36"], 4, 200 * 86_400),
        image('5', &[], 77, 2 * 3600),
    ]
}

fn network(c: char, name: &str, driver: &str, subnet: Option<&str>) -> Network {
    Network {
        id: NetworkId::from(id(c)),
        name: name.into(),
        driver: driver.into(),
        scope: "local".into(),
        internal: false,
        attachable: false,
        subnets: subnet.map(|s| vec![s.to_owned()]).unwrap_or_default(),
        created: None,
        labels: BTreeMap::new(),
        containers: None,
    }
}

pub fn networks() -> Vec<Network> {
    let mut internal = network('4', "backend-only", "bridge", Some("172.20.0.0/16"));
    internal.internal = true;
    vec![
        network('1', "bridge", "bridge", Some("172.17.0.0/16")),
        network('2', "host", "host", None),
        network('3', "none", "null", None),
        network('5', "shop_default", "bridge", Some("172.19.0.0/16")),
        internal,
    ]
}

pub fn volumes() -> Vec<Volume> {
    let v = |name: &str| Volume {
        name: VolumeName::from(name),
        driver: "local".into(),
        mountpoint: format!("/var/lib/docker/volumes/{name}/_data"),
        created: None,
        scope: Some("local".into()),
        labels: BTreeMap::new(),
        size: None,
        ref_count: None,
    };
    vec![v("shop_pgdata"), v("scratch")]
}

pub fn events() -> VecDeque<EngineEvent> {
    let ev = |secs_ago: i64, kind: EventKind, action: &str, name: &str, extra: &[(&str, &str)]| {
        let mut attributes: BTreeMap<String, String> = extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        attributes.insert("name".into(), name.into());
        EngineEvent {
            kind,
            action: action.into(),
            actor_id: id('a'),
            attributes,
            time_nano: (NOW - secs_ago) * 1_000_000_000,
        }
    };
    VecDeque::from(vec![
        ev(
            300,
            EventKind::Container,
            "create",
            "shop-web-1",
            &[("image", "nginx:1.25-alpine")],
        ),
        ev(
            299,
            EventKind::Network,
            "connect",
            "shop_default",
            &[("container", "aaaaaaaaaaaa")],
        ),
        ev(
            298,
            EventKind::Container,
            "start",
            "shop-web-1",
            &[("image", "nginx:1.25-alpine")],
        ),
        ev(
            120,
            EventKind::Container,
            "die",
            "broken",
            &[("exitCode", "3"), ("image", "busybox:latest")],
        ),
        ev(
            60,
            EventKind::Container,
            "health_status: unhealthy",
            "sick",
            &[],
        ),
        ev(5, EventKind::Image, "pull", "redis:7", &[]),
    ])
}

/// The populated, synced, connected snapshot.
pub fn snapshot() -> Snapshot {
    let mut s = Snapshot::empty(ENDPOINT.into());
    s.revision = 7;
    s.synced = true;
    s.connection = ConnectionState::Connected {
        since_ms: NOW_MS - 60_000,
    };
    s.engine = Some(Arc::new(engine_info()));
    s.containers = Arc::new(
        containers()
            .into_iter()
            .map(|c| (c.id.clone(), Arc::new(c)))
            .collect(),
    );
    s.images = Arc::new(
        images()
            .into_iter()
            .map(|i| (i.id.clone(), Arc::new(i)))
            .collect(),
    );
    s.networks = Arc::new(
        networks()
            .into_iter()
            .map(|n| (n.id.clone(), Arc::new(n)))
            .collect(),
    );
    s.volumes = Arc::new(
        volumes()
            .into_iter()
            .map(|v| (v.name.clone(), Arc::new(v)))
            .collect(),
    );
    s.events = Arc::new(events().into_iter().map(Arc::new).collect());
    s
}

/// A snapshot that has connected and synced but holds nothing.
pub fn empty_synced() -> Snapshot {
    let mut s = Snapshot::empty(ENDPOINT.into());
    s.synced = true;
    s.connection = ConnectionState::Connected {
        since_ms: NOW_MS - 1000,
    };
    s.engine = Some(Arc::new(engine_info()));
    s
}

/// Replace the containers of a snapshot.
pub fn with_containers(mut s: Snapshot, cs: Vec<Container>) -> Snapshot {
    s.containers = Arc::new(
        cs.into_iter()
            .map(|c| (c.id.clone(), Arc::new(c)))
            .collect(),
    );
    s
}

/// One sample per 2 s over the last `n * 2` seconds, shaped so charts have something to draw.
pub fn samples(n: i64, scale: f64) -> Series {
    let mut series = Series::default();
    for i in 0..n {
        let t = i as f64;
        let wave = (t / 4.0).sin().abs();
        series.push(Sample {
            at_ms: NOW_MS - (n - 1 - i) * 2000,
            cpu_pct: scale * (10.0 + 30.0 * wave),
            cpu_pct_of_limit: Some(scale * (10.0 + 30.0 * wave) / 0.5),
            mem_used: ((64.0 + 16.0 * wave * scale) * 1024.0 * 1024.0) as u64,
            mem_limit: 512 * 1024 * 1024,
            net_rx_rate: scale * 2048.0 * (1.0 + wave),
            net_tx_rate: scale * 512.0 * (1.0 + wave),
            blk_read_rate: scale * 4096.0 * wave,
            blk_write_rate: scale * 1024.0,
            net_rx_total: (i as u64 + 1) * 40_000,
            net_tx_total: (i as u64 + 1) * 10_000,
            blk_read_total: (i as u64 + 1) * 8_000,
            blk_write_total: (i as u64 + 1) * 2_000,
            pids: 3,
        });
    }
    series
}

/// Live stats for the running containers of [`snapshot`].
pub fn stats() -> StatsView {
    let mut v = StatsView {
        revision: 3,
        ..Default::default()
    };
    v.series.insert(cid('a'), samples(90, 1.0));
    v.series.insert(cid('b'), samples(90, 0.1));
    v.series.insert(cid('f'), samples(3, 0.02));
    v
}

pub fn disk_usage() -> Vec<DiskUsage> {
    let mib = 1024 * 1024;
    vec![
        DiskUsage {
            kind: DiskUsageKind::Images,
            total: 5,
            active: 4,
            size: 684 * mib,
            reclaimable: 77 * mib,
        },
        DiskUsage {
            kind: DiskUsageKind::Containers,
            total: 6,
            active: 3,
            size: 12 * mib,
            reclaimable: 3 * mib,
        },
        DiskUsage {
            kind: DiskUsageKind::Volumes,
            total: 2,
            active: 1,
            size: 245 * mib,
            reclaimable: 0,
        },
        DiskUsage {
            kind: DiskUsageKind::BuildCache,
            total: 0,
            active: 0,
            size: 0,
            reclaimable: 0,
        },
    ]
}

/// An app on `snapshot`, sized `w`×`h`, with the fixed clock and live stats.
pub fn app_with(settings: Settings, snap: Snapshot, w: u16, h: u16) -> App {
    let mut app = App::new(settings, View::Containers, true, Arc::new(snap));
    app.update(Msg::Resize(w, h));
    app.update(Msg::Tick(NOW_MS));
    app.update(Msg::Stats(Arc::new(stats())));
    app
}

pub fn app(w: u16, h: u16) -> App {
    app_with(Settings::default(), snapshot(), w, h)
}

pub fn read_only_app() -> App {
    let settings = Settings {
        read_only: true,
        ..Settings::default()
    };
    app_with(settings, snapshot(), 120, 40)
}

pub fn key(c: char) -> Msg {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

pub fn code(k: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(k, KeyModifiers::NONE))
}

/// Feed each character of `text` as a key press.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(c));
    }
}

/// Draw the app into a `TestBackend` of its size; the terminal is returned for style checks.
pub fn draw(app: &App) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let (w, h) = app.size;
    let mut t =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| crate::view::draw(f, app)).expect("draw");
    t
}

/// The screen as text: one line per row, trailing blanks cut, wide characters counted once.
pub fn screen_text(t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    use unicode_width::UnicodeWidthStr;
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let s = buf[(x, y)].symbol();
            line.push_str(s);
            skip = s.width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn render(app: &App) -> String {
    screen_text(&draw(app))
}

/// An engine failure as the core reports it (no hint, so it reads as its message).
pub fn engine_err(message: impl Into<String>) -> wharf_core::error::CoreError {
    wharf_core::error::CoreError::new(wharf_core::error::ErrorKind::Engine, message)
}
