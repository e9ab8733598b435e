//! The `wharf-desktop` binary: parse flags, run the app.

// Without a console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args = wharf_desktop::Args::from_env();
    wharf_desktop::run(args);
}
