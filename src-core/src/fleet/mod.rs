//! A fleet: several engines followed at once, one independent [`Session`] each.
//!
//! Each member has its own store task, stats hub and reconnect loop, so one engine failing,
//! frozen or reconnecting never blocks the others: nothing here awaits a member's engine
//! except a command sent to that member. [`Fleet::changed`] wakes on any member's new
//! revision (one forwarding task per member, each only copying a counter), and
//! [`Fleet::snapshot`] merges the members' latest snapshots ([`listing`]).
//!
//! Per-engine read-only is each member's [`Policy`] (the fleet-wide `--read-only` or the
//! engine's own `read_only`), enforced by its engine handle: a destructive command routed to
//! a read-only engine is refused by the core, whatever the UI showed. Commands are routed by
//! engine name ([`Fleet::execute`]); a bulk action over marks on several engines runs each
//! engine's commands concurrently and reports every one ([`Fleet::execute_all`]).
//!
//! Must be used inside a tokio runtime, as [`Session`].

mod listing;
mod nav;
mod objects;
mod removal;
mod same;
mod spec;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::command::{self, Command, Outcome};
use crate::engine::connect::{parse_host, resolve, ConnectOptions, Endpoint, EndpointSource};
use crate::engine::Policy;
use crate::error::{CoreError, Result};
use crate::session::{Session, SessionOptions};

pub use listing::{EngineState, EngineStatus, FleetContainer, FleetKey, FleetSnapshot, MemberView};
pub use objects::{
    FleetImage, FleetNetwork, FleetObjectKey, FleetObjectKind, FleetObjects, FleetVolume,
    KindCounts, RemovalOptions,
};
pub use removal::{plan_removal, plan_removal_with, RemovalPlan, RoutedCommand};
pub use same::{endpoint_key, SameEngine};
pub use spec::{everything, from_config, from_flags, EngineEntry, EngineSource, EngineSpec, RED};

/// One engine of the fleet: its session, or why there is none (an address or context that
/// does not resolve: shown as down with that error).
#[derive(Debug)]
pub struct Member {
    pub spec: EngineSpec,
    pub read_only: bool,
    pub endpoint: String,
    pub session: std::result::Result<Session, String>,
}

/// Several engines followed at once. Dropping it stops every member.
#[derive(Debug)]
pub struct Fleet {
    members: Vec<Member>,
    changed: watch::Receiver<u64>,
    bump: Arc<watch::Sender<u64>>,
    /// One per member with a session, by member name ([`Fleet::follow`]).
    forwarders: Vec<(String, JoinHandle<()>)>,
    /// The fleet-wide read-only and the one audit log every member shares.
    shared: Policy,
    /// Specs found to be the same engine as a member, listed once ([`same`]).
    same: Vec<SameEngine>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for (_, f) in &self.forwarders {
            f.abort();
        }
    }
}

impl Fleet {
    /// Open a session on every engine of `specs` under `base` (the environment, insecure TLS
    /// opt-in, fleet-wide read-only, the audit log, stats sampling). The audit log is opened
    /// once and shared; an engine that cannot be resolved is a member without a session
    /// (down, with its error), not a failure of the fleet. An empty list or an audit log that
    /// cannot be opened is an error.
    pub fn open(specs: Vec<EngineSpec>, base: &SessionOptions) -> Result<Fleet> {
        Fleet::open_with(specs, base, base.policy()?, None)
    }

    /// [`Fleet::open`] under `shared` (its audit log), adopting `current` as the member whose
    /// endpoint and read-only it has instead of connecting that engine again ([`nav`]).
    fn open_with(
        specs: Vec<EngineSpec>,
        base: &SessionOptions,
        shared: Policy,
        mut current: Option<Session>,
    ) -> Result<Fleet> {
        if specs.is_empty() && current.is_none() {
            return Err(CoreError::invalid_input(
                "no engines: give --host or --context more than once, add [[engines]] to the \
                 configuration, or create docker contexts",
            ));
        }
        let (tx, changed) = watch::channel(0u64);
        let mut fleet = Fleet {
            members: Vec::with_capacity(specs.len()),
            changed,
            bump: Arc::new(tx),
            forwarders: Vec::new(),
            shared,
            same: Vec::new(),
        };
        let resolved = specs
            .into_iter()
            .map(|spec| {
                let ep = endpoint_of(&spec, &base.connect);
                (spec, ep)
            })
            .collect();
        let (resolved, same) = same::fold(resolved);
        fleet.same = same;
        for (spec, ep) in resolved {
            let read_only = base.read_only || spec.read_only;
            let policy = Policy {
                read_only,
                audit: fleet.shared.audit.clone(),
            };
            let (endpoint, session) = match ep {
                Ok(ep) => {
                    let label = ep.transport.to_string();
                    let adopted = nav::adopt(&mut current, &label, read_only);
                    match adopted.map_or_else(
                        || Session::open_endpoint(ep, policy, base.stats.clone()),
                        Ok,
                    ) {
                        Ok(s) => (label, Ok(s)),
                        Err(e) => (label, Err(e.to_string())),
                    }
                }
                Err(e) => (describe(&spec), Err(e.to_string())),
            };
            fleet.push(Member {
                spec,
                read_only,
                endpoint,
                session,
            });
        }
        // Not adopted: a member of its own, unless a member is that engine under another
        // read-only (that member's own session is the one that keeps its policy).
        if let Some(s) = current.filter(|s| !fleet.members.iter().any(|m| m.endpoint == s.endpoint))
        {
            fleet.add_session(s);
        }
        Ok(fleet)
    }

    /// Add a member and follow its session's revisions.
    fn push(&mut self, member: Member) {
        if let Ok(s) = &member.session {
            self.follow(&member.spec.name, s);
        }
        self.members.push(member);
    }

    /// Bump [`Fleet::changed`] on each revision of `session`'s store, as member `name`'s
    /// (replacing that member's previous forwarder).
    fn follow(&mut self, name: &str, session: &Session) {
        self.forwarders.retain(|(n, f)| {
            if n == name {
                f.abort();
            }
            n != name
        });
        let mut rx = session.store.subscribe();
        let tx = self.bump.clone();
        self.forwarders.push((
            name.to_owned(),
            tokio::spawn(async move {
                while rx.changed().await.is_ok() {
                    tx.send_modify(|n| *n = n.wrapping_add(1));
                }
            }),
        ));
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The specs listed once because a member is the same engine (`default and prod are the
    /// same engine: shown once`), for both UIs to say so.
    pub fn same_engines(&self) -> &[SameEngine] {
        &self.same
    }

    /// Wakes (its `changed()`) whenever any member publishes a new snapshot.
    pub fn changed(&self) -> watch::Receiver<u64> {
        self.changed.clone()
    }

    /// The merged listing now: never waits for an engine.
    pub fn snapshot(&self) -> FleetSnapshot {
        let views: Vec<MemberView<'_>> = self
            .members
            .iter()
            .map(|m| MemberView {
                name: &m.spec.name,
                endpoint: &m.endpoint,
                colour: m.spec.colour.as_deref(),
                red: m.spec.is_red(),
                read_only: m.read_only,
                snapshot: match &m.session {
                    Ok(s) => Ok(s.store.snapshot()),
                    Err(why) => Err(why.as_str()),
                },
            })
            .collect();
        FleetSnapshot::merge(&views)
    }

    /// The session of engine `name`, if it has one.
    pub fn session(&self, name: &str) -> Result<&Session> {
        let m = self
            .members
            .iter()
            .find(|m| m.spec.name == name)
            .ok_or_else(|| CoreError::not_found(format!("no engine {name} in the fleet")))?;
        m.session
            .as_ref()
            .map_err(|why| CoreError::unavailable(format!("engine {name} is not connected: {why}")))
    }

    /// Take engine `name`'s session out of the fleet (a front end that opens one engine of
    /// the fleet in its single-engine views); the member stays, down with "opened alone".
    pub fn take_session(&mut self, name: &str) -> Option<Session> {
        let m = self.members.iter_mut().find(|m| m.spec.name == name)?;
        match std::mem::replace(&mut m.session, Err(nav::OPENED_ALONE.to_owned())) {
            Ok(s) => Some(s),
            Err(why) => {
                m.session = Err(why);
                None
            }
        }
    }

    /// Run `cmd` on engine `name`: validated, refused on a read-only engine and audited by
    /// that engine's handle ([`command::execute`]).
    pub async fn execute(&self, name: &str, cmd: &Command) -> Result<Outcome> {
        let session = self.session(name)?;
        command::execute(&session.engine, cmd).await
    }

    /// Run every `(engine, command)` pair, all at once (one slow or frozen engine delays only
    /// its own commands), and report each in order.
    pub async fn execute_all(&self, items: &[(String, Command)]) -> Vec<Result<Outcome>> {
        futures_util::future::join_all(items.iter().map(|(engine, cmd)| self.execute(engine, cmd)))
            .await
    }
}

/// Where a spec connects: a context or an address through the usual resolution (the
/// environment's TLS settings apply to a bare `tcp://`), or an address with the configured
/// TLS files.
pub fn endpoint_of(spec: &EngineSpec, base: &ConnectOptions) -> Result<Endpoint> {
    let at = |e: CoreError| e.context(format!("engine {}", spec.name));
    match &spec.source {
        EngineSource::Context { name } => resolve(&ConnectOptions {
            host: None,
            context: Some(name.clone()),
            ..base.clone()
        })
        .map_err(at),
        EngineSource::Host { host, tls: None } => resolve(&ConnectOptions {
            host: Some(host.clone()),
            context: None,
            ..base.clone()
        })
        .map_err(at),
        EngineSource::Host {
            host,
            tls: Some(files),
        } => {
            for path in [&files.ca, &files.cert, &files.key].into_iter().flatten() {
                if let Err(e) = std::fs::metadata(path) {
                    return Err(at(CoreError::config(format!(
                        "TLS file {} cannot be read: {e}",
                        path.display()
                    ))));
                }
            }
            Ok(Endpoint {
                transport: parse_host(host, Some(files.clone())).map_err(at)?,
                source: EndpointSource::Flag,
            })
        }
    }
}

/// What a spec names, for the header of an engine that never resolved.
fn describe(spec: &EngineSpec) -> String {
    match &spec.source {
        EngineSource::Host { host, .. } => host.clone(),
        EngineSource::Context { name } => format!("ctx {name}"),
    }
}

/// The confirmation line of one fleet command: what it does, to which object and on which
/// engine (`stop web (3f2a1b) on prod`, `remove volume pgdata on prod`).
pub fn describe_command(engine: &str, name: &str, cmd: &Command) -> String {
    let id = cmd
        .container()
        .map(|id| id.short())
        .or_else(|| objects::object_id(cmd));
    match id {
        Some(id) if name.is_empty() || name == id => format!("{} {id} on {engine}", cmd.verb()),
        Some(id) => format!("{} {name} ({id}) on {engine}", cmd.verb()),
        None => format!("{cmd} on {engine}"),
    }
}
