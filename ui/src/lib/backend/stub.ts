// An in-memory Backend for running the page in a plain browser (tests, design work). It keeps
// a small fake engine: commands change it and publish a new snapshot, streams tick on timers.
// `window.__wharfStub` exposes it so tests can inspect what the page asked for.
import type { Backend, ExecHandle, StreamHandle } from "./index";
import type {
  BuildBatch, BuildFieldError, BuildForm, Image, SearchResult,
  Command, Container, ContainerState, EngineInfo, FieldError, Finding, FindingCounts, FindingsSummary, LogLine, Network,
  Outcome, PrunePlan, PruneTarget, RecreatePreview, Removal, RunForm, RunPreview, Sample, SeriesRequest, Snapshot, Style, Volume,
  TransferRequest, CopyEvent, FileEntry, FileRow, Listing, ImageUpdatePlan, ContextSummary, HistoryRange, HistorySeries, MergedSelection,
  ComposeAction, ComposeProject,
  SshCost,
  ArchiveEntry, ArchiveQuery,
  FiredAlert, RuleSpec,
  DashResume, DashScope, DashSeries, Stacking, HistoryMarker,
} from "../types";
import { CHART_STYLE } from "../generated/chart_style";
import { ALIVE_STATES, EMPTY_RUN_FORM } from "../generated/rules";
import { stubFleet } from "./stub_fleet";
import { stubFleetObjects } from "./stub_fleet_objects";

const now = () => Date.now();
const hex = (n: number) => n.toString(16).padStart(64, "0");

function container(i: number, name: string, state: ContainerState, extra: Partial<Container> = {}): Container {
  return {
    id: hex(0xc0ffee00 + i), name, image: "busybox:test", image_id: "sha256:" + hex(0xbb),
    command: "sleep 3600", created: Math.floor(now() / 1000) - 86400 * (i % 5) - 60 * i,
    state, status: state === "running" ? "Up 5 minutes" : "Exited (0) 2 minutes ago",
    health: null, started_at: null, finished_at: null, exit_code: state === "exited" ? 0 : null,
    restart_count: 0, ports: i === 0 ? [{ host_ip: "0.0.0.0", host_port: 8080, container_port: 80, protocol: "tcp" }] : [],
    mounts: [], networks: ["bridge"], labels: {}, compose: null, pid: state === "running" ? 1000 + i : null,
    cpu_limit: null, memory_limit: i === 0 ? 256 * 1024 * 1024 : null, tty: false, detailed: true,
    ...extra,
  };
}

function volume(name: string, driver: string): Volume {
  return { name, driver, mountpoint: `/var/lib/docker/volumes/${name}/_data`, created: null, scope: "local", labels: {}, size: null, ref_count: null };
}

/** The engine's answer to a name that is taken (409). */
function taken(what: string, name: string): never {
  throw { kind: "conflict", message: `${what} name ${JSON.stringify(name)} is already in use`, hint: null };
}

const engine: EngineInfo = {
  platform: "Docker Engine - Community (stub)", version: "20.10.24", api_version: "1.41",
  negotiated_api_version: "1.41", min_api_version: "1.12", os: "Debian GNU/Linux 12", os_type: "linux",
  kernel: "6.1.0", arch: "x86_64", hostname: "stub-host", storage_driver: "overlay2",
  cgroup_driver: "cgroupfs", cgroup_version: "1", logging_driver: "json-file", cpus: 2,
  memory: 24 * 1024 ** 3, root_dir: "/var/lib/docker", containers: 0, running: 0, paused: 0,
  stopped: 0, images: 2, swarm: "inactive", swarm_manager: false, node_id: null, system_time: new Date().toISOString(), warnings: [],
};

// Canned answers for the run form and the findings, for the page's layout and interaction
// tests ONLY: the stub cannot run wharf-core's rules, so it answers a few fixed cases (a port
// out of range, a memory that is not a size, a missing image; privileged and "latest" as
// findings). The rules themselves are proved by the core's tests and, through the real app, by
// src-tauri/tests and ui/tests/app.e2e.mjs.
const CANNED_PRIVILEGED: Finding = { check: "privileged", severity: "high", title: "Runs privileged", detail: "--privileged",
  why: "A privileged container can do almost anything the host's root can.", reference: "CIS Docker Benchmark 5.4" };
const CANNED_NO_MEMORY: Finding = { check: "no_memory_limit", severity: "medium", title: "No memory limit", detail: "--memory not set",
  why: "One container can use all the host's memory.", reference: "CIS Docker Benchmark 5.10" };

function cannedPreview(f: RunForm, reveal: boolean): RunPreview {
  const errors: FieldError[] = [];
  if (!f.image.trim()) errors.push({ field: "image", entry: null, message: "the image is required" });
  f.ports.forEach((p, i) => {
    const big = p.split(/[:\-/]/).map(Number).find((n) => n > 65535);
    if (big !== undefined) errors.push({ field: "ports", entry: i, message: `port ${big} is out of range` });
    else if (!/^[0-9.:\-/a-z]+$/.test(p)) errors.push({ field: "ports", entry: i, message: `port '${p}' is not a port` });
  });
  if (f.memory && !/^[0-9]+[bkmg]?$/i.test(f.memory)) errors.push({ field: "memory", entry: null, message: `memory '${f.memory}' is not a size` });
  if (errors.length) return { errors, findings: [], docker_run: null };
  const findings = [...(f.privileged ? [CANNED_PRIVILEGED] : []), ...(f.memory ? [] : [CANNED_NO_MEMORY])];
  const parts = ["docker run -d", f.name && `--name ${f.name}`, ...f.ports.map((p) => `-p ${p}`), ...f.env.map((e) => `-e ${reveal ? e : e.replace(/^(\w*PASSWORD\w*)=.+$/, "$1=••••••••")}`),
    f.memory && `--memory ${f.memory}`, f.privileged && "--privileged", ...f.labels.map((l) => `--label ${l}`), f.image, f.command];
  return { errors, findings, docker_run: parts.filter(Boolean).join(" ") };
}

/** The stub's edit prefill of a container (canned: the stub keeps no configuration). */
function cannedRunForm(c: Container, edits: Map<string, RunForm>): RunForm {
  return edits.get(c.name) ?? { ...EMPTY_RUN_FORM, image: c.image, name: c.name, command: "sleep 3600",
    env: ["MODE=before", "DB_PASSWORD=hunter2-stub"], memory: c.memory_limit ? "256m" : "" };
}

/** A canned diff for the page's tests (text fields and env by key; the core's `spec::diff` is
 * the rule, proved by its own tests and through the real app). */
function cannedDiff(c: Container, old: RunForm, form: RunForm): RecreatePreview {
  const lines: string[] = [];
  const secret = (k: string) => /PASSWORD|SECRET|TOKEN/.test(k);
  const envMap = (l: string[]) => new Map(l.filter((e) => e.trim()).map((e) => [e.split("=")[0], e.slice(e.indexOf("=") + 1)] as [string, string]));
  for (const k of ["image", "name", "command", "memory", "cpus", "restart"] as const) {
    if (old[k].trim() !== form[k].trim()) lines.push(`${k}: ${old[k] || "(unset)"} → ${form[k] || "(unset)"}`);
  }
  const [o, n] = [envMap(old.env), envMap(form.env)];
  for (const [k, v] of o) {
    const m = (x: string) => (secret(k) ? "••••••••" : x);
    if (!n.has(k)) lines.push(`environment ${k}: − ${m(v)}`);
    else if (n.get(k) !== v) lines.push(`environment ${k}: ${m(v)} → ${m(n.get(k)!)}`);
  }
  for (const [k, v] of n) if (!o.has(k)) lines.push(`environment ${k}: + ${secret(k) ? "••••••••" : v}`);
  return { name: c.name, short_id: c.id.slice(0, 12), changes: [], lines };
}

/** Canned findings of a stub container: the first one is privileged. */
function cannedFindings(c: Container, i: number): Finding[] {
  return i === 0 ? [CANNED_PRIVILEGED, CANNED_NO_MEMORY] : c.memory_limit ? [] : [CANNED_NO_MEMORY];
}

function counts(list: Finding[]): FindingCounts {
  return { high: list.filter((f) => f.severity === "high").length, medium: list.filter((f) => f.severity === "medium").length,
    low: list.filter((f) => f.severity === "low").length };
}

export class StubEngine {
  /** Fired alerts, newest first, and the rules file; `fireAlert` adds one and tells the page. */
  alerts: FiredAlert[] = [];
  alertRules: RuleSpec[] = [];
  /** What the page sent to `alertRulesSave`, in order (the page never holds a literal header value). */
  alertRulesSent: RuleSpec[][] = [];
  alertListeners = new Set<(l: FiredAlert[]) => void>();
  fireAlert(a: FiredAlert) {
    this.alerts = [a, ...this.alerts];
    for (const l of this.alertListeners) l(this.alerts);
  }
  revision = 1;
  commands: { cmd: Command; confirmed: boolean }[] = [];
  execInput = "";
  /** Images: transfers asked for, how many were cancelled, update checks and logins (without
   * the password: only its length), and the pace of the canned transfer (tests slow it). */
  transfers: TransferRequest[] = [];
  cancelled = 0;
  transferSteps = 5;
  transferTick = 40;
  checked: string[][] = [];
  /** Bulk image updates: the ids planned, and each plan run (with `confirmed`). */
  updatePlans: string[][] = [];
  imageUpdates: { plan: ImageUpdatePlan; confirmed: boolean }[] = [];
  /** Compose runs and project actions the page asked for. */
  composeRuns: { project: string | null; file: string | null; action: ComposeAction; confirmed: boolean }[] = [];
  projectActions: { name: string; action: string; confirmed: boolean }[] = [];

  /** wharf-core's grouping (rules::compose), as the desktop sends it in every snapshot. */
  projects(): ComposeProject[] {
    const m = new Map<string, Container[]>();
    for (const c of this.containers) if (c.compose) m.set(c.compose.project, [...(m.get(c.compose.project) ?? []), c]);
    return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([name, cs]) => {
      const services = new Map<string, Container[]>();
      for (const c of cs) services.set(c.compose?.service ?? "", [...(services.get(c.compose?.service ?? "") ?? []), c]);
      return {
        name, working_dir: `/srv/${name}`, config_files: [`/srv/${name}/docker-compose.yml`],
        services: [...services].sort(([a], [b]) => a.localeCompare(b)).map(([s, list]) => ({
          name: s, containers: list.map((c) => ({ id: c.id, name: c.name, state: c.state })) })),
        running: cs.filter((c) => c.state === "running").length, total: cs.length,
      };
    });
  }
  logins: { server: string; username: string; save: string; passwordLength: number }[] = [];
  get images(): Image[] { return this.snapshot().images; }
  /** Directories listed and copies asked for, for the page tests. */
  listed: string[] = [];
  copies: { dir: "in" | "out"; id: string; src: string; dest: string; overwrite: boolean }[] = [];
  copyCancelled = 0;
  listeners = new Set<(s: Snapshot) => void>();
  openStreams = 0;
  /** What `--insecure-skip-tls-verify` with an unverified endpoint looks like (tests set it). */
  tlsUnverified = false;
  // Tests set these (then `publish()`) to show a frozen engine or an object that fails to refresh.
  connection: Snapshot["connection"] = { state: "connected", since_ms: now() - 60_000 };
  refreshFailures: Snapshot["refresh_failures"] = [];
  /** What SSH costs (tests set it to show an engine reached over SSH; `null`: not SSH). */
  sshCost: SshCost | null = null;
  /** The docker contexts listed (tests replace them, e.g. with long endpoints). */
  contexts: ContextSummary[] = [{ name: "default", description: "Current DOCKER_HOST", host: "unix:///stub/docker.sock", current: true, error: null }];
  /** What the history database holds per container (tests set it), and the ranges asked. */
  history = new Map<string, HistorySeries>();
  historyCalls: { id: string; range: HistoryRange }[] = [];
  /** The log archive: stored selectors and archived entries (tests set them), searches asked. */
  archiveSelectors: string[] = [];
  archiveEntries: ArchiveEntry[] = [];
  archiveCalls: ArchiveQuery[] = [];
  /** Every `stats` call, as the page made it. */
  mergedCalls: MergedSelection[] = [];
  statsCalls: { visible: string[]; focus: string | null; series: SeriesRequest | null; top: number | null }[] = [];
  /** The series kept per focused container, sampled whether or not a stream is open (as the
   * core's stats hub does); `tick()` takes one sample of each now. */
  series = new Map<string, Sample[]>();
  sampleListeners = new Set<() => void>();
  private sampler: ReturnType<typeof setInterval> | null = null;
  /** Every `dash` stream the page opened, `dashSampling` calls, exports. */
  dashCalls: { scope: DashScope; stacking: Stacking; resume: DashResume | null }[] = [];
  dashSamplingCalls: boolean[] = [];
  dashExports: string[] = [];
  /** What `dashMarkers` answers (a test sets them), and the scopes asked. */
  dashMarkers: HistoryMarker[] = [];
  dashMarkerCalls: DashScope[] = [];
  /** The dashboard's point times (Unix ms): 60 s of history, one more on every `tick()`. */
  dashTimes: number[] = Array.from({ length: 60 }, (_, i) => now() - (60 - i) * 1000);

  tick() {
    this.dashTimes.push(Math.max(now(), (this.dashTimes.at(-1) ?? 0) + 1));
    for (const [id, xs] of this.series) {
      const at = Math.max(now(), (xs.at(-1)?.at_ms ?? 0) + 1);
      xs.push(sample(at, xs.length + id.length));
    }
    for (const l of this.sampleListeners) l();
  }

  watchSeries(id: string) {
    if (!this.series.has(id)) {
      // Some history, as the core would have after the container ran a while.
      const t = now();
      this.series.set(id, Array.from({ length: 30 }, (_, i) => sample(t - (30 - i) * 1000, i)));
    }
  }

  startSampler() {
    if (!this.manual) this.sampler ??= setInterval(() => this.tick(), 1000);
  }

  /** Tests that count what one sample costs stop the clock and `tick()` by hand: with
   * `stopSampler()`, or from the page's first moment when `window.__wharfStubManual` is set
   * before it loads (so no real-time sample can land between a test's reads). */
  private manual = Boolean((window as unknown as { __wharfStubManual?: boolean }).__wharfStubManual);
  stopSampler() {
    this.manual = true;
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
  }
  containers: Container[] = [
    container(0, "web", "running", { compose: { project: "shop", service: "web" } }),
    container(1, "db", "running", { compose: { project: "shop", service: "db" } }),
    container(2, "worker", "paused"),
    container(3, "old-job", "exited"),
    container(4, "evil<script>alert(1)</script>", "running"),
  ];

  networks: Network[] = [
    { id: hex(0xa1), name: "bridge", driver: "bridge", scope: "local", internal: false, attachable: false, subnets: ["172.17.0.0/16"], created: null, labels: {}, containers: null },
    { id: hex(0xa2), name: "shop_default", driver: "bridge", scope: "local", internal: false, attachable: true, subnets: ["172.18.0.0/16"], created: null, labels: {}, containers: 2 },
  ];
  // A named volume in use, a named one unused, and an unused anonymous one (as Docker 20.10
  // names them: 64 hex digits, no label).
  volumes: Volume[] = [volume("shop_data", "local"), volume("keep_me", "local"), volume(hex(0xa11), "local")];

  snapshot(): Snapshot {
    const cs = this.containers;
    return {
      revision: this.revision, endpoint: "unix:///stub/docker.sock", context: null,
      connection: this.connection, synced: true, read_only: this.readOnly,
      tls_unverified: this.tlsUnverified,
      stale: this.connection.state !== "connected", refresh_failures: this.refreshFailures,
      engine: { ...engine, containers: cs.length, running: cs.filter((c) => c.state === "running").length,
        paused: cs.filter((c) => c.state === "paused").length, stopped: cs.filter((c) => c.state === "exited").length },
      containers: cs,
      projects: this.projects(),
      images: [
        ...this.built,
        { id: "sha256:" + hex(0xbb), tags: ["busybox:test"], digests: [], created: Math.floor(now() / 1000) - 86400 * 3, size: 2_100_000, containers: cs.length, labels: {} },
        { id: "sha256:" + hex(0xcc), tags: [], digests: [], created: Math.floor(now() / 1000) - 86400 * 9, size: 5_500_000, containers: 0, labels: {} },
      ],
      networks: this.networks,
      volumes: this.volumes,
      // The fake engine's answer, as data (the app's comes from wharf-core's usage rule): every
      // container runs the busybox image on the default bridge; shop_data is in use.
      findings: Object.fromEntries(cs.flatMap((c, i) => (this.uninspected.has(c.id) ? [] : [[c.id, counts(cannedFindings(c, i))]]))),
      findings_summary: this.findingsSummary(),
      usage: {
        images: { ["sha256:" + hex(0xbb)]: cs.map((c) => c.id) },
        networks: { [hex(0xa1)]: cs.map((c) => c.id) },
        volumes: cs.length > 0 ? { shop_data: [cs[0].id] } : {},
      },
      events: cs.map((c, i) => ({ kind: "container", action: "start", actor_id: c.id, attributes: { name: c.name, image: c.image }, time_nano: (now() - 60_000 + i * 1000) * 1e6 })),
      ...this.swarmLists(),
    };
  }

  /** Tests set it (then `publish()`) to make the stub a swarm manager with one service. */
  swarm = false;
  replicas = 1;

  /** Configs the stub lists while a manager (tests add and the ops below remove). */
  configs: Snapshot["configs"] = [{ id: "cfg1", name: "nginx.conf", labels: {}, created: null, updated: null, size: 31,
    data: "listen 80;\n<b>not bold</b>\ttab\n", truncated: false }];

  swarmLists(): Pick<Snapshot, "swarm_manager" | "nodes" | "services" | "tasks" | "secrets" | "configs"> {
    if (!this.swarm) return { swarm_manager: false, nodes: [], services: [], tasks: [], secrets: [], configs: [] };
    const service = { id: "svc1", name: "web", mode: "replicated" as const, replicas: this.replicas, image: "busybox:test", ports: [],
      update_state: null, update_message: null, stack: null, labels: {}, created: null, updated: null, version: 1 };
    const tasks = Array.from({ length: this.replicas }, (_, i) => ({ id: `task${i + 1}`, service: "svc1", slot: i + 1, node: "node1",
      state: "running", desired_state: "running", message: "started", error: null, image: "busybox:test", timestamp: null, container: null }));
    return {
      swarm_manager: true,
      nodes: [{ id: "node1", hostname: "stub-node", role: "manager", availability: "active", state: "ready", leader: true,
        reachability: "reachable", engine_version: "27.3.1", addr: "127.0.0.1", labels: {}, version: 1 }],
      services: [{ service, replicas: { running: this.replicas, desired: this.replicas } }],
      tasks,
      secrets: [],
      configs: this.configs,
    };
  }

  /** The forms containers were recreated from, by name (what the next "Edit…" prefills). */
  edits = new Map<string, RunForm>();

  /** Every form the page asked a preview for, in order. */
  previews: RunForm[] = [];
  /** Tests set it to delay some preview answers (answers arriving out of order). */
  previewDelay: (f: RunForm) => number = () => 0;
  /** Tests set it (then `publish()`) to show read-only mode. */
  readOnly = false;
  /** Images the stub's builds made, and every form a build was started with. */
  built: Image[] = [];
  builds: BuildForm[] = [];
  /** Builds stopped by the page (its Cancel). */
  buildsStopped = 0;

  /** Containers the fake store has not inspected yet (tests set it): no findings. */
  uninspected = new Set<string>();

  findingsOf(id: string): Finding[] {
    const i = this.containers.findIndex((c) => c.id === id);
    if (i < 0) throw { kind: "not_found", message: `no container ${id}`, hint: null };
    if (this.uninspected.has(id)) throw { kind: "unavailable", message: `${this.containers[i].name} is not inspected yet`, hint: "try again in a moment" };
    return cannedFindings(this.containers[i], i);
  }

  findingsSummary(): FindingsSummary {
    const all = this.containers.map((c, i) => cannedFindings(c, i));
    const worst = (sev: string) => all.filter((l) => l.length && l[0].severity === sev).length;
    return { containers: all.length, worst_high: worst("high"), worst_medium: worst("medium"), worst_low: worst("low"),
      by_check: [CANNED_PRIVILEGED, CANNED_NO_MEMORY].map((f) => ({ check: f.check, severity: f.severity, title: f.title,
        containers: all.filter((l) => l.some((x) => x.check === f.check)).length })).filter((c) => c.containers > 0) };
  }

  publish() {
    this.revision += 1;
    const s = this.snapshot();
    for (const l of this.listeners) l(s);
  }

  /** A test fixture mirroring wharf-core's rules (`rules::prune`) closely enough for the page. */
  plan(target: PruneTarget): PrunePlan {
    const item = (kind: "container" | "volume" | "network" | "image", id: string, name: string) =>
      ({ kind, id, name, size: null, tags: [] as string[] });
    const used = (v: string) => this.containers.some((c) => c.mounts.some((m) => m.name === v)) || v === "shop_data";
    switch (target.target) {
      case "containers": return { target, items: this.containers.filter((c) => c.state === "exited").map((c) => item("container", c.id, c.name)) };
      case "volumes": return { target, items: this.volumes.filter((v) => !used(v.name) && (target.all || /^[0-9a-f]{64}$/.test(v.name))).map((v) => item("volume", v.name, v.name)) };
      case "networks": return { target, items: [] };
      case "images": return { target, items: [{ ...item("image", "sha256:" + hex(0xcc), hex(0xcc).slice(0, 12)), size: 5_500_000 }] };
      default: return { target, items: [{ kind: "build_cache", id: "", name: "all unused build cache", size: null, tags: [] }] };
    }
  }

  removals(ids: string[]): Removal[] {
    return ids.map((id) => {
      const c = this.containers.find((x) => x.id === id);
      if (!c) throw { kind: "not_found", message: `no container ${id}`, hint: null };
      const alive = ALIVE_STATES.includes(c.state);
      return { command: { action: "remove", id, force: alive, volumes: false }, name: c.name, warning: alive ? `${c.name} is ${c.state} and will be killed` : null };
    });
  }

  apply(cmd: Command): Outcome {
    const set = (id: string, state: ContainerState) => {
      const c = this.containers.find((x) => x.id === id);
      if (!c) throw { kind: "not_found", message: `no such container: ${id}`, hint: null };
      c.state = state;
      c.status = state === "running" ? "Up 1 second" : state === "paused" ? "Up (Paused)" : "Exited (0) 1 second ago";
    };
    switch (cmd.action) {
      case "start": case "restart": case "unpause": set(cmd.id, "running"); break;
      case "stop": case "kill": set(cmd.id, "exited"); break;
      case "pause": set(cmd.id, "paused"); break;
      case "remove": this.containers = this.containers.filter((c) => c.id !== cmd.id); break;
      case "rename": {
        if (this.containers.some((c) => c.name === cmd.name && c.id !== cmd.id)) taken("container", cmd.name);
        const c = this.containers.find((x) => x.id === cmd.id);
        if (!c) throw { kind: "not_found", message: `no such container: ${cmd.id}`, hint: null };
        c.name = cmd.name;
        break;
      }
      case "create_network":
        if (this.networks.some((n) => n.name === cmd.name)) taken("network", cmd.name);
        this.networks.push({ id: hex(0xa0 + this.networks.length + 10), name: cmd.name, driver: cmd.driver ?? "bridge", scope: "local", internal: cmd.internal,
          attachable: cmd.options?.attachable ?? false, subnets: cmd.options?.subnet ? [cmd.options.subnet] : [], created: null, labels: {}, containers: 0 });
        break;
      case "update": break;
      case "connect": case "disconnect": {
        const c = this.containers.find((x) => x.id === cmd.container);
        if (!c) throw { kind: "not_found", message: `no such container: ${cmd.container}`, hint: null };
        c.networks = cmd.action === "connect" ? [...c.networks, cmd.network] : c.networks.filter((n) => n !== cmd.network);
        setTimeout(() => this.publish(), 30);
        break;
      }
      case "prune": {
        const items = cmd.plan.items.map((i) => {
          if (i.kind === "volume") this.volumes = this.volumes.filter((v) => v.name !== i.id);
          if (i.kind === "container") this.containers = this.containers.filter((c) => c.id !== i.id);
          return { kind: i.kind, id: i.id, name: i.name, outcome: { result: "removed" as const } };
        });
        setTimeout(() => this.publish(), 30);
        return { outcome: "pruned", report: { target: cmd.plan.target, items, reclaimed: 0 } };
      }
      case "recreate": {
        const c = this.containers.find((x) => x.id === cmd.id);
        if (!c) throw { kind: "not_found", message: `no such container: ${cmd.id}`, hint: null };
        const p = cannedPreview(cmd.form, true);
        if (p.errors.length) throw { kind: "invalid_input", message: p.errors.map((e) => e.message).join("; "), hint: null };
        const old = c.id;
        c.id = hex(0xfeed00 + this.revision);
        this.edits.set(c.name, cmd.form);
        setTimeout(() => this.publish(), 30);
        return { outcome: "recreated", old, new: c.id, name: c.name };
      }
      case "run": {
        const p = cannedPreview(cmd.form, true);
        if (p.errors.length) throw { kind: "invalid_input", message: p.errors.map((e) => e.message).join("; "), hint: null };
        const name = cmd.form.name || `stub_run_${this.containers.length}`;
        if (this.containers.some((c) => c.name === name)) taken("container", name);
        const c = container(this.containers.length + 10, name, cmd.start ? "running" : "created", { image: cmd.form.image });
        this.containers.push(c);
        setTimeout(() => this.publish(), 30);
        return { outcome: "container_created", id: c.id, name, started: cmd.start };
      }
      case "create_volume":
        if (this.volumes.some((v) => v.name === cmd.name)) taken("volume", cmd.name);
        this.volumes.push(volume(cmd.name, cmd.driver ?? "local"));
        break;
      case "swarm":
        if (cmd.op.op === "update_service" && cmd.op.change.change === "scale") this.replicas = cmd.op.change.replicas;
        if (cmd.op.op === "remove_config") { const id = cmd.op.id; this.configs = this.configs.filter((c) => c.id !== id); }
        break;
      default: break;
    }
    setTimeout(() => this.publish(), 30);
    return { outcome: "done" };
  }
}

function fileRow(name: string, kind: FileEntry["kind"], size = 0, target: string | null = null): FileRow {
  const entry: FileEntry = { name, kind, size, mode: kind === "dir" ? 0o755 : 0o644, mtime: 1_612_325_106, link_target: target };
  const mode = (kind === "dir" ? "d" : kind === "symlink" ? "l" : "-") + (kind === "dir" ? "rwxr-xr-x" : "rw-r--r--");
  return { entry, shown: name.replace(/[\u202a-\u202e\u2066-\u2069]/g, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase()}⟩`), shown_target: target, mode };
}

/** A small fake file system: `/` has etc and srv (srv/www inside), a file with a bidi name. */
function stubListing(dir: string): Listing {
  const rows: Record<string, FileRow[]> = {
    "/": [fileRow("etc", "dir"), fileRow("srv", "dir"), fileRow("hosts.txt", "file", 12_345), fileRow("evil\u202etxt.sh", "file", 7), fileRow("pw", "symlink", 0, "/etc/passwd")],
    "/etc": [fileRow("group", "file", 10), fileRow("passwd", "file", 300)],
    "/srv": [fileRow("www", "dir")],
    "/srv/www": [fileRow("index.html", "file", 2048)],
  };
  return { dir, shown_dir: dir, rows: rows[dir] ?? [], truncated: dir === "/etc" ? "listing truncated: showing the first 2 entries" : null };
}

function stubCopy(cb: (e: CopyEvent) => void, conflict: string | null, target: string, stream: (stop: () => void) => StreamHandle): StreamHandle {
  const total = 4 * 1024 * 1024;
  let step = 0;
  const t = setInterval(() => {
    if (conflict) { clearInterval(t); cb({ type: "error", error: { kind: "conflict", message: conflict, hint: "confirm overwriting that path, or choose another folder" } }); return; }
    step += 1;
    cb({ type: "progress", progress: { bytes: (total / 8) * step, total } });
    if (step === 8) { clearInterval(t); cb({ type: "done", report: { target, bytes: total, written: 1, skipped: [] } }); }
  }, 40);
  return stream(() => clearInterval(t));
}

function sample(t: number, i: number): Sample {
  const cpu = 20 + 15 * Math.sin(i / 5);
  return {
    at_ms: t, cpu_pct: cpu, cpu_pct_of_limit: null, mem_used: 40e6 + 5e6 * Math.sin(i / 7), mem_limit: 256 * 1024 * 1024,
    net_rx_rate: 2000 + 1000 * Math.sin(i / 3), net_tx_rate: 800, blk_read_rate: 0, blk_write_rate: 4096 * (i % 3),
    net_rx_total: 1e6 + i * 2000, net_tx_total: 5e5 + i * 800, blk_read_total: 0, blk_write_total: i * 4096, pids: 3,
  };
}

/** What the core's `EngineSeries` gives for the stub's containers, roughly: two bands by
 * project, three by top N, six graphs. */
function dashSeries(times: number[], stacking: Stacking): DashSeries {
  const groups = stacking.by === "group" ? ["(no project)", "shop"] : ["db", "web", "other"];
  const charts = CHART_STYLE.dash.map((st) => {
    const scale = st.unit === "cores" ? 0.2 : st.unit === "bytes" ? 50e6 : 4096;
    const values = groups.map((_, g) => times.map((t) => scale * (g + 1) * (1.2 + Math.sin(t / 5000 + g))));
    const total = values.reduce((a, v) => a + (v.at(-1) ?? 0), 0);
    const caption = st.unit === "cores" ? `CPU ${total.toFixed(2)} cores · ${(total / 4 * 100).toFixed(1)} % of 4 CPUs` : `${st.title} ${Math.round(total)}`;
    return { metric: st.metric, caption, groups, values, limit: null };
  });
  return { at_ms: times, charts, host_cpus: 4, host_memory: 8 * 1024 ** 3, running: 3, sampled: 3 };
}

const plain: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, reverse: false };

export function createStubBackend(): Backend {
  const eng = new StubEngine();
  (window as unknown as { __wharfStub: StubEngine }).__wharfStub = eng;
  const stream = (stop: () => void): StreamHandle => {
    eng.openStreams += 1;
    let done = false;
    return { stop() { if (!done) { done = true; eng.openStreams -= 1; stop(); } } };
  };
  return {
    kind: "stub",
    appInfo: async () => ({ version: "stub", read_only: false, endpoint: "unix:///stub/docker.sock", context: null, tls_unverified: false, initial_view: null }),
    snapshot: async () => eng.snapshot(),
    async onSnapshot(cb) { eng.listeners.add(cb); return () => eng.listeners.delete(cb); },
    async execute(cmd, confirmed) {
      eng.commands.push({ cmd, confirmed });
      if (["stop", "restart", "kill", "remove", "remove_image", "remove_network", "remove_volume", "prune", "recreate", "disconnect"].includes(cmd.action) && !confirmed) {
        throw { kind: "invalid_input", message: "needs confirmation", hint: null };
      }
      return eng.apply(cmd);
    },
    async archiveState() {
      return { engine: "unix:///stub/docker.sock", selectors: [...eng.archiveSelectors] };
    },
    async archiveSet(selector, on) {
      if (!/^(\*|compose:[^/]+(\/.+)?|name:.+)$/.test(selector)) {
        throw { kind: "invalid_input", message: `archive selector ${JSON.stringify(selector)} is not valid`, hint: null };
      }
      eng.archiveSelectors = eng.archiveSelectors.filter((s) => s !== selector);
      if (on) eng.archiveSelectors.push(selector);
      return { engine: "unix:///stub/docker.sock", selectors: [...eng.archiveSelectors] };
    },
    async archiveSearch(query) {
      eng.archiveCalls.push(query);
      let re: RegExp;
      try {
        re = new RegExp(query.regex ? query.pattern : query.pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
      } catch (e) {
        throw { kind: "invalid_input", message: `invalid regular expression ${JSON.stringify(query.pattern)}`, hint: null };
      }
      const entries = eng.archiveEntries.filter((e) => (e.kind !== "line" || re.test(e.text))
        && (query.from_ms === null || e.at_ms >= query.from_ms) && (query.to_ms === null || e.at_ms <= query.to_ms));
      return { entries, scanned: eng.archiveEntries.length, truncated: false };
    },
    async swarmPreview(op) {
      // The core's rule, as the stub's answer: removals, drains, demotions and every service
      // change but scaling are confirmed.
      const destructive = op.op === "node_availability" ? op.availability === "drain"
        : op.op === "node_role" ? op.role === "worker"
        : op.op === "update_service" ? op.change.change !== "scale"
        : op.op !== "create_secret" && op.op !== "create_config";
      return { destructive, text: `${op.op} ${"name" in op ? op.name : ""}` };
    },
    prunePlan: async (target) => eng.plan(target),
    containerRemovals: async (ids) => eng.removals(ids),
    // Like the core: secret env values come masked unless revealed.
    inspect: async (id, reveal = false) => ({ Id: id, Name: "/" + (eng.containers.find((c) => c.id === id)?.name ?? "?"), State: { Status: "running", Pid: 1234 }, Config: { Image: "busybox:test", Env: ["PATH=/bin", reveal ? "DB_PASSWORD=hunter2-stub" : "DB_PASSWORD=••••••••"], Labels: {} } }),
    async runPreview(form, reveal = false) {
      eng.previews.push(form);
      const wait = eng.previewDelay(form);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return cannedPreview(form, reveal);
    },
    containerFindings: async (id) => eng.findingsOf(id),
    top: async () => ({ titles: ["UID", "PID", "CMD"], rows: [["root", "1234", "sleep 3600"], ["root", "1240", "sh"]] }),
    diskUsage: async () => [
      { kind: "images", total: 2, active: 1, size: 7_600_000, reclaimable: 5_500_000 },
      { kind: "containers", total: 5, active: 3, size: 12_000, reclaimable: 100 },
      { kind: "volumes", total: 1, active: 1, size: 3_000_000, reclaimable: 0 },
      { kind: "build_cache", total: 0, active: 0, size: 0, reclaimable: 0 },
    ],
    engineInfo: async () => eng.snapshot().engine!,
    sshCost: async () => eng.sshCost,
    async logs(_id, req, cb) {
      let seq = 0;
      const line = (text: string, stream: "stdout" | "stderr" = "stdout"): LogLine => ({
        seq: seq++, stream, timestamp: req.timestamps ? new Date().toISOString() : null,
        text: { text, runs: text.startsWith("ERROR") ? [[0, { ...plain, fg: { indexed: 1 }, bold: true }]] : [] }, truncated: false,
      });
      setTimeout(() => cb({ lines: [line("server listening on :80"), line("GET / 200"), line("ERROR <b>not bold</b> & escaped", "stderr")], dropped: 0, ended: false, error: null }), 20);
      const t = req.follow ? setInterval(() => cb({ lines: [line(`tick ${seq}`)], dropped: 0, ended: false, error: null }), 500) : undefined;
      return stream(() => clearInterval(t));
    },
    logsSave: async (_id, name) => ({ path: `/root/Downloads/wharf-${name}.log`, bytes: 42 }),
    async logsMerged(sel, req, cb) {
      eng.mergedCalls.push(sel);
      let seq = 0;
      // As the core sends them: `prefix │ ` in the source's colour, then the line.
      const line = (prefix: string, colour: number, text: string): LogLine => {
        const head = `${prefix.padEnd(3)} │ `;
        return {
          seq: seq++, stream: "stdout", timestamp: null,
          text: { text: head + text, runs: [[0, { ...plain, fg: { indexed: colour }, bold: true }], [new TextEncoder().encode(head).length, plain]] },
          truncated: false,
        };
      };
      setTimeout(() => cb({ lines: [line("web", 6, "GET / 200"), line("db", 3, "checkpoint complete"), line("web", 6, "GET /cart 500")], dropped: 0, ended: !req.follow, error: null }), 20);
      return stream(() => undefined);
    },
    logsMergedSave: async (_sel, name) => ({ path: `/root/Downloads/wharf-${name}.log`, bytes: 42 }),
    async stats(visible, focus, series, top, cb) {
      eng.statsCalls.push({ visible, focus, series, top });
      if (focus && series) eng.watchSeries(focus);
      eng.startSampler();
      let i = 0;
      let after = series?.after_ms ?? null;
      const send = () => {
        i += 1;
        const t = now();
        const latest: Record<string, Sample> = {};
        for (const id of [...visible, ...(focus ? [focus] : [])]) latest[id] = eng.series.get(id)?.at(-1) ?? sample(t, i + id.length);
        if (top !== null) {
          // wharf-core's `StatsView::top`: the `top` highest CPU and memory users, each once.
          const ids = Object.keys(latest);
          const keep = new Set([...ids].sort((a, b) => latest[b].cpu_pct - latest[a].cpu_pct).slice(0, top)
            .concat([...ids].sort((a, b) => latest[b].mem_used - latest[a].mem_used).slice(0, top)));
          for (const id of ids) if (!keep.has(id)) delete latest[id];
        }
        let tail = null;
        if (focus && series) {
          const samples = (eng.series.get(focus) ?? []).filter((s) => after === null || s.at_ms > after);
          after = samples.at(-1)?.at_ms ?? after;
          tail = { id: focus, samples };
        }
        cb({ revision: i, latest, series: tail });
      };
      const first = setTimeout(send, 10);
      eng.sampleListeners.add(send);
      return stream(() => { clearTimeout(first); eng.sampleListeners.delete(send); });
    },
    async dashSampling(on) { eng.dashSamplingCalls.push(on); },
    async dash(scope, stacking, resume, cb) {
      eng.dashCalls.push({ scope, stacking, resume });
      eng.startSampler();
      // As src-tauri's `next_update`: whole when the bands differ from what was sent, else
      // the points after the last one sent.
      let sent: { groups: string[][]; after: number } | null = resume ? { groups: resume.groups, after: resume.after_ms } : null;
      const send = () => {
        const all = dashSeries(eng.dashTimes, stacking);
        const groups = all.charts.map((c) => c.groups);
        const newest = all.at_ms.at(-1) ?? 0;
        if (sent && JSON.stringify(sent.groups) === JSON.stringify(groups)) {
          const from = all.at_ms.findIndex((t) => t > sent!.after);
          if (from < 0) return;
          const tail: DashSeries = { ...all, at_ms: all.at_ms.slice(from), charts: all.charts.map((c) => ({ ...c, values: c.values.map((v) => v.slice(from)) })) };
          cb({ reset: false, series: tail });
        } else {
          cb({ reset: true, series: all });
        }
        sent = { groups, after: newest };
      };
      const first = setTimeout(send, 10);
      eng.sampleListeners.add(send);
      return stream(() => { clearTimeout(first); eng.sampleListeners.delete(send); });
    },
    async dashMarkers(scope) {
      eng.dashMarkerCalls.push(scope);
      const from = now() - 900_000;
      return eng.dashMarkers.filter((m) => m.at_ms >= from);
    },
    async dashExport(scope, _stacking, format) {
      const name = scope.kind === "engine" ? "dash" : `dash-${scope.name}`;
      eng.dashExports.push(format);
      return { path: `/root/Downloads/wharf-${name}.${format}`, bytes: 2048 };
    },
    chartExport: async (_id, name, metric, format) => ({ path: `/root/Downloads/wharf-${name}-${metric}.${format}`, bytes: 1234 }),
    async exec(_id, _cols, _rows, cb) {
      setTimeout(() => cb({ type: "output", data: "/ # " }), 10);
      const s = stream(() => undefined);
      const h: ExecHandle = {
        stop: s.stop,
        async write(data) { eng.execInput += data; cb({ type: "output", data: data === "\r" ? "\r\n/ # " : data }); },
        async resize() { /* nothing to resize */ },
      };
      return h;
    },
    streamsReset: async () => undefined,
    contexts: async () => eng.contexts,
    switchContext: async () => ({ version: "stub", read_only: false, endpoint: "unix:///stub/docker.sock", context: null, tls_unverified: false, initial_view: null }),
    async containerRunForm(id) {
      const c = eng.containers.find((x) => x.id === id);
      if (!c) throw { kind: "not_found", message: `no such container: ${id}`, hint: null };
      const form = cannedRunForm(c, eng.edits);
      return { form, secret_keys: form.env.map((e) => e.split("=")[0]).filter((k) => /PASSWORD|SECRET|TOKEN/.test(k)) };
    },
    async recreatePreview(id, form) {
      const c = eng.containers.find((x) => x.id === id);
      if (!c) throw { kind: "not_found", message: `no such container: ${id}`, hint: null };
      return cannedDiff(c, cannedRunForm(c, eng.edits), form);
    },
    // Images: canned progress for the page's tests (the real rules and transfers are proved
    // by the core's tests, src-tauri/tests/images.rs and the real app under WebDriver).
    async imageTransfer(request, cb) {
      eng.transfers.push(request);
      const what = request.kind === "pull" || request.kind === "push" ? `${request.kind} ${request.reference}` : request.kind;
      if (request.kind === "pull" && /[A-Z]/.test(request.reference)) {
        setTimeout(() => cb({ kind: "failed", error: { kind: "invalid_input", message: `'${request.reference}' is not a valid image name: repository names must be lowercase`, hint: null } }), 10);
        return stream(() => undefined);
      }
      const total = [4_000_000, 1_000_000];
      let step = 0;
      const tick = () => {
        step += 1;
        const layers = total.map((t, i) => {
          const current = Math.min(t, Math.round((t * step) / (eng.transferSteps - i)));
          return { id: `layer${i}abcdef`, status: current >= t ? "Pull complete" : "Downloading", current, total: t, done: current >= t };
        });
        const transfer = { what, layers, status: "", current: layers.reduce((a, l) => a + l.current, 0),
          total: total.reduce((a, b) => a + b, 0), layers_done: layers.filter((l) => l.done).length };
        if (transfer.layers_done === layers.length) {
          clearInterval(timer);
          cb({ kind: "done", transfer, image: "sha256:" + hex(0xfeed), digest: null });
        } else cb({ kind: "progress", transfer });
      };
      const timer = setInterval(tick, eng.transferTick);
      return stream(() => { eng.cancelled += 1; clearInterval(timer); });
    },
    imageHistory: async () => [
      { id: "sha256:" + hex(0xbb), created: Math.floor(now() / 1000) - 3600, created_by: "/bin/sh -c #(nop)  CMD [\"sh\"]", size: 0, comment: "", tags: ["busybox:test"] },
      { id: "<missing>", created: Math.floor(now() / 1000) - 7200, created_by: "/bin/sh -c #(nop) ADD file:abc in / ", size: 4_400_000, comment: "imported", tags: [] },
    ],
    imageFilter: async (filter) => eng.images.filter((i) => filter === "all" || (filter === "dangling" ? i.tags.length === 0 : !eng.containers.some((c) => c.image_id === i.id))).map((i) => i.id),
    async checkUpdates(ids) {
      eng.checked.push(ids);
      const images: Record<string, "outdated" | "up_to_date"> = {};
      for (const id of ids) images[id] = eng.images.find((i) => i.id === id)?.tags.length ? "outdated" : "up_to_date";
      const containers: Record<string, "outdated" | "up_to_date"> = {};
      for (const c of eng.containers) if (c.image_id && images[c.image_id]) containers[c.id] = images[c.image_id];
      return { images, containers, why: {} };
    },
    // Bulk image update: canned answers for the page's tests (the rules and the real run are
    // proved by the core's tests, src-tauri/tests/bulk_update.rs): a paused container is left
    // out, "db" fails and is put back, the others are updated.
    async imageUpdatePlan(ids) {
      eng.updatePlans.push(ids);
      const cs = eng.containers.filter((c) => ids.includes(c.id));
      const paused = cs.filter((c) => c.state === "paused");
      return {
        items: cs.filter((c) => c.state !== "paused").map((c) => ({ id: c.id, name: c.name, reference: c.image,
          image: c.image_id ?? "", digest: "sha256:" + hex(0xd1)})),
        excluded: paused.map((c) => ({ id: c.id, name: c.name,
          why: "it is paused: it could not be put back paused if the update failed; unpause it first" })),
      };
    },
    async imageUpdate(plan, confirmed, cb) {
      eng.imageUpdates.push({ plan, confirmed });
      const steps: (() => void)[] = [];
      const transfer = (done: boolean) => ({ what: `pull busybox:test`, status: "", current: done ? 100 : 40, total: 100,
        layers_done: done ? 1 : 0, layers: [{ id: "layer0abcdef", status: done ? "Pull complete" : "Downloading", current: done ? 100 : 40, total: 100, done }] });
      steps.push(() => cb({ kind: "pull", reference: "busybox:test", index: 0, count: 1, transfer: transfer(false) }));
      steps.push(() => cb({ kind: "pull", reference: "busybox:test", index: 0, count: 1, transfer: transfer(true) }));
      plan.items.forEach((i, n) => steps.push(() => cb({ kind: "recreating", name: i.name, index: n, count: plan.items.length })));
      steps.push(() => cb({ kind: "finished", report: { containers: plan.items.map((i) => i.name === "db"
        ? { result: "failed" as const, id: i.id, name: i.name, step: "recreate",
          error: `recreate ${i.name}: could not start the new container: port is already allocated. Nothing was changed: the old container ${i.name} is back, running, unchanged` }
        : { result: "updated" as const, id: i.id, name: i.name, new_id: hex(0xabc), old_image: i.image, new_image: "sha256:" + hex(0xfeed) }) } }));
      let n = 0;
      const timer = setInterval(() => { steps[n++]?.(); if (n >= steps.length) clearInterval(timer); }, eng.transferTick);
      return stream(() => clearInterval(timer));
    },
    async composeDownPlan(name) {
      const p = eng.projects().find((x) => x.name === name);
      if (!p) throw { kind: "not_found", message: `compose project ${name} has no containers`, hint: null };
      return { project: name, lines: [...p.services.flatMap((s) => s.containers.map((c) => `remove container ${c.name} (${c.state})`)),
        `remove the networks of project ${name} (compose's ${name}_default and the others it made)`] };
    },
    async projectAction(name, action, confirmed) {
      if (eng.readOnly) throw { kind: "denied", message: `${action} project ${name}: Wharf is in read-only mode`, hint: null };
      eng.projectActions.push({ name, action, confirmed });
      const cs = eng.containers.filter((c) => c.compose?.project === name);
      for (const c of cs) {
        if (action === "stop") c.state = "exited";
        if (action === "start" || action === "restart") c.state = "running";
      }
      if (action === "remove") eng.containers = eng.containers.filter((c) => c.compose?.project !== name);
      eng.publish();
      return cs.map(() => null);
    },
    async composeRun(project, file, action, confirmed, cb) {
      if (eng.readOnly) throw { kind: "denied", message: `compose ${action}: Wharf is in read-only mode`, hint: null };
      if (action === "down" && !confirmed) throw { kind: "invalid_input", message: `compose down ${project}: needs confirmation`, hint: null };
      eng.composeRuns.push({ project, file, action, confirmed });
      const steps: (() => void)[] = [
        () => cb({ kind: "started", command: `docker-compose -p ${project} --project-directory /srv/${project} ${action === "up" ? "up -d" : action}` }),
        () => cb({ kind: "line", text: `Creating ${project}_web_1 ... done`, stderr: true }),
        () => cb({ kind: "line", text: "\u241b[31mnot red", stderr: false }),
        () => cb({ kind: "finished", error: null }),
      ];
      let n = 0;
      const timer = setInterval(() => { steps[n++]?.(); if (n >= steps.length) clearInterval(timer); }, eng.transferTick);
      return stream(() => clearInterval(timer));
    },
    loginTarget: async () => ({ kind: "plain_file", path: "/root/.docker/config.json" }),
    async login(server, username, password, save) {
      eng.logins.push({ server, username, save, passwordLength: password.length });
      if (password !== "right") throw { kind: "denied", message: `login to ${server}: unauthorized: authentication required`, hint: null };
      return save === "session" ? { kept: "session" } : { kept: "saved", kind: "plain_file", path: "/root/.docker/config.json" };
    },
    buildCheck: async (form) => cannedBuildErrors(form),
    async build(form, cb) {
      // Canned, like the run form's preview: a context named …/fail fails at its RUN step, one
      // named …/slow runs until stopped; others build an image with the form's tags.
      eng.builds.push(form);
      const errors = cannedBuildErrors(form);
      if (errors.length) throw { kind: "invalid_input", message: errors.map((e) => e.message).join("; "), hint: null };
      const send = (b: Partial<BuildBatch>) => cb({ events: [], ended: false, error: null, ...b });
      const timers: ReturnType<typeof setTimeout>[] = [];
      const later = (ms: number, f: () => void) => timers.push(setTimeout(f, ms));
      later(10, () => send({ events: [{ kind: "context", bytes: 3072, entries: 3 },
        { kind: "step", text: "Step 1/2 : FROM busybox:test" }, { kind: "output", text: " ---> " + hex(0xbb).slice(0, 12) },
        { kind: "step", text: "Step 2/2 : RUN echo hello" }, { kind: "output", text: " ---> Running in 0123456789ab" },
        { kind: "output", text: "hello <b>not bold</b> & escaped" }] }));
      if (form.context.endsWith("/fail")) {
        later(40, () => send({ ended: true, error: { kind: "engine", message: "build failed: The command '/bin/sh -c echo hello' returned a non-zero code: 3", hint: null } }));
      } else if (!form.context.endsWith("/slow")) {
        later(60, () => {
          const id = "sha256:" + hex(0xb1d00 + eng.built.length);
          eng.built.push({ id, tags: form.tags.length ? form.tags : ["<none>:<none>"], digests: [], created: Math.floor(now() / 1000), size: 2_200_000, containers: 0, labels: {} });
          eng.publish();
          send({ events: [{ kind: "done", id, tags: form.tags }], ended: true });
        });
      }
      return stream(() => { eng.buildsStopped += 1; timers.forEach(clearTimeout); });
    },
    async imageSearch(query) {
      // A loopback registry (v2 only) has no search, as the engine reports it.
      const reg = query.term.includes("/") ? query.term.split("/")[0] : "";
      if (reg.includes(":") || reg.includes(".")) throw { kind: "not_found", message: `${reg} does not offer search`, hint: null };
      const found: SearchResult[] = [
        { name: query.term, description: "The official image <i>not italic</i>", stars: 1200, official: true, automated: false },
        { name: `someone/${query.term}-tools`, description: "", stars: 3, official: false, automated: true },
      ];
      return query.official_only ? found.filter((r) => r.official) : found;
    },
    async statsHistory(id, range) {
      eng.historyCalls.push({ id, range });
      const span = { m15: 900_000, h1: 3_600_000, h24: 86_400_000, d7: 604_800_000 }[range];
      const to = now();
      const h = eng.history.get(id);
      return {
        from_ms: to - span, to_ms: to, step_ms: range === "h24" ? 60_000 : range === "d7" ? 900_000 : 1000,
        samples: (h?.samples ?? []).filter((s) => s.at_ms >= to - span),
        markers: (h?.markers ?? []).filter((m) => m.at_ms >= to - span),
      };
    },
    containerChanges: async () => [
      { path: "/etc", kind: "changed" }, { path: "/etc/group", kind: "changed" },
      { path: "/made-here", kind: "added" }, { path: "/bin/cat", kind: "deleted" },
    ],
    async listDir(_id, dir) {
      eng.listed.push(dir);
      return stubListing(dir);
    },
    // A copy moves 4 MiB in 8 steps, one every 40 ms (long enough to see and cancel the bar);
    // the host path "/exists" is "already there" unless overwriting.
    async copyOut(id, src, dest, overwrite, cb) {
      eng.copies.push({ dir: "out", id, src, dest, overwrite });
      const h = stubCopy(cb, overwrite || !dest.startsWith("/exists") ? null : `${dest}/${src.split("/").pop()} already exists on the host`, `${dest}/${src.split("/").pop()}`, stream);
      return { stop() { eng.copyCancelled += 1; h.stop(); } };
    },
    async copyIn(id, src, dest, cb) {
      eng.copies.push({ dir: "in", id, src, dest, overwrite: false });
      const h = stubCopy(cb, null, `${dest}/${src.split("/").pop()}`, stream);
      return { stop() { eng.copyCancelled += 1; h.stop(); } };
    },
    alertsList: async () => eng.alerts,
    async onAlerts(cb) { eng.alertListeners.add(cb); return () => eng.alertListeners.delete(cb); },
    alertRules: async () => ({ path: "/stub/config/wharf/alerts.toml", rules: maskRules(eng.alertRules) }),
    async alertRulesSave(rules) {
      eng.alertRulesSent.push(structuredClone(rules));
      // As wharf-core's `alerts::webhook::save_from_page`: a mask keeps the file's value.
      rules = rules.map((r) => {
        const old = eng.alertRules.find((o) => o.name === r.name)?.webhook?.headers ?? {};
        if (!r.webhook) return r;
        const headers = Object.fromEntries(Object.entries(r.webhook.headers ?? {})
          .map(([k, v]) => [k, v === HEADER_MASK && old[k] !== undefined ? old[k] : v]));
        return { ...r, webhook: { ...r.webhook, headers } };
      });
      // Two of wharf-core's checks, with its messages (the real ones are `alerts::rules`).
      for (const [i, r] of rules.entries()) {
        const who = r.name ? JSON.stringify(r.name) : `#${i + 1}`;
        if (!r.name) throw { kind: "invalid_input", message: `alert rule ${who}: name: give the rule a name`, hint: null };
        if (r.cooldown_secs < 1) throw { kind: "invalid_input", message: `alert rule ${who}: cooldown_secs: must be at least 1 (how long before the rule fires again for a container)`, hint: null };
      }
      eng.alertRules = rules;
      return { path: "/stub/config/wharf/alerts.toml", rules: maskRules(rules) };
    },
    ...stubFleet((i, state) => container(i, `web-${i}`, state), stream),
    ...stubFleetObjects(),
  };
}

/** What wharf-core sends the page instead of a literal webhook header value. */
const HEADER_MASK = "••••";

/** As wharf-core's `alerts::webhook::masked`: literal header values become the mask. */
function maskRules(rules: RuleSpec[]): RuleSpec[] {
  return rules.map((r) => (r.webhook ? {
    ...r,
    webhook: {
      ...r.webhook,
      headers: Object.fromEntries(Object.entries(r.webhook.headers ?? {})
        .map(([k, v]) => [k, (v ?? "").startsWith("env:") ? v : HEADER_MASK])),
    },
  } : r));
}

/** The stub's canned build-form errors (the real rules are wharf-core's `spec::build`). */
function cannedBuildErrors(f: BuildForm): BuildFieldError[] {
  const errors: BuildFieldError[] = [];
  if (!f.context.trim()) errors.push({ field: "context", entry: null, message: "the context directory is required" });
  f.tags.forEach((t, i) => { if (/\s|[A-Z]/.test(t)) errors.push({ field: "tags", entry: i, message: `tag: image name part '${t}' must be lowercase` }); });
  f.args.forEach((a, i) => { if (!a.includes("=")) errors.push({ field: "args", entry: i, message: `build argument '${a}' is not KEY=VALUE` }); });
  return errors;
}
