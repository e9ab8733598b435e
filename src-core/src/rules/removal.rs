//! What removing a container does, said before it is done.
//!
//! The engine refuses to remove a container that has processes unless `force` is set, and then
//! kills it first. Both UIs follow one rule: a removal of a running, paused or restarting
//! container sets `force`, and the confirmation says, in words, that the container will be
//! killed. Nothing is force-removed without that sentence on screen.

use crate::model::ContainerState;

/// How to remove one container, and what the confirmation must say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRemoval {
    /// Whether the removal must be forced (the container has processes).
    pub force: bool,
    /// The sentence the confirmation shows, when the removal does more than remove.
    pub warning: Option<String>,
}

/// The removal rule for the container `name` in `state`.
pub fn container_removal(name: &str, state: ContainerState) -> ContainerRemoval {
    if state.is_alive() {
        ContainerRemoval {
            force: true,
            warning: Some(kill_warning(name, state)),
        }
    } else {
        ContainerRemoval {
            force: false,
            warning: None,
        }
    }
}

/// "web is running and will be killed".
pub fn kill_warning(name: &str, state: ContainerState) -> String {
    format!("{name} is {state} and will be killed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_containers_are_forced_with_a_warning() {
        let r = container_removal("web", ContainerState::Running);
        assert!(r.force);
        assert_eq!(
            r.warning.as_deref(),
            Some("web is running and will be killed")
        );
        assert!(container_removal("web", ContainerState::Paused).force);
        assert!(container_removal("web", ContainerState::Restarting).force);
        let r = container_removal("old", ContainerState::Exited);
        assert_eq!(
            r,
            ContainerRemoval {
                force: false,
                warning: None
            }
        );
    }
}
