//! Unit tests of the bulk update's rules: exclusions, classification, the plan's lines.

use super::*;

fn cand(reference: &str) -> Candidate {
    Candidate {
        id: ContainerId::from("c0ffee0123456789"),
        name: "web".into(),
        reference: reference.into(),
        image: ImageId::from("sha256:aaaaaaaaaaaaaaaaaaaa"),
        paused: false,
        auto_remove: false,
    }
}

#[test]
fn exclusions_say_why() {
    assert_eq!(
        exclusion(&cand("127.0.0.1:5000/app:1")),
        Ok("127.0.0.1:5000/app:1".into())
    );
    assert_eq!(exclusion(&cand("busybox")), Ok("busybox:latest".into()));
    let mut paused = cand("app:1");
    paused.paused = true;
    assert!(exclusion(&paused).unwrap_err().contains("paused"));
    let mut rm = cand("app:1");
    rm.auto_remove = true;
    assert!(exclusion(&rm).unwrap_err().contains("--rm"));
    let pinned =
        cand("app@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    assert!(exclusion(&pinned).unwrap_err().contains("pinned"));
    assert!(exclusion(&cand("sha256:aaaa"))
        .unwrap_err()
        .contains("image id"));
    assert!(exclusion(&cand("Bad Name")).is_err());
}

#[test]
fn only_outdated_tags_are_planned() {
    let c = cand("app:1");
    let item = classify(
        &c,
        &UpdateState::Outdated {
            remote: "sha256:bbbb".into(),
        },
    )
    .unwrap();
    assert_eq!(item.digest, "sha256:bbbb");
    assert_eq!(item.image, c.image);
    assert!(classify(&c, &UpdateState::UpToDate)
        .unwrap_err()
        .contains("up to date"));
    let unknown = UpdateState::Unknown {
        why: UnknownWhy::Unreachable,
        detail: "connection refused".into(),
    };
    assert!(classify(&c, &unknown)
        .unwrap_err()
        .contains("connection refused"));
}

#[test]
fn plan_lists_each_reference_once_and_names_every_container() {
    let item = |id: &str, name: &str, r: &str| ImageUpdateItem {
        id: ContainerId::from(id),
        name: name.into(),
        reference: r.into(),
        image: ImageId::from("sha256:1111111111111111"),
        digest: "sha256:2222222222222222".into(),
    };
    let plan = ImageUpdatePlan {
        items: vec![
            item("aaaaaaaaaaaaaaaa", "a", "r/app:1"),
            item("bbbbbbbbbbbbbbbb", "b", "r/app:1"),
            item("cccccccccccccccc", "c", "r/db:2"),
        ],
        excluded: Vec::new(),
    };
    assert_eq!(plan.references(), vec!["r/app:1", "r/db:2"]);
    let lines = plan.confirmation_lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        "a (aaaaaaaaaaaa) → r/app:1 [111111111111 → 222222222222]"
    );
    let only = plan.only(&[ContainerId::from("cccccccccccccccc")]);
    assert_eq!(only.items.len(), 1);
    assert_eq!(only.references(), vec!["r/db:2"]);
}
