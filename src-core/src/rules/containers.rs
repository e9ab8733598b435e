//! Alive container states: a container in one of these has processes, so it can be stopped,
//! killed or paused, and a removal must force (see [`super::removal`]). The definition sits on
//! [`ContainerState`] because the store, which `rules` builds on, needs it too; this module is
//! where both UIs read it, and the desktop page receives [`ALIVE_STATES`] through the generated
//! constants module instead of listing the states again.

use crate::model::ContainerState;

/// The states in which a container has processes: running, paused, restarting.
pub const ALIVE_STATES: [ContainerState; 3] = ContainerState::ALIVE;

/// Whether a container in `state` has processes.
pub fn is_alive(state: ContainerState) -> bool {
    state.is_alive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_paused_and_restarting_are_alive() {
        use ContainerState::*;
        let alive: Vec<_> = [
            Created, Running, Paused, Restarting, Removing, Exited, Dead, Unknown,
        ]
        .into_iter()
        .filter(|s| is_alive(*s))
        .collect();
        assert_eq!(alive, [Running, Paused, Restarting]);
    }
}
