//! Engines opened together (a fleet) list their containers first, all of them, before any of
//! them starts its follow-up work (`/info`, the image, network and volume lists, inspecting
//! every container). The fleet's first frame waits for every engine's list; engines that share
//! a machine's cores (or one link) would otherwise slow the last list with the first ones'
//! follow-ups. A member holds its follow-ups at most [`HOLD`]: an engine that never answers
//! delays the others' follow-ups by that much once, never their lists.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;

/// The longest a member's follow-up work waits for the other members' lists.
pub const HOLD: Duration = Duration::from_millis(300);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Count {
    issued: usize,
    arrived: usize,
    sealed: bool,
}

impl Count {
    fn all_in(&self) -> bool {
        self.sealed && self.arrived >= self.issued
    }
}

/// The gate shared by the members opened together: one [`Ticket`] per member, then
/// [`FirstLists::seal`] once every member has one.
#[derive(Clone, Debug)]
pub struct FirstLists {
    count: watch::Sender<Count>,
}

impl Default for FirstLists {
    fn default() -> Self {
        FirstLists {
            count: watch::Sender::new(Count::default()),
        }
    }
}

impl FirstLists {
    /// A ticket for one more member.
    pub fn ticket(&self) -> Ticket {
        self.count.send_modify(|c| c.issued += 1);
        Ticket {
            count: self.count.clone(),
            arrived: AtomicBool::new(false),
        }
    }

    /// Every member has its ticket: once all have arrived, no one waits.
    pub fn seal(&self) {
        self.count.send_modify(|c| c.sealed = true);
    }
}

/// One member's place at the gate. Dropped without arriving (a member adopted, not opened, or
/// whose session ended), it counts as arrived so that no one waits for it.
#[derive(Debug)]
pub struct Ticket {
    count: watch::Sender<Count>,
    arrived: AtomicBool,
}

impl Ticket {
    /// This member's first list is in (counted once, whatever reconnects follow); wait until
    /// every member's is, at most [`HOLD`]. Later calls return at once.
    pub(crate) async fn arrive(&self) {
        if self.arrived.swap(true, Ordering::Relaxed) {
            return;
        }
        self.count.send_modify(|c| c.arrived += 1);
        let mut rx = self.count.subscribe();
        // A timeout is the designed outcome for a member that never answers.
        let _ = tokio::time::timeout(HOLD, rx.wait_for(Count::all_in)).await;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.arrived.swap(true, Ordering::Relaxed) {
            self.count.send_modify(|c| c.arrived += 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn members_wait_for_each_other_then_go_together() {
        let gate = FirstLists::default();
        let (a, b) = (gate.ticket(), gate.ticket());
        gate.seal();
        let t0 = Instant::now();
        let first = tokio::spawn(async move {
            a.arrive().await;
            tokio::time::Instant::now()
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second_at = tokio::time::Instant::now();
        b.arrive().await;
        // The first waited for the second, not for the hold.
        let first_at = first.await.unwrap();
        assert!(
            first_at >= second_at && first_at - second_at < HOLD,
            "{:?}",
            t0.elapsed()
        );
        // Arriving again (a reconnect) never waits.
        let again = tokio::time::Instant::now();
        b.arrive().await;
        assert_eq!(tokio::time::Instant::now(), again);
    }

    #[tokio::test(start_paused = true)]
    async fn a_member_that_never_lists_holds_the_others_at_most_the_hold() {
        let gate = FirstLists::default();
        let (a, _silent) = (gate.ticket(), gate.ticket());
        gate.seal();
        let t0 = tokio::time::Instant::now();
        a.arrive().await;
        assert_eq!(tokio::time::Instant::now() - t0, HOLD);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_ticket_and_an_unsealed_gate() {
        let gate = FirstLists::default();
        let (a, b) = (gate.ticket(), gate.ticket());
        drop(b); // adopted, not opened: counts as in
        let t0 = tokio::time::Instant::now();
        // Not sealed: more members may come, so it waits (here, the hold).
        a.arrive().await;
        assert_eq!(tokio::time::Instant::now() - t0, HOLD);
        let c = gate.ticket();
        gate.seal();
        let t1 = tokio::time::Instant::now();
        c.arrive().await;
        assert_eq!(tokio::time::Instant::now(), t1);
    }
}
