//! Volumes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::VolumeName;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Volume {
    pub name: VolumeName,
    pub driver: String,
    pub mountpoint: String,
    /// RFC 3339 as the engine gives it.
    pub created: Option<String>,
    pub scope: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Bytes, when disk usage was asked for.
    pub size: Option<i64>,
    /// Containers using it, when disk usage was asked for.
    pub ref_count: Option<i64>,
}
