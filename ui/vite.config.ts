// Vite build of the Wharf page. Relative asset paths so the same dist works inside Tauri
// (custom protocol) and from a plain static server in the browser tests.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
});
