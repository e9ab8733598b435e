//! Is a local image still what its tag names in the registry? For each tag, the registry's
//! current manifest digest (`/distribution/{name}/json`, asked by the engine with this
//! session's credentials) compared with the image's `RepoDigests` for that repository:
//! up to date, outdated (the registry has another digest), or unknown with why (the image
//! was never pulled or pushed so it has no digest, the registry is unreachable, wants
//! credentials, or does not hold the tag).
//!
//! Registry calls run concurrently, at most [`CONCURRENT_CHECKS`] at a time: a console
//! showing 200 images must not open 200 registry connections at once.

use futures_util::StreamExt;
use serde::Serialize;

use super::credentials::Keychain;
use super::images::parse_reference;
use super::Engine;
use crate::error::{CoreError, ErrorKind};
use crate::model::{Image, ImageId};

/// At most this many registry checks at once.
pub const CONCURRENT_CHECKS: usize = 4;

/// Why a tag's state is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UnknownWhy {
    /// The image has no digest for this repository: built or loaded here, never pushed or pulled.
    NoLocalDigest,
    /// The registry could not be reached.
    Unreachable,
    /// The registry wants credentials, or refused them.
    Auth,
    /// The registry does not hold this tag (any more).
    NotInRegistry,
    /// Anything else: the message says what.
    Other,
}

/// The state of one tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateState {
    UpToDate,
    /// The registry holds `remote` for the tag; the image has another digest.
    Outdated {
        remote: String,
    },
    Unknown {
        why: UnknownWhy,
        detail: String,
    },
}

/// The check of one tag of one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagUpdate {
    pub image: ImageId,
    pub tag: String,
    pub state: UpdateState,
}

/// `docker.io/library/busybox` and `busybox` are one repository; other names are compared as
/// written (a local registry's `127.0.0.1:5000/app` is kept).
pub fn normalize_repository(repo: &str) -> String {
    let r = repo
        .strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("index.docker.io/"))
        .unwrap_or(repo);
    r.strip_prefix("library/").unwrap_or(r).to_owned()
}

/// The state of `tag` for an image with `repo_digests` (`repo@sha256:…`), given what the
/// registry answered. Pure: the rule, apart from the calls.
pub fn compare(
    tag: &str,
    repo_digests: &[String],
    remote: std::result::Result<String, &CoreError>,
) -> UpdateState {
    let repo = match parse_reference(tag) {
        Ok(r) => normalize_repository(&r.repository),
        Err(e) => {
            return UpdateState::Unknown {
                why: UnknownWhy::Other,
                detail: e.message().to_owned(),
            }
        }
    };
    let local: Vec<&str> = repo_digests
        .iter()
        .filter_map(|d| d.split_once('@'))
        .filter(|(r, _)| normalize_repository(r) == repo)
        .map(|(_, d)| d)
        .collect();
    if local.is_empty() {
        return UpdateState::Unknown {
            why: UnknownWhy::NoLocalDigest,
            detail: format!(
                "{tag} has no registry digest here (built or loaded, never pushed or pulled)"
            ),
        };
    }
    let remote = match remote {
        Ok(d) => d,
        Err(e) => {
            let why = match e.kind() {
                ErrorKind::Unavailable => UnknownWhy::Unreachable,
                ErrorKind::Denied => UnknownWhy::Auth,
                ErrorKind::NotFound => UnknownWhy::NotInRegistry,
                _ => UnknownWhy::Other,
            };
            return UpdateState::Unknown {
                why,
                detail: e.message().to_owned(),
            };
        }
    };
    if local.contains(&remote.as_str()) {
        UpdateState::UpToDate
    } else {
        UpdateState::Outdated { remote }
    }
}

impl Engine {
    /// Check every tag of `images` against its registry (see the module docs). Dangling
    /// images have no tag and are not checked. Results come in no particular order.
    pub async fn check_updates(&self, images: &[Image], keychain: &Keychain) -> Vec<TagUpdate> {
        let jobs: Vec<(ImageId, String, Vec<String>)> = images
            .iter()
            .flat_map(|i| {
                i.tags
                    .iter()
                    .filter(|t| t.as_str() != "<none>:<none>")
                    .map(move |t| (i.id.clone(), t.clone(), i.digests.clone()))
            })
            .collect();
        futures_util::stream::iter(jobs)
            .map(|(image, tag, digests)| async move {
                // Nothing to compare with: the registry is not asked (it may not even be
                // the user's: an image built here as `app` would send a question to Docker Hub).
                let no_digest = compare(&tag, &digests, Ok(String::new()));
                if matches!(
                    no_digest,
                    UpdateState::Unknown {
                        why: UnknownWhy::NoLocalDigest | UnknownWhy::Other,
                        ..
                    }
                ) {
                    return TagUpdate {
                        image,
                        tag,
                        state: no_digest,
                    };
                }
                let remote = self.registry_digest(&tag, keychain).await;
                let state = compare(&tag, &digests, remote.as_ref().map(String::clone));
                TagUpdate { image, tag, state }
            })
            .buffer_unordered(CONCURRENT_CHECKS)
            .collect()
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn digests_decide() {
        let local = vec![format!("127.0.0.1:5000/app@{A}"), format!("other/app@{B}")];
        assert_eq!(
            compare("127.0.0.1:5000/app:1", &local, Ok(A.into())),
            UpdateState::UpToDate
        );
        assert_eq!(
            compare("127.0.0.1:5000/app:1", &local, Ok(B.into())),
            UpdateState::Outdated { remote: B.into() }
        );
        // The other repository's digest does not count for this one.
        assert!(matches!(
            compare("127.0.0.1:5000/other:1", &local, Ok(B.into())),
            UpdateState::Unknown {
                why: UnknownWhy::NoLocalDigest,
                ..
            }
        ));
        // Docker Hub names are compared in their short form.
        let hub = vec![format!("busybox@{A}")];
        assert_eq!(
            compare("docker.io/library/busybox:1", &hub, Ok(A.into())),
            UpdateState::UpToDate
        );
    }

    #[test]
    fn failures_say_why() {
        let local = vec![format!("r:1/a@{A}")];
        let e = CoreError::new(ErrorKind::Unavailable, "connection refused");
        assert!(matches!(
            compare("r:1/a:1", &local, Err(&e)),
            UpdateState::Unknown {
                why: UnknownWhy::Unreachable,
                ..
            }
        ));
        let e = CoreError::new(ErrorKind::Denied, "unauthorized");
        assert!(matches!(
            compare("r:1/a:1", &local, Err(&e)),
            UpdateState::Unknown {
                why: UnknownWhy::Auth,
                ..
            }
        ));
    }
}
