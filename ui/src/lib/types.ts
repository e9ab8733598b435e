// The page's model types: re-exported from ./generated/, which is generated from the Rust types
// (ts-rs, see src-tauri/src/bindings.rs) and checked by `cargo test`. Never edit those by hand;
// only page-side names and aliases live here.
export type { AppInfo } from "./generated/AppInfo";
export type { ChartOptions } from "./generated/ChartOptions";
export type { ChartStyle } from "./generated/ChartStyle";
export type { Command } from "./generated/Command";
export type { ConnectionState } from "./generated/ConnectionState";
export type { Container } from "./generated/Container";
export type { ContainerState } from "./generated/ContainerState";
export type { ContextSummary } from "./generated/ContextSummary";
export type { DiskUsage } from "./generated/DiskUsage";
export type { EngineEvent } from "./generated/EngineEvent";
export type { EngineInfo } from "./generated/EngineInfo";
export type { ErrorReport } from "./generated/ErrorReport";
export type { ExecEvent } from "./generated/ExecEvent";
export type { Image } from "./generated/Image";
export type { LogBatch } from "./generated/LogBatch";
export type { LogLine } from "./generated/LogLine";
export type { LogRequest } from "./generated/LogRequest";
export type { Metric } from "./generated/Metric";
export type { Network } from "./generated/Network";
export type { Outcome } from "./generated/Outcome";
export type { Processes } from "./generated/Processes";
export type { PruneTarget } from "./generated/PruneTarget";
export type { PrunePlan } from "./generated/PrunePlan";
export type { PruneItem } from "./generated/PruneItem";
export type { ObjectReport } from "./generated/ObjectReport";
export type { Removal } from "./generated/Removal";
export type { Sample } from "./generated/Sample";
export type { Saved } from "./generated/Saved";
export type { SeriesRequest } from "./generated/SeriesRequest";
export type { StatsUpdate } from "./generated/StatsUpdate";
export type { Style } from "./generated/Style";
export type { Usage } from "./generated/Usage";
export type { Volume } from "./generated/Volume";
/** What `snapshot` and `store://changed` carry. */
export type { SnapshotView as Snapshot } from "./generated/SnapshotView";
