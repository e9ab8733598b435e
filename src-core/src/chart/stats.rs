//! A container's Stats graphs as one image: the four metrics ([`Metric::ALL`]) in a 2 × 2 grid,
//! each drawn exactly as [`super::svg`]/[`super::png`] draw one, with the container's markers
//! (events and fired alerts, `history::markers`) on every graph. The terminal's Stats tab
//! exports this; the desktop exports one graph at a time through [`super::svg`]/[`super::png`].

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{check, drawing_error, plan, ChartOptions, Metric, DARK, LIGHT};
use crate::error::{CoreError, Result};
use crate::model::{HistoryMarker, Sample};

/// The size exports default to: four graphs of 480×240 over the Stats tab's 15 minutes.
pub fn default_options() -> ChartOptions {
    ChartOptions {
        width: 960,
        height: 480,
        dark: false,
        window_secs: 900,
    }
}

fn draw_all<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    samples: &[Sample],
    markers: &[HistoryMarker],
    opts: &ChartOptions,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let [bg, _, _] = if opts.dark { DARK } else { LIGHT };
    root.fill(&bg)?;
    for (cell, metric) in root.split_evenly((2, 2)).iter().zip(Metric::ALL) {
        let plan = plan(samples, metric, opts.window_secs);
        super::draw_plan(cell, &plan, markers, opts)?;
    }
    root.present()
}

fn check_samples(samples: &[Sample]) -> Result<()> {
    if samples.is_empty() {
        return Err(CoreError::invalid_input(
            "nothing to export yet: no samples of this container",
        ));
    }
    Ok(())
}

/// The four graphs of `samples` as one SVG document, with `markers` drawn on each.
pub fn svg(samples: &[Sample], markers: &[HistoryMarker], opts: &ChartOptions) -> Result<String> {
    check(opts)?;
    check_samples(samples)?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (opts.width, opts.height)).into_drawing_area();
        draw_all(root, samples, markers, opts).map_err(drawing_error)?;
    }
    Ok(out)
}

/// The four graphs of `samples` as one PNG image, with `markers` drawn on each.
pub fn png(samples: &[Sample], markers: &[HistoryMarker], opts: &ChartOptions) -> Result<Vec<u8>> {
    check(opts)?;
    check_samples(samples)?;
    let (w, h) = (opts.width, opts.height);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw_all(root, samples, markers, opts).map_err(drawing_error)?;
    }
    super::encode_png(&rgb, w, h)
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
