//! `:update`, `:connect`, `:disconnect` and `:create network` through `App::update`: the
//! words become the core's commands (values untouched: the core parses them), disconnect asks
//! first, a bad key is explained and sends nothing.

use crossterm::event::KeyCode;
use wharf_core::command::Command;
use wharf_core::spec::network::NetworkForm;
use wharf_core::spec::update::UpdateForm;

use crate::app::App;
use crate::msg::Effect;
use crate::prompt::Mode;
use crate::view::tests::fixtures::*;

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

fn sent(fx: &[Effect]) -> Vec<Command> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Execute { cmd, .. } => Some(cmd.clone()),
            _ => None,
        })
        .collect()
}

fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

fn selected(app: &App) -> wharf_core::model::ContainerId {
    match &app.selected_row().expect("row").key {
        crate::kinds::RowKey::Container(id) => id.clone(),
        k => panic!("{k:?}"),
    }
}

#[test]
fn update_sends_the_typed_values_to_the_core() {
    let mut app = app(120, 40);
    let id = selected(&app);
    let fx = command_line(
        &mut app,
        "update memory=256m swap=-1 cpus=1.5 restart=always pids=200",
    );
    assert_eq!(
        sent(&fx),
        [Command::Update {
            id,
            limits: Box::new(UpdateForm {
                memory: "256m".into(),
                memory_swap: "-1".into(),
                cpus: "1.5".into(),
                restart: "always".into(),
                pids_limit: "200".into(),
                ..Default::default()
            }),
        }]
    );
    let fx = command_line(&mut app, "update colour=blue");
    assert!(sent(&fx).is_empty());
    assert!(
        toast(&app).contains("unknown setting \"colour\""),
        "{}",
        toast(&app)
    );
}

#[test]
fn connect_sends_aliases_and_disconnect_asks_first() {
    let mut app = app(120, 40);
    let id = selected(&app);
    let fx = command_line(&mut app, "connect backend web,www");
    assert_eq!(
        sent(&fx),
        [Command::Connect {
            network: "backend".into(),
            container: id.clone(),
            aliases: vec!["web".into(), "www".into()],
        }]
    );
    let fx = command_line(&mut app, "disconnect backend");
    assert!(sent(&fx).is_empty(), "asks first");
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(c.title.starts_with("Disconnect "), "{}", c.title);
    let fx = app.update(key('y'));
    assert_eq!(
        sent(&fx),
        [Command::Disconnect {
            network: "backend".into(),
            container: id,
            force: false,
        }]
    );
}

#[test]
fn create_network_takes_options_from_the_command_line_and_the_prompt() {
    let mut app = app(120, 40);
    let want = Command::CreateNetwork {
        name: "backend".into(),
        driver: Some("bridge".into()),
        internal: true,
        options: Box::new(NetworkForm {
            subnet: "10.5.0.0/16".into(),
            gateway: "10.5.0.1".into(),
            ip_range: "10.5.1.0/24".into(),
            options: vec!["com.docker.network.driver.mtu=1400".into()],
            attachable: true,
            labels: vec!["team=a".into()],
        }),
    };
    let line = "backend subnet=10.5.0.0/16 gateway=10.5.0.1 ip-range=10.5.1.0/24 driver=bridge opt=com.docker.network.driver.mtu=1400 label=team=a internal attachable";
    let fx = command_line(&mut app, &format!("create network {line}"));
    assert_eq!(sent(&fx), std::slice::from_ref(&want));
    // The networks view's create prompt takes the same words.
    let fx = app.on_prompt_submit(crate::prompt::PromptKind::CreateNetwork, line);
    assert_eq!(sent(&fx), [want]);
    let fx = command_line(&mut app, "create network x mtu=1");
    assert!(sent(&fx).is_empty());
    assert!(
        toast(&app).contains("unknown network option"),
        "{}",
        toast(&app)
    );
}
