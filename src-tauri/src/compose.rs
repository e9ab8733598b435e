//! Compose from the page: `up -d`, `down`, `pull`, `build` of a project of the live model (or
//! `up` of a compose file the user names), run by the core with the session's engine, its
//! output over a Channel; `stream_stop` drops the run, and the core kills the tool and its
//! process group. Read-only refuses; `down` runs only `confirmed` (the page's dialog named
//! the containers and the networks: `ComposeProject::down_confirmation`, which
//! `compose_down_plan` gives it). Project start/stop/restart/remove are the containers' own
//! commands on the ids the project lists (`command::project_commands`), through `execute`.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use wharf_core::command::{project_commands, Command, ProjectAction};
use wharf_core::compose::{
    self, ComposeAction, ComposeEvent, ComposeRun, ComposeTarget, ComposeTool,
};
use wharf_core::error::ErrorReport;
use wharf_core::rules::compose::{project, ComposeProject};
use wharf_core::streams::text::inert;
use wharf_core::CoreError;

use crate::commands::{refuse_in_read_only, CmdResult};
use crate::Desk;

/// What a compose run sends the page: output lines (inert), then how it ended.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComposeProgress {
    Started { command: String },
    Line { text: String, stderr: bool },
    Finished { error: Option<ErrorReport> },
}

/// What the page's `down` dialog shows: one line per container, and the networks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DownPlan {
    pub project: String,
    pub lines: Vec<String>,
}

fn current_project(desk: &Desk, name: &str) -> CmdResult<ComposeProject> {
    let link = desk.link();
    let snap = link.live()?.store.snapshot();
    project(&snap, name).ok_or_else(|| {
        ErrorReport::from(CoreError::not_found(format!(
            "compose project {} has no containers",
            inert(name)
        )))
    })
}

/// The confirmation of `down` for project `name`, from the live model (inert).
#[tauri::command]
pub fn compose_down_plan(desk: State<'_, Desk>, name: String) -> CmdResult<DownPlan> {
    let p = current_project(&desk, &name)?;
    Ok(DownPlan {
        project: inert(&p.name).into_owned(),
        lines: p
            .down_confirmation()
            .iter()
            .map(|l| inert(l).into_owned())
            .collect(),
    })
}

/// Start, stop, restart or remove every container of project `name`, by the ids the live
/// model lists; remove needs `confirmed`. One result per container (`execute`).
#[tauri::command]
pub async fn project_action(
    desk: State<'_, Desk>,
    name: String,
    action: ProjectAction,
    confirmed: bool,
) -> CmdResult<Vec<Option<ErrorReport>>> {
    refuse_in_read_only(&desk, &format!("{action:?} project {}", inert(&name)))?;
    let p = current_project(&desk, &name)?;
    let cmds = project_commands(&p, action);
    if cmds.iter().any(Command::is_destructive) && !confirmed {
        return Err(ErrorReport::from(CoreError::invalid_input(format!(
            "{action:?} project {}: needs confirmation",
            inert(&name)
        ))));
    }
    let engine = desk.link().live()?.engine.clone();
    let mut out = Vec::new();
    for cmd in &cmds {
        out.push(
            wharf_core::command::execute(&engine, cmd)
                .await
                .err()
                .map(|e| ErrorReport::from(&e)),
        );
    }
    Ok(out)
}

/// Run `action` on project `project` (from its labels) or, for `up`, on the compose file
/// `file`; the output over `channel`. Returns the stream id for `stream_stop`.
#[tauri::command]
pub async fn compose_run(
    desk: State<'_, Desk>,
    project: Option<String>,
    file: Option<String>,
    action: ComposeAction,
    confirmed: bool,
    channel: Channel<ComposeProgress>,
) -> CmdResult<u64> {
    let target = match (&project, &file) {
        (Some(name), None) => ComposeTarget::of_project(&current_project(&desk, name)?)?,
        (None, Some(file)) if action == ComposeAction::Up => {
            ComposeTarget::of_file(std::path::Path::new(file.trim()))?
        }
        _ => {
            return Err(ErrorReport::from(CoreError::invalid_input(
                "compose needs a project, or a file for up",
            )))
        }
    };
    let cmd = match action {
        ComposeAction::Down => Command::ComposeDown { target },
        run => Command::Compose { target, run },
    };
    refuse_in_read_only(&desk, &cmd.to_string())?;
    if cmd.is_destructive() && !confirmed {
        return Err(ErrorReport::from(CoreError::invalid_input(format!(
            "{cmd}: needs confirmation"
        ))));
    }
    let (Command::Compose { target, .. } | Command::ComposeDown { target }) = &cmd else {
        return Err(ErrorReport::from(CoreError::invalid_input("not compose")));
    };
    let tool = ComposeTool::detect().await?;
    let engine = desk.link().live()?.engine.clone();
    let run = compose::run(&engine, &tool, target, action)?;
    let task = tauri::async_runtime::spawn(forward(run, channel));
    Ok(desk.streams.add(task, None))
}

async fn forward(mut run: ComposeRun, ch: Channel<ComposeProgress>) {
    let command = run.command().to_owned();
    if ch.send(ComposeProgress::Started { command }).is_err() {
        return;
    }
    while let Some(ev) = run.next().await {
        let msg = match ev {
            ComposeEvent::Line { text, stderr } => ComposeProgress::Line { text, stderr },
            ComposeEvent::Finished(r) => ComposeProgress::Finished {
                error: r.err().map(|e| ErrorReport::from(&e)),
            },
        };
        // The page went away: returning drops the run, which kills the tool.
        if ch.send(msg).is_err() {
            return;
        }
    }
}
