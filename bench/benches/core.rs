//! Micro-benchmarks of wharf-core's hot paths: `cargo bench -p wharf-bench`.
//!
//! - `interpret`: one engine event to store deltas (runs for every event).
//! - `snapshot`: what the store's writer pays to publish one change at 300 containers while
//!   a reader still holds the previous snapshot (copy-on-write of the container map and of the
//!   event history, then the clone that is sent).
//! - `sample_between`: stats maths for one container per tick.
//! - `sanitize` and `log_push`: the log follower's per-line work.

use std::hint::black_box;
use std::sync::Arc;

use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;
use wharf_bench::{container, event, hex_id, log_chunk, raw_pair, snapshot};
use wharf_core::model::{ContainerState, EventKind, Sample};
use wharf_core::store::{interpret, EVENT_HISTORY};
use wharf_core::streams::text::sanitize;
use wharf_core::streams::{LogBuffer, Series};

fn main() {
    divan::main();
}

mod interpret_event {
    use super::*;

    #[divan::bench(args = ["start", "die", "exec_start: sh -c ls", "health_status: healthy"])]
    fn container(b: Bencher, action: &str) {
        let e = event(EventKind::Container, action, &hex_id(1));
        b.bench(|| interpret(black_box(&e)));
    }

    #[divan::bench]
    fn network_connect(b: Bencher) {
        let mut e = event(EventKind::Network, "connect", &hex_id(2));
        e.attributes.insert("container".to_owned(), hex_id(1));
        b.bench(|| interpret(black_box(&e)));
    }
}

mod snapshot_publish {
    use super::*;

    const N: usize = 300;

    /// Cloning a published snapshot (the collections are behind `Arc`s).
    #[divan::bench]
    fn clone_300(b: Bencher) {
        let s = snapshot(N);
        b.bench(|| black_box(&s).clone());
    }

    /// One container changes while the UI holds the previous revision: the writer copies the
    /// map (300 `Arc` bumps), replaces one entry, appends to the copied event history and
    /// publishes a clone — the store's cost per event batch.
    #[divan::bench]
    fn one_change_300(b: Bencher) {
        let mut cur = snapshot(N);
        let mut held = Arc::new(cur.clone());
        let mut i = 0usize;
        let e = event(EventKind::Container, "die", &hex_id(7));
        b.bench_local(|| {
            i += 1;
            let mut c = container(i % N);
            c.state = if i % 2 == 0 {
                ContainerState::Exited
            } else {
                ContainerState::Running
            };
            Arc::make_mut(&mut cur.containers).insert(c.id.clone(), Arc::new(c));
            let ev = Arc::make_mut(&mut cur.events);
            if ev.len() >= EVENT_HISTORY {
                ev.pop_front();
            }
            ev.push_back(Arc::new(e.clone()));
            cur.revision += 1;
            held = Arc::new(cur.clone());
            black_box(&held);
        });
    }

    /// Building the container map from a fresh listing (first frame, reconnect).
    #[divan::bench]
    fn build_map_300(b: Bencher) {
        b.with_inputs(|| (0..N).map(container).collect::<Vec<_>>())
            .bench_values(|list| {
                list.into_iter()
                    .map(|c| (c.id.clone(), Arc::new(c)))
                    .collect::<std::collections::BTreeMap<_, _>>()
            });
    }
}

mod stats {
    use super::*;

    #[divan::bench]
    fn sample_between(b: Bencher) {
        let (a, c) = raw_pair();
        b.bench(|| Sample::between(black_box(&a), black_box(&c), black_box(Some(0.5))));
    }

    /// Publishing a 15-minute series (900 samples) in the hub's view each tick.
    #[divan::bench]
    fn series_clone_900(b: Bencher) {
        let (a, c) = raw_pair();
        let s = Sample::between(&a, &c, None);
        let mut series = Series::default();
        for i in 0..900 {
            series.push(Sample {
                at_ms: s.at_ms + i * 1000,
                ..s
            });
        }
        b.bench(|| black_box(&series).clone());
    }
}

mod logs {
    use super::*;

    const PLAIN: &str = "2026-11-23T12:00:00.123456789Z INFO request handled path=/api/v1/items status=200 duration_ms=3";
    const STYLED: &str = "\x1b[1;32mINFO\x1b[0m \x1b[2m12:00:00\x1b[0m request handled \x1b[38;5;208mpath\x1b[0m=/api/v1/items \x1b]0;title\x07status=200";

    #[divan::bench(args = [("plain", PLAIN), ("styled", STYLED), ("yes", "y")])]
    fn sanitize_line(b: Bencher, (_, line): (&str, &str)) {
        b.counter(BytesCount::new(line.len()))
            .bench(|| sanitize(black_box(line.as_bytes()), true));
    }

    /// A 32 KiB chunk of `yes` output (16,384 lines of "y") into a full 10,000-line buffer.
    #[divan::bench]
    fn push_yes_chunk(b: Bencher) {
        let chunk = log_chunk("y", 16 * 1024);
        let mut buf = LogBuffer::new(10_000, false);
        buf.push(&chunk);
        b.counter(ItemsCount::new(16_384usize))
            .bench_local(|| buf.push(black_box(&chunk)));
    }

    /// Typical application lines, 300 per chunk, with timestamps.
    #[divan::bench]
    fn push_app_chunk(b: Bencher) {
        let chunk = log_chunk(PLAIN, 300);
        let mut buf = LogBuffer::new(10_000, true);
        buf.push(&chunk);
        b.counter(ItemsCount::new(300usize))
            .bench_local(|| buf.push(black_box(&chunk)));
    }
}
