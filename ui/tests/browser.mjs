// Headless Debian Chromium through playwright-core (no browser download: the system one).
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.WHARF_CHROMIUM ?? "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
