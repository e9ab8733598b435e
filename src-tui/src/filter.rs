//! Row filters typed after `/`: a smart-case regex (plain text works as a substring),
//! `!` to invert, `key=value` to match a label (value as a substring; `key=` for presence).

use regex::{Regex, RegexBuilder};

use crate::kinds::Row;

#[derive(Debug, Clone)]
pub struct Filter {
    source: String,
    inverted: bool,
    matcher: Matcher,
}

#[derive(Debug, Clone)]
enum Matcher {
    Text(Regex),
    Label { key: String, value: String },
}

impl Filter {
    pub fn parse(input: &str) -> Result<Filter, String> {
        let source = input.to_owned();
        let (inverted, body) = match input.strip_prefix('!') {
            Some(r) => (true, r.trim()),
            None => (false, input.trim()),
        };
        if body.is_empty() {
            return Err("empty filter".into());
        }
        let matcher = match body.split_once('=') {
            Some((k, v))
                if !k.is_empty()
                    && !body.contains(char::is_whitespace)
                    && !k.contains(['(', '[', '|', '*']) =>
            {
                Matcher::Label {
                    key: k.to_owned(),
                    value: v.to_lowercase(),
                }
            }
            _ => {
                let insensitive = !body.chars().any(char::is_uppercase);
                let build = |p: &str| {
                    RegexBuilder::new(p)
                        .case_insensitive(insensitive)
                        .size_limit(1 << 20)
                        .build()
                };
                // A pattern that is not a valid regex is taken literally.
                let re = build(body)
                    .or_else(|_| build(&regex::escape(body)))
                    .map_err(|e| format!("bad filter {body:?}: {e}"))?;
                Matcher::Text(re)
            }
        };
        Ok(Filter {
            source,
            inverted,
            matcher,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn matches(&self, row: &Row) -> bool {
        let hit = match &self.matcher {
            Matcher::Text(re) => re.is_match(&row.search),
            Matcher::Label { key, value } => row
                .labels
                .get(key)
                .is_some_and(|v| value.is_empty() || v.to_lowercase().contains(value.as_str())),
        };
        hit != self.inverted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn row(search: &str, labels: &[(&str, &str)]) -> Row {
        Row {
            key: crate::kinds::RowKey::Project(search.into()),
            name: search.into(),
            cells: vec![],
            search: search.into(),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect::<BTreeMap<_, _>>(),
            state: None,
        }
    }

    #[test]
    fn filters() {
        let web = row(
            "web nginx running",
            &[("com.docker.compose.project", "shop")],
        );
        let db = row("db postgres exited", &[]);
        let f = |s: &str| Filter::parse(s).unwrap_or_else(|e| panic!("{e}"));
        assert!(f("web").matches(&web) && !f("web").matches(&db));
        assert!(
            f("NGINX").matches(&row("NGINX", &[])) && !f("NGINX").matches(&web),
            "smart case"
        );
        assert!(f("^db").matches(&db));
        assert!(f("!web").matches(&db) && !f("!web").matches(&web));
        assert!(f("com.docker.compose.project=sh").matches(&web));
        assert!(!f("com.docker.compose.project=sh").matches(&db));
        assert!(f("com.docker.compose.project=").matches(&web));
        assert!(f("!com.docker.compose.project=shop").matches(&db));
        assert!(
            f("a(b").matches(&row("xa(bx", &[])),
            "invalid regex is literal"
        );
        assert!(Filter::parse("!").is_err());
    }
}
