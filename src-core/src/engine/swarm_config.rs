//! Swarm configs on a manager: list, inspect, create, remove, and their wire type → model.
//!
//! Changes go through [`Engine::mutate`] (read-only refusal, audit) with the config's id as
//! target (a new config: its name). A config's data is not secret, but it is its creator's
//! text: it is kept as text only when UTF-8 and at most [`CONFIG_PREVIEW_BYTES`] of it (the
//! size is always known), and the UIs show it made inert.

use base64::Engine as _;
use bollard::models as m;
use bollard::query_parameters as qp;
use serde::{Deserialize, Serialize};

use super::Engine;
use crate::error::{CoreError, Result};
use crate::model::{Config, ConfigId, CONFIG_PREVIEW_BYTES};

/// The largest config the engine accepts (swarmkit's `MaxConfigSize`, 1000 KiB).
pub const CONFIG_MAX_BYTES: usize = 1000 * 1024;

/// Where a new config's data comes from: typed text, or a file read by the core when the
/// command runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ConfigSource {
    Text { value: String },
    File { path: String },
}

pub(crate) fn config(c: m::Config) -> Option<Config> {
    let spec = c.spec.unwrap_or_default();
    // A config whose data does not decode is shown with no data rather than dropped.
    let bytes = spec
        .data
        .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d).ok())
        .unwrap_or_default();
    let size = bytes.len() as u64;
    let (data, truncated) = preview(&bytes);
    Some(Config {
        id: ConfigId(c.id.filter(|i| !i.is_empty())?),
        name: spec.name.unwrap_or_default(),
        labels: spec.labels.unwrap_or_default().into_iter().collect(),
        created: c.created_at.filter(|t| !t.starts_with("0001-")),
        updated: c.updated_at.filter(|t| !t.starts_with("0001-")),
        size,
        data,
        truncated,
    })
}

/// The data as text when it is UTF-8 (cut at a character boundary within the preview).
fn preview(bytes: &[u8]) -> (Option<String>, bool) {
    let cut = bytes.len().min(CONFIG_PREVIEW_BYTES);
    let head = &bytes[..cut];
    let text = match std::str::from_utf8(head) {
        Ok(s) => s,
        // Cut inside a character: keep what precedes it; otherwise it is not text.
        Err(e) if cut < bytes.len() && e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return (None, false),
    };
    (Some(text.to_owned()), cut < bytes.len())
}

impl Engine {
    pub async fn list_configs(&self) -> Result<Vec<Config>> {
        let list = self
            .ready()
            .await?
            .list_configs(None::<qp::ListConfigsOptions>)
            .await
            .map_err(|e| self.err("list configs", e))?;
        Ok(list.into_iter().filter_map(config).collect())
    }

    pub async fn inspect_config(&self, id: &str) -> Result<Config> {
        let c = self
            .ready()
            .await?
            .inspect_config(id)
            .await
            .map_err(|e| self.err(format_args!("inspect config {id}"), e))?;
        config(c).ok_or_else(|| super::no_id("config", id))
    }

    /// Create config `name` from `source`; returns its id.
    pub async fn create_config(&self, name: &str, source: &ConfigSource) -> Result<ConfigId> {
        self.mutate("config.create", &[name], async {
            let data = read_source(source).await?;
            let spec = m::ConfigSpec {
                name: Some(name.to_owned()),
                data: Some(base64::engine::general_purpose::STANDARD.encode(&data)),
                ..Default::default()
            };
            let r = self
                .ready()
                .await?
                .create_config(spec)
                .await
                .map_err(|e| self.err(format_args!("create config {name}"), e))?;
            Ok(ConfigId(r.id))
        })
        .await
    }

    pub async fn remove_config(&self, id: &ConfigId) -> Result<()> {
        let id = id.as_str();
        self.mutate("config.remove", &[id], async {
            self.ready()
                .await?
                .delete_config(id)
                .await
                .map_err(|e| self.err(format_args!("remove config {id}"), e))
        })
        .await
    }
}

/// The config's bytes: the text, or the file's content (bounded; a missing or unreadable
/// file is an input error naming the path).
async fn read_source(source: &ConfigSource) -> Result<Vec<u8>> {
    let bytes = match source {
        ConfigSource::Text { value } => value.as_bytes().to_vec(),
        ConfigSource::File { path } => {
            let unreadable = |e: std::io::Error| {
                CoreError::invalid_input(format!("cannot read the config file {path}: {e}"))
            };
            let meta = tokio::fs::metadata(path).await.map_err(unreadable)?;
            if meta.len() > CONFIG_MAX_BYTES as u64 {
                return Err(too_big(meta.len()));
            }
            tokio::fs::read(path).await.map_err(unreadable)?
        }
    };
    if bytes.is_empty() {
        return Err(CoreError::invalid_input("the config is empty"));
    }
    if bytes.len() > CONFIG_MAX_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_big(len: u64) -> CoreError {
    CoreError::invalid_input(format!(
        "the config is {len} bytes; the engine takes at most {CONFIG_MAX_BYTES}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_from_wire_json_keep_text_data_and_size() {
        let c: m::Config = serde_json::from_value(serde_json::json!({
            "ID": "c1", "CreatedAt": "2026-01-01T00:00:00Z",
            "Spec": {"Name": "nginx.conf", "Labels": {"a": "b"}, "Data": "aGVsbG8K"}
        }))
        .unwrap_or_default();
        let c = config(c).unwrap_or_else(|| panic!("no id"));
        assert_eq!(c.name, "nginx.conf");
        assert_eq!(
            (c.size, c.data.as_deref(), c.truncated),
            (6, Some("hello\n"), false)
        );
        assert_eq!(c.labels.get("a").map(String::as_str), Some("b"));
    }

    #[test]
    fn binary_and_long_data() {
        assert_eq!(preview(&[0xff, 0xfe, 0]), (None, false));
        let long = "é".repeat(CONFIG_PREVIEW_BYTES);
        let (text, truncated) = preview(long.as_bytes());
        assert!(truncated);
        let text = text.unwrap_or_default();
        assert!(text.len() <= CONFIG_PREVIEW_BYTES && text.len() + 1 >= CONFIG_PREVIEW_BYTES);
    }
}
