// Included by build.rs too (hence no `//!` here: see `command_names` in lib.rs).

/// Every `#[tauri::command]` of `commands`, by the name the page invokes. build.rs makes one
/// `allow-<name>` permission of each; the wiring tests check that `generate_handler!` registers
/// each and that the capability grants each; the page gets them as the `CommandName` type.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "snapshot",
    "execute",
    "prune_plan",
    "container_removals",
    "inspect",
    "run_preview",
    "container_findings",
    "top",
    "disk_usage",
    "engine_info",
    "logs_start",
    "logs_save",
    "stats_watch",
    "chart_export",
    "exec_open",
    "exec_write",
    "exec_resize",
    "stream_stop",
    "streams_reset",
    "contexts",
    "switch_context",
    "container_run_form",
    "recreate_preview",
    "image_transfer",
    "image_history",
    "image_filter",
    "check_updates",
    "login_target",
    "login",
    "image_update_plan",
    "image_update",
];
