//! `:dash` in the real `wharf`: a busy compose service shows in its project's braille CPU
//! graph, `s` restacks by the top containers, and `e` exports PNG, SVG and CSV files that
//! are well formed, asking before it would replace one.

use wharf_tests::{require_engine, unique_name};

use crate::require_tmux;
use crate::term::Wharf;

/// The cores in the first "CPU N cores" caption on screen.
fn cpu_cores(screen: &str) -> Option<f64> {
    let at = screen.find("CPU ")?;
    let rest = &screen[at + 4..];
    let end = rest.find(" cores")?;
    rest[..end].trim().parse().ok()
}

fn export(w: &mut Wharf, path: &std::path::Path) {
    w.keys(&["e"]);
    w.wait_for_text("export the graphs to");
    w.keys(&["C-u"]);
    w.type_text(&path.display().to_string());
    w.keys(&["Enter"]);
}

#[test]
fn dash_shows_a_busy_project_restacks_and_exports_png_svg_csv() {
    require_tmux!();
    let engine = require_engine!();
    let project = unique_name("dash");
    let _burn = engine
        .container("burn")
        .compose(&project, "burn")
        .args(&["--cpus", "0.5"])
        .cmd(&["sh", "-c", "while :; do :; done"])
        .start();
    let _rest = engine
        .container("rest")
        .compose(&project, "rest")
        .cmd(&["sleep", "300"])
        .start();
    let mut w = Wharf::start(engine, &[]);
    w.wait_ready();
    w.keys(&[":"]);
    w.type_text(&format!("dash {project}"));
    w.keys(&["Enter"]);
    let screen = w.wait("the busy service's CPU in braille", |s| {
        s.contains(&format!("Dashboard · project {project}"))
            && s.contains("2 running, 2 sampled")
            && cpu_cores(s).is_some_and(|c| c > 0.05)
            && s.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c))
    });
    assert!(
        screen.contains("burn") && screen.contains("rest"),
        "legend: {screen}"
    );
    assert!(
        screen.contains("Memory") && screen.contains("Network rx"),
        "{screen}"
    );
    assert!(screen.contains("Block write"), "{screen}");
    assert!(
        screen.contains("containers ") && screen.contains("images "),
        "{screen}"
    );

    w.keys(&["s"]);
    w.wait_for_text("stacked top 5");

    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("dash.png");
    export(&mut w, &png);
    w.wait_for_text("exported the graphs to");
    let bytes = std::fs::read(&png).expect("the PNG");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");

    let svg = dir.path().join("dash.svg");
    export(&mut w, &svg);
    w.wait("the SVG written", |s| {
        s.contains("dash.svg") && s.contains("exported")
    });
    let text = std::fs::read_to_string(&svg).expect("the SVG");
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    assert!(text.contains("cores"), "the CPU caption");

    let csv = dir.path().join("dash.csv");
    export(&mut w, &csv);
    w.wait("the CSV written", |s| {
        s.contains("dash.csv") && s.contains("exported")
    });
    let text = std::fs::read_to_string(&csv).expect("the CSV");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("at_ms,time,metric,group,value"));
    assert!(
        text.lines()
            .any(|l| l.contains(",cpu,") && l.contains("burn")),
        "{text}"
    );
    assert!(lines.all(|l| l.split(',').count() == 5), "{text}");

    // The same name again: asked, and `n` leaves the file alone.
    std::fs::write(&csv, "mine").unwrap();
    export(&mut w, &csv);
    w.wait_for_text("type y to overwrite it");
    w.type_text("n");
    w.keys(&["Enter"]);
    w.wait_for_text("not overwritten");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "mine");
}
