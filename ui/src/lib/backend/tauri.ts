// The Tauri implementation of Backend: commands over IPC, streams over Channels, store
// changes from the `store://changed` event. The only module of the page that imports Tauri.
import { Channel, invoke as tauriInvoke, type InvokeArgs } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Backend, ExecHandle, StreamHandle } from "./index";
import type { CommandName } from "../generated/commands";
import { countIpc } from "../meter";
import type { FiredAlert, FleetUpdate } from "../types";
import type { BuildBatch, ComposeProgress, DashUpdate, CopyEvent, ExecEvent, ImageUpdateProgress, LogBatch, Snapshot, StatsUpdate, TransferUpdate } from "../types";

/** Only the commands wharf-desktop registers (generated from `command_names::COMMANDS`),
 *  each counted (`window.__wharfIpc`). */
const invoke = <T>(cmd: CommandName, args?: InvokeArgs): Promise<T> => {
  countIpc(cmd);
  return tauriInvoke<T>(cmd, args);
};

function handle(id: number): StreamHandle {
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      void invoke("stream_stop", { stream: id }).catch(() => undefined);
    },
  };
}

export function createTauriBackend(): Backend {
  return {
    kind: "tauri",
    appInfo: () => invoke("app_info"),
    snapshot: () => invoke("snapshot"),
    async onSnapshot(cb) {
      return listen<Snapshot>("store://changed", (e) => cb(e.payload));
    },
    execute: (cmd, confirmed) => invoke("execute", { cmd, confirmed }),
    swarmPreview: (op) => invoke("swarm_preview", { op }),
    archiveState: () => invoke("archive_state"),
    archiveSet: (selector, on) => invoke("archive_set", { selector, on }),
    archiveSearch: (query) => invoke("archive_search", { query }),
    prunePlan: (target) => invoke("prune_plan", { target }),
    containerRemovals: (ids) => invoke("container_removals", { ids }),
    inspect: (id, reveal = false) => invoke("inspect", { id, reveal }),
    runPreview: (form, reveal = false) => invoke("run_preview", { form, reveal }),
    containerFindings: (id) => invoke("container_findings", { id }),
    top: (id) => invoke("top", { id }),
    diskUsage: () => invoke("disk_usage"),
    engineInfo: () => invoke("engine_info"),
    sshCost: () => invoke("ssh_cost"),
    async logs(id, request, cb) {
      const channel = new Channel<LogBatch>();
      channel.onmessage = cb;
      return handle(await invoke<number>("logs_start", { id, request, channel }));
    },
    logsSave: (id, name, timestamps) => invoke("logs_save", { id, name, timestamps }),
    async logsMerged(selection, request, cb) {
      const channel = new Channel<LogBatch>();
      channel.onmessage = cb;
      return handle(await invoke<number>("logs_merged_start", { selection, request, channel }));
    },
    logsMergedSave: (selection, name, timestamps) =>
      invoke("logs_merged_save", { selection, name, timestamps }),
    async stats(visible, focus, series, top, cb) {
      const channel = new Channel<StatsUpdate>();
      channel.onmessage = cb;
      return handle(await invoke<number>("stats_watch", { visible, focus, series, top, channel }));
    },
    dashSampling: (on) => invoke("dash_sampling", { on }),
    async dash(scope, stacking, resume, cb) {
      const channel = new Channel<DashUpdate>();
      channel.onmessage = cb;
      return handle(await invoke<number>("dash_watch", { scope, stacking, resume, channel }));
    },
    dashExport: (scope, stacking, format) => invoke("dash_export", { scope, stacking, format, options: null }),
    dashMarkers: (scope) => invoke("dash_markers", { scope }),
    chartExport: (id, name, metric, format, options) =>
      invoke("chart_export", { id, name, metric, format, options }),
    async exec(id, cols, rows, cb) {
      const channel = new Channel<ExecEvent>();
      channel.onmessage = cb;
      const stream = await invoke<number>("exec_open", { id, cols, rows, channel });
      const h = handle(stream);
      const eh: ExecHandle = {
        stop: h.stop,
        write: (data) => invoke("exec_write", { stream, data }),
        resize: (c, r) => invoke("exec_resize", { stream, cols: c, rows: r }),
      };
      return eh;
    },
    streamsReset: () => invoke("streams_reset"),
    contexts: () => invoke("contexts"),
    switchContext: (name) => invoke("switch_context", { name }),
    containerRunForm: (id) => invoke("container_run_form", { id }),
    recreatePreview: (id, form) => invoke("recreate_preview", { id, form }),
    async imageTransfer(request, cb) {
      const channel = new Channel<TransferUpdate>();
      channel.onmessage = cb;
      return handle(await invoke<number>("image_transfer", { request, channel }));
    },
    imageHistory: (id) => invoke("image_history", { id }),
    imageFilter: (filter) => invoke("image_filter", { filter }),
    checkUpdates: (ids) => invoke("check_updates", { ids }),
    loginTarget: (server) => invoke("login_target", { server }),
    login: (server, username, password, save) => invoke("login", { server, username, password, save }),
    buildCheck: (form) => invoke("build_check", { form }),
    async build(form, cb) {
      const channel = new Channel<BuildBatch>();
      channel.onmessage = cb;
      return handle(await invoke<number>("build_start", { form, channel }));
    },
    imageSearch: (query) => invoke("image_search", { query }),
    containerChanges: (id) => invoke("container_changes", { id }),
    statsHistory: (id, range) => invoke("stats_history", { id, range }),
    listDir: (id, dir) => invoke("container_ls", { id, dir }),
    async copyOut(id, src, dest, overwrite, cb) {
      const channel = new Channel<CopyEvent>();
      channel.onmessage = cb;
      return handle(await invoke<number>("copy_out", { id, src, dest, overwrite, channel }));
    },
    async copyIn(id, src, dest, cb) {
      const channel = new Channel<CopyEvent>();
      channel.onmessage = cb;
      return handle(await invoke<number>("copy_in", { id, src, dest, channel }));
    },
    imageUpdatePlan: (ids) => invoke("image_update_plan", { ids }),
    async imageUpdate(plan, confirmed, cb) {
      const channel = new Channel<ImageUpdateProgress>();
      channel.onmessage = cb;
      return handle(await invoke<number>("image_update", { plan, confirmed, channel }));
    },
    composeDownPlan: (name) => invoke("compose_down_plan", { name }),
    projectAction: (name, action, confirmed) => invoke("project_action", { name, action, confirmed }),
    async composeRun(project, file, action, confirmed, cb) {
      const channel = new Channel<ComposeProgress>();
      channel.onmessage = cb;
      return handle(await invoke<number>("compose_run", { project, file, action, confirmed, channel }));
    },
    alertsList: () => invoke("alerts_list"),
    async onAlerts(cb) {
      return listen<FiredAlert[]>("alerts://fired", (e) => cb(e.payload));
    },
    alertRules: () => invoke("alert_rules"),
    alertRulesSave: (rules) => invoke("alert_rules_save", { rules }),
    fleetOpen: (hosts) => invoke("fleet_open", { hosts }),
    fleetSnapshot: () => invoke("fleet_snapshot"),
    fleetClose: () => invoke("fleet_close"),
    fleetPlan: (items) => invoke("fleet_plan", { items }),
    fleetExecute: (items, confirmed) => invoke("fleet_execute", { items, confirmed }),
    async fleetWatch(cb) {
      const channel = new Channel<FleetUpdate>();
      channel.onmessage = (u) => { countIpc("fleet_watch:message"); cb(u); };
      return handle(await invoke<number>("fleet_watch", { channel }));
    },
    fleetObjects: () => invoke("fleet_objects"),
    fleetRemovePlan: (keys, options) => invoke("fleet_remove_plan", { keys, options: options ?? null }),
  };
}
