//! The Files and Changes tabs through `App::update` and drawn: browsing (Enter into a
//! directory, Backspace up, stale listings dropped), copy prompts and their effects, progress
//! in the footer, Esc cancelling, the overwrite question, read-only, and hostile names inert.

use crossterm::event::KeyCode;
use wharf_core::error::{CoreError, ErrorKind};
use wharf_core::model::{
    ChangeKind, CopyProgress, CopyReport, DirListing, FileChange, FileEntry, FileKind,
};

use super::tests::details_app;
use super::tests::fixtures::*;
use crate::app::App;
use crate::details::Tab;
use crate::msg::{Effect, Msg};
use crate::prompt::{Mode, PromptKind};

fn entry(name: &str, kind: FileKind, size: u64) -> FileEntry {
    FileEntry {
        name: name.into(),
        kind,
        size,
        mode: if kind == FileKind::Dir { 0o755 } else { 0o644 },
        mtime: 1_612_325_106,
        link_target: (kind == FileKind::Symlink).then(|| "/etc/passwd".into()),
    }
}

fn listing(dir: &str, entries: Vec<FileEntry>) -> Msg {
    Msg::Listing {
        id: cid('a'),
        dir: dir.into(),
        result: Ok(DirListing {
            dir: dir.into(),
            entries,
            truncated: None,
        }),
    }
}

/// shop-web-1's details on the Files tab, `/` listed.
fn files_app(full: bool) -> App {
    let mut app = details_app(120, 24, Tab::Env, full);
    // Env → Findings → Files: switching asks for the listing of `/`.
    let mut fx = Vec::new();
    while app.details.as_ref().unwrap().tab != Tab::Files {
        fx = app.update(code(KeyCode::Tab));
    }
    assert_eq!(
        fx,
        vec![Effect::ListDir {
            id: cid('a'),
            dir: "/".into()
        }]
    );
    app.update(listing(
        "/",
        vec![
            entry("etc", FileKind::Dir, 0),
            entry("srv", FileKind::Dir, 0),
            entry(
                "evil\u{1b}]0;pwned\u{7}\u{202e}txt.sh",
                FileKind::File,
                12_345,
            ),
            entry("pw", FileKind::Symlink, 0),
        ],
    ));
    app
}

#[test]
fn enter_opens_a_directory_and_backspace_goes_up() {
    for full in [false, true] {
        let mut app = files_app(full);
        app.update(key('j'));
        let fx = app.update(code(KeyCode::Enter));
        assert_eq!(
            fx,
            vec![Effect::ListDir {
                id: cid('a'),
                dir: "/srv".into()
            }]
        );
        // A late answer for `/` is dropped: the tab shows `/srv`, loading.
        app.update(listing("/", vec![entry("stale", FileKind::File, 1)]));
        assert!(app.details.as_ref().unwrap().files.listing.is_none());
        app.update(listing("/srv", vec![entry("www", FileKind::Dir, 0)]));
        let fx = app.update(code(KeyCode::Enter));
        assert_eq!(
            fx,
            vec![Effect::ListDir {
                id: cid('a'),
                dir: "/srv/www".into()
            }]
        );
        let fx = app.update(code(KeyCode::Backspace));
        assert_eq!(
            fx,
            vec![Effect::ListDir {
                id: cid('a'),
                dir: "/srv".into()
            }]
        );
        // The container list did not move: the keys belonged to the file list.
        assert_eq!(app.details.as_ref().unwrap().id, cid('a'));
    }
}

#[test]
fn copy_out_asks_a_host_folder_shows_progress_and_esc_cancels() {
    let mut app = files_app(false);
    app.update(key('j'));
    app.update(key('o'));
    assert!(matches!(
        &app.mode,
        Mode::Input(PromptKind::CopyOut { src, .. }, _) if src == "/srv"
    ));
    // Replace the suggested "./" with a folder.
    for _ in 0..2 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "/tmp/out");
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(
        fx,
        vec![Effect::CopyOut {
            id: cid('a'),
            src: "/srv".into(),
            dest: "/tmp/out".into(),
            overwrite: false
        }]
    );
    app.update(Msg::CopyProgress(CopyProgress {
        bytes: 12 * 1024 * 1024,
        total: Some(48 * 1024 * 1024),
    }));
    let screen = render(&app);
    assert!(
        screen.contains("copy /srv out  12MiB / 48MiB  25%  (esc cancels)"),
        "{screen}"
    );
    let fx = app.update(code(KeyCode::Esc));
    assert_eq!(fx, vec![Effect::CancelCopy]);
    assert!(app.copy.is_none());
    // Esc cancelled the copy only; the details stay open.
    assert!(app.details.is_some());
}

#[test]
fn an_existing_host_path_is_overwritten_only_after_y() {
    let mut app = files_app(false);
    app.update(key('j'));
    app.update(key('o'));
    app.update(code(KeyCode::Enter));
    let e = CoreError::new(ErrorKind::Conflict, "/host/srv already exists on the host");
    let fx = app.update(Msg::CopyDone(Err(e)));
    assert!(fx.is_empty());
    assert!(matches!(
        &app.mode,
        Mode::Input(PromptKind::Overwrite { .. }, _)
    ));
    app.update(key('y'));
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        matches!(&fx[..], [Effect::CopyOut { overwrite: true, src, .. }] if src == "/srv"),
        "{fx:?}"
    );
    // Anything but y leaves the host path alone.
    app.update(Msg::CopyDone(Ok(CopyReport {
        target: "/host/srv".into(),
        bytes: 1,
        written: 1,
        skipped: Vec::new(),
    })));
    app.update(listing("/", vec![entry("srv", FileKind::Dir, 0)]));
    app.update(key('o'));
    app.update(code(KeyCode::Enter));
    let e = CoreError::new(ErrorKind::Conflict, "exists");
    app.update(Msg::CopyDone(Err(e)));
    assert!(matches!(
        &app.mode,
        Mode::Input(PromptKind::Overwrite { .. }, _)
    ));
    app.update(key('n'));
    let fx = app.update(code(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn copy_in_goes_to_the_directory_shown_and_read_only_refuses_it() {
    let mut app = files_app(false);
    app.update(key('O'));
    type_text(&mut app, "/home/me/site");
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(
        fx,
        vec![Effect::CopyIn {
            id: cid('a'),
            src: "/home/me/site".into(),
            dest: "/".into()
        }]
    );
    let fx = app.update(Msg::CopyDone(Ok(CopyReport {
        target: "/site".into(),
        bytes: 2048,
        written: 1,
        skipped: Vec::new(),
    })));
    // The listing is asked again, to show what arrived.
    assert_eq!(
        fx,
        vec![Effect::ListDir {
            id: cid('a'),
            dir: "/".into()
        }]
    );

    let mut ro = files_app(false);
    ro.settings.read_only = true;
    let fx = ro.update(key('O'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(ro.mode, Mode::Normal), "no prompt opens");
    assert!(ro.toast.as_ref().unwrap().text.contains("read-only"));
    // Browsing and copying out stay allowed.
    ro.update(key('o'));
    assert!(matches!(
        &ro.mode,
        Mode::Input(PromptKind::CopyOut { .. }, _)
    ));
}

#[test]
fn files_and_changes_tabs_drawn() {
    let mut app = files_app(true);
    app.update(key('j'));
    insta::assert_snapshot!("files_listing_full", render(&app));
    let fx = app.update(code(KeyCode::Tab));
    assert_eq!(fx, vec![Effect::LoadChanges(cid('a'))]);
    app.update(Msg::Changes {
        id: cid('a'),
        result: Ok(vec![
            FileChange {
                path: "/etc".into(),
                kind: ChangeKind::Changed,
            },
            FileChange {
                path: "/etc/group".into(),
                kind: ChangeKind::Changed,
            },
            FileChange {
                path: "/made\u{1b}[2Jhere".into(),
                kind: ChangeKind::Added,
            },
            FileChange {
                path: "/bin/cat".into(),
                kind: ChangeKind::Deleted,
            },
        ]),
    });
    let text = render(&app);
    assert!(!text.contains('\x1b') && !text.contains('\x07'));
    insta::assert_snapshot!("changes_full", text);
}
