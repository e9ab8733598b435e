//! Images and registries in the terminal: `:pull` starts one transfer whose progress the
//! view follows and Esc cancels; the filter key walks all → dangling → unused; the update
//! check marks images and containers; login never shows or sends the password anywhere but
//! the login effect; history, tag, export and remove choices.

use crossterm::event::KeyCode;
use wharf_core::command::Command;
use wharf_core::engine::{
    LayerProgress, Save, SaveTarget, Secret, TagUpdate, Transfer, TransferEvent, UpdateState,
};

use super::*;
use crate::msg::{Effect, Msg, TransferJob};
use crate::prompt::{Mode, PromptKind};
use crate::view::tests::fixtures::*;

fn command_line(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

fn names(app: &App) -> Vec<String> {
    app.rows.iter().map(|r| r.name.clone()).collect()
}

fn progress(current: u64) -> Transfer {
    let mut t = Transfer::new("pull r/app:1");
    t.layers = vec![LayerProgress {
        id: "abc123".into(),
        status: "Downloading".into(),
        current,
        total: 1000,
        done: false,
    }];
    t.current = current;
    t.total = 1000;
    t
}

#[test]
fn pull_shows_progress_and_esc_cancels_it() {
    let mut app = app(120, 40);
    let fx = command_line(&mut app, "pull r.example:5000/app:1");
    let job = match fx.as_slice() {
        [Effect::StartTransfer {
            job,
            what: TransferJob::Pull(r),
        }] => {
            assert_eq!(r, "r.example:5000/app:1");
            *job
        }
        other => panic!("expected one pull, got {other:?}"),
    };
    // A second transfer waits for the first.
    assert!(command_line(&mut app, "pull busybox").is_empty());
    app.update(Msg::Transfer {
        job,
        event: Ok(TransferEvent::Progress(progress(400))),
    });
    let screen = render(&app);
    assert!(screen.contains("abc123"), "{screen}");
    assert!(
        screen.contains("400 B / 1000 B") || screen.contains("400"),
        "{screen}"
    );
    assert!(screen.contains("esc: cancel"), "{screen}");
    let fx = app.update(code(KeyCode::Esc));
    assert_eq!(fx, vec![Effect::CancelTransfer(job)]);
    assert!(app.images.transfer.is_none());
    // Late events of the cancelled job change nothing.
    app.update(Msg::Transfer {
        job,
        event: Ok(TransferEvent::Progress(progress(900))),
    });
    assert!(app.images.transfer.is_none());
}

#[test]
fn a_finished_pull_says_so_and_registry_text_is_inert() {
    let mut app = app(120, 40);
    let fx = command_line(&mut app, "pull r/app:1");
    let Some(Effect::StartTransfer { job, .. }) = fx.first().cloned() else {
        panic!("{fx:?}");
    };
    let mut t = progress(1000);
    t.status = "Digest: \x1b]0;pwned\x07sha256:1".into();
    app.update(Msg::Transfer {
        job,
        event: Ok(TransferEvent::Done {
            transfer: t,
            image: Some("sha256:0123456789abcdef0123".into()),
            digest: None,
        }),
    });
    let v = app.images.transfer.as_ref().expect("the view stays");
    assert!(matches!(&v.finished, Some(Ok(s)) if s.contains("done")));
    assert!(!v.progress.status.contains('\x1b'));
    let screen = render(&app);
    assert!(screen.contains("esc: close"), "{screen}");
    assert!(
        app.update(code(KeyCode::Esc)).is_empty(),
        "nothing to cancel"
    );
}

#[test]
fn read_only_refuses_pull_but_not_export() {
    let mut app = read_only_app();
    assert!(command_line(&mut app, "pull busybox").is_empty());
    assert!(app.toast.as_ref().is_some_and(|t| t.error));
}

#[test]
fn the_filter_key_walks_dangling_and_unused() {
    let mut app = app(120, 40);
    command_line(&mut app, "images");
    let all = names(&app).len();
    app.update(key('F'));
    assert_eq!(
        app.images.filter,
        wharf_core::rules::images::ImageFilter::Dangling
    );
    assert_eq!(names(&app).len(), 1, "{:?}", names(&app));
    app.update(key('F'));
    let unused = names(&app);
    assert!(
        !unused.iter().any(|n| n.starts_with("busybox")),
        "{unused:?}"
    );
    assert!(unused.len() < all);
    app.update(key('F'));
    assert_eq!(names(&app).len(), all);
    command_line(&mut app, "dangling");
    assert_eq!(names(&app).len(), 1);
}

#[test]
fn the_update_check_marks_images_and_their_containers() {
    let mut app = app(160, 40);
    command_line(&mut app, "images");
    let fx = app.update(key('U'));
    let Some(Effect::CheckUpdates(list)) = fx.first() else {
        panic!("{fx:?}");
    };
    assert_eq!(list.len(), names(&app).len());
    app.update(Msg::Updates(vec![TagUpdate {
        image: image_id('4'),
        tag: "busybox:latest".into(),
        state: UpdateState::Outdated {
            remote: "sha256:new".into(),
        },
    }]));
    let screen = render(&app);
    assert!(screen.contains("[outdated]"), "{screen}");
    command_line(&mut app, "containers");
    let screen = render(&app);
    assert!(
        screen.contains("busybox [outdated]") || screen.contains("[outdated]"),
        "{screen}"
    );
}

#[test]
fn login_hides_the_password_and_asks_where_to_keep_it() {
    let mut app = app(120, 40);
    command_line(&mut app, "login r.example:5000");
    assert!(matches!(&app.mode, Mode::Input(PromptKind::LoginUser(h), _) if h == "r.example:5000"));
    type_text(&mut app, "joe");
    app.update(code(KeyCode::Enter));
    type_text(&mut app, "hunter2");
    let screen = render(&app);
    assert!(!screen.contains("hunter2"), "{screen}");
    assert!(screen.contains("•••••••"), "{screen}");
    let fx = app.update(code(KeyCode::Enter));
    let [Effect::LoginTarget {
        host,
        user,
        password,
    }] = fx.as_slice()
    else {
        panic!("{fx:?}");
    };
    assert_eq!((host.as_str(), user.as_str()), ("r.example:5000", "joe"));
    assert!(!format!("{fx:?}").contains("hunter2"), "Debug redacts");
    app.update(Msg::LoginTarget {
        host: host.clone(),
        user: user.clone(),
        password: password.clone(),
        target: Ok(SaveTarget::PlainFile {
            path: "/home/joe/.docker/config.json".into(),
        }),
    });
    let screen = render(&app);
    assert!(
        screen.contains("stored unencrypted (base64) in /home/joe/.docker/config.json"),
        "{screen}"
    );
    // Enter alone keeps it for the session only.
    let fx = app.update(code(KeyCode::Enter));
    match fx.as_slice() {
        [Effect::Login { creds, save }] => {
            assert_eq!(*save, Save::Session);
            assert_eq!(creds.password, Secret::new("hunter2"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn saving_a_login_needs_the_explicit_w() {
    let mut app = app(120, 40);
    app.update(Msg::LoginTarget {
        host: "r".into(),
        user: "u".into(),
        password: Secret::new("p"),
        target: Ok(SaveTarget::PlainFile {
            path: "/c.json".into(),
        }),
    });
    type_text(&mut app, "w");
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Login {
                save: Save::PlainFile,
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn history_tag_and_export_act_on_the_selected_image() {
    let mut app = app(120, 40);
    command_line(&mut app, "images");
    let fx = app.update(key('h'));
    let Some(Effect::LoadHistory(id)) = fx.first().cloned() else {
        panic!("{fx:?}");
    };
    app.update(Msg::History {
        id,
        result: Ok(vec![wharf_core::engine::HistoryEntry {
            id: "<missing>".into(),
            created: 0,
            created_by: "/bin/sh -c #(nop) CMD [\"sh\"]\x1b[2J".into(),
            size: 1234,
            comment: "step".into(),
            tags: vec![],
        }]),
    });
    let screen = render(&app);
    assert!(
        screen.contains("CMD [\"sh\"]") && screen.contains("# step"),
        "{screen}"
    );
    app.update(code(KeyCode::Esc));
    assert!(app.images.history.is_none());

    let selected = match &app.selected_row().expect("a row").key {
        crate::kinds::RowKey::Image(id) => id.clone(),
        other => panic!("{other:?}"),
    };
    let fx = command_line(&mut app, "tag r.example/app:2");
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Execute { cmd: Command::Tag { id, target }, .. }
            if *id == selected && target == "r.example/app:2")
        ),
        "{fx:?}"
    );
    let fx = command_line(&mut app, "export /tmp/wharf-no-such-dir/x.tar");
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::StartTransfer {
                what: TransferJob::Save {
                    overwrite: false,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn export_never_replaces_a_file_without_the_bang() {
    let dir = std::env::temp_dir().join(format!("wharf-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("there.tar");
    std::fs::write(&file, b"x").expect("file");
    let mut app = app(120, 40);
    command_line(&mut app, "images");
    let fx = command_line(&mut app, &format!("export {}", file.display()));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(app
        .toast
        .as_ref()
        .is_some_and(|t| t.text.contains(":export!")));
    let fx = command_line(&mut app, &format!("export! {}", file.display()));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::StartTransfer {
                what: TransferJob::Save {
                    overwrite: true,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn image_removal_offers_no_prune() {
    let mut app = app(120, 40);
    command_line(&mut app, "images");
    app.update(key('D'));
    app.update(key('p'));
    let fx = app.update(key('y'));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Execute {
                cmd: Command::RemoveImage { no_prune: true, .. },
                ..
            }
        )),
        "{fx:?}"
    );
}
