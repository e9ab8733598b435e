//! Moving between a fleet and one of its engines without reconnecting anything.
//!
//! A front end that shows one engine can open the fleet around the session it already has
//! ([`Fleet::open_around`]): the member with that endpoint and read-only adopts it rather than
//! connecting the engine a second time. A member's session taken out to be shown alone
//! ([`Fleet::take_session`]) comes back with [`Fleet::give_back`], which also copes with a
//! session that is no longer that engine (the user switched context meanwhile): it goes to the
//! member with its endpoint, or becomes a new member, and the engine it was taken from is
//! connected again. The other members stay connected all along, so the fleet is as it was.
//! [`Fleet::ssh_costs`] reads each SSH member's counters (no request).

use crate::engine::Policy;
use crate::model::SshCost;
use crate::session::{Session, SessionOptions};

use super::{endpoint_of, EngineSource, EngineSpec, Fleet, Member};
use crate::error::Result;

/// A member whose session was taken out to be shown alone.
pub(super) const OPENED_ALONE: &str = "opened alone";

/// `current`, taken, when it is the engine at `endpoint` under the same read-only (a member
/// that must be read-only never adopts a session that is not, nor the reverse).
pub(super) fn adopt(
    current: &mut Option<Session>,
    endpoint: &str,
    read_only: bool,
) -> Option<Session> {
    current.take_if(|s| s.endpoint == endpoint && s.engine.policy().read_only == read_only)
}

impl Fleet {
    /// [`Fleet::open`] around a session already open: the member with its endpoint and
    /// read-only adopts it (no second connection), or it becomes a member of its own, named by
    /// its context or endpoint, when no spec is that engine. Its audit log is the fleet's.
    pub fn open_around(
        specs: Vec<EngineSpec>,
        base: &SessionOptions,
        current: Session,
    ) -> Result<Fleet> {
        let shared = Policy {
            read_only: base.read_only,
            audit: current.engine.policy().audit.clone(),
        };
        Fleet::open_with(specs, base, shared, Some(current))
    }

    /// Put back the session taken from member `from` ([`Fleet::take_session`]). A session that
    /// is still that engine goes back to it; one that is now another engine goes to the member
    /// with its endpoint (dropped when that member is connected already) or becomes a member,
    /// and `from` is connected again. Inside the runtime.
    pub fn give_back(&mut self, from: &str, session: Session, base: &SessionOptions) {
        let read_only = session.engine.policy().read_only;
        match self
            .members
            .iter()
            .position(|m| m.endpoint == session.endpoint && m.read_only == read_only)
        {
            Some(i) if self.members[i].session.is_err() => {
                let name = self.members[i].spec.name.clone();
                self.follow(&name, &session);
                self.members[i].session = Ok(session);
            }
            // That engine is in the fleet and connected: the fleet's own session stays.
            Some(_) => drop(session),
            None => self.add_session(session),
        }
        let Some(i) = self.members.iter().position(|m| {
            m.spec.name == from && matches!(&m.session, Err(why) if why == OPENED_ALONE)
        }) else {
            return;
        };
        let m = &self.members[i];
        let policy = Policy {
            read_only: m.read_only,
            audit: self.shared.audit.clone(),
        };
        let session = endpoint_of(&m.spec, &base.connect)
            .map_err(|e| e.to_string())
            .and_then(|ep| {
                Session::open_endpoint(ep, policy, base.stats.clone()).map_err(|e| e.to_string())
            });
        if let Ok(s) = &session {
            let name = m.spec.name.clone();
            self.follow(&name, s);
        }
        self.members[i].session = session;
    }

    /// A session no spec names becomes a member, named by its context or endpoint (made
    /// unique), listed first: it is the engine the user was looking at.
    pub(super) fn add_session(&mut self, session: Session) {
        let source = match &session.context {
            Some(name) => EngineSource::Context { name: name.clone() },
            None => EngineSource::Host {
                host: session.endpoint.clone(),
                tls: None,
            },
        };
        let base = session
            .context
            .clone()
            .unwrap_or_else(|| session.endpoint.clone());
        let mut name = base.clone();
        let mut n = 2;
        while self.members.iter().any(|m| m.spec.name == name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        let read_only = session.engine.policy().read_only;
        self.follow(&name, &session);
        self.members.insert(
            0,
            Member {
                spec: EngineSpec {
                    name,
                    source,
                    colour: None,
                    read_only,
                },
                read_only,
                endpoint: session.endpoint.clone(),
                session: Ok(session),
            },
        );
    }

    /// What each SSH member's shared connections cost now (counters, no request), in member
    /// order; other transports and members without a session are left out.
    pub fn ssh_costs(&self) -> Vec<(String, SshCost)> {
        self.members
            .iter()
            .filter_map(|m| {
                let cost = m.session.as_ref().ok()?.engine.ssh_cost()?;
                Some((m.spec.name.clone(), cost))
            })
            .collect()
    }
}
