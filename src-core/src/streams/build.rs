//! Builds and searches as the UIs show them: [`output`] is [`Engine::build`]'s stream with
//! every string the engine or the Dockerfile's commands produced made inert
//! ([`text::inert`]: escape sequences and controls dropped, invisible characters marked), and
//! [`search`] does the same to search results (a registry writes their descriptions). Both UIs
//! call these, never the engine's raw forms.

use futures_util::StreamExt;

use super::text::inert;
use crate::engine::{BuildEvent, BuildStream, Engine, SearchQuery, SearchResult};
use crate::error::Result;
use crate::spec::build::BuildPlan;

fn fix(s: String) -> String {
    match inert(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(o) => o,
    }
}

/// One build event with its text made inert.
pub fn inert_event(event: BuildEvent) -> BuildEvent {
    match event {
        BuildEvent::Step { text } => BuildEvent::Step { text: fix(text) },
        BuildEvent::Output { text } => BuildEvent::Output { text: fix(text) },
        BuildEvent::Status { text } => BuildEvent::Status { text: fix(text) },
        BuildEvent::Done { id, tags } => BuildEvent::Done {
            id: fix(id),
            tags: tags.into_iter().map(fix).collect(),
        },
        e @ BuildEvent::Context { .. } => e,
    }
}

/// Build `plan` on `engine`, events made inert. Drop the stream to cancel the build.
pub fn output(engine: &Engine, plan: &BuildPlan) -> BuildStream {
    engine.build(plan).map(|r| r.map(inert_event)).boxed()
}

/// Search with `query`, results made inert.
pub async fn search(engine: &Engine, query: &SearchQuery) -> Result<Vec<SearchResult>> {
    let found = engine.search_images(query).await?;
    Ok(found
        .into_iter()
        .map(|r| SearchResult {
            name: fix(r.name),
            description: fix(r.description),
            ..r
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_in_build_output_are_dropped() {
        let e = inert_event(BuildEvent::Output {
            text: "\u{1b}]52;c;ZXZpbA==\u{7}hi\u{1b}[2J\u{202e}x".into(),
        });
        match e {
            BuildEvent::Output { text } => {
                assert!(!text.contains('\u{1b}'), "{text:?}");
                assert!(text.starts_with("hi"), "{text:?}");
                assert!(!text.contains('\u{202e}'), "{text:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
