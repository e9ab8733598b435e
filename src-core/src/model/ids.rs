//! Typed identifiers, so a container id is never passed where an image id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The 12-character form `docker ps` shows of any engine id (after a `sha256:` prefix).
pub fn short_id(id: &str) -> &str {
    let s = id.strip_prefix("sha256:").unwrap_or(id);
    s.get(..12).unwrap_or(s)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The 12-character form `docker ps` shows (after any `sha256:` prefix).
            pub fn short(&self) -> &str {
                short_id(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        // Hash, Eq and Ord are derived from the one `String` field, so they agree with
        // `str`'s: maps keyed by ids can be searched with a `&str`.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

id_type!(
    /// A container's full id (64 hex characters on Docker).
    ContainerId
);
id_type!(
    /// An image id, `sha256:…` on Docker.
    ImageId
);
id_type!(
    /// A network id.
    NetworkId
);
id_type!(
    /// Volumes are identified by name.
    VolumeName
);
id_type!(
    /// A swarm node's id.
    NodeId
);
id_type!(
    /// A swarm service's id.
    ServiceId
);
id_type!(
    /// A swarm task's id.
    TaskId
);
id_type!(
    /// A swarm secret's id.
    SecretId
);
id_type!(
    /// A swarm config's id.
    ConfigId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids() {
        assert_eq!(
            ImageId::from("sha256:0123456789abcdef").short(),
            "0123456789ab"
        );
        assert_eq!(ContainerId::from("abc").short(), "abc");
    }
}
