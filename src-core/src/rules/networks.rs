//! Built-in networks: the ones every engine creates for itself, which cannot be removed and are
//! never prune candidates. The desktop page receives [`BUILTIN_NETWORKS`] through the generated
//! constants module instead of spelling the names again.

/// The networks every engine has (`docker network ls` on a fresh engine).
pub const BUILTIN_NETWORKS: [&str; 3] = ["bridge", "host", "none"];

/// Whether the network called `name` is one of the engine's own.
pub fn is_builtin(name: &str) -> bool {
    BUILTIN_NETWORKS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_engines_own_names_are_builtin() {
        for name in BUILTIN_NETWORKS {
            assert!(is_builtin(name));
        }
        assert!(!is_builtin("Bridge"));
        assert!(!is_builtin("bridge2"));
        assert!(!is_builtin(""));
    }
}
