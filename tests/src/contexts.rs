//! Docker contexts written the way `docker context create NAME --docker host=HOST` writes
//! them, into a config directory a test owns (given to Wharf as `DOCKER_CONFIG`).

use std::path::Path;

use sha2::Digest;

/// Writes context `name` → `host` (described as "the NAME engine") under `config`.
#[track_caller]
pub fn write_context(config: &Path, name: &str, host: &str) {
    let id = hex::encode(sha2::Sha256::digest(name.as_bytes()));
    let dir = config.join("contexts/meta").join(id);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let meta = serde_json::json!({
        "Name": name,
        "Metadata": {"Description": format!("the {name} engine")},
        "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}},
    });
    std::fs::write(dir.join("meta.json"), meta.to_string())
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
}
