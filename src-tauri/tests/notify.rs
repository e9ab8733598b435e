//! Desktop notifications reach a real D-Bus notification service: a private `dbus-daemon`
//! (Debian's `dbus-daemon`, installed by scripts/test.sh) with a notification service on it
//! made here with GIO, as a desktop's notification daemon answers `Notify`.
#![cfg(target_os = "linux")]

use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use gio::glib::{self, ToVariant};
use wharf_desktop::notify;

const XML: &str = r#"<node><interface name="org.freedesktop.Notifications">
<method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
<arg type="u" direction="out"/></method></interface></node>"#;

/// A private session bus, stopped when dropped.
struct Bus {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bus() -> Option<Bus> {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("bus");
    let address = format!("unix:path={}", socket.display());
    let child = match Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--nopidfile"])
        .arg(format!("--address={address}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if wharf_tests::in_ci() => panic!("CI=true but no dbus-daemon: {e}"),
        Err(e) => {
            eprintln!("SKIPPED: no dbus-daemon: {e}");
            return None;
        }
    };
    let bus = Bus {
        child,
        address,
        _dir: dir,
    };
    let until = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        assert!(Instant::now() < until, "dbus-daemon did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(bus)
}

/// A notification service on `address` that hands each `Notify` call's parameters to the test
/// and answers `id`, or never answers when `id` is `None` (a frozen service).
fn service(address: &str, id: Option<u32>) -> mpsc::Receiver<glib::Variant> {
    let (calls, received) = mpsc::channel();
    let (ready, is_ready) = mpsc::channel();
    let address = address.to_owned();
    std::thread::spawn(move || {
        let ctx = glib::MainContext::new();
        ctx.with_thread_default(|| {
            let flags = gio::DBusConnectionFlags::AUTHENTICATION_CLIENT
                | gio::DBusConnectionFlags::MESSAGE_BUS_CONNECTION;
            let conn = gio::DBusConnection::for_address_sync(
                &address,
                flags,
                None,
                None::<&gio::Cancellable>,
            )
            .expect("service connects");
            let node = gio::DBusNodeInfo::for_xml(XML).expect("interface XML");
            let iface = node
                .lookup_interface("org.freedesktop.Notifications")
                .expect("interface");
            let calls = Mutex::new(calls);
            conn.register_object(
                "/org/freedesktop/Notifications",
                &iface,
                move |_, _, _, _, method, params, call| {
                    assert_eq!(method, "Notify");
                    let _ = calls.lock().unwrap().send(params);
                    match id {
                        Some(id) => call.return_value(Some(&(id,).to_variant())),
                        // Frozen: the call is kept unanswered for good.
                        None => std::mem::forget(call),
                    }
                },
                |_, _, _, _, _| ().to_variant(),
                |_, _, _, _, _, _| false,
            )
            .expect("object registered");
            let owner = conn
                .call_sync(
                    Some("org.freedesktop.DBus"),
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus",
                    "RequestName",
                    Some(&("org.freedesktop.Notifications", 4u32).to_variant()),
                    None,
                    gio::DBusCallFlags::NONE,
                    5_000,
                    None::<&gio::Cancellable>,
                )
                .expect("name owned");
            assert_eq!(owner.get::<(u32,)>(), Some((1,)), "primary owner");
            ready.send(()).unwrap();
            glib::MainLoop::new(Some(&ctx), false).run();
        })
        .expect("thread-default context");
    });
    is_ready
        .recv_timeout(Duration::from_secs(10))
        .expect("service ready");
    received
}

#[test]
fn a_notification_reaches_the_service_with_its_text_shown_as_written() {
    let Some(bus) = bus() else { return };
    let calls = service(&bus.address, Some(42));
    let id = notify::send(
        &bus.address,
        "Wharf alert: cpu",
        "web<1>: cpu 97 % > 90 % for 30 s\x1b]0;x\x07",
        notify::TIMEOUT_MS,
    )
    .expect("shown");
    assert_eq!(id, 42);
    let params = calls
        .recv_timeout(Duration::from_secs(5))
        .expect("a Notify call");
    type Notify = (
        String,
        u32,
        String,
        String,
        String,
        Vec<String>,
        glib::VariantDict,
        i32,
    );
    let (app, replaces, _icon, summary, body, actions, _hints, expire) =
        params.get::<Notify>().expect("Notify's signature");
    assert_eq!(app, "Wharf");
    assert_eq!(replaces, 0);
    assert_eq!(summary, "Wharf alert: cpu");
    assert_eq!(
        body,
        "web&lt;1&gt;: cpu 97 % &gt; 90 % for 30 s\u{fffd}]0;x\u{fffd}"
    );
    assert!(actions.is_empty());
    assert_eq!(expire, -1);
}

#[test]
fn no_service_and_a_frozen_service_are_errors_not_hangs() {
    let Some(bus) = bus() else { return };
    // Nobody owns the name, and the bus is not asked to start anyone.
    let e = notify::send(&bus.address, "t", "b", notify::TIMEOUT_MS).unwrap_err();
    assert_eq!(
        e.to_string(),
        "desktop notification not shown: no notification service is running on the session bus"
    );
    // A service that takes the call and never answers: given up after the timeout.
    let calls = service(&bus.address, None);
    let started = Instant::now();
    let e = notify::send(&bus.address, "t", "b", 300).unwrap_err();
    assert!(
        calls.recv_timeout(Duration::from_secs(5)).is_ok(),
        "the call arrived"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        e.to_string(),
        "desktop notification not shown: the notification service did not answer within 300 ms"
    );
    // No bus at all.
    let e = notify::send("unix:path=/nonexistent/bus", "t", "b", 300).unwrap_err();
    assert!(
        e.to_string()
            .contains("no session bus at unix:path=/nonexistent/bus"),
        "{e}"
    );
}
