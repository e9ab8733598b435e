//! Wharf's desktop app: a thin Tauri v2 adapter over `wharf-core`.
//!
//! Nothing here knows Docker: [`link`] holds the core's store and stats hub for the current
//! engine, [`commands`] are a few lines each (parse → core → map the error), [`bridge`]
//! forwards store revisions to the page as batched events, [`streams`] carries logs, stats and
//! exec over `tauri::ipc::Channel`s. [`run_with`] wires it all onto any Tauri runtime, so the
//! tests can use the mock runtime.

pub mod alerts;
pub mod archive;
#[cfg(test)]
mod bindings;
pub mod bridge;
/// The names of Wharf's commands, listed once for the registration check, the capability's
/// permissions (build.rs), the page's `CommandName` type and the wiring tests.
pub mod command_names;
pub mod commands;
pub mod compose;
pub mod dash;
pub mod dash_markers;
pub mod fleet;
pub mod fleet_objects;
pub mod fleet_push;
pub mod footprint;
pub mod link;
pub mod merged_logs;
pub mod notify;
pub mod streams;
mod window_state;

use std::sync::Arc;

use tauri::{Builder, Manager, Runtime, WindowEvent};
use tokio::sync::watch;
use wharf_core::engine::Policy;
use wharf_core::session::SessionOptions;

pub use link::{Args, Link};

/// State shared by every command: the current link (replaced on context switch), the read-only
/// switch and the open streams.
pub struct Desk {
    link: watch::Sender<Arc<Link>>,
    pub read_only: bool,
    /// Read-only and the audit log, enforced by the core's engine handle (kept for context
    /// switches).
    pub policy: Policy,
    /// What the link was opened with: a context switch keeps all of it but the engine
    /// (`SessionOptions::for_context`, the core's rule, as in the terminal UI).
    pub options: SessionOptions,
    /// `--view`: what the page opens first.
    pub initial_view: Option<String>,
    pub streams: streams::Streams,
    /// Registry credentials: the docker config's, and logins kept for this session.
    pub keychain: wharf_core::engine::Keychain,
}

impl Desk {
    /// Open the link the arguments ask for. Must run inside the tokio runtime.
    pub fn open(args: &Args) -> Desk {
        let options = args.session_options();
        let (policy, link) = match options.policy() {
            Ok(p) => {
                let link = Link::open_with(&options.connect, &p);
                (p, link)
            }
            // No audit log, no engine: the page shows why instead of acting unrecorded.
            Err(e) => (
                Policy {
                    read_only: true,
                    audit: None,
                },
                Link::failed(args.host.clone().unwrap_or_default(), &e),
            ),
        };
        let (link, _) = watch::channel(Arc::new(link));
        Desk {
            link,
            read_only: args.read_only,
            policy,
            options,
            initial_view: args.view.clone(),
            streams: streams::Streams::default(),
            keychain: wharf_core::engine::Keychain::from_env(),
        }
    }

    pub fn link(&self) -> Arc<Link> {
        self.link.borrow().clone()
    }

    /// Notified when the link is replaced.
    pub fn links(&self) -> watch::Receiver<Arc<Link>> {
        self.link.subscribe()
    }

    /// Replace the link; the old one's store and hub stop once its last reader lets go.
    pub fn replace(&self, link: Link) {
        self.streams.clear();
        self.link.send_replace(Arc::new(link));
    }
}

/// Register Wharf's state, commands, bridge and window handling on `builder`.
pub fn run_with<R: Runtime>(builder: Builder<R>, args: Args) -> Builder<R> {
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(tauri_plugin_notification::init());
    builder
        .setup(move |app| {
            let desk = tauri::async_runtime::block_on(async { Desk::open(&args) });
            app.manage(desk);
            app.manage(fleet::FleetState::from_env());
            bridge::spawn(app.handle().clone());
            alerts::spawn(app.handle().clone());
            if let Some(w) = app.get_webview_window("main") {
                window_state::restore(&w);
            }
            Ok(())
        })
        .on_window_event(|window, event| match event {
            WindowEvent::CloseRequested { .. } => window_state::save(window),
            // The page's channels die with it: stop every stream it had open.
            WindowEvent::Destroyed => {
                if let Some(desk) = window.try_state::<Desk>() {
                    desk.streams.clear();
                }
            }
            _ => {}
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::snapshot,
            commands::execute,
            commands::prune_plan,
            commands::container_removals,
            commands::inspect,
            commands::run_preview,
            commands::container_findings,
            commands::top,
            commands::disk_usage,
            commands::ssh_cost,
            commands::engine_info,
            commands::logs_start,
            commands::logs_save,
            merged_logs::logs_merged_start,
            merged_logs::logs_merged_save,
            dash::dash_sampling,
            dash::dash_watch,
            dash::dash_export,
            commands::stats_watch,
            commands::stats_history,
            commands::chart_export,
            commands::exec_open,
            commands::exec_write,
            commands::exec_resize,
            commands::stream_stop,
            commands::streams_reset,
            commands::contexts,
            commands::switch_context,
            commands::container_run_form,
            commands::recreate_preview,
            commands::image_transfer,
            commands::image_history,
            commands::image_filter,
            commands::check_updates,
            commands::login_target,
            commands::login,
            commands::build_check,
            commands::build_start,
            commands::image_search,
            commands::container_changes,
            commands::container_ls,
            commands::copy_out,
            commands::copy_in,
            commands::image_update_plan,
            commands::image_update,
            compose::compose_down_plan,
            compose::project_action,
            compose::compose_run,
            commands::swarm_preview,
            archive::archive_state,
            archive::archive_set,
            archive::archive_search,
            alerts::alerts_list,
            alerts::alert_rules,
            alerts::alert_rules_save,
            fleet::fleet_open,
            fleet::fleet_snapshot,
            fleet::fleet_close,
            fleet::fleet_execute,
            fleet::fleet_plan,
            fleet_push::fleet_watch,
            fleet_objects::fleet_objects,
            fleet_objects::fleet_remove_plan,
            dash_markers::dash_markers,
        ])
}

/// Start the desktop app; returns when the last window closes.
pub fn run(args: Args) {
    let result = run_with(tauri::Builder::default(), args).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("wharf-desktop: {e}");
        std::process::exit(1);
    }
}
