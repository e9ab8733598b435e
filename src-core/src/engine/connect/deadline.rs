//! How long one request may wait for the engine's response headers.
//!
//! bollard applies one timeout (120 s) to every request. A frozen engine (dockerd stopped,
//! a hung VM) accepts connections in the kernel and then never answers, so every read waited
//! two minutes. Reads and quick calls now get [`QUICK`] instead; calls the engine legitimately
//! takes long to answer (stop and restart wait out the grace period, prune, removal, disk usage
//! with sizes, image transfers, container creation) keep bollard's [`SLOW`] limit.
//!
//! Only the wait for the response *headers* is bounded: streamed bodies (events, logs, stats,
//! exec) are never cut. The engine answers the headers of those at once.

use std::time::Duration;

use hyper::Method;

/// Reads and quick calls: a healthy engine answers in milliseconds, a loaded one in a second
/// or two; ten seconds means it is frozen or unreachable.
pub(crate) const QUICK: Duration = Duration::from_secs(10);

/// Added to [`QUICK`] over SSH, whose first request may include a whole SSH login.
pub(crate) const SSH_EXTRA: Duration = Duration::from_secs(10);

/// Calls that legitimately take long (see the module docs): bollard's own limit.
pub(crate) const SLOW: Duration = Duration::from_secs(super::REQUEST_TIMEOUT_SECS);

/// The deadline for a request, from its method and path (`/v1.41/containers/x/stop?t=10`).
pub(crate) fn for_request(method: &Method, path_and_query: &str, quick: Duration) -> Duration {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    // Strip the version prefix: `/v1.41/containers/json` → `/containers/json`.
    let path = match path.strip_prefix("/v") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            rest.find('/').map_or("/", |i| &rest[i..])
        }
        _ => path,
    };
    let sizes = query
        .split('&')
        .any(|kv| matches!(kv, "size=true" | "size=1"));
    let slow_read = path == "/system/df"
        || sizes
        || path.ends_with("/export")
        || path.ends_with("/archive")
        || path.ends_with("/get")
        || path == "/images/get";
    match *method {
        Method::GET | Method::HEAD if !slow_read => quick,
        Method::GET | Method::HEAD => SLOW,
        // Attach, exec set-up and signals are answered at once; a frozen engine must not keep
        // a terminal hand-over waiting for two minutes.
        Method::POST if is_quick_post(path) => quick,
        _ => SLOW,
    }
}

fn is_quick_post(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    matches!(
        last,
        "kill" | "pause" | "unpause" | "rename" | "resize" | "exec" | "attach" | "json"
    ) || (path.starts_with("/exec/") && last == "start")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_quick_and_slow_calls_keep_the_long_limit() {
        let q = QUICK;
        let cases = [
            (Method::GET, "/_ping", q),
            (Method::GET, "/v1.41/containers/json?all=1", q),
            (Method::GET, "/v1.41/containers/abc/json", q),
            (Method::GET, "/v1.41/events?since=5", q),
            (Method::GET, "/v1.41/containers/abc/logs?follow=1", q),
            (
                Method::GET,
                "/v1.41/containers/json?all=true&size=true",
                SLOW,
            ),
            (Method::GET, "/v1.41/system/df", SLOW),
            (Method::GET, "/v1.41/containers/abc/export", SLOW),
            (Method::POST, "/v1.41/containers/abc/kill?signal=KILL", q),
            (Method::POST, "/v1.41/containers/abc/exec", q),
            (Method::POST, "/v1.41/exec/e1/start", q),
            (Method::POST, "/v1.41/containers/abc/stop?t=30", SLOW),
            (Method::POST, "/v1.41/containers/abc/restart", SLOW),
            (Method::POST, "/v1.41/containers/abc/start", SLOW),
            (Method::POST, "/v1.41/volumes/prune", SLOW),
            (Method::POST, "/v1.41/containers/create?name=x", SLOW),
            (Method::DELETE, "/v1.41/images/busybox", SLOW),
            (Method::POST, "/v1.41/images/create?fromImage=x", SLOW),
        ];
        for (m, p, want) in cases {
            assert_eq!(for_request(&m, p, q), want, "{m} {p}");
        }
        // The SSH link passes a longer quick deadline; slow calls are unchanged.
        let ssh = QUICK + SSH_EXTRA;
        assert_eq!(for_request(&Method::GET, "/_ping", ssh), ssh);
        assert_eq!(for_request(&Method::POST, "/v1.41/build", ssh), SLOW);
    }
}
