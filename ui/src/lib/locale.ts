// WebKitGTK reports the POSIX locale as navigator.language ("C" when LANG is unset or C, as on
// many servers and in the benchmark), and Intl refuses that tag: uPlot builds its number format
// from navigator.language when it loads, so the charts would fail. Imported before uPlot.
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, "language", { configurable: true, get: () => "en-US" });
}
