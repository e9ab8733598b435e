// Vite build of the Wharf page. Relative asset paths so the same dist works inside Tauri
// (custom protocol) and from a plain static server in the browser tests.
import { defineConfig, type Plugin } from "vite";

// uPlot builds an Intl.NumberFormat and an Intl.DateTimeFormat when its module loads, for
// number labels and time zones the page never asks it for (its charts format their own axes,
// have no live legend and no time scale). Each makes WebKit load ICU data: ≈ 2 MiB of the web
// process for the two (docs/design.md, "Desktop memory"). Both are built on first use instead;
// the number format falls back to en-US where WebKitGTK reports the POSIX locale ("C"), which
// Intl refuses. The build fails if uPlot's text changes, rather than silently staying eager.
const UPLOT_LAZY: [eager: string, lazy: string][] = [
  [
    "const numFormatter = new Intl.NumberFormat(domEnv ? nav.language : 'en-US');\nconst fmtNum = val => numFormatter.format(val);",
    `let numFormatter = null;
const newNumFormatter = () => { try { return new Intl.NumberFormat(domEnv ? nav.language : 'en-US'); } catch { return new Intl.NumberFormat('en-US'); } };
const fmtNum = val => (numFormatter ??= newNumFormatter()).format(val);`,
  ],
  [
    "const localTz = new Intl.DateTimeFormat().resolvedOptions().timeZone;",
    "let localTzName = null;\nconst localTz = () => (localTzName ??= new Intl.DateTimeFormat().resolvedOptions().timeZone);",
  ],
  ["else if (tz == localTz)", "else if (tz == localTz())"],
];

function lazyUplotIntl(): Plugin {
  return {
    name: "wharf-lazy-uplot-intl",
    transform(code, id) {
      if (!/[\\/]uplot[\\/]dist[\\/]uPlot\.esm\.js$/.test(id)) return null;
      for (const [eager, lazy] of UPLOT_LAZY) {
        if (code.split(eager).length !== 2) this.error(`uPlot changed (${eager.slice(0, 40)}…): update vite.config.ts`);
        code = code.replace(eager, lazy);
      }
      return { code, map: null };
    },
  };
}

export default defineConfig({
  base: "./",
  clearScreen: false,
  plugins: [lazyUplotIntl()],
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
});
