//! One member per engine: two specs that resolve to the same endpoint (docker's `default`
//! context and a configured host on the same socket, two contexts, a `--host` given as a
//! path with a symlink in it) are one engine, listed once. Without this the fleet showed
//! every container twice and a bulk action over marks acted twice on each.
//!
//! Two endpoints are the same engine when their [`endpoint_key`]s are equal: a unix socket
//! by its canonical path, TCP (plain or TLS) by lowercase host and port, SSH by user, host
//! and port (22 when none is given). No name is looked up (a DNS query could hang the fleet's
//! start): `localhost` and `127.0.0.1` stay two keys.
//!
//! The member kept is named by the most specific source ([`rank`]): a name the user gave (a
//! configured entry) beats a context or an address listed by itself, which beats docker's
//! `default`; between equals the first listed stays. It is read-only when either spec was
//! (never less guarded than asked), and takes the other's colour when it has none. Two
//! entries the user named under different read-only stay two members ([`foldable`]: a
//! deliberately guarded view of an engine, as `Fleet::open_around` keeps the same engine
//! under another read-only apart). Each fold is reported ([`SameEngine`]) so both UIs can
//! say so.

use serde::Serialize;

use super::{EngineSource, EngineSpec};
use crate::engine::connect::{Endpoint, Transport};
use crate::error::Result;

/// Two specs found to be one engine: `dropped` is shown as `kept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SameEngine {
    pub kept: String,
    pub dropped: String,
    /// The normalized endpoint both resolve to.
    pub endpoint: String,
}

impl SameEngine {
    /// `default and prod are the same engine: shown once`.
    pub fn describe(&self) -> String {
        format!(
            "{} and {} are the same engine: shown once",
            self.dropped, self.kept
        )
    }
}

/// The engine an endpoint reaches, as a comparable string.
pub fn endpoint_key(t: &Transport) -> String {
    match t {
        // A socket that is not there (yet) compares as written: it cannot be the same file
        // as one that is, and the member says why it is down.
        Transport::Unix { path } => {
            let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            format!("unix://{}", real.display())
        }
        Transport::Tcp { host, port } | Transport::Tls { host, port, .. } => {
            format!("tcp://{}:{port}", host_key(host))
        }
        Transport::Ssh { user, host, port } => format!(
            "ssh://{}@{}:{}",
            user.as_deref().unwrap_or(""),
            host_key(host),
            port.unwrap_or(22)
        ),
    }
}

/// Host names are case-insensitive; IPv6 brackets are notation, not part of the address.
fn host_key(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// How specific a spec's name is: 0 for docker's `default` context, 1 for a context or an
/// address named by itself, 2 for a name the user gave (a configured entry).
fn rank(spec: &EngineSpec) -> u8 {
    match &spec.source {
        EngineSource::Context { name } if spec.name == name.as_str() => {
            if name == "default" {
                0
            } else {
                1
            }
        }
        EngineSource::Host { host, .. } if spec.name == host.as_str() => 1,
        _ => 2,
    }
}

/// Whether `b` may be listed as `a` (their endpoints being one engine): under the same
/// read-only, or when one of them is only listed automatically (a context or an address by
/// itself, docker's `default`), which then takes the other's guard. Two entries the user
/// named under different read-only are a deliberate guarded view: both stay.
fn foldable(a: &EngineSpec, b: &EngineSpec) -> bool {
    a.read_only == b.read_only || rank(a).min(rank(b)) < 2
}

/// The specs with their endpoints, one per engine, in the order of each engine's first
/// appearance, and what was folded. Specs that did not resolve are kept as they are.
#[allow(clippy::type_complexity)]
pub(super) fn fold(
    resolved: Vec<(EngineSpec, Result<Endpoint>)>,
) -> (Vec<(EngineSpec, Result<Endpoint>)>, Vec<SameEngine>) {
    let mut out: Vec<(EngineSpec, Result<Endpoint>, Option<String>)> = Vec::new();
    let mut same = Vec::new();
    for (spec, ep) in resolved {
        let key = ep.as_ref().ok().map(|e| endpoint_key(&e.transport));
        let earlier = key.as_ref().and_then(|k| {
            out.iter_mut()
                .find(|(s, _, o)| o.as_ref() == Some(k) && foldable(s, &spec))
        });
        let Some((kept, kept_ep, _)) = earlier else {
            out.push((spec, ep, key));
            continue;
        };
        let (mut winner, loser) = if rank(&spec) > rank(kept) {
            // The new spec names the engine better: it takes the earlier one's place.
            *kept_ep = ep;
            (spec, kept.clone())
        } else {
            (kept.clone(), spec)
        };
        winner.read_only |= loser.read_only;
        if winner.colour.is_none() {
            winner.colour = loser.colour.clone();
        }
        same.push(SameEngine {
            kept: winner.name.clone(),
            dropped: loser.name,
            endpoint: key.unwrap_or_default(),
        });
        *kept = winner;
    }
    (out.into_iter().map(|(s, e, _)| (s, e)).collect(), same)
}

#[cfg(test)]
#[path = "same_tests.rs"]
mod tests;
