// Headless Debian Chromium through playwright-core (no browser download: the system one).
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

// WHARF_CHROMIUM, else the first Chromium or Chrome found on PATH (Debian's `chromium`,
// Ubuntu's `chromium-browser`, Google's `google-chrome`…).
function findChromium() {
  if (process.env.WHARF_CHROMIUM) return process.env.WHARF_CHROMIUM;
  const names = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome"];
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  }
  return "chromium (not found on PATH; set WHARF_CHROMIUM)";
}

export const CHROMIUM = findChromium();

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
