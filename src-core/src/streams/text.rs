//! Making container output safe to show: escape sequences become inert, colours survive.
//!
//! A container can print anything, including sequences that move the cursor, change the
//! window title or write the clipboard (OSC 52). Every line shown by a Wharf UI passes through
//! [`sanitize`]: the bytes are parsed with `vte` (the terminal parser of alacritty); printable
//! text is kept, SGR colour and attribute changes are turned into [`Style`] runs, tabs are
//! expanded, and every other control (CSI, OSC, DCS, ESC, C0/C1) is dropped.
//!
//! Characters that are invisible yet change what text looks like — bidi overrides and
//! isolates (`v=\u{202E}gnp.exe` shows as `v=exe.png`), zero-width spaces and joiners, the
//! byte order mark, Unicode tag characters — are made visible: each becomes a marker such
//! as `⟨U+202E⟩` ([`is_invisible`]). [`inert`] applies the same rules to short engine strings
//! (names, labels, commands, env, inspect values), and what Wharf writes to files is built
//! from sanitized text only.

use serde::{Deserialize, Serialize};
use vte::{Params, Parser, Perform};

/// A terminal colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Color {
    /// 0–15 are the standard and bright colours, 16–255 the xterm palette.
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// Attributes for a run of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Style {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub reverse: bool,
}

impl Style {
    pub fn is_plain(&self) -> bool {
        *self == Style::default()
    }
}

/// Inert text plus style runs. Run `i` covers `text[runs[i].0 .. runs[i+1].0]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StyledText {
    pub text: String,
    /// `(byte offset, style)`; empty when the whole text is plain.
    pub runs: Vec<(usize, Style)>,
}

impl StyledText {
    /// Iterate `(slice, style)` pieces in order.
    pub fn pieces(&self) -> impl Iterator<Item = (&str, Style)> + '_ {
        let n = self.runs.len();
        let first_plain = self
            .runs
            .first()
            .map_or(Some((&self.text[..], Style::default())), |(start, _)| {
                (*start > 0).then(|| (&self.text[..*start], Style::default()))
            });
        first_plain.into_iter().chain((0..n).filter_map(move |i| {
            let (start, style) = self.runs[i];
            let end = self.runs.get(i + 1).map_or(self.text.len(), |r| r.0);
            (end > start).then(|| (&self.text[start..end], style))
        }))
    }
}

const TAB: usize = 8;

/// Whether `c` is invisible but changes how the text around it is shown or read: bidi
/// embeddings, overrides, isolates and marks, zero-width spaces, joiners and invisible
/// operators, line and paragraph separators, the byte order mark, interlinear annotation
/// controls and tag characters. Such characters are shown as a `⟨U+XXXX⟩` marker.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// The visible marker written in place of an invisible character.
pub fn marker(c: char) -> String {
    format!("⟨U+{:04X}⟩", u32::from(c))
}

/// Whether `s` needs [`sanitize`] before it is shown: it holds a control character (C0, DEL,
/// C1, which escape sequences start with) or an invisible one.
pub fn needs_sanitizing(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || is_invisible(c))
}

/// One engine-provided string (a name, a label, a command, an env entry, an inspect value)
/// made inert and plain: escape sequences and controls dropped, invisible characters shown
/// as markers, styles dropped. Borrowed when there is nothing to change.
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_sanitizing(s) {
        std::borrow::Cow::Owned(sanitize(s.as_bytes(), false).text)
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

struct Sink {
    out: StyledText,
    style: Style,
    col: usize,
    keep_styles: bool,
}

impl Sink {
    fn set_style(&mut self, s: Style) {
        if s == self.style {
            return;
        }
        self.style = s;
        if !self.keep_styles {
            return;
        }
        let at = self.out.text.len();
        match self.out.runs.last_mut() {
            Some((start, st)) if *start == at => *st = s,
            _ => self.out.runs.push((at, s)),
        }
    }
}

fn color_from(iter: &mut std::iter::Peekable<impl Iterator<Item = u16>>) -> Option<Color> {
    match iter.next()? {
        5 => iter.next().map(|n| Color::Indexed(n.min(255) as u8)),
        2 => {
            let r = iter.next()?;
            let g = iter.next()?;
            let b = iter.next()?;
            Some(Color::Rgb(
                r.min(255) as u8,
                g.min(255) as u8,
                b.min(255) as u8,
            ))
        }
        _ => None,
    }
}

fn apply_sgr(mut s: Style, params: &Params) -> Style {
    // Flatten `38:2:r:g:b` sub-parameters and `38;2;r;g;b` alike.
    let flat: Vec<u16> = params.iter().flat_map(|p| p.iter().copied()).collect();
    if flat.is_empty() {
        return Style::default();
    }
    let mut it = flat.into_iter().peekable();
    while let Some(p) = it.next() {
        match p {
            0 => s = Style::default(),
            1 => s.bold = true,
            2 => s.dim = true,
            3 => s.italic = true,
            4 => s.underline = true,
            7 => s.reverse = true,
            22 => {
                s.bold = false;
                s.dim = false;
            }
            23 => s.italic = false,
            24 => s.underline = false,
            27 => s.reverse = false,
            30..=37 => s.fg = Some(Color::Indexed((p - 30) as u8)),
            38 => s.fg = color_from(&mut it).or(s.fg),
            39 => s.fg = None,
            40..=47 => s.bg = Some(Color::Indexed((p - 40) as u8)),
            48 => s.bg = color_from(&mut it).or(s.bg),
            49 => s.bg = None,
            90..=97 => s.fg = Some(Color::Indexed((p - 90 + 8) as u8)),
            100..=107 => s.bg = Some(Color::Indexed((p - 100 + 8) as u8)),
            _ => {}
        }
    }
    s
}

impl Perform for Sink {
    fn print(&mut self, c: char) {
        // UTF-8 encoded C1 controls (U+0080–U+009F, e.g. U+009B as CSI) are acted on by some
        // terminals: drop them so whatever follows stays plain text.
        if ('\u{80}'..='\u{9f}').contains(&c) {
            return;
        }
        // vte hands DEL to `print`; it is a control character, not text.
        if c == '\u{7f}' {
            return;
        }
        if is_invisible(c) {
            let m = marker(c);
            self.col += m.chars().count();
            self.out.text.push_str(&m);
            return;
        }
        self.out.text.push(c);
        self.col += 1;
    }

    fn execute(&mut self, byte: u8) {
        if byte == b'\t' {
            let n = TAB - self.col % TAB;
            self.out.text.extend(std::iter::repeat_n(' ', n));
            self.col += n;
        }
        // Every other C0/C1 control (BEL, BS, CR, SO/SI, …) is dropped.
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], ignore: bool, action: char) {
        if action == 'm' && intermediates.is_empty() && !ignore {
            let s = apply_sgr(self.style, params);
            self.set_style(s);
        }
        // Cursor movement, erase, mode changes: dropped.
    }
    // OSC (titles, clipboard, hyperlinks), DCS and plain ESC sequences: default no-ops.
}

/// Make one line of container output inert. `keep_styles: false` drops colours too.
pub fn sanitize(bytes: &[u8], keep_styles: bool) -> StyledText {
    let mut sink = Sink {
        out: StyledText {
            text: String::with_capacity(bytes.len()),
            runs: Vec::new(),
        },
        style: Style::default(),
        col: 0,
        keep_styles,
    };
    let mut parser = Parser::new();
    parser.advance(&mut sink, bytes);
    // A trailing plain run carries no information.
    if sink.out.runs.iter().all(|(_, s)| s.is_plain()) {
        sink.out.runs.clear();
    }
    sink.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(b: &[u8]) -> String {
        sanitize(b, true).text
    }

    #[test]
    fn drops_every_kind_of_control() {
        let cases: &[(&[u8], &str)] = &[
            (b"hello", "hello"),
            (b"\x1b]52;c;ZXZpbA==\x07after", "after"), // OSC 52 clipboard write
            (b"\x1b]0;owned title\x1b\\x", "x"),       // OSC title, ST terminated
            (b"a\x1b[2Jb\x1b[10;10Hc", "abc"),         // clear screen, cursor move
            (b"\x1b[?1049h\x1b[?25lz", "z"),           // alt screen, hide cursor
            (b"\x1bPqsixel\x1b\\d", "d"),              // DCS
            (b"bell\x07 back\x08 cr\r", "bell back cr"), // C0
            (b"\x1bcreset", "reset"),                  // RIS
            (b"\xc2\x9b31mC1 CSI", "31mC1 CSI"),       // C1 CSI dropped, the rest is inert text
            (b"caf\xc3\xa9 \xff ok", "caf\u{e9} \u{fffd} ok"), // UTF-8, invalid byte
        ];
        for (input, want) in cases {
            let got = plain(input);
            assert_eq!(got, *want, "input {:?}", String::from_utf8_lossy(input));
            assert!(!got.contains('\x1b'));
        }
    }

    #[test]
    fn invisible_characters_become_visible_markers() {
        let cases: &[(&str, &str)] = &[
            ("v=\u{202E}gnp.exe", "v=⟨U+202E⟩gnp.exe"), // right-to-left override
            ("a\u{2066}b\u{2069}c", "a⟨U+2066⟩b⟨U+2069⟩c"), // isolates
            ("\u{200E}\u{200F}\u{061C}", "⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩"), // marks
            ("ad\u{200B}min", "ad⟨U+200B⟩min"),         // zero-width space
            ("x\u{200C}\u{200D}\u{2060}y", "x⟨U+200C⟩⟨U+200D⟩⟨U+2060⟩y"),
            ("\u{FEFF}bom", "⟨U+FEFF⟩bom"),
            ("tag\u{E0041}", "tag⟨U+E0041⟩"), // Unicode tag "A"
            ("line\u{2028}sep", "line⟨U+2028⟩sep"),
            ("café 字 ok", "café 字 ok"), // visible text is untouched
        ];
        for (input, want) in cases {
            assert_eq!(plain(input.as_bytes()), *want, "{input:?}");
            assert_eq!(inert(input), *want, "{input:?}");
        }
        // The marker is plain text: sanitizing it again changes nothing.
        let once = plain("v=\u{202E}gnp.exe".as_bytes());
        assert_eq!(plain(once.as_bytes()), once);
    }

    #[test]
    fn inert_borrows_clean_text_and_cleans_the_rest() {
        assert!(matches!(
            inert("web-1"),
            std::borrow::Cow::Borrowed("web-1")
        ));
        assert_eq!(inert("a\x1b]0;t\x07b\u{202E}c"), "ab⟨U+202E⟩c");
        assert_eq!(inert("\u{9b}31m"), "31m");
    }

    #[test]
    fn tabs_expand_to_columns() {
        assert_eq!(plain(b"a\tb"), "a       b");
        assert_eq!(plain(b"12345678\tx"), "12345678        x");
    }

    #[test]
    fn sgr_becomes_runs() {
        let t = sanitize(b"ok \x1b[1;31mERR\x1b[0m done", true);
        assert_eq!(t.text, "ok ERR done");
        let pieces: Vec<(&str, Style)> = t.pieces().collect();
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[0], ("ok ", Style::default()));
        assert_eq!(pieces[1].0, "ERR");
        assert!(pieces[1].1.bold);
        assert_eq!(pieces[1].1.fg, Some(Color::Indexed(1)));
        assert_eq!(pieces[2], (" done", Style::default()));
    }

    #[test]
    fn extended_colours() {
        let t = sanitize(b"\x1b[38;5;208mo\x1b[48;2;1;2;3mr", true);
        let p: Vec<_> = t.pieces().collect();
        assert_eq!(p[0].1.fg, Some(Color::Indexed(208)));
        assert_eq!(p[1].1.bg, Some(Color::Rgb(1, 2, 3)));
        assert_eq!(p[1].1.fg, Some(Color::Indexed(208)));
    }

    #[test]
    fn styles_can_be_dropped() {
        let t = sanitize(b"\x1b[31mred", false);
        assert_eq!(t.text, "red");
        assert!(t.runs.is_empty());
        assert_eq!(t.pieces().count(), 1);
    }
}
