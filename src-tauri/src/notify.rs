//! Desktop notifications. On Linux a `Notify` call to the session bus's notification service
//! (`org.freedesktop.Notifications`, the Desktop Notifications Specification) through GIO,
//! which WebKitGTK already loads: no D-Bus library of Wharf's own in memory (Tauri's
//! notification plugin brought zbus and ≈ 30 crates, 1.3 MB of code: docs/design.md,
//! "Desktop memory"). Elsewhere Tauri's notification plugin.

/// How long a notification call may take before it is given up (a frozen notification
/// service must not hold a thread forever).
pub const TIMEOUT_MS: i32 = 5_000;

/// Why a notification was not shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("desktop notification not shown: {0}")]
pub struct NotifyError(pub String);

/// The session bus's address as the D-Bus specification finds it: `DBUS_SESSION_BUS_ADDRESS`,
/// else the user bus socket `$XDG_RUNTIME_DIR/bus` when it exists. `None` when there is no
/// session bus (no desktop session, e.g. over SSH or under a bare X server).
pub fn session_bus_address(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(a) = env("DBUS_SESSION_BUS_ADDRESS").filter(|a| !a.is_empty()) {
        return Some(a);
    }
    let dir = env("XDG_RUNTIME_DIR").filter(|d| !d.is_empty())?;
    let socket = std::path::Path::new(&dir).join("bus");
    socket
        .exists()
        .then(|| format!("unix:path={}", socket.display()))
}

/// `text` for a notification body: servers that support markup read `<b>`, `<a href>` and
/// entities there, so what came from a container (a name, a log line in an alert's cause)
/// is escaped to show as written.
pub fn body_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Control characters (escape sequences among them) are never shown.
            c if c.is_control() && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Show a notification through the service on the bus at `address`; returns the id the
/// service gave it. Waits for the service's answer at most `timeout_ms` ([`TIMEOUT_MS`] in the
/// app), and never starts a service that is not running.
#[cfg(target_os = "linux")]
pub fn send(address: &str, summary: &str, body: &str, timeout_ms: i32) -> Result<u32, NotifyError> {
    use gio::glib::{self, StaticVariantType};
    use gio::prelude::*;
    use std::collections::HashMap;

    let flags = gio::DBusConnectionFlags::AUTHENTICATION_CLIENT
        | gio::DBusConnectionFlags::MESSAGE_BUS_CONNECTION;
    let conn =
        gio::DBusConnection::for_address_sync(address, flags, None, None::<&gio::Cancellable>)
            .map_err(|e| NotifyError(format!("no session bus at {address}: {e}")))?;
    let summary: String = summary.chars().filter(|c| !c.is_control()).collect();
    // (app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)
    let params = (
        "Wharf",
        0u32,
        "",
        summary,
        body_text(body),
        Vec::<String>::new(),
        HashMap::<String, glib::Variant>::new(),
        -1i32,
    )
        .to_variant();
    let reply = conn
        .call_sync(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
            "Notify",
            Some(&params),
            Some(&<(u32,)>::static_variant_type()),
            gio::DBusCallFlags::NO_AUTO_START,
            timeout_ms,
            None::<&gio::Cancellable>,
        )
        .map_err(|e| {
            let text = e.to_string();
            NotifyError(if e.matches(gio::IOErrorEnum::TimedOut) {
                format!("the notification service did not answer within {timeout_ms} ms")
            } else if text.contains(".NameHasNoOwner") || text.contains(".ServiceUnknown") {
                // The bus's own answer (D-Bus error names are part of the protocol).
                "no notification service is running on the session bus".to_owned()
            } else {
                format!("the notification service refused it: {text}")
            })
        })?;
    let _ = conn.close_sync(None::<&gio::Cancellable>);
    reply
        .get::<(u32,)>()
        .map(|(id,)| id)
        .ok_or_else(|| NotifyError(format!("unexpected answer {reply}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_comes_from_the_environment_then_the_user_bus() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        let env = |a: Option<&'static str>, x: Option<String>| {
            move |k: &str| match k {
                "DBUS_SESSION_BUS_ADDRESS" => a.map(str::to_owned),
                "XDG_RUNTIME_DIR" => x.clone(),
                _ => None,
            }
        };
        assert_eq!(
            session_bus_address(env(Some("unix:path=/run/x"), None)).as_deref(),
            Some("unix:path=/run/x")
        );
        // No socket in the runtime dir: no bus (never an autolaunched one).
        assert_eq!(session_bus_address(env(None, Some(d.clone()))), None);
        assert_eq!(session_bus_address(env(Some(""), None)), None);
        std::fs::write(dir.path().join("bus"), b"").unwrap();
        assert_eq!(
            session_bus_address(env(None, Some(d.clone()))),
            Some(format!("unix:path={d}/bus"))
        );
    }

    #[test]
    fn a_body_shows_markup_and_escapes_as_written() {
        assert_eq!(
            body_text("web<b>&x</b>: cpu > 90%\x1b[31m"),
            "web&lt;b&gt;&amp;x&lt;/b&gt;: cpu &gt; 90%\u{fffd}[31m"
        );
    }
}
