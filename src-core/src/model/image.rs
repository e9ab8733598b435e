//! Images.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::ImageId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Image {
    pub id: ImageId,
    /// `repo:tag` names; empty for a dangling image.
    pub tags: Vec<String>,
    pub digests: Vec<String>,
    /// Unix seconds.
    pub created: i64,
    /// Bytes.
    pub size: i64,
    /// How many containers use it, when the engine says (`None` when it does not count).
    pub containers: Option<i64>,
    pub labels: BTreeMap<String, String>,
}

impl Image {
    pub fn is_dangling(&self) -> bool {
        self.tags.is_empty() || self.tags.iter().all(|t| t == "<none>:<none>")
    }

    /// The name to show: the first tag, or the short id.
    pub fn display_name(&self) -> &str {
        self.tags
            .iter()
            .find(|t| t.as_str() != "<none>:<none>")
            .map(String::as_str)
            .unwrap_or_else(|| self.id.short())
    }
}
