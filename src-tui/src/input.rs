//! The terminal's input, read by one thread for the whole process and handed to whichever
//! loop runs (the single-engine loop, the fleet loop, a shell session) as `Msg`-ready events.
//!
//! Why not crossterm's `EventStream`: with the level-triggered source Wharf uses (crossterm's
//! `use-dev-tty`, docs/design.md "Terminal input"), a zero-timeout poll never looks at events
//! already parsed, so every event of a burst waited for a hand-over between crossterm's
//! thread and the stream (a 3 KiB paste took 26 s on a loaded machine, 2.4 s of it CPU).
//! A thread blocked in `event::read` takes each parsed event at once, and the channel holds
//! a burst for the loop to take in one turn.

use std::sync::{Mutex, Once};

use crossterm::event::Event;
use tokio::sync::mpsc;

/// The terminal's events, in order; an error ends them.
pub type Events = mpsc::UnboundedReceiver<std::io::Result<Event>>;

/// Where the reader thread delivers: the newest `events()` receiver.
static SINK: Mutex<Option<mpsc::UnboundedSender<std::io::Result<Event>>>> = Mutex::new(None);
static READER: Once = Once::new();

/// Every terminal event from now on. A receiver taken earlier gets no more (one loop reads
/// the terminal at a time).
pub fn events() -> Events {
    let (tx, rx) = mpsc::unbounded_channel();
    *SINK.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
    READER.call_once(|| {
        let started = std::thread::Builder::new()
            .name("wharf-input".into())
            .spawn(read_forever);
        if let Err(e) = started {
            // Without input Wharf cannot be used: say so through the channel, which ends it.
            deliver(Err(e));
        }
    });
    rx
}

fn read_forever() {
    loop {
        let ev = crossterm::event::read();
        let stop = ev.is_err();
        deliver(ev);
        if stop {
            return;
        }
    }
}

fn deliver(ev: std::io::Result<Event>) {
    if let Some(tx) = SINK.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        // A closed receiver: its loop has ended, and the next one takes over with `events()`.
        let _ = tx.send(ev);
    }
}
