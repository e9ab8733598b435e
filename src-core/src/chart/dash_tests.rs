//! The dashboard's exports: one SVG/PNG with the six stacked graphs, and CSV.

#![allow(clippy::unwrap_used)]
use super::*;

fn series() -> DashSeries {
    let at_ms: Vec<i64> = (0..120).map(|i| 1_700_000_000_000 + i * 1000).collect();
    let charts = DashMetric::ALL
        .iter()
        .map(|&metric| DashChart {
            metric,
            caption: caption(metric, 1.5, 2, 4 << 30),
            groups: vec!["shop".into(), OTHER_LABEL.into()],
            values: vec![vec![1.0; 120], vec![0.5; 120]],
            limit: None,
        })
        .collect();
    DashSeries {
        at_ms,
        charts,
        host_cpus: 2,
        host_memory: 4 << 30,
        running: 2,
        sampled: 2,
    }
}

#[test]
fn svg_draws_every_graph_with_its_bands_and_legend() {
    let svg = svg(&series(), &[], &default_options()).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("CPU 1.50 cores · 75.0 % of 2 CPUs"), "caption");
    assert!(svg.contains("Memory 2 B of 4.0 GiB host"));
    assert!(svg.contains("Block write 2 B/s"));
    assert!(
        svg.contains(">\nshop\n<") && svg.contains(">\nother\n<"),
        "legend"
    );
    // The "other" band's own colour, and one mixed over the background for its fill.
    assert!(
        svg.contains("#94A3B8") || svg.contains("#94a3b8"),
        "{}",
        &svg[..300]
    );
}

#[test]
fn png_is_a_png_of_the_asked_size() {
    let png = png(&series(), &[], &default_options()).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 960);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 720);
}

#[test]
fn csv_has_one_row_per_time_graph_and_group() {
    let text = csv(&series()).unwrap();
    let mut rows = text.lines();
    assert_eq!(rows.next(), Some("at_ms,time,metric,group,value"));
    assert_eq!(text.lines().count(), 1 + 120 * 6 * 2);
    assert!(
        text.contains("1700000000000,2023-11-14T22:13:20.000Z,cpu,shop,1\n"),
        "{}",
        &text[..200]
    );
}

#[test]
fn an_empty_series_is_refused_with_a_reason() {
    let e = svg(&DashSeries::default(), &[], &default_options()).unwrap_err();
    assert!(e.to_string().contains("nothing to export yet"), "{e}");
    assert!(csv(&DashSeries::default()).is_err());
    let mut small = default_options();
    small.width = 10;
    assert!(png(&series(), &[], &small).is_err());
}

#[test]
fn the_style_has_every_graph_and_the_stack_colours() {
    let style = crate::chart::chart_style();
    assert_eq!(style.dash.len(), 6);
    assert_eq!(style.dash[0].unit, Unit::Cores);
    assert_eq!(style.light.stack.len(), STACK.len());
    assert_eq!(style.dark.other, "#94a3b8");
}

#[test]
fn markers_are_drawn_in_their_kind_colour_with_a_label() {
    use crate::model::{HistoryMarker, MarkerKind};
    let s = series();
    let newest = *s.at_ms.last().unwrap();
    let mark = |kind: MarkerKind, action: &str, at_ms: i64| HistoryMarker {
        at_ms,
        kind,
        action: action.into(),
        name: "shop-web-1".into(),
        container: "abc".into(),
        detail: String::new(),
    };
    let markers = [
        mark(MarkerKind::Die, "die", newest - 30_000),
        mark(MarkerKind::Alert, "alert", newest - 20_000),
        // Older than the graphs' window: left out.
        mark(MarkerKind::Oom, "oom", newest - 3_600_000),
    ];
    let plain = svg(&s, &[], &default_options()).unwrap();
    let marked = svg(&s, &markers, &default_options()).unwrap();
    let die = super::super::hex(super::super::marker_color(MarkerKind::Die)).to_uppercase();
    let alert = super::super::hex(super::super::marker_color(MarkerKind::Alert)).to_uppercase();
    let oom = super::super::hex(super::super::marker_color(MarkerKind::Oom)).to_uppercase();
    assert!(!plain.to_uppercase().contains(&die));
    assert!(marked.to_uppercase().contains(&die), "die line");
    assert!(marked.to_uppercase().contains(&alert), "alert line");
    assert!(!marked.to_uppercase().contains(&oom), "outside the window");
    assert_eq!(
        marked.matches(">\ndie\n<").count(),
        6,
        "a label on each graph"
    );
    assert!(png(&s, &markers, &default_options()).is_ok());
}
