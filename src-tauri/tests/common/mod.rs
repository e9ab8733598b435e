//! Shared helpers for the command-wiring tests: an app on Tauri's mock runtime with Wharf's
//! handlers, an `invoke` that goes through the real IPC path (argument parsing, ACL, error
//! serialization), and channels whose messages are captured by an interceptor.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};
use wharf_desktop::{run_with, Args};

/// Messages sent on each channel id, in order.
pub type Captured = Arc<Mutex<HashMap<u32, Vec<Value>>>>;

pub struct TestApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub channels: Captured,
    pub events: Arc<Mutex<Vec<Value>>>,
    next_channel: u32,
}

/// A loopback address where no engine answers (the discard port, closed here), so commands
/// fail the way an engine that went away makes them.
pub fn dead_host() -> String {
    "tcp://127.0.0.1:9".to_owned()
}

/// A socket that does not exist: the client cannot even be built.
pub fn missing_socket() -> String {
    "unix:///nonexistent/wharf-desktop-test.sock".to_owned()
}

impl TestApp {
    pub fn new(args: Args) -> TestApp {
        TestApp::with_context(args, mock_context(noop_assets()))
    }

    /// The app connected to a harness engine, everything else at its defaults.
    pub fn on(engine: &wharf_tests::TestEngine) -> TestApp {
        TestApp::new(Args {
            host: Some(engine.host().to_owned()),
            ..Args::default()
        })
    }

    /// An app built with `context`: `tauri::generate_context!()` gives the real configuration
    /// and capabilities, so the access control the real app has applies to `invoke`.
    pub fn with_context(args: Args, context: tauri::Context<MockRuntime>) -> TestApp {
        let channels: Captured = Arc::default();
        let sink = channels.clone();
        let builder = mock_builder().channel_interceptor(move |_webview, cb, _index, body| {
            let v = match body {
                InvokeResponseBody::Json(s) => serde_json::from_str(s).unwrap_or(Value::Null),
                InvokeResponseBody::Raw(b) => json!(b),
            };
            sink.lock().unwrap().entry(cb.0).or_default().push(v);
            true
        });
        let mut app = run_with(builder, args)
            .build(context)
            .expect("build the mock app");
        // Listen before the setup hook starts the bridge: it emits once per store revision,
        // and an engine that refuses at once yields its only revisions within milliseconds.
        // Listening after them (a busy machine delays this thread) left nothing to wait for.
        let events: Arc<Mutex<Vec<Value>>> = Arc::default();
        let ev = events.clone();
        app.listen_any(wharf_desktop::bridge::EVENT, move |e| {
            ev.lock()
                .unwrap()
                .push(serde_json::from_str(e.payload()).unwrap_or(Value::Null));
        });
        // The setup hook (state, bridge) runs with the event loop; one iteration runs it.
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        // The real configuration makes the main window itself; the mock's makes none.
        let window = match app.get_webview_window("main") {
            Some(w) => w,
            None => WebviewWindowBuilder::new(&app, "main", Default::default())
                .build()
                .expect("a mock window"),
        };
        TestApp {
            app,
            window,
            channels,
            events,
            next_channel: 1000,
        }
    }

    pub fn offline() -> TestApp {
        TestApp::new(Args {
            host: Some(dead_host()),
            ..Args::default()
        })
    }

    /// Invoke `cmd` with `args` through the IPC layer, as the page does.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let req = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        tauri::test::get_ipc_response(&self.window, req).map(|b| b.deserialize().unwrap())
    }

    /// A fresh channel argument and its id.
    pub fn channel(&mut self) -> (String, u32) {
        self.next_channel += 1;
        (
            format!("__CHANNEL__:{}", self.next_channel),
            self.next_channel,
        )
    }

    /// Wait until channel `id` has a message for which `pred` holds; returns it.
    pub fn wait_message(&self, id: u32, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = self
                .channels
                .lock()
                .unwrap()
                .get(&id)
                .and_then(|msgs| msgs.iter().find(|m| pred(m)).cloned())
            {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "no matching message on channel {id} within {timeout:?}; got {:?}",
                self.channels.lock().unwrap().get(&id)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn messages(&self, id: u32) -> Vec<Value> {
        self.channels
            .lock()
            .unwrap()
            .get(&id)
            .cloned()
            .unwrap_or_default()
    }

    /// Wait for a `store://changed` event for which `pred` holds.
    pub fn wait_event(&self, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = self.events.lock().unwrap().iter().find(|e| pred(e)) {
                return v.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no matching store://changed event within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The `kind` of an error answer.
pub fn kind(err: &Value) -> &str {
    err["kind"].as_str().unwrap_or("<no kind>")
}

/// The folder the app saves downloads to in this test process (`WHARF_DOWNLOAD_DIR`), made
/// once per test binary.
pub fn download_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var("WHARF_DOWNLOAD_DIR", dir.path());
        dir
    })
    .path()
}
