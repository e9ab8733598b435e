//! Keys are configuration: every action has default bindings in code, a config file may
//! override any of them, and the footer hints and the `?` help are rendered from this map.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::{Deserialize, Serialize};

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Command,
    Filter,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Zoom,
    NextTab,
    PrevTab,
    Mark,
    MarkRange,
    ClearMarks,
    SortNext,
    SortPrev,
    SortReverse,
    ToggleStopped,
    Start,
    Stop,
    /// Images: open the run form for the selected image (before `Restart`, which shares its
    /// key and means nothing there).
    Run,
    Restart,
    PauseToggle,
    Kill,
    Remove,
    Rename,
    /// Containers: open the run form prefilled with the container's configuration; submitting
    /// recreates it (`E`: `e` is the shell).
    Edit,
    Exec,
    Create,
    Copy,
    Logs,
    /// Merged logs of the marked containers or the selected project.
    MergedLogs,
    Stats,
    Inspect,
    // Inside logs.
    Follow,
    Wrap,
    Timestamps,
    SearchNext,
    SearchPrev,
    FilterMatches,
    PauseLogs,
    SaveLogs,
    // Inside inspect.
    SectionNext,
    SectionPrev,
    // Env and inspect: show or hide secret env values.
    RevealSecrets,
    // The run form: run what it says.
    Submit,
    // Images: cycle all → dangling → unused, the layers of the selected image, check tags
    // against their registries (also on containers), pull (asks for the reference).
    ImageFilter,
    History,
    CheckUpdates,
    Pull,
    // The Files tab: up a directory, copy the selected entry out, copy a host path in.
    ParentDir,
    CopyOut,
    CopyIn,
    // Containers: recreate the marked (or all outdated) ones on their tag's newer image.
    UpdateImages,
    // Swarm: set a service's replicas, roll it back, promote or demote a node.
    Scale,
    Rollback,
    Promote,
    Demote,
    // `:dash`: stack by group or by top N; export the graphs (PNG, SVG or CSV).
    DashStacking,
    DashExport,
    // Stats tab: export the container's graphs (PNG or SVG) with its markers.
    StatsExport,
}

impl Action {
    /// Short label for the footer and help.
    pub fn label(self) -> &'static str {
        use Action::*;
        match self {
            Quit => "quit",
            Help => "help",
            Command => "command",
            Filter => "filter/search",
            Back => "back",
            Up => "up",
            Down => "down",
            PageUp => "page up",
            PageDown => "page down",
            Top => "top",
            Bottom => "bottom",
            Open => "open",
            Zoom => "split/full",
            NextTab => "next tab",
            PrevTab => "previous tab",
            Mark => "mark",
            MarkRange => "mark range",
            ClearMarks => "clear marks",
            SortNext => "sort column →",
            SortPrev => "sort column ←",
            SortReverse => "reverse sort",
            ToggleStopped => "show stopped",
            Start => "start",
            Stop => "stop",
            Run => "run image",
            Restart => "restart",
            PauseToggle => "pause/unpause",
            Kill => "kill",
            Remove => "remove",
            Rename => "rename",
            Edit => "edit & recreate",
            Exec => "shell",
            Create => "create",
            Copy => "copy id",
            Logs => "logs",
            MergedLogs => "merged logs",
            Stats => "stats",
            Inspect => "inspect",
            Follow => "follow",
            Wrap => "wrap",
            Timestamps => "timestamps",
            SearchNext => "next match",
            SearchPrev => "previous match",
            FilterMatches => "only matches",
            PauseLogs => "pause logs",
            SaveLogs => "save logs",
            SectionNext => "next section",
            SectionPrev => "previous section",
            RevealSecrets => "reveal secrets",
            Submit => "run the form",
            ImageFilter => "dangling/unused",
            History => "history",
            CheckUpdates => "check updates",
            Pull => "pull",
            ParentDir => "parent folder",
            CopyOut => "copy out to host",
            CopyIn => "copy in from host",
            UpdateImages => "update images",
            Scale => "scale",
            Rollback => "rollback",
            Promote => "promote",
            Demote => "demote",
            DashStacking => "group/top N",
            DashExport => "export",
            StatsExport => "export graphs",
        }
    }

    /// Actions that change the engine; refused in read-only mode.
    pub fn is_mutating(self) -> bool {
        use Action::*;
        matches!(
            self,
            Start
                | Stop
                | Run
                | Restart
                | PauseToggle
                | Kill
                | Remove
                | Rename
                | Edit
                | Exec
                | Create
                | CopyIn
                | UpdateImages
                | Scale
                | Rollback
                | Promote
                | Demote
        )
    }
}

/// A key with modifiers, as written in config files: `q`, `ctrl-c`, `shift-tab`, `pgdn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn plain(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn code(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// Normalise a terminal key event: shifted letters arrive as uppercase chars with SHIFT.
    pub fn from_event(e: &KeyEvent) -> Key {
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if let KeyCode::Char(_) = e.code {
            mods.remove(KeyModifiers::SHIFT);
        }
        let code = match e.code {
            KeyCode::BackTab => {
                mods.insert(KeyModifiers::SHIFT);
                KeyCode::Tab
            }
            c => c,
        };
        Key { code, mods }
    }

    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-") {
                mods.insert(KeyModifiers::CONTROL);
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-") {
                mods.insert(KeyModifiers::ALT);
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                mods.insert(KeyModifiers::SHIFT);
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            "delete" | "del" => KeyCode::Delete,
            f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().map_err(|_| format!("bad key {s:?}"))?)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() {
                            mods.remove(KeyModifiers::SHIFT);
                            KeyCode::Char(c.to_ascii_uppercase())
                        } else {
                            KeyCode::Char(c)
                        }
                    }
                    _ => {
                        return Err(format!(
                            "unknown key {s:?} (try e.g. q, ctrl-c, shift-tab, pgdn, f1)"
                        ))
                    }
                }
            }
        };
        if mods.contains(KeyModifiers::CONTROL) {
            if let KeyCode::Char(c) = code {
                return Ok(Key {
                    code: KeyCode::Char(c.to_ascii_lowercase()),
                    mods,
                });
            }
        }
        Ok(Key { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::F(n) => write!(f, "f{n}"),
            _ => f.write_str("?"),
        }
    }
}

/// Which keys do what.
#[derive(Debug, Clone)]
pub struct KeyMap {
    bindings: BTreeMap<Action, Vec<Key>>,
}

impl Default for KeyMap {
    fn default() -> Self {
        use Action::*;
        use KeyCode as K;
        let k = Key::plain;
        let c = Key::code;
        let defaults: Vec<(Action, Vec<Key>)> = vec![
            (Quit, vec![k('q'), Key::ctrl('c')]),
            (Help, vec![k('?'), c(K::F(1))]),
            (Command, vec![k(':')]),
            (Filter, vec![k('/')]),
            (Back, vec![c(K::Esc)]),
            (Up, vec![k('k'), c(K::Up)]),
            (Down, vec![k('j'), c(K::Down)]),
            (PageUp, vec![c(K::PageUp), Key::ctrl('u')]),
            (PageDown, vec![c(K::PageDown), Key::ctrl('d')]),
            (Top, vec![k('g'), c(K::Home)]),
            (Bottom, vec![k('G'), c(K::End)]),
            (Open, vec![c(K::Enter)]),
            (Zoom, vec![k('z')]),
            (NextTab, vec![c(K::Tab), c(K::Right)]),
            (
                PrevTab,
                vec![
                    Key {
                        code: K::Tab,
                        mods: KeyModifiers::SHIFT,
                    },
                    c(K::Left),
                ],
            ),
            (Mark, vec![k(' ')]),
            (MarkRange, vec![k('v')]),
            (ClearMarks, vec![k('u')]),
            (SortNext, vec![k('>')]),
            (SortPrev, vec![k('<')]),
            (SortReverse, vec![k('I')]),
            (ToggleStopped, vec![k('a')]),
            (Start, vec![k('S')]),
            (Stop, vec![k('s')]),
            (Run, vec![k('r')]),
            (Restart, vec![k('r')]),
            (PauseToggle, vec![k('p')]),
            (Kill, vec![k('K')]),
            (Remove, vec![k('D'), c(K::Delete)]),
            (Rename, vec![k('R')]),
            (Edit, vec![k('E')]),
            (Exec, vec![k('e')]),
            (Create, vec![k('c')]),
            (Copy, vec![k('y')]),
            (Logs, vec![k('l')]),
            (MergedLogs, vec![k('L')]),
            (Stats, vec![k('t')]),
            (Inspect, vec![k('i')]),
            (Follow, vec![k('f')]),
            (Wrap, vec![k('w')]),
            (Timestamps, vec![k('T')]),
            (SearchNext, vec![k('n')]),
            (SearchPrev, vec![k('N')]),
            (FilterMatches, vec![k('F')]),
            (PauseLogs, vec![k('P')]),
            (SaveLogs, vec![Key::ctrl('s')]),
            (SectionNext, vec![k(']')]),
            (SectionPrev, vec![k('[')]),
            (RevealSecrets, vec![k('x')]),
            (Submit, vec![Key::ctrl('s')]),
            (ImageFilter, vec![k('F')]),
            (History, vec![k('h')]),
            (CheckUpdates, vec![k('U')]),
            (Pull, vec![k('P')]),
            (ParentDir, vec![c(K::Backspace)]),
            (CopyOut, vec![k('o')]),
            (CopyIn, vec![k('O')]),
            (UpdateImages, vec![k('A')]),
            (Scale, vec![k('=')]),
            (Rollback, vec![k('B')]),
            (Promote, vec![k('+')]),
            (Demote, vec![k('-')]),
            (DashStacking, vec![k('s')]),
            (DashExport, vec![k('e')]),
            (StatsExport, vec![Key::ctrl('s')]),
        ];
        KeyMap {
            bindings: defaults.into_iter().collect(),
        }
    }
}

impl KeyMap {
    /// Defaults with `overrides` applied: `{ "stop" = ["x"], "quit" = ["q", "ctrl-q"] }`.
    /// An override replaces that action's keys; other actions keep their defaults.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<KeyMap, String> {
        let mut map = KeyMap::default();
        for (name, keys) in overrides {
            let action: Action = serde_json::from_value(serde_json::Value::String(name.clone()))
                .map_err(|_| format!("unknown action {name:?} in [keys]"))?;
            let parsed = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("[keys] {name}: {e}"))?;
            map.bindings.insert(action, parsed);
        }
        Ok(map)
    }

    /// All actions bound to `key` (a key may mean different things in different places).
    pub fn actions(&self, key: Key) -> impl Iterator<Item = Action> + '_ {
        self.bindings
            .iter()
            .filter(move |(_, ks)| ks.contains(&key))
            .map(|(a, _)| *a)
    }

    /// `k` as the keys the user pressed. A terminal sends alt-x as ESC then x, and so it
    /// sends Esc then x typed quickly; when both reach Wharf in one read (over SSH, on a busy
    /// machine, from a script) crossterm reports alt-x. Unless alt-x is bound, that was Esc
    /// then x: taken as one unknown key, the Esc that closed a prompt was lost and the text
    /// typed next ran as commands (`r` restarted a container). Bound alt keys stay as they are.
    pub fn split_meta(&self, k: KeyEvent) -> impl Iterator<Item = KeyEvent> {
        let meta = k.modifiers.contains(KeyModifiers::ALT)
            && k.code != KeyCode::Esc
            && self.actions(Key::from_event(&k)).next().is_none();
        let esc = meta.then(|| KeyEvent::new_with_kind(KeyCode::Esc, KeyModifiers::NONE, k.kind));
        let key = KeyEvent {
            modifiers: if meta {
                k.modifiers - KeyModifiers::ALT
            } else {
                k.modifiers
            },
            ..k
        };
        esc.into_iter().chain(std::iter::once(key))
    }

    /// How far `key` scrolls a popup (help, text): a line or a page either way; `None` for
    /// any other key (which closes it).
    pub fn scroll_delta(&self, key: Key) -> Option<i32> {
        match self.actions(key).next()? {
            Action::Down => Some(1),
            Action::Up => Some(-1),
            Action::PageDown => Some(10),
            Action::PageUp => Some(-10),
            _ => None,
        }
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings.get(&action).map_or(&[], Vec::as_slice)
    }

    /// `s` or `s/x` for hints.
    pub fn hint(&self, action: Action) -> String {
        self.keys(action)
            .iter()
            .take(2)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The effective bindings in config-file form, for `--print-config`.
    pub fn to_config(&self) -> BTreeMap<String, Vec<String>> {
        self.bindings
            .iter()
            .map(|(a, ks)| {
                let name = serde_json::to_value(a)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                (name, ks.iter().map(config_key).collect())
            })
            .collect()
    }
}

/// Write a key the way [`Key::parse`] reads it (arrows as words).
fn config_key(k: &Key) -> String {
    let s = k.to_string();
    s.replace('↑', "up")
        .replace('↓', "down")
        .replace('←', "left")
        .replace('→', "right")
}

/// The key sequence that leaves a shell (docker's `--detach-keys`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetachKeys(Vec<Key>);

impl Default for DetachKeys {
    fn default() -> Self {
        DetachKeys(vec![Key::ctrl('p'), Key::ctrl('q')])
    }
}

impl DetachKeys {
    /// From config names (`["ctrl-p", "ctrl-q"]`); at least one key.
    pub fn parse(names: &[String]) -> Result<DetachKeys, String> {
        if names.is_empty() {
            return Err("detach_keys: name at least one key (default: ctrl-p, ctrl-q)".into());
        }
        names
            .iter()
            .map(|n| Key::parse(n).map_err(|e| format!("detach_keys: {e}")))
            .collect::<Result<Vec<_>, _>>()
            .map(DetachKeys)
    }

    /// The keys, in order.
    pub fn keys(&self) -> &[Key] {
        &self.0
    }

    /// As shown to the user: `ctrl-p ctrl-q`.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unbound_alt_key_is_esc_then_the_key_and_a_bound_one_stays() {
        let alt = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT);
        let plain = |c| KeyEvent::new(c, KeyModifiers::NONE);
        let map = KeyMap::default();
        let keys: Vec<KeyEvent> = map.split_meta(alt('/')).collect();
        assert_eq!(keys, [plain(KeyCode::Esc), plain(KeyCode::Char('/'))]);
        // Plain keys, ctrl keys and alt-esc pass as they are.
        for k in [
            plain(KeyCode::Char('r')),
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            KeyEvent::new(KeyCode::Esc, KeyModifiers::ALT),
        ] {
            assert_eq!(map.split_meta(k).collect::<Vec<_>>(), [k]);
        }
        // Ctrl-alt-x keeps its ctrl.
        let ctrl_alt = KeyEvent::new(
            KeyCode::Char('x'),
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        );
        let keys: Vec<KeyEvent> = map.split_meta(ctrl_alt).collect();
        assert_eq!(keys[1].modifiers, KeyModifiers::CONTROL);
        // A user who binds alt-/ gets alt-/.
        let bound = BTreeMap::from([("filter".to_owned(), vec!["alt-/".to_owned()])]);
        let map = KeyMap::with_overrides(&bound).expect("valid");
        assert_eq!(map.split_meta(alt('/')).collect::<Vec<_>>(), [alt('/')]);
    }

    #[test]
    fn parse_and_print_round_trip() {
        for s in [
            "q",
            "ctrl-c",
            "shift-tab",
            "pgdn",
            "f1",
            "space",
            "G",
            "enter",
            "up",
        ] {
            let k = Key::parse(s).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(Key::parse(&config_key(&k)), Ok(k), "{s}");
        }
        assert_eq!(Key::parse("shift-g"), Key::parse("G"));
        assert!(Key::parse("hyper-x").is_err());
    }

    #[test]
    fn overrides_are_partial() {
        let mut o = BTreeMap::new();
        o.insert("stop".to_owned(), vec!["x".to_owned()]);
        let m = KeyMap::with_overrides(&o).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.keys(Action::Stop), &[Key::plain('x')]);
        assert_eq!(m.keys(Action::Quit), KeyMap::default().keys(Action::Quit));
        let mut bad = BTreeMap::new();
        bad.insert("explode".to_owned(), vec!["x".to_owned()]);
        assert!(KeyMap::with_overrides(&bad).is_err());
    }

    #[test]
    fn shifted_letters_normalise() {
        let e = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&e), Key::plain('G'));
        let e = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            Key::from_event(&e),
            Key {
                code: KeyCode::Tab,
                mods: KeyModifiers::SHIFT
            }
        );
    }
}
