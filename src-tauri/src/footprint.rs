//! The environment the app gives WebKitGTK to stay light (issue 14's memory target, see
//! docs/performance.md and docs/design.md "Desktop memory"). `main` applies these defaults
//! before GTK or any thread starts; WebKit's web and network processes inherit them. A value
//! the user set wins, so each one can be turned back.

/// `(variable, value)`. Only on Linux, where the webview is WebKitGTK.
pub const WEBKIT_DEFAULTS: &[(&str, &str)] = &[
    // Accelerated compositing costs ≈ 80 MiB per window and buys nothing for a page of tables
    // and canvas graphs (docs/desktop.md); `=0` turns it back on.
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    // JavaScriptCore's JIT tiers cost ≈ 9 MiB in WebKitWebProcess (compiled code, profiling
    // data, two compiler threads) for a page of ≈ 100 KB of local, trusted script whose work
    // is small: with the interpreter the Stats tab's CPU is unchanged (docs/performance.md).
    // Without a JIT there is also no writable-executable memory in the web process.
    // `JSC_useJIT=true` turns it back on.
    ("JSC_useJIT", "false"),
];

/// The defaults to set, given which variables are already set.
pub fn webkit_defaults(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    WEBKIT_DEFAULTS
        .iter()
        .filter(|(var, _)| !is_set(var))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_applies_when_unset() {
        let set = webkit_defaults(|_| false);
        assert_eq!(
            set,
            vec![
                ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
                ("JSC_useJIT", "false")
            ]
        );
    }

    #[test]
    fn a_value_the_user_set_wins() {
        let set = webkit_defaults(|var| var == "JSC_useJIT");
        assert_eq!(set, vec![("WEBKIT_DISABLE_COMPOSITING_MODE", "1")]);
        assert!(webkit_defaults(|_| true).is_empty());
    }
}
