//! Networks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::NetworkId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Network {
    pub id: NetworkId,
    pub name: String,
    pub driver: String,
    pub scope: String,
    pub internal: bool,
    pub attachable: bool,
    /// IPAM subnets (`172.18.0.0/16`).
    pub subnets: Vec<String>,
    /// RFC 3339 as the engine gives it.
    pub created: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Containers attached, when the engine says (inspect only).
    pub containers: Option<usize>,
}
