//! `.dockerignore` as Docker reads and applies it (moby's `patternmatcher` and `ignorefile`,
//! and the CLI's walk of the build context), so a build through Wharf sends what `docker build`
//! sends.
//!
//! Reading ([`Ignore::parse`]): a line starting with `#` is a comment (only at column 0, before
//! trimming); lines are trimmed and blank ones skipped; `!` makes an exception; the pattern is
//! cleaned as Go's `filepath.Clean` does and a leading `/` dropped, so `/foo`, `./foo` and
//! `foo/` all mean `foo`. Matching ([`Ignore::excludes`]): Go's `filepath.Match` syntax (`*`
//! and `?` stop at `/`, `[…]` classes with `^` negation, `\` escapes) plus `**` (any number of
//! directories, none included); a pattern matches a path when it matches the path itself or
//! one of its parent directories; the last matching line wins. No crate implements these
//! rules (the `ignore` crate's gitignore rules differ: unanchored patterns match at any depth,
//! and an excluded directory cannot have exceptions); see docs/design.md.

use regex::Regex;

use crate::error::{CoreError, Result};

/// One line of a `.dockerignore`, compiled.
#[derive(Debug, Clone)]
struct Pattern {
    /// The cleaned pattern, without its `!`.
    text: String,
    exception: bool,
    regex: Regex,
}

/// The patterns of one `.dockerignore`, in order.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    patterns: Vec<Pattern>,
}

/// Go's `filepath.Clean` on a `/`-separated path: `.` segments and doubled slashes dropped,
/// `..` resolved against the segment before it (kept at the start of a relative path), a
/// trailing slash dropped; the empty result is `.`.
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => match out.last() {
                Some(&last) if last != ".." => {
                    out.pop();
                }
                _ if rooted => {}
                _ => out.push(".."),
            },
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// The regex moby's `Pattern.compile` makes of a cleaned pattern (anchored at both ends).
fn translate(pattern: &str) -> String {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                // `**/` is `**`: the slash is eaten.
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    // A trailing `**` takes anything, slashes included.
                    re.push_str(".*");
                } else {
                    // Any number of directories, none included.
                    re.push_str("(.*/)?");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            // Regex specials that mean nothing to filepath.Match.
            '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                re.push('\\');
                re.push(ch);
            }
            '\\' => match chars.next() {
                Some(next) => {
                    re.push('\\');
                    re.push(next);
                }
                // A trailing backslash stands for itself.
                None => re.push_str("\\\\"),
            },
            c => re.push(c),
        }
    }
    re.push('$');
    re
}

impl Ignore {
    /// Read a `.dockerignore` file's text (see the module docs). A bare `!`, or a pattern
    /// Docker would refuse (an unterminated class), is an error naming the line.
    pub fn parse(text: &str) -> Result<Ignore> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = Vec::new();
        for raw in text.lines() {
            if raw.starts_with('#') {
                continue;
            }
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let (exception, rest) = match line.strip_prefix('!') {
                Some(r) => (true, r.trim()),
                None => (false, line),
            };
            if exception && rest.is_empty() {
                return Err(CoreError::invalid_input(
                    ".dockerignore: a line with only '!' excludes nothing (illegal exclusion pattern)",
                ));
            }
            let mut cleaned = clean(rest);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
            lines.push((exception, cleaned));
        }
        Self::from_patterns(lines)
    }

    /// Compile cleaned patterns in order (`exception` = the line began with `!`).
    fn from_patterns(lines: Vec<(bool, String)>) -> Result<Ignore> {
        let mut patterns = Vec::with_capacity(lines.len());
        for (exception, text) in lines {
            let regex = Regex::new(&translate(&text)).map_err(|e| {
                CoreError::invalid_input(format!(
                    ".dockerignore: pattern {text:?} is not a valid pattern: {e}"
                ))
            })?;
            patterns.push(Pattern {
                text,
                exception,
                regex,
            });
        }
        Ok(Ignore { patterns })
    }

    /// Whether there are no patterns at all.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether `path` (relative to the context root, `/`-separated, cleaned) is excluded:
    /// moby's `MatchesOrParentMatches`. Patterns that cannot change the answer are skipped, as
    /// moby skips them, which matters for a parent match that an exception undid.
    pub fn excludes(&self, path: &str) -> bool {
        let parent = match path.rfind('/') {
            Some(i) => &path[..i],
            None => ".",
        };
        let mut matched = false;
        for p in &self.patterns {
            if p.exception != matched {
                continue;
            }
            let mut hit = p.regex.is_match(path);
            if !hit && parent != "." {
                // Each ancestor directory, shortest first.
                hit = parent
                    .match_indices('/')
                    .map(|(i, _)| &parent[..i])
                    .chain(std::iter::once(parent))
                    .any(|dir| p.regex.is_match(dir));
            }
            if hit {
                matched = !p.exception;
            }
        }
        matched
    }

    /// Whether the walk must still enter the excluded directory `dir`: some exception starts
    /// with it (the CLI's rule: `!dir/file` keeps `dir` open; other exceptions do not).
    pub fn may_reinclude_under(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.patterns
            .iter()
            .any(|p| p.exception && format!("{}/", p.text).starts_with(&prefix))
    }

    /// The CLI's `TrimBuildFilesFromExcludes`: the Dockerfile and `.dockerignore` itself are
    /// always sent (the engine reads them), by appending exceptions for them when excluded.
    pub fn keep_build_files(mut self, dockerfile: &str) -> Result<Ignore> {
        let mut extra = Vec::new();
        for f in [".dockerignore", dockerfile] {
            if self.excludes(f) {
                extra.push((true, f.to_owned()));
            }
        }
        if extra.is_empty() {
            return Ok(self);
        }
        let more = Self::from_patterns(extra)?;
        self.patterns.extend(more.patterns);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> Ignore {
        Ignore::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    /// The examples of Docker's documentation ("docker build" → ".dockerignore file") and
    /// moby's patternmatcher tests: (file, path, excluded).
    #[test]
    fn docker_documented_examples() {
        let doc = "# comment\n*/temp*\n*/*/temp*\ntemp?\n";
        let cases: &[(&str, &str, bool)] = &[
            // `*/temp*`: one level below the root.
            (doc, "somedir/temporary.txt", true),
            (doc, "somedir/temp", true),
            (doc, "temp.txt", false),
            // `*/*/temp*`: two levels below the root.
            (doc, "somedir/subdir/temporary.txt", true),
            // `temp?`: one character after `temp`, at the root.
            (doc, "tempa", true),
            (doc, "tempb", true),
            (doc, "temp", false),
            (doc, "tempab", false),
            // `**` matches any number of directories, none included.
            ("**/*.go\n", "main.go", true),
            ("**/*.go\n", "a/b/c/main.go", true),
            ("**/*.go\n", "a/b/main.rs", false),
            // Exceptions: last match wins.
            ("*.md\n!README.md\n", "README.md", false),
            ("*.md\n!README.md\n", "CHANGES.md", true),
            (
                "*.md\n!README*.md\nREADME-secret.md\n",
                "README-secret.md",
                true,
            ),
            (
                "*.md\n!README*.md\nREADME-secret.md\n",
                "README-public.md",
                false,
            ),
            (
                "*.md\nREADME-secret.md\n!README*.md\n",
                "README-secret.md",
                false,
            ),
            // Anchored at the root: `foo` is not `a/foo` (gitignore would match it).
            ("foo\n", "a/foo", false),
            ("foo\n", "foo", true),
            // A directory's pattern excludes what is in it.
            ("node_modules\n", "node_modules/x/y.js", true),
            ("dir/\n", "dir/file", true),
            // Leading `/` and `./` are dropped, `..` cleaned.
            ("/secret\n", "secret", true),
            ("./secret\n", "secret", true),
            ("a/../b\n", "b", true),
            // Comments only at column 0; `\` escapes.
            ("  #not-a-comment\n", "#not-a-comment", true),
            ("a\\*b\n", "a*b", true),
            ("a\\*b\n", "axb", false),
            // Character classes, negated by `^`.
            ("file[0-9]\n", "file7", true),
            ("file[0-9]\n", "filex", false),
            ("file[^0-9]\n", "filex", true),
            // `*` does not cross `/`; `?` neither.
            ("a*\n", "ab/c", true),
            ("*c\n", "ab/c", false),
            ("a?c\n", "a/c", false),
            // Regex specials are literal.
            ("a.b\n", "axb", false),
            ("(x)\n", "(x)", true),
            // A trailing `**`.
            ("dir/**\n", "dir/a/b", true),
            ("dir/**\n", "dirx/a", false),
            // An exception for a file in an excluded directory re-includes it.
            ("dir\n!dir/keep\n", "dir/keep", false),
            ("dir\n!dir/keep\n", "dir/other", true),
            // An exception does not undo a parent exclusion that comes after it.
            ("!dir/keep\ndir\n", "dir/keep", true),
            // Blank lines and surrounding spaces.
            ("\n   \n  spaced  \n", "spaced", true),
            // An empty file excludes nothing.
            ("", "anything", false),
        ];
        for (file, path, want) in cases {
            assert_eq!(ignore(file).excludes(path), *want, "{file:?} on {path:?}");
        }
    }

    #[test]
    fn a_bare_exclamation_mark_is_refused() {
        assert!(Ignore::parse("!\n").is_err());
        assert!(Ignore::parse("a[\n").is_err());
    }

    #[test]
    fn excluded_directories_are_entered_only_for_their_exceptions() {
        let i = ignore("dir\nother\n!dir/keep\n");
        assert!(i.may_reinclude_under("dir"));
        assert!(!i.may_reinclude_under("other"));
        assert!(!i.may_reinclude_under("di"));
    }

    #[test]
    fn the_dockerfile_and_dockerignore_are_always_sent() {
        let i = ignore("*\n").keep_build_files("build/Dockerfile").unwrap();
        assert!(!i.excludes(".dockerignore"));
        assert!(!i.excludes("build/Dockerfile"));
        assert!(i.excludes("build/other"));
        assert!(i.excludes("src"));
    }

    #[test]
    fn clean_is_go_filepath_clean() {
        for (a, b) in [
            ("", "."),
            (".", "."),
            ("a/", "a"),
            ("./a//b/./c/", "a/b/c"),
            ("a/../..", ".."),
            ("/../a", "/a"),
            ("a/b/../c", "a/c"),
            ("/", "/"),
        ] {
            assert_eq!(clean(a), b, "{a:?}");
        }
    }
}
