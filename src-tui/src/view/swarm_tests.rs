//! The swarm kinds drawn and driven: nodes, services (replicas from the core's rule), a
//! service's tasks (Enter), stacks and secrets on a manager; the "not a swarm manager" line
//! elsewhere; scale asks for the replicas and sends one command; drain and remove ask first;
//! a secret's value is typed hidden and appears on no screen.

use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::KeyCode;
use wharf_core::command::{Command, SwarmOp};
use wharf_core::engine::{Availability, SecretSource, ServiceChange};
use wharf_core::model::{
    Node, NodeId, Secret, SecretId, Service, ServiceId, ServiceMode, Task, TaskId, STACK_LABEL,
};
use wharf_core::store::Snapshot;

use super::tests::command;
use super::tests::fixtures::*;
use crate::app::{App, Settings};
use crate::msg::Effect;
use crate::prompt::Mode;

fn node(id: &str, host: &str, role: &str, leader: bool) -> Node {
    Node {
        id: NodeId::from(id),
        hostname: host.into(),
        role: role.into(),
        availability: "active".into(),
        state: "ready".into(),
        leader,
        reachability: leader.then(|| "reachable".into()),
        engine_version: "27.3.1".into(),
        addr: "10.0.0.1".into(),
        labels: BTreeMap::from([("zone".into(), "a".into())]),
        version: 9,
    }
}

fn service(id: &str, name: &str, replicas: Option<u64>, stack: Option<&str>) -> Service {
    let mut labels = BTreeMap::new();
    if let Some(s) = stack {
        labels.insert(STACK_LABEL.to_owned(), s.to_owned());
    }
    Service {
        id: ServiceId::from(id),
        name: name.into(),
        mode: if replicas.is_some() {
            ServiceMode::Replicated
        } else {
            ServiceMode::Global
        },
        replicas,
        image: "nginx:1.27".into(),
        ports: vec!["8080:80/tcp".into()],
        update_state: None,
        update_message: None,
        stack: stack.map(str::to_owned),
        labels,
        created: None,
        updated: None,
        version: 3,
    }
}

fn task(id: &str, svc: &str, slot: Option<u64>, node: &str, state: &str, desired: &str) -> Task {
    Task {
        id: TaskId::from(id),
        service: ServiceId::from(svc),
        slot,
        node: Some(NodeId::from(node)),
        state: state.into(),
        desired_state: desired.into(),
        message: String::new(),
        error: (state == "failed").then(|| "task: non-zero exit (1)".into()),
        image: "nginx:1.27".into(),
        timestamp: Some("2023-11-14T22:03:20Z".into()),
        container: None,
    }
}

fn swarm_snapshot() -> Snapshot {
    let mut s = snapshot();
    let mut info = engine_info();
    info.swarm = "active".into();
    info.swarm_manager = true;
    s.engine = Some(Arc::new(info));
    let nodes = [
        node("node1aaaaaaaaaaaa", "manager-1", "manager", true),
        node("node2bbbbbbbbbbbb", "worker-1", "worker", false),
    ];
    s.nodes = Arc::new(
        nodes
            .into_iter()
            .map(|n| (n.id.clone(), Arc::new(n)))
            .collect(),
    );
    let services = [
        service("svcweb", "shop_web", Some(3), Some("shop")),
        service("svcdb", "shop_db", Some(1), Some("shop")),
        service("svcagent", "agent", None, None),
    ];
    s.services = Arc::new(
        services
            .into_iter()
            .map(|v| (v.id.clone(), Arc::new(v)))
            .collect(),
    );
    let tasks = [
        task(
            "t1",
            "svcweb",
            Some(1),
            "node1aaaaaaaaaaaa",
            "running",
            "running",
        ),
        task(
            "t2",
            "svcweb",
            Some(2),
            "node2bbbbbbbbbbbb",
            "running",
            "running",
        ),
        task(
            "t3",
            "svcweb",
            Some(3),
            "node2bbbbbbbbbbbb",
            "preparing",
            "running",
        ),
        task(
            "t0",
            "svcweb",
            Some(3),
            "node2bbbbbbbbbbbb",
            "failed",
            "shutdown",
        ),
        task(
            "t4",
            "svcdb",
            Some(1),
            "node1aaaaaaaaaaaa",
            "running",
            "running",
        ),
        task(
            "t5",
            "svcagent",
            None,
            "node1aaaaaaaaaaaa",
            "running",
            "running",
        ),
        task(
            "t6",
            "svcagent",
            None,
            "node2bbbbbbbbbbbb",
            "running",
            "running",
        ),
    ];
    s.tasks = Arc::new(
        tasks
            .into_iter()
            .map(|t| (t.id.clone(), Arc::new(t)))
            .collect(),
    );
    let secret = Secret {
        id: SecretId::from("sec1234567890abc"),
        name: "db_password".into(),
        driver: None,
        labels: BTreeMap::new(),
        created: Some("2023-11-14T22:00:00Z".into()),
        updated: None,
    };
    s.secrets = Arc::new([(secret.id.clone(), Arc::new(secret))].into());
    let config = wharf_core::model::Config {
        id: wharf_core::model::ConfigId::from("cfg1234567890abc"),
        name: "nginx.conf".into(),
        labels: BTreeMap::new(),
        created: Some("2023-11-14T22:00:00Z".into()),
        updated: None,
        size: 36,
        data: Some("listen 80;\n\u{1b}]0;owned\u{7}title\tok\n".into()),
        truncated: false,
    };
    s.configs = Arc::new([(config.id.clone(), Arc::new(config))].into());
    s
}

fn swarm_app(w: u16, h: u16) -> App {
    app_with(Settings::default(), swarm_snapshot(), w, h)
}

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(name, render(app));
}

fn sent(fx: &[Effect]) -> Vec<Command> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Execute { cmd, .. } => Some(cmd.clone()),
            _ => None,
        })
        .collect()
}

fn select(app: &mut App, name: &str) {
    app.update(key('g'));
    for _ in 0..app.rows.len() {
        if app.selected_row().is_some_and(|r| r.name == name) {
            return;
        }
        app.update(key('j'));
    }
    panic!("no row {name}");
}

#[test]
fn swarm_views_drawn() {
    let mut app = swarm_app(120, 10);
    command(&mut app, "nodes");
    snap("swarm_nodes", &app);
    command(&mut app, "services");
    snap("swarm_services", &app);
    select(&mut app, "shop_web");
    app.update(code(KeyCode::Enter));
    snap("swarm_tasks_of_a_service", &app);
    command(&mut app, "stacks");
    snap("swarm_stacks", &app);
    command(&mut app, "secrets");
    snap("swarm_secrets", &app);
    command(&mut app, "configs");
    snap("swarm_configs", &app);
    // Enter shows the data, inert (the title escape is gone), tabs as spaces.
    app.update(code(KeyCode::Enter));
    let text = render(&app);
    assert!(
        text.contains("listen 80;") && text.contains("title    ok"),
        "{text}"
    );
    assert!(!text.contains("owned"), "{text}");
    snap("swarm_config_data", &app);
    // Any other key closes it.
    app.update(key('x'));
    assert!(!render(&app).contains("listen 80;"));
}

#[test]
fn not_a_manager_says_so() {
    let mut app = app(100, 8);
    command(&mut app, "services");
    let text = render(&app);
    assert!(
        text.contains(wharf_core::rules::swarm::NOT_A_MANAGER),
        "{text}"
    );
    // The other views' tabs stay as they were: no swarm tabs on a plain engine.
    command(&mut app, "containers");
    assert!(!render(&app).contains("services"));
}

#[test]
fn scale_asks_for_replicas_and_sends_one_command() {
    let mut app = swarm_app(120, 20);
    command(&mut app, "services");
    select(&mut app, "shop_web");
    app.update(key('='));
    assert!(matches!(app.mode, Mode::Input(..)), "{:?}", app.mode);
    // The prompt starts at the current count; replace it.
    app.update(code(KeyCode::Backspace));
    type_text(&mut app, "5");
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(
        sent(&fx),
        [Command::Swarm {
            op: SwarmOp::UpdateService {
                id: ServiceId::from("svcweb"),
                name: "shop_web".into(),
                change: ServiceChange::Scale { replicas: 5 },
            }
        }]
    );
    // A global service does not scale: refused, nothing sent.
    select(&mut app, "agent");
    let fx = app.update(key('='));
    assert!(sent(&fx).is_empty());
    assert!(app
        .toast
        .as_ref()
        .is_some_and(|t| t.text.contains("only replicated")));
    // Not a number: said, nothing sent.
    select(&mut app, "shop_db");
    app.update(key('='));
    app.update(code(KeyCode::Backspace));
    type_text(&mut app, "many");
    let fx = app.update(code(KeyCode::Enter));
    assert!(sent(&fx).is_empty());
}

#[test]
fn drain_and_remove_ask_first() {
    let mut app = swarm_app(120, 20);
    command(&mut app, "nodes");
    select(&mut app, "worker-1");
    let fx = app.update(key('s'));
    assert!(sent(&fx).is_empty());
    let Mode::Confirm(c) = &app.mode else {
        panic!("no confirmation: {:?}", app.mode)
    };
    assert!(c.objects.iter().any(|o| o.contains("worker-1")), "{c:?}");
    snap("swarm_drain_confirm", &app);
    let fx = app.update(key('y'));
    assert_eq!(
        sent(&fx),
        [Command::Swarm {
            op: SwarmOp::NodeAvailability {
                id: NodeId::from("node2bbbbbbbbbbbb"),
                name: "worker-1".into(),
                availability: Availability::Drain,
            }
        }]
    );
    command(&mut app, "stacks");
    app.update(key('D'));
    let Mode::Confirm(c) = &app.mode else {
        panic!("no confirmation")
    };
    assert_eq!(c.objects, ["shop: shop_db", "shop: shop_web"]);
}

#[test]
fn a_secret_value_is_typed_hidden_and_never_drawn() {
    let mut app = swarm_app(120, 20);
    command(&mut app, "secrets");
    app.update(key('c'));
    type_text(&mut app, "api_key");
    app.update(code(KeyCode::Enter));
    type_text(&mut app, "hunter2-value");
    let screen = render(&app);
    assert!(!screen.contains("hunter2"), "{screen}");
    assert!(screen.contains("hidden"), "{screen}");
    let fx = app.update(code(KeyCode::Enter));
    let cmds = sent(&fx);
    let [Command::Swarm {
        op:
            SwarmOp::CreateSecret {
                name,
                source: SecretSource::Text { value },
            },
    }] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        (name.as_str(), value.expose()),
        ("api_key", "hunter2-value")
    );
    assert!(!render(&app).contains("hunter2"));
    // `NAME < FILE` reads the file in the core: only the path travels.
    app.update(key('c'));
    type_text(&mut app, "cert < /tmp/cert.pem");
    let fx = app.update(code(KeyCode::Enter));
    assert!(matches!(
        sent(&fx).as_slice(),
        [Command::Swarm { op: SwarmOp::CreateSecret { source: SecretSource::File { path }, .. } }]
            if path == "/tmp/cert.pem"
    ));
}

#[test]
fn l_on_a_service_opens_its_merged_logs_and_c_on_configs_asks_name_then_text() {
    let mut app = swarm_app(120, 10);
    command(&mut app, "services");
    select(&mut app, "shop_web");
    let fx = app.update(key('L'));
    let opened = fx.iter().find_map(|e| match e {
        Effect::OpenMergedLogs { sel, .. } => Some(sel.clone()),
        _ => None,
    });
    assert_eq!(
        opened,
        Some(wharf_core::streams::Selection::Service("shop_web".into()))
    );
    command(&mut app, "configs");
    app.update(key('c'));
    assert!(render(&app).contains("config name"));
    for c in "app.ini".chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter));
    assert!(render(&app).contains("config data (one line)"));
    for c in "a=1".chars() {
        app.update(key(c));
    }
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(
        sent(&fx),
        vec![Command::Swarm {
            op: SwarmOp::CreateConfig {
                name: "app.ini".into(),
                source: wharf_core::engine::ConfigSource::Text {
                    value: "a=1".into()
                },
            }
        }]
    );
}
