//! Update in place (`docker update`): a container's memory, swap, reservation, CPUs, CPU
//! shares, pids limit and restart policy, changed while it runs, through [`Engine::mutate`].
//! Only the settings the plan names are sent; the engine keeps the others.

use bollard::models as m;

use super::Engine;
use crate::error::Result;
use crate::spec::run::RestartPolicy;
use crate::spec::update::UpdatePlan;

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The engine's restart policy for `r` (as `docker run --restart` sends it).
pub(super) fn restart_policy(r: RestartPolicy) -> m::RestartPolicy {
    let (name, max) = match r {
        RestartPolicy::No => (m::RestartPolicyNameEnum::NO, None),
        RestartPolicy::Always => (m::RestartPolicyNameEnum::ALWAYS, None),
        RestartPolicy::UnlessStopped => (m::RestartPolicyNameEnum::UNLESS_STOPPED, None),
        RestartPolicy::OnFailure { max_retries } => (
            m::RestartPolicyNameEnum::ON_FAILURE,
            max_retries.map(i64::from),
        ),
    };
    m::RestartPolicy {
        name: Some(name),
        maximum_retry_count: max,
    }
}

/// The update body: the plan's settings, nothing else.
pub(crate) fn update_body(plan: &UpdatePlan) -> m::ContainerUpdateBody {
    m::ContainerUpdateBody {
        memory: plan.memory.map(signed),
        memory_swap: plan.memory_swap,
        memory_reservation: plan.memory_reservation.map(signed),
        nano_cpus: plan.nano_cpus.map(signed),
        cpu_shares: plan.cpu_shares.map(i64::from),
        pids_limit: plan.pids_limit,
        restart_policy: plan.restart.map(restart_policy),
        ..Default::default()
    }
}

impl Engine {
    /// Change container `id`'s limits and restart policy in place. The engine checks the new
    /// values against the current ones (e.g. memory above the current swap) and refuses the
    /// whole update with its message: nothing is changed then.
    pub async fn update(&self, id: &str, plan: &UpdatePlan) -> Result<()> {
        let body = update_body(plan);
        self.mutate("container.update", &[id], async {
            self.ready()
                .await?
                .update_container(id, body)
                .await
                .map_err(|e| self.err(format_args!("update {id}"), e))
        })
        .await
    }
}
