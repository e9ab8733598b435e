//! Fuzzing, with proptest, of everything else Wharf parses from the engine: container, image,
//! network and volume lists and inspect documents, events, `/version`, `/info` and stats.
//!
//! Structure-aware: each case starts from a real document of Docker 20.10 (saved from the test
//! engine under `tests/fixtures/engine/`) and mutates it: leaves replaced by values of another
//! type or at the edges of their range (negative sizes, `u64::MAX`, escape sequences, bidi
//! controls, empty strings), keys removed, nulls. Property: bollard's deserialization and
//! `convert` never panic; what converts keeps its identity. `PROPTEST_CASES=N` runs longer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bollard::models as m;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

use super::convert;

fn fixture(name: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/engine/");
    let text = std::fs::read_to_string(format!("{path}{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

enum Step {
    Key(String),
    At(usize),
}

/// Paths to every value in `v` (containers included), depth first.
fn paths(v: &Value, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(prefix.clone());
    let children: Vec<&Value> = match v {
        Value::Object(o) => o.values().collect(),
        Value::Array(a) => a.iter().collect(),
        _ => Vec::new(),
    };
    for (i, child) in children.into_iter().enumerate() {
        prefix.push(i);
        paths(child, prefix, out);
        prefix.pop();
    }
}

/// The parent of the value at `path` and how to reach the value from it.
fn parent<'a>(root: &'a mut Value, path: &[usize]) -> Option<(&'a mut Value, Step)> {
    let (last, up) = path.split_last()?;
    let mut v = root;
    for i in up {
        v = match v {
            Value::Object(o) => o.values_mut().nth(*i)?,
            Value::Array(a) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    let step = match &*v {
        Value::Object(o) => Step::Key(o.keys().nth(*last)?.clone()),
        _ => Step::At(*last),
    };
    Some((v, step))
}

/// Values at the edges of what a field can hold, or of another type.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(i64::MIN)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(u64::MAX)),
        Just(json!(1e308)),
        Just(json!(-0.5)),
        Just(json!("")),
        Just(json!(
            "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{202e}gnp.exe\u{200b}"
        )),
        Just(json!("0001-01-01T00:00:00Z")),
        Just(json!("9999-99-99T99:99:99.999999999+99:99")),
        Just(json!("Up 3 seconds (unhealthy)")),
        Just(json!("Exited (-2147483648) 1 second ago")),
        Just(json!("sha256:")),
        Just(json!("/")),
        Just(json!("65536/tcp")),
        Just(json!([])),
        Just(json!({})),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Another value, often of another type (the document then rarely parses).
    Replace(Index, Value),
    /// A value of the same type at the edge of its range (the document usually still parses,
    /// so `convert` sees it).
    Edge(Index, usize),
    Remove(Index),
}

const EDGE_STRINGS: [&str; 8] = [
    "",
    "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{202e}gnp.exe\u{200b}",
    "0001-01-01T00:00:00Z",
    "9999-99-99T99:99:99.999999999+99:99",
    "Up 3 seconds (unhealthy)",
    "Exited (-2147483648) 1 second ago",
    "sha256:",
    "65536/tcp",
];
const EDGE_INTS: [i64; 5] = [i64::MIN, -1, 0, i64::MAX, 1 << 53];

/// The same kind of value as `v`, at an edge.
fn edge(v: &Value, seed: usize) -> Value {
    match v {
        Value::String(_) => json!(EDGE_STRINGS[seed % EDGE_STRINGS.len()]),
        Value::Number(n) if n.is_u64() && seed % 2 == 0 => json!(u64::MAX),
        Value::Number(n) if n.is_f64() => json!([f64::MAX, -1.0, 0.0][seed % 3]),
        Value::Number(_) => json!(EDGE_INTS[seed % EDGE_INTS.len()]),
        Value::Bool(b) => json!(!b),
        Value::Array(_) if seed % 2 == 0 => json!([]),
        Value::Array(a) => Value::Array(a.iter().chain(a.iter()).cloned().collect()),
        Value::Object(_) => json!({}),
        Value::Null => Value::Null,
    }
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        1 => (any::<Index>(), hostile_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        4 => (any::<Index>(), any::<usize>()).prop_map(|(i, n)| Mutation::Edge(i, n)),
        1 => any::<Index>().prop_map(Mutation::Remove),
    ];
    prop::collection::vec(one, 0..8)
}

fn mutate(mut doc: Value, muts: &[Mutation]) -> Value {
    for m in muts {
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        let pick = |i: &Index| all[i.index(all.len())].clone();
        match m {
            Mutation::Replace(i, v) => {
                let path = pick(i);
                match parent(&mut doc, &path) {
                    None => doc = v.clone(),
                    Some((Value::Object(o), Step::Key(k))) => {
                        o.insert(k, v.clone());
                    }
                    Some((Value::Array(a), Step::At(n))) => a[n] = v.clone(),
                    Some(_) => {}
                }
            }
            Mutation::Edge(i, seed) => match parent(&mut doc, &pick(i)) {
                Some((Value::Object(o), Step::Key(k))) => {
                    if let Some(v) = o.get_mut(&k) {
                        *v = edge(v, *seed);
                    }
                }
                Some((Value::Array(a), Step::At(n))) => a[n] = edge(&a[n], *seed),
                _ => {}
            },
            Mutation::Remove(i) => match parent(&mut doc, &pick(i)) {
                Some((Value::Object(o), Step::Key(k))) => {
                    o.remove(&k);
                }
                Some((Value::Array(a), Step::At(n))) => {
                    a.remove(n);
                }
                _ => {}
            },
        }
    }
    doc
}

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Option<T> {
    serde_json::from_value(v).ok()
}

proptest! {
    #[test]
    fn container_documents_never_panic(muts in mutations(), inspect in mutations()) {
        let list: Option<Vec<m::ContainerSummary>> = parse(mutate(fixture("containers.json"), &muts));
        for c in list.unwrap_or_default() {
            let id = c.id.clone();
            if let Some(conv) = convert::container_summary(c) {
                prop_assert_eq!(Some(conv.id.0), id);
            }
        }
        let doc = mutate(fixture("container_inspect.json"), &inspect);
        if let Some(c) = parse::<m::ContainerInspectResponse>(doc) {
            let _ = convert::container_inspect(c);
        }
    }

    #[test]
    fn image_network_volume_documents_never_panic(
        images in mutations(),
        image in mutations(),
        network in mutations(),
        volume in mutations(),
    ) {
        let list: Option<Vec<m::ImageSummary>> = parse(mutate(fixture("images.json"), &images));
        for i in list.unwrap_or_default() {
            let _ = convert::image_summary(i);
        }
        if let Some(i) = parse::<m::ImageInspect>(mutate(fixture("image_inspect.json"), &image)) {
            let _ = convert::image_inspect(i);
        }
        let n = mutate(fixture("network.json"), &network);
        if let Some(n) = parse::<m::NetworkInspect>(n.clone()) {
            let _ = convert::network_inspect(n);
        }
        if let Some(n) = parse::<m::Network>(n) {
            let _ = convert::network(n);
        }
        if let Some(v) = parse::<m::Volume>(mutate(fixture("volume.json"), &volume)) {
            let _ = convert::volume(v);
        }
    }

    #[test]
    fn engine_facts_events_and_stats_never_panic(
        version in mutations(),
        info in mutations(),
        event in mutations(),
        stats in mutations(),
        line in 0usize..2,
    ) {
        let v = parse::<m::SystemVersion>(mutate(fixture("version.json"), &version));
        let i = parse::<m::SystemInfo>(mutate(fixture("info.json"), &info));
        if let (Some(v), Some(i)) = (v, i) {
            let _ = convert::engine_info(v, i, "1.41".into());
        }
        let events = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/engine/events.jsonl"
        ))
        .unwrap();
        let real: Vec<Value> = events.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let doc = mutate(real[line % real.len()].clone(), &event);
        if let Some(e) = parse::<m::EventMessage>(doc) {
            let _ = convert::event(e);
        }
        if let Some(s) = parse::<m::ContainerStatsResponse>(mutate(fixture("stats.json"), &stats)) {
            let _ = convert::raw_stats(s);
        }
    }
}

/// `v` `n` times over.
fn repeat<T: Clone>(v: &[T], n: usize) -> Vec<T> {
    v.iter().cycle().take(v.len() * n).cloned().collect()
}

proptest! {
    #[test]
    fn timestamps_never_panic(s in any::<String>()) {
        let _ = convert::rfc3339_secs(&s);
    }

    #[test]
    fn structured_timestamps_never_panic(
        f in prop::array::uniform6(prop_oneof![any::<i64>(), 0i64..100, Just(i64::MAX), Just(i64::MIN)]),
        frac in "(\\.[0-9]{0,12})?",
        tz in prop_oneof![Just("Z".to_owned()), "[+-][0-9]{2}:[0-9]{2}", any::<String>()],
    ) {
        let s = format!("{}-{}-{}T{}:{}:{}{frac}{tz}", f[0], f[1], f[2], f[3], f[4], f[5]);
        let _ = convert::rfc3339_secs(&s);
    }

    #[test]
    fn disk_usage_from_lists_never_panics(
        images in mutations(),
        containers in mutations(),
        volume in mutations(),
        copies in 1usize..4,
    ) {
        let images: Vec<m::ImageSummary> =
            parse(mutate(fixture("images.json"), &images)).unwrap_or_default();
        let images: Vec<_> = images.into_iter().map(convert::image_summary).collect();
        let containers: Vec<m::ContainerSummary> =
            parse(mutate(fixture("containers.json"), &containers)).unwrap_or_default();
        let volumes: Vec<_> = parse::<m::Volume>(mutate(fixture("volume.json"), &volume))
            .map(convert::volume)
            .into_iter()
            .collect();
        // The same objects several times: sums of edge values must not overflow.
        let n = copies;
        let usage = convert::disk_usage_from_lists(
            &repeat(&images, n),
            &repeat(&containers, n),
            &repeat(&volumes, n),
        );
        prop_assert_eq!(usage.len(), 3);
    }
}

/// Found by `structured_timestamps_never_panic`: a year, month, day or time far out of range
/// overflowed the day arithmetic (a panic in debug builds); such text is not a time.
#[test]
fn out_of_range_timestamps_are_not_times() {
    for s in [
        "9223372036854775807-01-01T00:00:00Z",
        "2026-9223372036854775807-01T00:00:00Z",
        "2026-01-9223372036854775807T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-01T99:99:99Z",
        "2026-01-01T00:00:00+99:99",
    ] {
        assert_eq!(convert::rfc3339_secs(s), None, "{s}");
    }
    assert_eq!(
        convert::rfc3339_secs("9999-12-31T23:59:60Z"),
        Some(253_402_300_800)
    );
}

/// Found by `disk_usage_from_lists_never_panics`: size sums overflowed (a panic in debug).
#[test]
fn disk_usage_sums_saturate() {
    let mut c: m::ContainerSummary = parse(json!({"Id": "a", "SizeRw": i64::MAX})).unwrap();
    c.state = Some(m::ContainerSummaryStateEnum::EXITED);
    let usage = convert::disk_usage_from_lists(&[], &[c.clone(), c.clone(), c], &[]);
    assert_eq!(usage[1].size, u64::MAX);
    assert_eq!(usage[1].reclaimable, u64::MAX);
}

#[test]
fn the_fixtures_are_real_documents_that_convert() {
    // Unmutated, every fixture parses and converts: the mutations start from valid input.
    let list: Vec<m::ContainerSummary> = parse(fixture("containers.json")).unwrap();
    assert!(list
        .into_iter()
        .all(|c| convert::container_summary(c).is_some()));
    let c: m::ContainerInspectResponse = parse(fixture("container_inspect.json")).unwrap();
    assert!(convert::container_inspect(c).is_some());
    let i: m::ImageInspect = parse(fixture("image_inspect.json")).unwrap();
    assert!(convert::image_inspect(i).is_some());
    let n: m::NetworkInspect = parse(fixture("network.json")).unwrap();
    assert!(convert::network_inspect(n).is_some());
    let _: m::Volume = parse(fixture("volume.json")).unwrap();
    let _: m::SystemVersion = parse(fixture("version.json")).unwrap();
    let _: m::SystemInfo = parse(fixture("info.json")).unwrap();
    let _: m::ContainerStatsResponse = parse(fixture("stats.json")).unwrap();
}

/// Found by `engine_facts_events_and_stats_never_panic`: an event with `time` but no
/// `timeNano` had its seconds multiplied into nanoseconds without a bound (a panic in debug
/// builds on a huge `time`).
#[test]
fn an_event_time_far_away_saturates() {
    let e: m::EventMessage =
        parse(json!({"Type": "container", "Action": "start", "time": i64::MAX})).unwrap();
    assert_eq!(convert::event(e).unwrap().time_nano, i64::MAX);
    let e: m::EventMessage =
        parse(json!({"Type": "container", "Action": "start", "time": i64::MIN})).unwrap();
    assert_eq!(convert::event(e).unwrap().time_nano, i64::MIN);
}
