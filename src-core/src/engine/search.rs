//! Image search through the engine (`GET /images/search`, what `docker search` asks).
//!
//! The engine asks the registry the term names (`127.0.0.1:5000/web` → that registry, a bare
//! `web` → Docker Hub) on its `/v1/search` endpoint. Registries that implement only the v2 API
//! (the `registry` image, Debian's `docker-registry`, most private ones) answer 404, which the
//! engine passes on as a 500 "Unexpected status code 404": that becomes a clear message naming
//! the registry. Results are the engine's strings, raw: `streams::build::search` makes them
//! inert for display.

use std::collections::HashMap;

use bollard::query_parameters as qp;
use serde::{Deserialize, Serialize};

use super::Engine;
use crate::error::{CoreError, ErrorKind, Result};

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct SearchQuery {
    /// `web`, or `registry:port/web` to search another registry.
    pub term: String,
    /// At most this many results (the engine's default, 25, when `None`).
    pub limit: Option<u32>,
    /// Only official images.
    pub official_only: bool,
    /// Only images with at least this many stars.
    pub min_stars: Option<u32>,
}

/// One image the registry knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResult {
    pub name: String,
    pub description: String,
    pub stars: u64,
    pub official: bool,
    pub automated: bool,
}

/// The registry a search term goes to, as the engine decides it: a first path part with a
/// `.` or `:`, or `localhost`, is a registry host; anything else is Docker Hub.
pub fn registry_of(term: &str) -> &str {
    match term.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => "docker.io",
    }
}

impl SearchQuery {
    /// The term trimmed, refused when empty or holding spaces or controls.
    fn term(&self) -> Result<&str> {
        let t = self.term.trim();
        if t.is_empty() {
            return Err(CoreError::invalid_input(
                "search: the term is empty; type part of an image name",
            ));
        }
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CoreError::invalid_input(format!(
                "search: the term {t:?} must not contain spaces"
            )));
        }
        Ok(t)
    }
}

impl Engine {
    /// Search the registry `query.term` names (see the module docs).
    pub async fn search_images(&self, query: &SearchQuery) -> Result<Vec<SearchResult>> {
        let term = query.term()?;
        let mut filters = HashMap::new();
        if query.official_only {
            filters.insert("is-official".to_owned(), vec!["true".to_owned()]);
        }
        if let Some(stars) = query.min_stars {
            filters.insert("stars".to_owned(), vec![stars.to_string()]);
        }
        let opts = qp::SearchImagesOptions {
            term: term.to_owned(),
            limit: query.limit.map(|l| i32::try_from(l).unwrap_or(i32::MAX)),
            filters: (!filters.is_empty()).then_some(filters),
        };
        let found = self
            .ready()
            .await?
            .search_images(opts)
            .await
            .map_err(|e| self.search_error(term, e))?;
        Ok(found
            .into_iter()
            .map(|r| SearchResult {
                name: r.name.unwrap_or_default(),
                description: r.description.unwrap_or_default(),
                stars: r.star_count.map_or(0, |s| u64::try_from(s).unwrap_or(0)),
                official: r.is_official.unwrap_or(false),
                automated: r.is_automated.unwrap_or(false),
            })
            .collect())
    }

    fn search_error(&self, term: &str, e: bollard::errors::Error) -> CoreError {
        let registry = registry_of(term);
        if let bollard::errors::Error::DockerResponseServerError { message, .. } = &e {
            if message.contains("status code 404") || message.contains("status code 405") {
                return CoreError::new(
                    ErrorKind::NotFound,
                    format!("{registry} does not offer search"),
                )
                .with_hint(
                    "registries that speak only the v2 API (like the `registry` image) have \
                     no search; pull by the exact name instead",
                );
            }
        }
        self.err(format_args!("search {registry} for {term}"), e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_the_first_part_when_it_looks_like_a_host() {
        assert_eq!(registry_of("127.0.0.1:5000/web"), "127.0.0.1:5000");
        assert_eq!(registry_of("localhost/web"), "localhost");
        assert_eq!(registry_of("reg.example/a/b"), "reg.example");
        assert_eq!(registry_of("library/web"), "docker.io");
        assert_eq!(registry_of("web"), "docker.io");
    }

    #[test]
    fn an_empty_term_is_refused() {
        for t in ["", "  ", "a b"] {
            let q = SearchQuery {
                term: t.into(),
                ..Default::default()
            };
            assert_eq!(q.term().unwrap_err().kind(), ErrorKind::InvalidInput);
        }
    }
}
