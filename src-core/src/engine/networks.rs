//! Networks beyond create/remove: disconnecting a container, and creating a network with the
//! options of a [`NetworkPlan`] (subnet, gateway, IP range, driver options, attachable,
//! labels). Connecting is `Engine::connect_network` (engine/create.rs). All through
//! [`Engine::mutate`].

use std::collections::HashMap;

use bollard::models as m;

use super::Engine;
use crate::error::Result;
use crate::spec::network::NetworkPlan;

/// The create request for network `name` with `plan`'s options.
pub(crate) fn network_request(
    name: &str,
    driver: Option<&str>,
    internal: bool,
    plan: &NetworkPlan,
) -> m::NetworkCreateRequest {
    let ipam =
        (plan.subnet.is_some() || plan.gateway.is_some() || plan.ip_range.is_some()).then(|| {
            m::Ipam {
                config: Some(vec![m::IpamConfig {
                    subnet: plan.subnet.map(|s| s.to_string()),
                    gateway: plan.gateway.map(|g| g.to_string()),
                    ip_range: plan.ip_range.map(|r| r.to_string()),
                    ..Default::default()
                }]),
                ..Default::default()
            }
        });
    let map = |b: &std::collections::BTreeMap<String, String>| -> HashMap<String, String> {
        b.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    m::NetworkCreateRequest {
        name: name.to_owned(),
        driver: driver.map(str::to_owned),
        internal: Some(internal),
        attachable: Some(plan.attachable),
        enable_ipv6: plan.subnet.map(|s| s.addr.is_ipv6()).filter(|v6| *v6),
        ipam,
        options: (!plan.options.is_empty()).then(|| map(&plan.options)),
        labels: Some(map(&plan.labels)),
        ..Default::default()
    }
}

impl Engine {
    /// Create network `name` with `plan`'s options; returns its id.
    pub async fn create_network_with(
        &self,
        name: &str,
        driver: Option<&str>,
        internal: bool,
        plan: &NetworkPlan,
    ) -> Result<String> {
        self.send_network_create(network_request(name, driver, internal, plan))
            .await
    }

    /// Detach container `id` from `network` (`force`: even if the container is not running
    /// or the network's driver objects).
    pub async fn disconnect_network(&self, network: &str, id: &str, force: bool) -> Result<()> {
        let req = m::NetworkDisconnectRequest {
            container: id.to_owned(),
            force: Some(force),
        };
        self.mutate("network.disconnect", &[network, id], async {
            self.ready()
                .await?
                .disconnect_network(network, req)
                .await
                .map_err(|e| self.err(format_args!("disconnect {id} from network {network}"), e))
        })
        .await
    }
}
