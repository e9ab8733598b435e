//! A swarm config: plain (not secret) data the engine hands to services as files.
//!
//! Unlike a secret, the engine returns a config's data on every read, so Wharf keeps it: as
//! text when it is UTF-8 (at most [`CONFIG_PREVIEW_BYTES`], `truncated` said), else only its
//! size. The data is whatever its creator wrote: the UIs show it only when asked, through
//! `rules::inert::config`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::ConfigId;

/// How much of a config's data the model keeps as text.
pub const CONFIG_PREVIEW_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Config {
    pub id: ConfigId,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    /// The data's size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// The data as text (its first [`CONFIG_PREVIEW_BYTES`]); `None` when it is not UTF-8.
    pub data: Option<String>,
    /// The text above is only the start of the data.
    pub truncated: bool,
}
