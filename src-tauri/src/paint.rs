//! Issue 14's paint experiments (session 11), switched by environment variables so one
//! release build measures every variant side by side (`bench/desktop-pair.sh`):
//!
//! - `WHARF_PAINT=FLAG,…` is handed to the page as `window.__wharfPaint` before its script
//!   runs (`half`: live charts half as tall; `notext`: no text outside the canvases rewritten
//!   each second), to see whether a second's rendering update costs by the area it repaints.
//! - `WHARF_ACCEL_SWITCH=1`: start with WebKitGTK's hardware-acceleration policy as it is (run
//!   with `WEBKIT_DISABLE_COMPOSITING_MODE=0` for the default policy) and set it to NEVER once
//!   the page has loaded: the faster start of compositing with the idle cost of none?
use tauri::plugin::TauriPlugin;
use tauri::webview::PageLoadEvent;
use tauri::{Runtime, Webview};

/// The page's flags, when `WHARF_PAINT` is set.
pub fn plugin<R: Runtime>() -> Option<TauriPlugin<R>> {
    let flags = std::env::var("WHARF_PAINT").ok()?;
    let json = serde_json::to_string(&flags).ok()?;
    Some(
        tauri::plugin::Builder::new("wharf-paint")
            .js_init_script(format!("window.__wharfPaint = {json};"))
            .build(),
    )
}

/// After the page loaded: hardware acceleration off, when `WHARF_ACCEL_SWITCH=1`.
pub fn on_load<R: Runtime>(webview: &Webview<R>, event: PageLoadEvent) {
    if event != PageLoadEvent::Finished || std::env::var_os("WHARF_ACCEL_SWITCH").is_none() {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let result = webview.with_webview(|wv| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = wv.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                tracing::info!("hardware acceleration policy set to NEVER");
            }
        });
        if let Err(e) = result {
            tracing::warn!("hardware acceleration policy not set: {e}");
        }
    }
}
