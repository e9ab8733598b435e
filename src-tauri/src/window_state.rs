//! Remembered window size: saved to `window.json` in the app's config directory when the
//! window closes, restored at start. The last view is the page's business (local storage).
//!
//! Failures here are logged and ignored on purpose: a read-only home or a corrupt file must
//! not stop the app, it only loses the remembered size.

use serde::{Deserialize, Serialize};
use tauri::{LogicalSize, Manager, Runtime, WebviewWindow, Window};

const FILE: &str = "window.json";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Saved {
    width: f64,
    height: f64,
    maximized: bool,
}

pub fn save<R: Runtime>(window: &Window<R>) {
    let scale = window.scale_factor().unwrap_or(1.0);
    let (Ok(size), Ok(maximized)) = (window.inner_size(), window.is_maximized()) else {
        return;
    };
    let logical = size.to_logical::<f64>(scale);
    let saved = Saved {
        width: logical.width,
        height: logical.height,
        maximized,
    };
    let Ok(dir) = window.path().app_config_dir() else {
        return;
    };
    let result = std::fs::create_dir_all(&dir).and_then(|()| {
        let json = serde_json::to_vec(&saved).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(FILE), json)
    });
    if let Err(e) = result {
        tracing::warn!("could not save the window size: {e}");
    }
}

pub fn restore<R: Runtime>(window: &WebviewWindow<R>) {
    let Ok(dir) = window.path().app_config_dir() else {
        return;
    };
    let Ok(bytes) = std::fs::read(dir.join(FILE)) else {
        return;
    };
    let Ok(saved) = serde_json::from_slice::<Saved>(&bytes) else {
        tracing::warn!("ignoring a malformed {FILE}");
        return;
    };
    // A size smaller than the window's minimum or absurdly large is ignored by the toolkit.
    if saved.width >= 200.0 && saved.height >= 150.0 {
        let _ = window.set_size(LogicalSize::new(saved.width, saved.height));
    }
    if saved.maximized {
        let _ = window.maximize();
    }
}
