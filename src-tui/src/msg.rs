//! What happened (`Msg`) and what the loop must do about it (`Effect`). Failures arrive as
//! the core's `CoreError`, kind and hint included; the app words them.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyEvent, MouseEvent};
use wharf_core::command::{Command, Outcome};
use wharf_core::engine::connect::ContextSummary;
use wharf_core::engine::{
    BuildEvent, HistoryEntry, ImageUpdateEvent, ImageUpdatePlan, LogOptions, Processes,
    RegistryCredentials, Save, SaveOutcome, SaveTarget, SearchQuery, SearchResult, Secret,
    TagUpdate, TransferEvent,
};
use wharf_core::error::CoreError;
use wharf_core::history::{HistoryRange, HistorySeries};
use wharf_core::model::{
    ContainerId, CopyProgress, CopyReport, DirListing, DiskUsage, FileChange, Image, ImageId,
    PruneTarget,
};
use wharf_core::rules::prune::PrunePlan;
use wharf_core::spec::build::BuildPlan;
use wharf_core::store::Snapshot;
use wharf_core::streams::StatsView;

/// What a compose run reports to the app: a line of output (inert), then how it ended.
#[derive(Debug)]
pub enum ComposeUpdate {
    Line(String),
    Finished(Result<(), CoreError>),
}

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
    /// A directory listing of the open container's Files tab.
    Listing {
        id: ContainerId,
        dir: String,
        result: Result<DirListing, CoreError>,
    },
    /// `docker diff` of the open container.
    Changes {
        id: ContainerId,
        result: Result<Vec<FileChange>, CoreError>,
    },
    /// The copy in flight moved bytes.
    CopyProgress(CopyProgress),
    /// The copy in flight ended.
    CopyDone(Result<CopyReport, CoreError>),
    /// Alerts fired since the last look, newest first (`first`: the look at start).
    Alerts {
        first: bool,
        result: Result<Vec<wharf_core::model::FiredAlert>, String>,
    },
    /// An event of build `gen` (its last is `Done` or an error).
    Build {
        gen: u64,
        event: Result<BuildEvent, CoreError>,
    },
    /// Output and the end of compose run `gen`.
    Compose {
        gen: u64,
        update: ComposeUpdate,
    },
    /// What `:search term` found.
    SearchResults {
        term: String,
        result: Result<Vec<SearchResult>, CoreError>,
    },
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
    /// What an archive search found (asked by [`Effect::ArchiveSearch`]).
    ArchiveFound(Result<wharf_core::history::ArchiveResult, CoreError>),
    /// What turning archiving on or off did, to say (asked by [`Effect::ArchiveSet`]).
    ArchiveSet(Result<String, CoreError>),
    /// The recorded history of container `id` over `range` (asked by
    /// [`Effect::LoadStatsHistory`]).
    StatsHistory {
        id: ContainerId,
        range: HistoryRange,
        result: Result<HistorySeries, CoreError>,
    },
    /// Where saving a login would go, for the login being typed.
    LoginTarget {
        host: String,
        user: String,
        password: Secret,
        target: Result<SaveTarget, CoreError>,
    },
    Login(Result<SaveOutcome, CoreError>),
    /// The plan of a bulk image update (asked by [`Effect::PlanImageUpdates`]).
    ImageUpdatePlan(Result<ImageUpdatePlan, CoreError>),
    /// Progress or the end of bulk image update `job` (run in the transfer view).
    ImageUpdate {
        job: u64,
        event: Result<ImageUpdateEvent, CoreError>,
    },
    /// The docker contexts (for `:ctx`'s picker and completion).
    Contexts(Result<Vec<ContextSummary>, CoreError>),
    /// A switch to context `name` ended: the loop already follows the new engine (`Ok`), or
    /// kept the current one (`Err`).
    Switched {
        name: String,
        result: Result<Switched, CoreError>,
    },
    /// How a dashboard export to `path` ended (asked by [`Effect::ExportDash`]).
    DashExported {
        path: PathBuf,
        result: Exported,
    },
    /// The recorded events and fired alerts of a dashboard's scope over its 15 minutes
    /// (asked by [`Effect::LoadDashMarkers`]).
    DashMarkers {
        scope: wharf_core::streams::DashScope,
        result: Result<Vec<wharf_core::history::HistoryMarker>, CoreError>,
    },
    /// The alert rules in use, one line each (a webhook as its host and header names only).
    AlertRules(Vec<String>),
    /// How container `id`'s Stats export to `path` ended (asked by [`Effect::ExportStats`]).
    StatsExported {
        id: ContainerId,
        path: PathBuf,
        result: Exported,
    },
}

/// How writing a dashboard export ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exported {
    Written,
    /// The file exists and overwriting was not asked for: nothing was written.
    Exists,
    Failed(String),
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
    /// A confirmed bulk image update: pulls, then one recreate per container.
    UpdateImages(Box<ImageUpdatePlan>),
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
    /// Merged logs of what the selection picks (the loop gives the core the live store).
    OpenMergedLogs {
        sel: wharf_core::streams::Selection,
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
    /// Start build `gen` (a running build is cancelled first: one at a time).
    Build {
        gen: u64,
        plan: BuildPlan,
    },
    /// Cancel the running build (its stream is dropped).
    CancelBuild,
    /// Run a compose command (`Command::Compose` or a confirmed `ComposeDown`) with the
    /// session's engine, its output streamed as [`Msg::Compose`] (one run at a time).
    Compose {
        gen: u64,
        cmd: Command,
    },
    /// Drop the running compose command (the core kills the tool and its process group).
    CancelCompose,
    Search(SearchQuery),
    ListDir {
        id: ContainerId,
        dir: String,
    },
    LoadChanges(ContainerId),
    /// Copy `src` out of the container into the host folder `dest` (one copy at a time).
    CopyOut {
        id: ContainerId,
        src: String,
        dest: PathBuf,
        overwrite: bool,
    },
    /// Copy the host path `src` into the container directory `dest`.
    CopyIn {
        id: ContainerId,
        src: PathBuf,
        dest: String,
    },
    /// Drop the copy in flight (the core removes what a copy out wrote).
    CancelCopy,
    /// Plan a bulk image update of these containers (the core asks their registries).
    PlanImageUpdates(Vec<ContainerId>),
    /// Read container `id`'s recorded stats over `range` from the history database
    /// (answered by [`Msg::StatsHistory`]).
    LoadStatsHistory {
        id: ContainerId,
        range: HistoryRange,
    },
    /// List the docker contexts (answered by [`Msg::Contexts`]).
    ListContexts,
    /// Connect to context `name` in the background and switch to it once it answers
    /// (answered by [`Msg::Switched`]).
    SwitchContext(String),
    /// The same for an address (`:host URL`).
    SwitchHost(String),
    /// Search the log archive (the loop fills in the engine; answered by
    /// [`Msg::ArchiveFound`]).
    ArchiveSearch(wharf_core::history::ArchiveQuery),
    /// Archive `selector`'s logs (or stop) on this engine (answered by [`Msg::ArchiveSet`]).
    ArchiveSet {
        selector: String,
        on: bool,
    },
    /// Ring the terminal's bell (an alert arrived).
    Bell,
    /// Draw the dashboard's graphs (PNG or SVG by the path's extension) or write them as CSV
    /// into `path`; an existing file is replaced only with `overwrite`.
    ExportDash {
        path: PathBuf,
        series: Box<wharf_core::chart::dash::DashSeries>,
        markers: Vec<wharf_core::history::HistoryMarker>,
        dark: bool,
        overwrite: bool,
    },
    /// Show the fleet (`:fleet`, or Esc at the top of an engine opened from it): the loop
    /// ends and hands its session to the fleet (`fleet_nav`).
    Fleet,
    /// Read the markers (events, alerts) of a dashboard's scope over the last 15 minutes
    /// from the history database (answered by [`Msg::DashMarkers`]).
    LoadDashMarkers(wharf_core::streams::DashScope),
    /// Draw container `id`'s Stats graphs of `samples` (PNG or SVG by the path's extension)
    /// with its markers over their last `window_secs`, read from the history database for the
    /// container's series key, into `path` (answered by [`Msg::StatsExported`]); an existing
    /// file is replaced only with `overwrite`.
    ExportStats {
        id: ContainerId,
        path: PathBuf,
        samples: Vec<wharf_core::model::Sample>,
        window_secs: u32,
        overwrite: bool,
    },
}
