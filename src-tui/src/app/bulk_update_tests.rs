//! The bulk image update in the terminal: `A` plans the containers the check marked outdated
//! (or the marked ones), the confirmation names each container → image and each one left out
//! with why, `y` runs it in the transfer view, whose progress and per-container outcome show.

use crossterm::event::KeyCode;
use wharf_core::command::Command;
use wharf_core::engine::{
    ContainerUpdate, ImageUpdateEvent, ImageUpdateExcluded, ImageUpdateItem, ImageUpdatePlan,
    ImageUpdateReport, TagUpdate, Transfer, UpdateState,
};
use wharf_core::model::ContainerId;

use super::*;
use crate::msg::{Effect, Msg, TransferJob};
use crate::prompt::Mode;
use crate::view::tests::fixtures::*;

fn outdated_busybox(app: &mut App) {
    app.update(Msg::Updates(vec![TagUpdate {
        image: image_id('4'),
        tag: "busybox:latest".into(),
        state: UpdateState::Outdated {
            remote: format!("sha256:{}", id('9')),
        },
    }]));
}

fn item(c: char, name: &str) -> ImageUpdateItem {
    ImageUpdateItem {
        id: cid(c),
        name: name.into(),
        reference: "busybox:latest".into(),
        image: image_id('4'),
        digest: format!("sha256:{}", id('9')),
    }
}

#[test]
fn plan_confirm_run_and_report() {
    let mut app = app(160, 40);
    // Nothing checked yet: nothing to plan.
    assert!(app.update(key('A')).is_empty());
    assert!(app.toast.as_ref().is_some_and(|t| t.error));

    outdated_busybox(&mut app);
    let fx = app.update(key('A'));
    let Some(Effect::PlanImageUpdates(ids)) = fx.first() else {
        panic!("{fx:?}");
    };
    // Every container running the outdated image, and only those.
    let mut ids = ids.clone();
    ids.sort();
    assert_eq!(ids, vec![cid('d'), cid('e'), cid('f')]);

    let plan = ImageUpdatePlan {
        items: vec![item('d', "nightly-job"), item('f', "sick")],
        excluded: vec![ImageUpdateExcluded {
            id: cid('e'),
            name: "broken".into(),
            why: "it was made with --rm".into(),
        }],
    };
    app.update(Msg::ImageUpdatePlan(Ok(plan.clone())));
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode);
    };
    assert_eq!(c.title, "Update the image of 2 containers?");
    assert_eq!(
        c.commands,
        vec![Command::UpdateImages { plan: plan.clone() }]
    );
    let screen = render(&app);
    insta::assert_snapshot!("bulk_update_confirmation", screen);
    for text in [
        "nightly-job",
        "sick",
        "busybox:latest",
        "left alone: broken",
        "--rm",
    ] {
        assert!(screen.contains(text), "{text}: {screen}");
    }

    let fx = app.update(key('y'));
    let job = match fx.as_slice() {
        [Effect::StartTransfer {
            job,
            what: TransferJob::UpdateImages(p),
        }] => {
            assert_eq!(**p, plan);
            *job
        }
        other => panic!("{other:?}"),
    };
    let mut t = Transfer::new("pull busybox:latest");
    t.status = "Digest: sha256:9999".into();
    t.layers = vec![wharf_core::engine::LayerProgress {
        id: "0123456789ab".into(),
        status: "Pull complete".into(),
        current: 2000,
        total: 2000,
        done: true,
    }];
    t.current = 2000;
    t.total = 2000;
    t.layers_done = 1;
    app.update(Msg::ImageUpdate {
        job,
        event: Ok(ImageUpdateEvent::Pull {
            reference: "busybox:latest".into(),
            index: 0,
            count: 1,
            transfer: t,
        }),
    });
    let screen = render(&app);
    assert!(screen.contains("pull busybox:latest (1/1)"), "{screen}");
    assert!(screen.contains("esc: cancel"), "{screen}");
    app.update(Msg::ImageUpdate {
        job,
        event: Ok(ImageUpdateEvent::Recreating {
            id: cid('f'),
            name: "sick".into(),
            index: 1,
            count: 2,
        }),
    });
    assert!(render(&app).contains("recreating sick (2/2)"));
    let report = ImageUpdateReport {
        containers: vec![
            ContainerUpdate::Updated {
                id: cid('d'),
                name: "nightly-job".into(),
                new_id: cid('7'),
                old_image: image_id('4'),
                new_image: image_id('8'),
            },
            ContainerUpdate::Failed {
                id: cid('f'),
                name: "sick".into(),
                step: "recreate".into(),
                error: "recreate sick: could not start the new container: unable to find user \
                        olduser: no matching entries in passwd file. Nothing was changed: the old \
                        container sick (ffffffffffff) is back, running, unchanged"
                    .into(),
            },
        ],
    };
    app.update(Msg::ImageUpdate {
        job,
        event: Ok(ImageUpdateEvent::Finished { report }),
    });
    let screen = render(&app);
    insta::assert_snapshot!("bulk_update_outcome", screen);
    for text in [
        "1 updated, 0 skipped, 1 failed",
        "nightly-job: updated 444444444444 → 888888888888",
        "sick: failed at recreate",
        "esc: close",
    ] {
        assert!(screen.contains(text), "{text}: {screen}");
    }
    assert!(app.toast.as_ref().is_some_and(|t| t.error));
}

#[test]
fn marked_containers_are_planned_and_read_only_refuses() {
    let mut app = app(160, 40);
    outdated_busybox(&mut app);
    // Mark the selected row only: the plan is about it, outdated or not.
    let first: ContainerId = match &app.selected_row().expect("a row").key {
        crate::kinds::RowKey::Container(id) => id.clone(),
        other => panic!("{other:?}"),
    };
    app.update(key(' '));
    let fx = app.update(key('A'));
    assert_eq!(fx, vec![Effect::PlanImageUpdates(vec![first])]);

    let mut ro = read_only_app();
    outdated_busybox(&mut ro);
    assert!(ro.update(key('A')).is_empty());
    assert!(ro
        .toast
        .as_ref()
        .is_some_and(|t| t.text.contains("read-only")));
    // The command line verb is the same action.
    ro.update(key(':'));
    type_text(&mut ro, "update-images");
    assert!(ro.update(code(KeyCode::Enter)).is_empty());
}

#[test]
fn nothing_to_update_says_why() {
    let mut app = app(160, 40);
    app.update(Msg::ImageUpdatePlan(Ok(ImageUpdatePlan {
        items: Vec::new(),
        excluded: vec![ImageUpdateExcluded {
            id: cid('c'),
            name: "cache".into(),
            why: "it is paused".into(),
        }],
    })));
    assert!(matches!(app.mode, Mode::Normal));
    let t = app.toast.as_ref().expect("toast");
    assert!(
        t.error && t.text.contains("cache: it is paused"),
        "{}",
        t.text
    );
}
