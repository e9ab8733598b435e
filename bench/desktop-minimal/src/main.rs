//! A minimal Tauri v2 app: one window with a static page and nothing else. bench/desktop.sh
//! measures it beside wharf-desktop, the same way, as the yardstick for issue 5's memory target.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("tauri-minimal: {e}");
        std::process::exit(1);
    }
}
