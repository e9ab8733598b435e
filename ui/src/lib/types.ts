// The core's model as the page receives it (serde JSON of wharf-core types and of the
// desktop adapter's views). Field names and tags follow the Rust serde attributes.

export type ContainerState =
  | "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead" | "unknown";

export interface PortMapping {
  host_ip: string | null;
  host_port: number | null;
  container_port: number;
  protocol: "tcp" | "udp" | "sctp";
}

export interface MountPoint {
  kind: string;
  name: string | null;
  source: string;
  destination: string;
  read_write: boolean;
}

export interface Container {
  id: string;
  name: string;
  image: string;
  image_id: string | null;
  command: string;
  created: number;
  state: ContainerState;
  status: string;
  health: "starting" | "healthy" | "unhealthy" | null;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  restart_count: number | null;
  ports: PortMapping[];
  mounts: MountPoint[];
  networks: string[];
  labels: Record<string, string>;
  compose: { project: string; service: string | null } | null;
  pid: number | null;
  cpu_limit: number | null;
  memory_limit: number | null;
  tty: boolean;
  detailed: boolean;
}

export interface Image {
  id: string;
  tags: string[];
  digests: string[];
  created: number;
  size: number;
  containers: number | null;
  labels: Record<string, string>;
}

export interface Network {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  subnets: string[];
  created: string | null;
  labels: Record<string, string>;
  containers: number | null;
}

export interface Volume {
  name: string;
  driver: string;
  mountpoint: string;
  created: string | null;
  scope: string | null;
  labels: Record<string, string>;
  size: number | null;
  ref_count: number | null;
}

export interface EngineEvent {
  kind: string;
  action: string;
  actor_id: string;
  attributes: Record<string, string>;
  time_nano: number;
}

export interface EngineInfo {
  platform: string;
  version: string;
  api_version: string;
  negotiated_api_version: string;
  min_api_version: string | null;
  os: string;
  os_type: string;
  kernel: string;
  arch: string;
  hostname: string;
  storage_driver: string;
  cgroup_driver: string;
  cgroup_version: string;
  logging_driver: string;
  cpus: number;
  memory: number;
  root_dir: string;
  containers: number;
  running: number;
  paused: number;
  stopped: number;
  images: number;
  swarm: string;
  system_time: string;
  warnings: string[];
}

export type ConnectionState =
  | { state: "connecting" }
  | { state: "connected"; since_ms: number }
  | { state: "reconnecting"; since_ms: number; attempt: number; reason: string }
  | { state: "failed"; reason: string };

export interface Snapshot {
  revision: number;
  endpoint: string;
  context: string | null;
  connection: ConnectionState;
  synced: boolean;
  read_only: boolean;
  engine: EngineInfo | null;
  containers: Container[];
  images: Image[];
  networks: Network[];
  volumes: Volume[];
  events: EngineEvent[];
}

export interface Sample {
  at_ms: number;
  cpu_pct: number;
  cpu_pct_of_limit: number | null;
  mem_used: number;
  mem_limit: number;
  net_rx_rate: number;
  net_tx_rate: number;
  blk_read_rate: number;
  blk_write_rate: number;
  net_rx_total: number;
  net_tx_total: number;
  blk_read_total: number;
  blk_write_total: number;
  pids: number;
}

export interface DiskUsage {
  kind: "images" | "containers" | "volumes" | "build_cache";
  total: number;
  active: number;
  size: number;
  reclaimable: number;
}

export interface Processes {
  titles: string[];
  rows: string[][];
}

export interface ErrorReport {
  kind: string;
  message: string;
  hint: string | null;
}

export type PruneTarget =
  | { target: "containers" }
  | { target: "images"; all: boolean }
  | { target: "networks" }
  | { target: "volumes"; all: boolean }
  | { target: "build_cache" };

export type Command =
  | { action: "start"; id: string }
  | { action: "stop"; id: string; timeout: number | null }
  | { action: "restart"; id: string; timeout: number | null }
  | { action: "pause"; id: string }
  | { action: "unpause"; id: string }
  | { action: "kill"; id: string; signal: string }
  | { action: "remove"; id: string; force: boolean; volumes: boolean }
  | { action: "rename"; id: string; name: string }
  | { action: "remove_image"; id: string; force: boolean; no_prune: boolean }
  | { action: "create_network"; name: string; driver: string | null; internal: boolean }
  | { action: "remove_network"; id: string }
  | { action: "create_volume"; name: string; driver: string | null }
  | { action: "remove_volume"; name: string; force: boolean }
  | { action: "prune"; target: PruneTarget };

export type Outcome =
  | { outcome: "done" }
  | { outcome: "removed"; items: string[] }
  | { outcome: "created"; id: string }
  | { outcome: "pruned"; report: { removed: string[]; reclaimed: number } };

export interface Style {
  fg: { indexed: number } | { rgb: [number, number, number] } | null;
  bg: { indexed: number } | { rgb: [number, number, number] } | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  reverse: boolean;
}

export interface LogLine {
  seq: number;
  stream: "stdout" | "stderr" | "console";
  timestamp: string | null;
  /** `runs` are (UTF-8 byte offset, style) pairs. */
  text: { text: string; runs: [number, Style][] };
  truncated: boolean;
}

export interface LogBatch {
  lines: LogLine[];
  dropped: number;
  ended: boolean;
  error: ErrorReport | null;
}

export interface ChartSet {
  id: string;
  cpu: string;
  memory: string;
  network: string;
  block_io: string;
}

export interface StatsUpdate {
  revision: number;
  latest: Record<string, Sample>;
  charts: ChartSet | null;
  error: ErrorReport | null;
}

export type ExecEvent =
  | { type: "output"; data: string }
  | { type: "exit"; code: number | null }
  | { type: "error"; error: ErrorReport };

export interface ContextSummary {
  name: string;
  description: string | null;
  host: string;
  current: boolean;
}

export interface AppInfo {
  version: string;
  read_only: boolean;
  endpoint: string;
  context: string | null;
  initial_view: string | null;
}

export type Metric = "cpu" | "memory" | "network" | "block_io";

export interface ChartOptions {
  width: number;
  height: number;
  dark: boolean;
  window_secs: number;
}

export interface LogRequest {
  tail: number | null;
  timestamps: boolean;
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
}

export interface Saved {
  path: string;
  bytes: number;
}
