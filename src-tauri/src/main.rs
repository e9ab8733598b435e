//! The `wharf-desktop` binary: parse flags, run the app.

// Without a console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // WebKitGTK's accelerated compositing costs ≈ 80 MiB per window and buys nothing for a
    // page of tables and static graphs (see docs/desktop.md); a user can still turn it on by
    // setting the variable to 0. Set before GTK or any thread starts.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let args = wharf_desktop::Args::from_env();
    wharf_desktop::run(args);
}
