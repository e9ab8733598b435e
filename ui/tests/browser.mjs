// Headless system Chromium through playwright-core (no browser download): WHARF_CHROMIUM, else
// the first of the usual install paths (Debian, Ubuntu, Fedora, Google's package) that exists.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib64/chromium-browser/chromium-browser",
  "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];
export const CHROMIUM = process.env.WHARF_CHROMIUM || (CANDIDATES.find((p) => existsSync(p)) ?? CANDIDATES[0]);

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
