//! What happened (`Msg`) and what the loop must do about it (`Effect`). Failures arrive as
//! the core's `CoreError`, kind and hint included; the app words them.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyEvent, MouseEvent};
use wharf_core::command::{Command, Outcome};
use wharf_core::engine::connect::ContextSummary;
use wharf_core::engine::{
    HistoryEntry, LogOptions, Processes, RegistryCredentials, Save, SaveOutcome, SaveTarget,
    Secret, TagUpdate, TransferEvent,
};
use wharf_core::error::CoreError;
use wharf_core::model::{ContainerId, DiskUsage, Image, ImageId, PruneTarget};
use wharf_core::rules::prune::PrunePlan;
use wharf_core::store::Snapshot;
use wharf_core::streams::StatsView;

/// Everything that can change the app's state.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock moved (Unix milliseconds).
    Tick(i64),
    Snapshot(Arc<Snapshot>),
    Stats(Arc<StatsView>),
    /// A command finished; `req` identifies it.
    Outcome {
        req: u64,
        result: Result<Outcome, CoreError>,
    },
    Inspect {
        id: ContainerId,
        result: Result<serde_json::Value, CoreError>,
    },
    Top {
        id: ContainerId,
        result: Result<Processes, CoreError>,
    },
    DiskUsage(Result<Vec<DiskUsage>, CoreError>),
    /// What a prune would remove, listed by the engine (asked by [`Effect::PlanPrune`]).
    PrunePlan(Result<PrunePlan, CoreError>),
    /// The log stream of the open container ended (`Some(error)` when it failed).
    LogsEnded(Option<CoreError>),
    ExecDone(Result<String, String>),
    Saved(Result<PathBuf, String>),
    /// A container's configuration as a run form, for editing (asked by
    /// [`Effect::LoadRunForm`]).
    RunForm {
        id: ContainerId,
        result: Result<Box<wharf_core::spec::run::RunForm>, CoreError>,
    },
    /// Progress or the end of transfer `job` (pull, push, save, load).
    Transfer {
        job: u64,
        event: Result<TransferEvent, CoreError>,
    },
    History {
        id: ImageId,
        result: Result<Vec<HistoryEntry>, CoreError>,
    },
    /// An update check's results.
    Updates(Vec<TagUpdate>),
    /// Where saving a login would go, for the login being typed.
    LoginTarget {
        host: String,
        user: String,
        password: Secret,
        target: Result<SaveTarget, CoreError>,
    },
    Login(Result<SaveOutcome, CoreError>),
    /// The docker contexts (for `:ctx`'s picker and completion).
    Contexts(Result<Vec<ContextSummary>, CoreError>),
    /// A switch to context `name` ended: the loop already follows the new engine (`Ok`), or
    /// kept the current one (`Err`).
    Switched {
        name: String,
        result: Result<Switched, CoreError>,
    },
}

/// What the loop reports once a switch's new session is connected (it keeps the session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    pub endpoint: String,
    pub context: Option<String>,
    pub tls_unverified: bool,
}

/// A long image transfer the loop runs as a stream (cancelled by dropping it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferJob {
    Pull(String),
    Push(String),
    /// Images (ids) into a tarball; `overwrite` only after the user said so.
    Save {
        images: Vec<String>,
        path: PathBuf,
        overwrite: bool,
    },
    Load(PathBuf),
}

/// Work for the loop; the app never does I/O itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Execute {
        req: u64,
        cmd: Command,
    },
    OpenLogs {
        id: ContainerId,
        opts: LogOptions,
    },
    CloseLogs,
    LoadInspect(ContainerId),
    LoadTop(ContainerId),
    LoadDiskUsage,
    /// List what pruning `target` would remove, for the confirmation.
    PlanPrune(PruneTarget),
    Exec {
        id: ContainerId,
        cmd: Vec<String>,
    },
    /// Copy to the clipboard through OSC 52.
    Copy(String),
    SaveLogs {
        path: PathBuf,
        text: String,
    },
    /// Read container `id`'s configuration as a run form (the edit prefill).
    LoadRunForm(ContainerId),
    StartTransfer {
        job: u64,
        what: TransferJob,
    },
    CancelTransfer(u64),
    LoadHistory(ImageId),
    CheckUpdates(Vec<Image>),
    LoginTarget {
        host: String,
        user: String,
        password: Secret,
    },
    Login {
        creds: RegistryCredentials,
        save: Save,
    },
    /// List the docker contexts (answered by [`Msg::Contexts`]).
    ListContexts,
    /// Connect to context `name` in the background and switch to it once it answers
    /// (answered by [`Msg::Switched`]).
    SwitchContext(String),
    /// The same for an address (`:host URL`).
    SwitchHost(String),
}
