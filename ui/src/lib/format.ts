// Display formatting: sizes, durations, percentages, ids.
export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let x = Math.max(0, v);
  while (x >= 1024 && i < u.length - 1) { x /= 1024; i++; }
  return i === 0 ? `${x.toFixed(0)} B` : `${x.toFixed(1)} ${u[i]}`;
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? "–" : `${v.toFixed(1)} %`;
}

export function ago(unixSecs: number, nowMs = Date.now()): string {
  const s = Math.max(0, Math.floor(nowMs / 1000 - unixSecs));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

export function time(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}
