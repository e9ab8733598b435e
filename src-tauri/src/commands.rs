//! The page's commands: a few lines each — parse, call the core, map the error to
//! `{kind, message, hint}` ([`ErrorReport`]). No Docker logic lives here.
//!
//! Invariants kept here because the page cannot be trusted with them: read-only mode refuses
//! every mutating command and exec; a destructive command runs only with `confirmed: true`,
//! which the page sets after its confirmation dialog named the objects; files are written
//! only to the user's download directory under names this side chooses.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use wharf_core::chart::{self, ChartOptions, Metric};
use wharf_core::command::{self, Command, Outcome, SwarmOp};
use wharf_core::destroy::plan_prune;
use wharf_core::engine::connect::{list_contexts, ContextSummary};
use wharf_core::engine::{ExecSpec, LogOptions, Processes, SearchQuery, SearchResult};
use wharf_core::error::ErrorReport;
use wharf_core::history::{self, HistoryRange, HistorySeries, SeriesKey};
use wharf_core::model::{ContainerId, DiskUsage, EngineInfo, PruneTarget, Sample, SshCost};
use wharf_core::rules::findings::{of_container, Finding};
use wharf_core::rules::prune::PrunePlan;
use wharf_core::rules::removal::container_removal;
use wharf_core::rules::secrets::display_preview;
use wharf_core::session::Session;
use wharf_core::spec::build::{BuildFieldError, BuildForm};
use wharf_core::spec::run::{RunForm, RunPreview};
use wharf_core::streams::logs::fetch;
use wharf_core::{CoreError, ErrorKind};

use crate::link::{Link, SnapshotPayload};
use crate::streams::{
    self, BuildBatch, ExecControl, ExecEvent, LogBatch, SeriesRequest, StatsUpdate,
};
use crate::Desk;

pub type CmdResult<T> = Result<T, ErrorReport>;

pub(crate) fn refuse_in_read_only(desk: &Desk, what: &str) -> CmdResult<()> {
    if desk.read_only {
        return Err(ErrorReport::from(
            CoreError::new(
                ErrorKind::Denied,
                format!("{what}: Wharf is in read-only mode"),
            )
            .with_hint("restart Wharf without --read-only to change the engine"),
        ));
    }
    Ok(())
}

/// Facts the page needs before the first snapshot.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppInfo {
    pub version: &'static str,
    pub read_only: bool,
    pub endpoint: String,
    pub context: Option<String>,
    /// The engine's certificate is not verified: the header shows `TLS NOT VERIFIED`.
    pub tls_unverified: bool,
    /// `--view`: the page opens this instead of its last view.
    pub initial_view: Option<String>,
}

#[tauri::command]
pub fn app_info(desk: State<'_, Desk>) -> AppInfo {
    let link = desk.link();
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        read_only: desk.read_only,
        endpoint: link.endpoint.clone(),
        context: link.context.clone(),
        tls_unverified: link.tls_unverified,
        initial_view: desk.initial_view.clone(),
    }
}

#[tauri::command]
pub fn snapshot(desk: State<'_, Desk>) -> SnapshotPayload {
    let link = desk.link();
    SnapshotPayload::new(link, desk.read_only)
}

#[tauri::command]
pub async fn execute(desk: State<'_, Desk>, cmd: Command, confirmed: bool) -> CmdResult<Outcome> {
    // Every command changes the engine (the core's engine handle refuses them too).
    refuse_in_read_only(&desk, &cmd.to_string())?;
    if cmd.is_destructive() && !confirmed {
        return Err(ErrorReport::from(CoreError::invalid_input(format!(
            "{cmd}: needs confirmation"
        ))));
    }
    let link = desk.link();
    let live = link.live()?;
    Ok(command::execute(&live.engine, &cmd).await?)
}

/// What a swarm change is before it is sent: whether it must be confirmed (the core's
/// `SwarmOp::is_destructive`: a drain is, an activate is not) and the sentence naming it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SwarmPreview {
    pub destructive: bool,
    pub text: String,
}

/// The page asks this before running a swarm op (`execute` refuses an unconfirmed
/// destructive one anyway). Bad input (an empty secret, an image that is no reference) is
/// refused here with the core's message, before any dialog.
#[tauri::command]
pub async fn swarm_preview(op: SwarmOp) -> CmdResult<SwarmPreview> {
    op.validate()?;
    Ok(SwarmPreview {
        destructive: op.is_destructive(),
        text: op.to_string(),
    })
}

/// What pruning `target` would remove now: the exact objects the page lists in its
/// confirmation and then sends back in `Command::Prune`, which removes only those.
#[tauri::command]
pub async fn prune_plan(desk: State<'_, Desk>, target: PruneTarget) -> CmdResult<PrunePlan> {
    refuse_in_read_only(&desk, "prune")?;
    let link = desk.link();
    let live = link.live()?;
    Ok(plan_prune(&live.engine, target).await?)
}

/// How removing one container goes, by the core's rule: the command to send and the sentence
/// the confirmation must show ("web is running and will be killed").
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Removal {
    pub command: Command,
    pub name: String,
    pub warning: Option<String>,
}

#[tauri::command]
pub fn container_removals(desk: State<'_, Desk>, ids: Vec<ContainerId>) -> CmdResult<Vec<Removal>> {
    let link = desk.link();
    let snap = link.snapshot();
    ids.into_iter()
        .map(|id| {
            let c = snap.containers.get(&id).ok_or_else(|| {
                ErrorReport::from(CoreError::not_found(format!("no container {id}")))
            })?;
            // The name is shown in the page's dialog: inert, as every engine string.
            let name = wharf_core::streams::text::inert(&c.name).into_owned();
            let rule = container_removal(&name, c.state);
            Ok(Removal {
                command: Command::Remove {
                    id,
                    force: rule.force,
                    volumes: false,
                },
                name,
                warning: rule.warning,
            })
        })
        .collect()
}

/// A container's inspect document, made inert for display by the core, with secret env values
/// masked unless the user asked to see them (`reveal: true`, after a click on "Reveal").
#[tauri::command]
pub async fn inspect(
    desk: State<'_, Desk>,
    id: ContainerId,
    reveal: Option<bool>,
) -> CmdResult<serde_json::Value> {
    let link = desk.link();
    let live = link.live()?;
    let mut doc = live.engine.inspect_container_json(id.as_str()).await?;
    if !reveal.unwrap_or(false) {
        wharf_core::rules::secrets::mask_inspect(&mut doc);
    }
    wharf_core::rules::inert::json(&mut doc);
    Ok(doc)
}

/// The run form's preview as the user types: wharf-core's errors per field, and when the form is
/// valid its security findings and the `docker run` line. The line shows secret-looking env
/// values masked (`rules::secrets`, as everywhere Wharf shows or copies env values) unless the
/// user asked to see them (`reveal: true`). Allowed in read-only mode: it changes nothing.
#[tauri::command]
pub async fn run_preview(form: RunForm, reveal: Option<bool>) -> CmdResult<RunPreview> {
    // Parsing reads the env file the form names: off the async workers (and off the main
    // thread, where a sync command would run).
    tauri::async_runtime::spawn_blocking(move || preview_masked(&form, reveal.unwrap_or(false)))
        .await
        .map_err(|e| {
            ErrorReport::from(CoreError::new(
                ErrorKind::Cancelled,
                format!("run preview: {e}"),
            ))
        })
}

/// `spec::run::preview` with the command line's secret env values masked unless `reveal`
/// (wharf-core's `display_preview`, as the terminal shows it).
pub fn preview_masked(form: &RunForm, reveal: bool) -> RunPreview {
    let (mut preview, shown) = display_preview(form);
    if !reveal {
        preview.docker_run = shown;
    }
    preview
}

/// The security findings of one container, from the store's inspected data by wharf-core's
/// rules; `not_found` for an unknown container, `unavailable` while it is not inspected yet.
#[tauri::command]
pub fn container_findings(desk: State<'_, Desk>, id: ContainerId) -> CmdResult<Vec<Finding>> {
    let link = desk.link();
    let snap = link.snapshot();
    let c = snap
        .containers
        .get(&id)
        .ok_or_else(|| ErrorReport::from(CoreError::not_found(format!("no container {id}"))))?;
    let mut list = of_container(c).ok_or_else(|| {
        ErrorReport::from(
            CoreError::new(
                ErrorKind::Unavailable,
                format!("{} is not inspected yet", c.name),
            )
            .with_hint("try again in a moment"),
        )
    })?;
    // Details quote engine strings (mount paths, image names): inert, as every engine string.
    for f in &mut list {
        f.detail = wharf_core::streams::text::inert(&f.detail).into_owned();
    }
    Ok(list)
}

#[tauri::command]
pub async fn top(desk: State<'_, Desk>, id: ContainerId) -> CmdResult<Processes> {
    let link = desk.link();
    let procs = link.live()?.engine.top(id.as_str()).await?;
    // Process command lines are the container's to choose: inert before the page shows them.
    Ok(wharf_core::rules::inert::processes(procs))
}

#[tauri::command]
pub async fn disk_usage(desk: State<'_, Desk>) -> CmdResult<Vec<DiskUsage>> {
    let link = desk.link();
    Ok(link.live()?.engine.disk_usage().await?)
}

/// What reaching the engine over SSH costs now: connections, sessions in use and ssh
/// processes (`null` for the other transports). Counters in the engine handle, no request.
#[tauri::command]
pub async fn ssh_cost(desk: State<'_, Desk>) -> CmdResult<Option<SshCost>> {
    let link = desk.link();
    Ok(link.live()?.engine.ssh_cost())
}

#[tauri::command]
pub async fn engine_info(desk: State<'_, Desk>) -> CmdResult<EngineInfo> {
    let link = desk.link();
    let info = link.live()?.engine.info().await?;
    Ok(wharf_core::rules::inert::engine_info(&info).into_owned())
}

/// Which part of a log the page asks for.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogRequest {
    pub tail: Option<usize>,
    pub timestamps: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub follow: bool,
}

impl From<LogRequest> for LogOptions {
    fn from(r: LogRequest) -> Self {
        LogOptions {
            follow: r.follow,
            tail: r.tail,
            since: None,
            until: None,
            timestamps: r.timestamps,
            stdout: r.stdout,
            stderr: r.stderr,
        }
    }
}

#[tauri::command]
pub fn logs_start(
    desk: State<'_, Desk>,
    id: ContainerId,
    request: LogRequest,
    channel: Channel<LogBatch>,
) -> CmdResult<u64> {
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let task = tauri::async_runtime::spawn(streams::logs(engine, id.0, request.into(), channel));
    Ok(desk.streams.add(task, None))
}

/// Where a saved file went.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Saved {
    pub path: String,
    pub bytes: usize,
}

/// `WHARF_DOWNLOAD_DIR`, else the user's download directory, else the home directory
/// (created if missing).
fn download_dir<R: Runtime>(app: &AppHandle<R>) -> CmdResult<PathBuf> {
    let dir = std::env::var_os("WHARF_DOWNLOAD_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .ok_or(())
        .or_else(|()| app.path().download_dir())
        .or_else(|_| app.path().home_dir())
        .map_err(|e| {
            ErrorReport::from(CoreError::new(
                ErrorKind::Io,
                format!("no download directory: {e}"),
            ))
        })?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        ErrorReport::from(CoreError::new(
            ErrorKind::Io,
            format!("create {}: {e}", dir.display()),
        ))
    })?;
    Ok(dir)
}

/// A file name made only of safe characters from `stem`.
pub(crate) fn file_name(stem: &str, ext: &str) -> String {
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("wharf-{}-{secs}.{ext}", clean.trim_start_matches('.'))
}

pub(crate) fn write_download<R: Runtime>(
    app: &AppHandle<R>,
    name: String,
    data: &[u8],
) -> CmdResult<Saved> {
    let path = download_dir(app)?.join(name);
    std::fs::write(&path, data).map_err(|e| {
        ErrorReport::from(CoreError::new(
            ErrorKind::Io,
            format!("write {}: {e}", path.display()),
        ))
    })?;
    Ok(Saved {
        path: path.display().to_string(),
        bytes: data.len(),
    })
}

/// Save a container's whole log (up to 100 000 lines) to the download directory.
#[tauri::command]
pub async fn logs_save<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    id: ContainerId,
    name: String,
    timestamps: bool,
) -> CmdResult<Saved> {
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let opts = LogOptions {
        follow: false,
        tail: None,
        timestamps,
        ..LogOptions::default()
    };
    let buf = fetch(&engine, id.as_str(), &opts, 100_000).await?;
    write_download(
        &app,
        file_name(&name, "log"),
        buf.to_text(timestamps).as_bytes(),
    )
}

/// Stream the latest samples of `visible` and `focus` (of only the `top` highest CPU and
/// memory users, when given), and with `series` the focused container's new samples.
#[tauri::command]
pub fn stats_watch(
    desk: State<'_, Desk>,
    visible: Vec<ContainerId>,
    focus: Option<ContainerId>,
    series: Option<SeriesRequest>,
    top: Option<usize>,
    channel: Channel<StatsUpdate>,
) -> CmdResult<u64> {
    let link = desk.link();
    let live = link.live()?;
    live.stats.watch(visible.iter().cloned(), focus.clone());
    let views = live.stats.subscribe();
    let task =
        tauri::async_runtime::spawn(streams::stats(views, visible, focus, series, top, channel));
    Ok(desk.streams.add(task, None))
}

/// What the history database recorded for container `id` over `range` (the Stats tab's
/// 15m / 1h / 24h / 7d buttons): samples at the range's resolution and event markers, keyed by
/// the container's compose service or name so a recreated container's line goes on.
#[tauri::command]
pub async fn stats_history(
    desk: State<'_, Desk>,
    id: ContainerId,
    range: HistoryRange,
) -> CmdResult<HistorySeries> {
    let key = {
        let link = desk.link();
        let live = link.live()?;
        let snap = live.store.snapshot();
        let c = snap
            .containers
            .get(&id)
            .ok_or_else(|| ErrorReport::from(CoreError::not_found(format!("no container {id}"))))?;
        SeriesKey::of(&live.endpoint, c)
    };
    // SQLite is blocking: off the async workers.
    let read = move || history::read_range(&history::resolve_path(), &key, range);
    let result = tauri::async_runtime::spawn_blocking(read)
        .await
        .map_err(|e| ErrorReport::from(CoreError::new(ErrorKind::Io, e.to_string())))?;
    Ok(result?)
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Svg,
    Png,
}

/// Save a graph of the container's recent samples as SVG or PNG in the download directory,
/// with the container's markers (events and fired alerts of its compose service or name, as the
/// history keys it: `history::read_markers`, the dashboards' function) over the graph's window.
#[tauri::command]
pub async fn chart_export<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    id: ContainerId,
    name: String,
    metric: Metric,
    format: ImageFormat,
    options: ChartOptions,
) -> CmdResult<Saved> {
    let (samples, key) = {
        let link = desk.link();
        let live = link.live()?;
        let samples: Vec<Sample> = live
            .stats
            .view()
            .series
            .get(&id)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        // A container gone from the snapshot has no key: its graph has no markers.
        let key = live
            .store
            .snapshot()
            .containers
            .get(&id)
            .map(|c| SeriesKey::of(&live.endpoint, c));
        (samples, key)
    };
    let stem = format!("{name}-{metric:?}").to_lowercase();
    // SQLite and drawing are blocking: off the async workers.
    let draw = move || -> wharf_core::error::Result<(Vec<u8>, &'static str)> {
        let markers = match (key, samples.last()) {
            (Some(key), Some(newest)) => {
                history::read_series_markers(key, newest.at_ms, options.window_secs)?
            }
            _ => Vec::new(),
        };
        Ok(match format {
            ImageFormat::Svg => (
                chart::svg(&samples, metric, &markers, &options)?.into_bytes(),
                "svg",
            ),
            ImageFormat::Png => (chart::png(&samples, metric, &markers, &options)?, "png"),
        })
    };
    let (bytes, ext) = tauri::async_runtime::spawn_blocking(draw)
        .await
        .map_err(|e| ErrorReport::from(CoreError::new(ErrorKind::Io, e.to_string())))??;
    write_download(&app, file_name(&stem, ext), &bytes)
}

#[tauri::command]
pub async fn exec_open(
    desk: State<'_, Desk>,
    id: ContainerId,
    cols: u16,
    rows: u16,
    channel: Channel<ExecEvent>,
) -> CmdResult<u64> {
    refuse_in_read_only(&desk, "exec")?;
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let session = engine.exec(id.as_str(), &ExecSpec::shell()).await?;
    if let Err(e) = engine.resize_exec(&session.id, cols, rows).await {
        // A shell that starts at the default size still works; the next resize fixes it.
        tracing::debug!("initial exec resize: {e}");
    }
    let control = std::sync::Arc::new(ExecControl {
        engine,
        exec_id: session.id,
        input: std::sync::Arc::new(tokio::sync::Mutex::new(session.input)),
    });
    let task = tauri::async_runtime::spawn(streams::exec_output(
        session.output,
        control.clone(),
        channel,
    ));
    Ok(desk.streams.add(task, Some(control)))
}

fn exec_control(desk: &Desk, stream: u64) -> CmdResult<std::sync::Arc<ExecControl>> {
    desk.streams
        .exec(stream)
        .ok_or_else(|| ErrorReport::from(CoreError::not_found(format!("no exec session {stream}"))))
}

#[tauri::command]
pub async fn exec_write(desk: State<'_, Desk>, stream: u64, data: String) -> CmdResult<()> {
    use tokio::io::AsyncWriteExt;
    let control = exec_control(&desk, stream)?;
    let mut input = control.input.lock().await;
    let io = |e: std::io::Error| {
        ErrorReport::from(CoreError::new(
            ErrorKind::Unavailable,
            format!("exec input: {e}"),
        ))
    };
    input.write_all(data.as_bytes()).await.map_err(io)?;
    input.flush().await.map_err(io)
}

#[tauri::command]
pub async fn exec_resize(
    desk: State<'_, Desk>,
    stream: u64,
    cols: u16,
    rows: u16,
) -> CmdResult<()> {
    let control = exec_control(&desk, stream)?;
    control
        .engine
        .resize_exec(&control.exec_id, cols, rows)
        .await?;
    Ok(())
}

#[tauri::command]
pub fn stream_stop(desk: State<'_, Desk>, stream: u64) -> bool {
    desk.streams.stop(stream)
}

/// Stop every stream: the page calls this when it (re)loads, so streams of a previous page
/// load do not live on.
#[tauri::command]
pub fn streams_reset(desk: State<'_, Desk>) {
    desk.streams.clear();
}

/// The contexts, read in the environment a switch resolves them in.
#[tauri::command]
pub fn contexts(desk: State<'_, Desk>) -> CmdResult<Vec<ContextSummary>> {
    Ok(list_contexts(&desk.options.connect.env)?)
}

/// Follow another docker context (`default` for DOCKER_HOST or the default socket). The
/// core's `Session::switch`, as in the terminal UI: the options the app started with but the
/// engine, under the same policy (read-only, the open audit log), and only once the new engine
/// has answered; until then, and when it does not, the current link stays.
#[tauri::command]
pub async fn switch_context(desk: State<'_, Desk>, name: String) -> CmdResult<AppInfo> {
    let session = Session::switch(&desk.options, &name, desk.policy.clone())
        .await
        .map_err(|e| e.error)?;
    desk.replace(Link::from_session(Ok(session)));
    Ok(app_info(desk))
}

/// The "Edit…" prefill: container `id`'s configuration as a run form (`Engine::run_form`),
/// env values as they are (the form edits and sends them back), and the keys of the env
/// entries that look secret (`rules::secrets`), which the page shows masked until asked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EditPrefill {
    pub form: RunForm,
    pub secret_keys: Vec<String>,
}

#[tauri::command]
pub async fn container_run_form(desk: State<'_, Desk>, id: ContainerId) -> CmdResult<EditPrefill> {
    let link = desk.link();
    let live = link.live()?;
    let form = live.engine.run_form(id.as_str()).await?;
    let secret_keys = form
        .env
        .iter()
        .filter_map(|e| e.split_once('='))
        .filter(|(k, v)| {
            wharf_core::rules::secrets::is_secret_key(k)
                || wharf_core::rules::secrets::is_secret_value(v)
        })
        .map(|(k, _)| k.to_owned())
        .collect();
    Ok(EditPrefill { form, secret_keys })
}

/// What recreating container `id` from `form` would change, for the confirmation: the core's
/// diff against the container as it is now (`spec::diff`), secret env values masked, and each
/// change as the line to show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RecreatePreview {
    /// The container's name and short id, for the dialog's title.
    pub name: String,
    pub short_id: String,
    pub changes: Vec<wharf_core::spec::diff::SettingChange>,
    /// One line per change (`memory: 64m → 128m`); empty: nothing to apply.
    pub lines: Vec<String>,
}

#[tauri::command]
pub async fn recreate_preview(
    desk: State<'_, Desk>,
    id: ContainerId,
    form: RunForm,
) -> CmdResult<RecreatePreview> {
    let link = desk.link();
    let live = link.live()?;
    let old = live.engine.run_form(id.as_str()).await?;
    let mut changes = wharf_core::spec::diff::diff(&old, &form);
    wharf_core::rules::secrets::mask_diff(&mut changes);
    let inert = |s: &str| wharf_core::streams::text::inert(s).into_owned();
    Ok(RecreatePreview {
        name: inert(&old.name),
        short_id: id.short().to_owned(),
        lines: changes.iter().map(|c| inert(&c.to_string())).collect(),
        changes,
    })
}

// ---- images and registries (issue #11) ------------------------------------------------------

/// A long image transfer the page asks for; progress comes over its channel, `stream_stop`
/// cancels it (the core's stream is dropped, and the engine stops the pull or push).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferRequest {
    Pull {
        reference: String,
    },
    Push {
        reference: String,
    },
    /// Into a new tarball in the download directory, named here from `name`: never over a
    /// file that is there.
    Save {
        images: Vec<String>,
        name: String,
    },
    /// From a tarball the user chose.
    Load {
        path: String,
    },
}

#[tauri::command]
pub fn image_transfer<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    request: TransferRequest,
    channel: Channel<streams::TransferUpdate>,
) -> CmdResult<u64> {
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let stream = match &request {
        TransferRequest::Pull { reference } => {
            refuse_in_read_only(&desk, &format!("pull {reference}"))?;
            engine.pull(reference, &desk.keychain)
        }
        TransferRequest::Push { reference } => {
            refuse_in_read_only(&desk, &format!("push {reference}"))?;
            engine.push(reference, &desk.keychain)
        }
        TransferRequest::Load { path } => {
            refuse_in_read_only(&desk, "load")?;
            engine.load(std::path::Path::new(path))
        }
        TransferRequest::Save { images, name } => {
            let path = download_dir(&app)?.join(file_name(name, "tar"));
            engine.save(images, &path, false)
        }
    };
    let task = tauri::async_runtime::spawn(streams::transfer(stream, channel));
    Ok(desk.streams.add(task, None))
}

/// The layers of an image, newest first, their engine text made inert.
#[tauri::command]
pub async fn image_history(
    desk: State<'_, Desk>,
    id: wharf_core::model::ImageId,
) -> CmdResult<Vec<wharf_core::engine::HistoryEntry>> {
    let link = desk.link();
    let live = link.live()?;
    let h = live.engine.history(id.as_str()).await?;
    Ok(wharf_core::rules::images::inert_history(h))
}

/// The images a filter keeps now (the core's rule: dangling = untagged, unused = no container
/// in any state uses it).
#[tauri::command]
pub fn image_filter(
    desk: State<'_, Desk>,
    filter: wharf_core::rules::images::ImageFilter,
) -> Vec<wharf_core::model::ImageId> {
    let link = desk.link();
    let snap = link.snapshot();
    let usage = wharf_core::rules::usage::Usage::of(&snap);
    snap.images
        .values()
        .filter(|i| filter.keeps(i, &usage))
        .map(|i| i.id.clone())
        .collect()
}

/// Check these images' tags against their registries (bounded concurrency in the core) and
/// mark them and the containers running them.
#[tauri::command]
pub async fn check_updates(
    desk: State<'_, Desk>,
    ids: Vec<wharf_core::model::ImageId>,
) -> CmdResult<wharf_core::rules::images::UpdateMarks> {
    let link = desk.link();
    let live = link.live()?;
    let snap = link.snapshot();
    let images: Vec<wharf_core::model::Image> = ids
        .iter()
        .filter_map(|id| snap.images.get(id).map(|i| (**i).clone()))
        .collect();
    let updates = live.engine.check_updates(&images, &desk.keychain).await;
    Ok(wharf_core::rules::images::UpdateMarks::of(&snap, &updates))
}

/// Where saving a login to `server` would go, for the dialog to say before the user chooses.
#[tauri::command]
pub fn login_target(
    desk: State<'_, Desk>,
    server: String,
) -> CmdResult<wharf_core::engine::SaveTarget> {
    Ok(desk.keychain.save_target(&server)?)
}

/// Check the credentials with the engine, then keep them as `save` says (memory for this
/// session unless the user chose to save). The password is wrapped at once and never logged.
#[tauri::command]
pub async fn login(
    desk: State<'_, Desk>,
    server: String,
    username: String,
    password: String,
    save: wharf_core::engine::Save,
) -> CmdResult<wharf_core::engine::SaveOutcome> {
    let password = wharf_core::engine::Secret::new(password);
    let link = desk.link();
    let live = link.live()?;
    let creds = wharf_core::engine::RegistryCredentials::new(&server, &username, password);
    Ok(desk.keychain.login(&live.engine, creds, save).await?)
}

/// The build form's problems as the core sees them (empty: it would build). Two `stat`s, off
/// the async workers. Allowed in read-only mode: it changes nothing.
#[tauri::command]
pub async fn build_check(form: BuildForm) -> CmdResult<Vec<BuildFieldError>> {
    tauri::async_runtime::spawn_blocking(move || form.parse().err().unwrap_or_default())
        .await
        .map_err(|e| {
            ErrorReport::from(CoreError::new(
                ErrorKind::Cancelled,
                format!("build check: {e}"),
            ))
        })
}

/// Build the form's directory; the output comes over `channel` in batches, the last one
/// `ended` with the image id in its `Done` event or an error. `stream_stop(id)` cancels the
/// build. Refused in read-only mode, and when the form has errors (every one, as the error).
#[tauri::command]
pub fn build_start(
    desk: State<'_, Desk>,
    form: BuildForm,
    channel: Channel<BuildBatch>,
) -> CmdResult<u64> {
    refuse_in_read_only(&desk, "build")?;
    let plan = form.parse().map_err(|errors| {
        let lines: Vec<String> = errors.into_iter().map(|e| e.message).collect();
        ErrorReport::from(CoreError::invalid_input(lines.join("; ")))
    })?;
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let task = tauri::async_runtime::spawn(streams::build(engine, plan, channel));
    Ok(desk.streams.add(task, None))
}

/// Search the registry the term names (Docker Hub for a bare name); results made inert.
#[tauri::command]
pub async fn image_search(
    desk: State<'_, Desk>,
    query: SearchQuery,
) -> CmdResult<Vec<SearchResult>> {
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    Ok(wharf_core::streams::build::search(&engine, &query).await?)
}

// ---- container files --------------------------------------------------------------------

/// Errors about container paths quote them (and the engine's messages do too): inert.
fn inert_error(e: CoreError) -> ErrorReport {
    streams::inert_report(ErrorReport::from(e))
}

/// `docker diff`, paths made inert (the container chose them).
#[tauri::command]
pub async fn container_changes(
    desk: State<'_, Desk>,
    id: ContainerId,
) -> CmdResult<Vec<wharf_core::model::FileChange>> {
    let link = desk.link();
    let mut list = link
        .live()?
        .engine
        .changes(id.as_str())
        .await
        .map_err(inert_error)?;
    for c in &mut list {
        c.path = wharf_core::streams::text::inert(&c.path).into_owned();
    }
    Ok(list)
}

/// One row of a directory listing: the entry as the container named it (what the page sends
/// back to open or copy it) and the same name and link target made inert (what it shows).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FileRow {
    pub entry: wharf_core::model::FileEntry,
    pub shown: String,
    pub shown_target: Option<String>,
    /// `drwxr-xr-x`, from the core.
    pub mode: String,
}

/// A directory of a container, bounded by the core (`truncated` says why it stopped).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Listing {
    pub dir: String,
    /// `dir` made inert, for the breadcrumb (same `/`-separated parts).
    pub shown_dir: String,
    pub rows: Vec<FileRow>,
    pub truncated: Option<String>,
}

#[tauri::command]
pub async fn container_ls(
    desk: State<'_, Desk>,
    id: ContainerId,
    dir: String,
) -> CmdResult<Listing> {
    let link = desk.link();
    let l = link
        .live()?
        .engine
        .list_dir(id.as_str(), &dir)
        .await
        .map_err(inert_error)?;
    let inert = |s: &str| wharf_core::streams::text::inert(s).into_owned();
    Ok(Listing {
        shown_dir: inert(&l.dir),
        dir: l.dir,
        rows: l
            .entries
            .into_iter()
            .map(|e| FileRow {
                shown: inert(&e.name),
                shown_target: e.link_target.as_deref().map(inert),
                mode: e.mode_string(),
                entry: e,
            })
            .collect(),
        truncated: l.truncated,
    })
}

/// Copy `src` out of the container into the host folder `dest` the user typed. The core never
/// writes outside `dest`, never follows a host symlink, and replaces an existing path only
/// with `overwrite: true`, which the page sends after asking about that path. Progress and
/// the end come over `channel`; `stream_stop` cancels (the core removes what it wrote).
#[tauri::command]
pub fn copy_out(
    desk: State<'_, Desk>,
    id: ContainerId,
    src: String,
    dest: String,
    overwrite: bool,
    channel: Channel<streams::CopyEvent>,
) -> CmdResult<u64> {
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let task = tauri::async_runtime::spawn(async move {
        let progress = streams::copy_progress(channel.clone());
        let r = engine
            .copy_out(
                id.as_str(),
                &src,
                std::path::Path::new(&dest),
                overwrite,
                progress,
            )
            .await;
        streams::copy_end(&channel, r);
    });
    Ok(desk.streams.add(task, None))
}

/// Copy the host path `src` into the container directory `dest`. Refused in read-only mode
/// (here and by the core's engine handle, which also records it in the audit log).
#[tauri::command]
pub fn copy_in(
    desk: State<'_, Desk>,
    id: ContainerId,
    src: String,
    dest: String,
    channel: Channel<streams::CopyEvent>,
) -> CmdResult<u64> {
    refuse_in_read_only(&desk, "copy in")?;
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let task = tauri::async_runtime::spawn(async move {
        let progress = streams::copy_progress(channel.clone());
        let r = engine
            .copy_in(id.as_str(), std::path::Path::new(&src), &dest, progress)
            .await;
        streams::copy_end(&channel, r);
    });
    Ok(desk.streams.add(task, None))
}

// ---- bulk image update (issue #11) ----------------------------------------------------------

/// The plan of a bulk image update of containers `ids` (wharf-core's rules: outdated by the
/// registry, not paused, not `--rm`, by tag), each left-out container with why (registry text
/// made inert).
#[tauri::command]
pub async fn image_update_plan(
    desk: State<'_, Desk>,
    ids: Vec<ContainerId>,
) -> CmdResult<wharf_core::engine::ImageUpdatePlan> {
    refuse_in_read_only(&desk, "update images")?;
    let link = desk.link();
    let live = link.live()?;
    let mut plan = live.engine.plan_image_updates(&ids, &desk.keychain).await;
    for e in &mut plan.excluded {
        e.why = wharf_core::streams::text::inert(&e.why).into_owned();
    }
    Ok(plan)
}

/// Run a confirmed bulk image update (`Command::UpdateImages`, destructive): pulls and then
/// one recreate per container, progress over `channel`; `stream_stop` cancels what is left.
#[tauri::command]
pub fn image_update(
    desk: State<'_, Desk>,
    plan: wharf_core::engine::ImageUpdatePlan,
    confirmed: bool,
    channel: Channel<streams::ImageUpdateProgress>,
) -> CmdResult<u64> {
    let cmd = Command::UpdateImages { plan };
    refuse_in_read_only(&desk, &cmd.to_string())?;
    if !confirmed {
        return Err(ErrorReport::from(CoreError::invalid_input(format!(
            "{cmd}: needs confirmation"
        ))));
    }
    cmd.validate()?;
    let Command::UpdateImages { plan } = &cmd else {
        return Err(ErrorReport::from(CoreError::invalid_input(
            "not an image update",
        )));
    };
    let link = desk.link();
    let engine = link.live()?.engine.clone();
    let stream = engine.update_images(plan, &desk.keychain);
    let task = tauri::async_runtime::spawn(streams::image_update(stream, channel));
    Ok(desk.streams.add(task, None))
}
