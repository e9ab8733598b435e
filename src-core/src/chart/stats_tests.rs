//! A container's exports with its markers: the four-graph image, and one graph.

#![allow(clippy::unwrap_used)]
use super::*;
use crate::model::MarkerKind;

const T0: i64 = 1_700_000_000_000;

fn samples() -> Vec<Sample> {
    (0..300)
        .map(|i| Sample {
            at_ms: T0 + i * 1000,
            cpu_pct: 20.0,
            mem_used: 50 << 20,
            mem_limit: 100 << 20,
            ..Default::default()
        })
        .collect()
}

fn marker(kind: MarkerKind, at_ms: i64) -> HistoryMarker {
    HistoryMarker {
        at_ms,
        kind,
        action: kind.label().to_owned(),
        name: "web".into(),
        container: "abc123".into(),
        detail: String::new(),
    }
}

fn hex(kind: MarkerKind) -> String {
    let c = crate::chart::marker_color(kind);
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// The x pixel positions of the vertical lines drawn in `colour` (`#RRGGBB`).
fn vertical_lines(svg: &str, colour: &str) -> Vec<f64> {
    let mut xs = Vec::new();
    for line in svg.lines() {
        let up = line.to_uppercase();
        if !up.contains("<POLYLINE") || !up.contains(colour) {
            continue;
        }
        let Some(points) = line.split("points=\"").nth(1) else {
            continue;
        };
        let points: Vec<(f64, f64)> = points
            .split('"')
            .next()
            .unwrap()
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        if points.len() == 2 && points[0].0 == points[1].0 && points[0].1 != points[1].1 {
            xs.push(points[0].0);
        }
    }
    xs
}

#[test]
fn the_four_graphs_draw_each_marker_at_its_time_in_its_colour() {
    let samples = samples();
    // A die two minutes before the newest sample, a restart right after; one too old to show.
    let newest = samples.last().unwrap().at_ms;
    let markers = [
        marker(MarkerKind::Die, newest - 120_000),
        marker(MarkerKind::Restart, newest - 60_000),
        marker(MarkerKind::Oom, newest - 3_600_000),
    ];
    let svg = svg(&samples, &markers, &default_options()).unwrap();
    assert!(svg.starts_with("<svg"));
    for metric in Metric::ALL {
        assert!(svg.contains(metric.title()), "{metric:?}");
    }
    let die = vertical_lines(&svg, &hex(MarkerKind::Die));
    let restart = vertical_lines(&svg, &hex(MarkerKind::Restart));
    assert_eq!(die.len(), 4, "one die line per graph: {die:?}");
    assert_eq!(restart.len(), 4, "one restart line per graph: {restart:?}");
    // Each graph spans the 5 minutes of samples: the die is 3/5 of the way, the restart 4/5,
    // so in every graph the restart is right of the die by about a fifth of the graph's width.
    for (d, r) in die.iter().zip(&restart) {
        assert!(r > d, "restart after die: {d} {r}");
        assert!(
            (r - d - (480.0 - 6.0 * 2.0 - 70.0) / 5.0).abs() < 12.0,
            "{d} {r}"
        );
    }
    assert!(svg.to_uppercase().contains(">\nDIE\n<"), "labelled");
    assert!(
        vertical_lines(&svg, &hex(MarkerKind::Oom)).is_empty(),
        "a marker older than the graphs is left out"
    );
}

#[test]
fn one_graph_draws_the_markers_too_and_png_has_the_size() {
    let samples = samples();
    let newest = samples.last().unwrap().at_ms;
    let markers = [marker(MarkerKind::Alert, newest - 30_000)];
    let one = crate::chart::svg(&samples, Metric::Cpu, &markers, &ChartOptions::default()).unwrap();
    assert_eq!(vertical_lines(&one, &hex(MarkerKind::Alert)).len(), 1);
    let none = crate::chart::svg(&samples, Metric::Cpu, &[], &ChartOptions::default()).unwrap();
    assert!(vertical_lines(&none, &hex(MarkerKind::Alert)).is_empty());
    let png = png(&samples, &markers, &default_options()).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 960);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 480);
}

#[test]
fn nothing_sampled_is_refused_with_a_reason() {
    let e = svg(&[], &[], &default_options()).unwrap_err();
    assert!(e.to_string().contains("nothing to export yet"), "{e}");
}
