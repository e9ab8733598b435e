//! Markers on graphs: a colour per [`MarkerKind`] (the same in both themes), sent to the page in
//! [`super::ChartStyle::markers`] and drawn by the exports as a vertical line with a short
//! label at its top, so an exported graph shows what the live one shows.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use serde::Serialize;

use super::{FONT_NAME, FONT_PX};
use crate::model::{HistoryMarker, MarkerKind};

/// The colour of a marker of `kind`.
pub fn marker_color(kind: MarkerKind) -> RGBColor {
    match kind {
        MarkerKind::Die => RGBColor(0xdc, 0x26, 0x26),
        MarkerKind::Oom => RGBColor(0x93, 0x33, 0xea),
        MarkerKind::Health => RGBColor(0xca, 0x8a, 0x04),
        MarkerKind::Restart => RGBColor(0xea, 0x58, 0x0c),
        MarkerKind::Start => RGBColor(0x16, 0xa3, 0x4a),
        MarkerKind::Recreate => RGBColor(0x47, 0x55, 0x69),
        MarkerKind::Alert => RGBColor(0xdb, 0x27, 0x77),
    }
}

/// How the page draws a marker of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MarkerStyle {
    pub kind: MarkerKind,
    /// The short label drawn at the line's top.
    pub label: &'static str,
    /// `#rrggbb`.
    pub color: String,
}

/// Every kind's style, in [`MarkerKind::ALL`] order.
pub fn marker_styles() -> Vec<MarkerStyle> {
    MarkerKind::ALL
        .iter()
        .map(|&kind| MarkerStyle {
            kind,
            label: kind.label(),
            color: super::hex(marker_color(kind)),
        })
        .collect()
}

/// Draw `markers` on a graph whose x axis is seconds relative to `newest_ms` over
/// `[-span, 0]` and whose y axis reaches `y_max`: those outside the axis are left out.
pub(super) fn draw<DB: DrawingBackend>(
    c: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    markers: &[HistoryMarker],
    newest_ms: i64,
    span: f64,
    y_max: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for m in markers {
        let x = (m.at_ms - newest_ms) as f64 / 1000.0;
        if !(-span..=0.0).contains(&x) {
            continue;
        }
        let color = marker_color(m.kind);
        c.draw_series(LineSeries::new(
            [(x, 0.0), (x, y_max)],
            color.stroke_width(1),
        ))?;
        let font = (FONT_NAME, FONT_PX - 2).into_font().color(&color);
        c.draw_series(std::iter::once(Text::new(m.kind.label(), (x, y_max), font)))?;
    }
    Ok(())
}
