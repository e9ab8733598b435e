// A minimal W3C WebDriver client (fetch only) for driving the real app through tauri-driver,
// which proxies to WebKitWebDriver. Only what the end-to-end test needs.
export class Session {
  constructor(base, id) { this.base = base; this.id = id; }

  static async create(base, application, args = []) {
    const res = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
    });
    return new Session(base, res.sessionId);
  }

  cmd(method, path, body) { return call(this.base, method, `/session/${this.id}${path}`, body); }
  delete() { return this.cmd("DELETE", ""); }
  script(src, ...args) { return this.cmd("POST", "/execute/sync", { script: src, args }); }
  async find(css) {
    const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return Object.values(el)[0];
  }
  click(el) { return this.cmd("POST", `/element/${el}/click`, {}); }
  /** Find `css` and click it; found again when a re-render replaced the element in between
   * (a snapshot from the engine can redraw a toolbar at any moment). */
  async clickOn(css) {
    for (let attempt = 0; ; attempt++) {
      try { return await this.click(await this.find(css)); } catch (e) {
        if (attempt >= 4 || !String(e).includes("stale element")) throw e;
      }
    }
  }
  async screenshot() { return Buffer.from(await this.cmd("GET", "/screenshot"), "base64"); }

  /** Poll `src` (a script returning a truthy value when done) until it holds. */
  async waitFor(what, src, timeoutMs = 30_000, ...args) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try { last = await this.script(src, ...args); if (last) return last; } catch (e) { last = e; }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method, headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json.value?.error) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}
