//! Merged logs for the page: the logs of a compose project, a label selection or chosen
//! containers, in time order with coloured prefixes (the core's `streams::merged`), streamed
//! like one container's logs and saved the same way.

use std::time::Duration;

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use wharf_core::engine::LogOptions;
use wharf_core::model::ContainerId;
use wharf_core::streams::{LogBuffer, MergedEvent, MergedFollower, Selection};
use wharf_core::{CoreError, ErrorKind};

use crate::commands::{file_name, write_download, CmdResult, LogRequest, Saved};
use crate::streams::{pump, LogBatch, LogSource};
use crate::Desk;

/// Which containers the page merges.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MergedSelection {
    Project {
        name: String,
    },
    Label {
        key: String,
        value: Option<String>,
    },
    Containers {
        ids: Vec<ContainerId>,
    },
    /// Every task of a Swarm service, on every node.
    Service {
        name: String,
    },
}

impl From<MergedSelection> for Selection {
    fn from(s: MergedSelection) -> Selection {
        match s {
            MergedSelection::Project { name } => Selection::Project(name),
            MergedSelection::Label { key, value } => Selection::Label { key, value },
            MergedSelection::Containers { ids } => Selection::Containers(ids),
            MergedSelection::Service { name } => Selection::Service(name),
        }
    }
}

/// Follow the merged logs of `selection` (an error naming it when it picks nothing now).
/// Async: the core starts its readers on the runtime it is called on.
#[tauri::command]
pub async fn logs_merged_start(
    desk: State<'_, Desk>,
    selection: MergedSelection,
    request: LogRequest,
    channel: Channel<LogBatch>,
) -> CmdResult<u64> {
    let timestamps = request.timestamps;
    let follower = {
        let link = desk.link();
        let live = link.live()?;
        MergedFollower::start(
            &live.engine,
            live.store.subscribe(),
            selection.into(),
            &request.into(),
        )?
    };
    let task = tauri::async_runtime::spawn(pump(LogSource::Merged(follower), timestamps, channel));
    Ok(desk.streams.add(task, None))
}

/// How long saving merged logs may take (each source's whole log, then the merge).
const SAVE_DEADLINE: Duration = Duration::from_secs(60);

/// Save the merged logs of `selection` (each source's whole log, up to 100 000 lines in all,
/// prefixed, inert) to the download directory.
#[tauri::command]
pub async fn logs_merged_save<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    selection: MergedSelection,
    name: String,
    timestamps: bool,
) -> CmdResult<Saved> {
    let mut follower = {
        let link = desk.link();
        let live = link.live()?;
        let opts = LogOptions {
            follow: false,
            tail: None,
            timestamps,
            ..LogOptions::default()
        };
        MergedFollower::start(
            &live.engine,
            live.store.subscribe(),
            selection.into(),
            &opts,
        )?
    };
    let mut buf = LogBuffer::new(100_000, timestamps);
    let read = async {
        while let Some(MergedEvent::Line(l)) = follower.recv().await {
            buf.push_line(l);
        }
    };
    tokio::time::timeout(SAVE_DEADLINE, read)
        .await
        .map_err(|_| {
            CoreError::new(
                ErrorKind::Unavailable,
                format!("the logs did not arrive within {SAVE_DEADLINE:?}"),
            )
        })?;
    write_download(
        &app,
        file_name(&name, "log"),
        buf.to_text(timestamps).as_bytes(),
    )
}
