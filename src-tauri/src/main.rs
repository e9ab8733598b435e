//! The `wharf-desktop` binary: parse flags, run the app.

// Without a console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // WebKitGTK's memory defaults (no compositing, no JIT: see footprint.rs); a value the user
    // set wins. Set before GTK or any thread starts, so WebKit's processes inherit them.
    #[cfg(target_os = "linux")]
    for (var, value) in
        wharf_desktop::footprint::webkit_defaults(|var| std::env::var_os(var).is_some())
    {
        std::env::set_var(var, value);
    }
    let args = wharf_desktop::Args::from_env();
    wharf_desktop::run(args);
}
