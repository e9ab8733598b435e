// The page's one door to the outside world. Views call `backend()`; inside Tauri it is the
// IPC implementation (./tauri.ts, the only module that imports @tauri-apps/*), in a plain
// browser it is the in-memory stub (./stub.ts) used by the browser tests.
import { createTauriBackend } from "./tauri";
import type {
  AppInfo, BuildBatch, BuildFieldError, BuildForm, SearchQuery, SearchResult, ChartOptions, Command, ContextSummary, DiskUsage, EngineInfo, ExecEvent, Finding, LogBatch,
  LogRequest, MergedSelection, Metric, Outcome, Processes, PrunePlan, PruneTarget, Removal, RunForm, RunPreview, Saved, SeriesRequest,
  Snapshot, StatsUpdate, HistoryEntry, ImageFilter, Save, SaveOutcome, SaveTarget, TransferRequest, TransferUpdate,
  UpdateMarks, EditPrefill, HistoryRange, HistorySeries, RecreatePreview, Listing, CopyEvent, FileChange, ImageUpdatePlan, ImageUpdateProgress,
  ComposeAction, ComposeProgress, DownPlan, ErrorReport, ProjectAction,
  SshCost,
  SwarmOp, SwarmPreview,
  ArchiveQuery, ArchiveResult, ArchiveState,
  AlertRules, FiredAlert, RuleSpec,
  DashFormat, DashResume, DashScope, DashUpdate, Stacking, HistoryMarker,
  FleetUpdate,
  FleetItem, FleetPlan, FleetSnapshot, FleetObjects, FleetObjectKey, RemovalPlan, RemovalOptions,
} from "../types";

/** A running stream; `stop()` cancels it on the backend. */
export interface StreamHandle {
  stop(): void;
}

export interface ExecHandle extends StreamHandle {
  write(data: string): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
}

export interface Backend {
  readonly kind: "tauri" | "stub";
  appInfo(): Promise<AppInfo>;
  snapshot(): Promise<Snapshot>;
  /** Called with every batched store change. */
  onSnapshot(cb: (s: Snapshot) => void): Promise<() => void>;
  execute(cmd: Command, confirmed: boolean): Promise<Outcome>;
  /** Whether a swarm op must be confirmed, and the sentence naming it (the core's rule). */
  swarmPreview(op: SwarmOp): Promise<SwarmPreview>;
  /** The log archive: what the current engine archives, a toggle, and the search. */
  archiveState(): Promise<ArchiveState>;
  archiveSet(selector: string, on: boolean): Promise<ArchiveState>;
  archiveSearch(query: ArchiveQuery): Promise<ArchiveResult>;
  /** The exact objects a prune would remove now (wharf-core's plan); send it back to prune. */
  prunePlan(target: PruneTarget): Promise<PrunePlan>;
  /** How removing each container goes, by wharf-core's rule (force + the warning to show). */
  containerRemovals(ids: string[]): Promise<Removal[]>;
  /** The core masks secret env values unless `reveal` (an explicit click) is set. */
  inspect(id: string, reveal?: boolean): Promise<unknown>;
  /** wharf-core's answer for a run form as typed: errors per field, and when valid the
   * warnings and the `docker run` line, its secret-looking env values masked unless `reveal`.
   * No engine call; the form asks on every edit. */
  runPreview(form: RunForm, reveal?: boolean): Promise<RunPreview>;
  /** The security findings of one container (wharf-core's `rules::findings`). */
  containerFindings(id: string): Promise<Finding[]>;
  top(id: string): Promise<Processes>;
  diskUsage(): Promise<DiskUsage[]>;
  engineInfo(): Promise<EngineInfo>;
  /** What the engine's SSH transport costs now; `null` for the other transports. */
  sshCost(): Promise<SshCost | null>;
  logs(id: string, req: LogRequest, cb: (b: LogBatch) => void): Promise<StreamHandle>;
  logsSave(id: string, name: string, timestamps: boolean): Promise<Saved>;
  /** The merged logs of a project, a label or containers (wharf-core's merge: time order,
   * a coloured `prefix │ ` per source, recreated containers followed). */
  logsMerged(sel: MergedSelection, req: LogRequest, cb: (b: LogBatch) => void): Promise<StreamHandle>;
  logsMergedSave(sel: MergedSelection, name: string, timestamps: boolean): Promise<Saved>;
  /** Latest samples of `visible` and `focus` (with `top`, of only the `top` highest CPU and
   * memory users); with `series`, the focus's new samples too. */
  stats(visible: string[], focus: string | null, series: SeriesRequest | null, top: number | null,
    cb: (u: StatsUpdate) => void): Promise<StreamHandle>;
  /** What the history database recorded for `id` over `range` (`wharf watch` records it):
   * samples at the range's resolution, oldest first, and event/recreate markers. */
  statsHistory(id: string, range: HistoryRange): Promise<HistorySeries>;
  chartExport(id: string, name: string, metric: Metric, format: "svg" | "png",
    options: ChartOptions): Promise<Saved>;
  exec(id: string, cols: number, rows: number, cb: (e: ExecEvent) => void): Promise<ExecHandle>;
  streamsReset(): Promise<void>;
  contexts(): Promise<ContextSummary[]>;
  switchContext(name: string): Promise<AppInfo>;
  /** Container `id`'s configuration as a run form: the "Edit…" prefill, with the keys of
   * its secret-looking env entries (shown masked until asked). */
  containerRunForm(id: string): Promise<EditPrefill>;
  /** What recreating `id` from `form` changes (wharf-core's diff, secrets masked). */
  recreatePreview(id: string, form: RunForm): Promise<RecreatePreview>;
  /** Pull, push, save or load with progress; `stop()` cancels (the engine stops the transfer). */
  imageTransfer(request: TransferRequest, cb: (u: TransferUpdate) => void): Promise<StreamHandle>;
  imageHistory(id: string): Promise<HistoryEntry[]>;
  /** The image ids wharf-core's filter keeps now (dangling = untagged, unused = no container). */
  imageFilter(filter: ImageFilter): Promise<string[]>;
  /** Check these images' tags against their registries; marks images and their containers. */
  checkUpdates(ids: string[]): Promise<UpdateMarks>;
  /** Where saving a login to `server` would go (shown before the user chooses to save). */
  loginTarget(server: string): Promise<SaveTarget>;
  login(server: string, username: string, password: string, save: Save): Promise<SaveOutcome>;
  /** wharf-core's problems with a build form as typed (empty: it would build). */
  buildCheck(form: BuildForm): Promise<BuildFieldError[]>;
  /** Build the form's directory; batches of events until one is `ended` (the `done` event
   * holds the image id, or `error` says why not). `stop()` cancels the build. */
  build(form: BuildForm, cb: (b: BuildBatch) => void): Promise<StreamHandle>;
  /** Search the registry the term names; results made inert by the core. */
  imageSearch(query: SearchQuery): Promise<SearchResult[]>;
  /** `docker diff` of a container (paths made inert by the core). */
  containerChanges(id: string): Promise<FileChange[]>;
  /** A directory of a container, bounded by the core (`truncated` says why it stopped). */
  listDir(id: string, dir: string): Promise<Listing>;
  /** Copy `src` out of the container into the host folder `dest`; an existing host path is
   * replaced only with `overwrite` (after asking). Stopping the handle cancels the copy. */
  copyOut(id: string, src: string, dest: string, overwrite: boolean, cb: (e: CopyEvent) => void): Promise<StreamHandle>;
  /** Copy the host path `src` into the container folder `dest` (refused in read-only mode). */
  copyIn(id: string, src: string, dest: string, cb: (e: CopyEvent) => void): Promise<StreamHandle>;
  /** wharf-core's plan of a bulk image update of these containers: the outdated ones it can
   * recreate on their tag's newer image, and each one left out with why. */
  imageUpdatePlan(ids: string[]): Promise<ImageUpdatePlan>;
  /** Run a confirmed plan: pulls, then one recreate per container (a failure is put back);
   * progress and the per-container report arrive through `cb`; `stop()` cancels the rest. */
  imageUpdate(plan: ImageUpdatePlan, confirmed: boolean, cb: (u: ImageUpdateProgress) => void): Promise<StreamHandle>;
  /** What `compose down` of project `name` removes: one line per container, and its networks. */
  composeDownPlan(name: string): Promise<DownPlan>;
  /** Start, stop, restart or remove every container of project `name` (remove and the
   * other destructive ones need `confirmed`); one entry per container: null or its error. */
  projectAction(name: string, action: ProjectAction, confirmed: boolean): Promise<(ErrorReport | null)[]>;
  /** Run compose `action` on a project (or `up` on a file) with the session's engine; its
   * output comes through `cb`; `stop()` kills the tool. Down needs `confirmed`. */
  composeRun(project: string | null, file: string | null, action: ComposeAction, confirmed: boolean, cb: (u: ComposeProgress) => void): Promise<StreamHandle>;
  /** Fired alerts, newest first (kept in the history database by whoever evaluated). */
  alertsList(): Promise<FiredAlert[]>;
  /** Called with the whole list when an alert fires or its actions report. */
  onAlerts(cb: (list: FiredAlert[]) => void): Promise<() => void>;
  /** The alerts file and its rules. */
  alertRules(): Promise<AlertRules>;
  /** Checked by wharf-core (the rule and field named when one is bad) and saved. */
  alertRulesSave(rules: RuleSpec[]): Promise<AlertRules>;
  /** A dashboard is open (`on`): the core samples every running container until it closes. */
  dashSampling(on: boolean): Promise<void>;
  /** The engine-wide (or a project's) graphs: the whole series first (or when the bands
   * change: `reset`), then only new points, once a second. With `resume` (after a pause), the
   * first message is only the gap when the bands are unchanged. */
  dash(scope: DashScope, stacking: Stacking, resume: DashResume | null, cb: (u: DashUpdate) => void): Promise<StreamHandle>;
  /** The same graphs drawn by the core (PNG/SVG, plotters) or as CSV, in the download folder. */
  dashExport(scope: DashScope, stacking: Stacking, format: DashFormat): Promise<Saved>;
  /** The recorded events and fired alerts of a dashboard's scope over its 15 minutes. */
  dashMarkers(scope: DashScope): Promise<HistoryMarker[]>;
  /** Open the fleet: the configured engines, every docker context, and `hosts`. */
  fleetOpen(hosts: string[]): Promise<FleetSnapshot>;
  /** Every engine's state and all their containers, now (never waits for an engine). */
  fleetSnapshot(): Promise<FleetSnapshot>;
  fleetClose(): Promise<void>;
  /** The confirmation lines of a bulk action: each object with its engine. */
  fleetPlan(items: FleetItem[]): Promise<FleetPlan>;
  /** Run each item on its engine; one entry per item: null or its error. */
  fleetExecute(items: FleetItem[], confirmed: boolean): Promise<(ErrorReport | null)[]>;
  /** The open fleet's listing (and each SSH engine's cost) now, then after each revision, at
   * most every 150 ms, until stopped. */
  fleetWatch(cb: (u: FleetUpdate) => void): Promise<StreamHandle>;
  /** Every engine's images, volumes and networks, now (never waits for an engine). */
  fleetObjects(): Promise<FleetObjects>;
  /** The core's plan to remove these objects: lines naming each with its engine, notes, and
   * the items for `fleetExecute`. */
  fleetRemovePlan(keys: FleetObjectKey[], options?: RemovalOptions): Promise<RemovalPlan>;
}

let current: Backend | null = null;

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** The Tauri backend is part of the page's first script (one request to the app fewer; the
 *  start-up it measured the same, docs/performance.md). The stub, for the browser tests and
 *  the page without the app, is loaded only there. */
export async function initBackend(): Promise<Backend> {
  if (!current) {
    current = inTauri() ? createTauriBackend() : (await import("./stub")).createStubBackend();
  }
  return current;
}

export function backend(): Backend {
  if (!current) throw new Error("backend not initialised");
  return current;
}
