//! Tests of the chart style shared with the page and of the SVG/PNG exports.

#![allow(clippy::unwrap_used)]
use super::*;

fn samples(n: i64) -> Vec<Sample> {
    (0..n)
        .map(|i| Sample {
            at_ms: 1_000_000 + i * 1000,
            cpu_pct: (i % 10) as f64 * 10.0,
            mem_used: 50 << 20,
            mem_limit: 100 << 20,
            net_rx_rate: 2048.0 * i as f64,
            net_tx_rate: 1024.0,
            ..Default::default()
        })
        .collect()
}

#[test]
fn svg_has_caption_axes_and_lines() {
    for metric in [
        Metric::Cpu,
        Metric::Memory,
        Metric::Network,
        Metric::BlockIo,
    ] {
        let svg = svg(&samples(120), metric, &[], &ChartOptions::default()).unwrap();
        assert!(svg.starts_with("<svg"), "{metric:?}");
        assert!(svg.contains("<polyline"), "{metric:?} has no line");
        assert!(svg.contains(metric.title()), "{metric:?} caption");
    }
}

#[test]
fn memory_limit_is_drawn_when_in_range() {
    let svg = svg(&samples(10), Metric::Memory, &[], &ChartOptions::default()).unwrap();
    assert!(svg.contains("limit"));
    assert!(svg.contains("50.0 MiB / 100.0 MiB"));
    let mut far = samples(10);
    for s in &mut far {
        s.mem_limit = 64 << 30;
    }
    let wide = super::svg(&far, Metric::Memory, &[], &ChartOptions::default()).unwrap();
    assert!(
        !wide.contains(">limit<"),
        "a host-sized limit flattens the graph"
    );
}

#[test]
fn the_time_axis_spans_the_data_up_to_the_window() {
    let opts = ChartOptions::default();
    assert_eq!(
        plan(&samples(20), Metric::Cpu, opts.window_secs).span_secs,
        60.0
    );
    assert_eq!(
        plan(&samples(90), Metric::Cpu, opts.window_secs).span_secs,
        120.0
    );
    assert_eq!(
        plan(&samples(2000), Metric::Cpu, opts.window_secs).span_secs,
        300.0
    );
    assert_eq!(plan(&[], Metric::Cpu, opts.window_secs).span_secs, 60.0);
}

#[test]
fn empty_series_still_renders() {
    let svg = svg(&[], Metric::Cpu, &[], &ChartOptions::default()).unwrap();
    assert!(svg.contains("CPU 0.0 %"));
}

#[test]
fn png_is_a_real_image_with_ink() {
    let opts = ChartOptions {
        dark: true,
        ..Default::default()
    };
    let bytes = png(&samples(60), Metric::Network, &[], &opts).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (480, 200));
    // Text and lines were drawn: many distinct colours, not a flat background.
    let mut colours: Vec<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 20, "only {} colours", colours.len());
}

#[test]
fn bad_sizes_are_refused() {
    let opts = ChartOptions {
        width: 10,
        ..Default::default()
    };
    let e = svg(&[], Metric::Cpu, &[], &opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn the_live_style_is_the_export_style() {
    let style = chart_style();
    assert_eq!(style.light.background, "#ffffff");
    assert_eq!(style.dark.background, "#1e1f24");
    assert_eq!(style.light.series, ["#3b82f6", "#f59e0b"]);
    // The SVG export draws with exactly these colours.
    let svg = svg(&samples(30), Metric::Network, &[], &ChartOptions::default()).unwrap();
    for c in &style.light.series {
        assert!(svg.to_lowercase().contains(c.as_str()), "{c} missing");
    }
    let metrics: Vec<Metric> = style.metrics.iter().map(|m| m.metric).collect();
    assert_eq!(metrics, Metric::ALL);
    let net = &style.metrics[2];
    assert_eq!(net.unit, Unit::BytesPerSec);
    let s = samples(3)[2];
    assert_eq!(net.lines[0].field.value(&s), s.net_rx_rate);
    assert_eq!(net.lines[1].field.value(&s), s.net_tx_rate);
    // Serialized for the page with the field names of `Sample`.
    let json = serde_json::to_value(&style).unwrap();
    assert_eq!(json["metrics"][0]["lines"][0]["field"], "cpu_pct");
    assert_eq!(json["metrics"][2]["unit"], "bytes_per_sec");
}

#[test]
fn human_units() {
    assert_eq!(human_bytes(512.0), "512 B");
    assert_eq!(human_bytes(1536.0), "1.5 KiB");
    assert_eq!(human_bytes(3.0 * 1024.0 * 1024.0 * 1024.0), "3.0 GiB");
    assert_eq!(format_age(-120.0), "-2m");
    assert_eq!(format_age(-30.0), "-30s");
}
