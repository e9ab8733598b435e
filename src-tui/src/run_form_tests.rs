//! The run form's state on its own: list editing (comma splitting, Esc putting a list back,
//! an emptied entry going), secret masking, and that every core field has a line.

use super::*;

fn type_into(s: &mut RunFormState, text: &str) {
    for c in text.chars() {
        if let Some(ed) = &mut s.editing {
            ed.input.edit(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            ));
        }
        s.apply_edit();
    }
}

fn focus_on(s: &mut RunFormState, label: &str, entry: Option<usize>) {
    let def = FIELDS
        .iter()
        .position(|d| d.label == label)
        .unwrap_or_else(|| panic!("no field {label}"));
    s.focus = s
        .lines()
        .iter()
        .position(|l| *l == Line::Field { def, entry })
        .unwrap_or_else(|| panic!("no line {label} {entry:?}"));
}

#[test]
fn every_core_field_has_one_line() {
    let mut seen = Vec::new();
    for d in FIELDS {
        if let Some(f) = field_of(d.slot) {
            assert!(!seen.contains(&f), "{f:?} twice");
            seen.push(f);
        }
    }
    assert_eq!(seen.len(), 28, "every Field of the contract is on the form");
}

#[test]
fn comma_lists_split_and_esc_puts_the_list_back() {
    let mut s = RunFormState::new("busybox");
    focus_on(&mut s, "ports", None);
    assert!(!s.activate());
    type_into(&mut s, "8080:80, 9090:90");
    assert_eq!(s.form.ports, vec!["8080:80", "9090:90"]);
    s.commit();
    // The focus is on the add line again.
    assert_eq!(
        s.focused(),
        Line::Field {
            def: FIELDS.iter().position(|d| d.label == "ports").unwrap_or(0),
            entry: None
        }
    );
    focus_on(&mut s, "ports", Some(0));
    s.activate();
    type_into(&mut s, "1");
    assert_eq!(s.form.ports, vec!["8080:801", "9090:90"]);
    s.cancel_edit();
    assert_eq!(s.form.ports, vec!["8080:80", "9090:90"]);
    // An entry edited to nothing goes.
    s.activate();
    if let Some(e) = s.editing.as_mut() {
        e.input = Input::default();
    }
    s.commit();
    assert_eq!(s.form.ports, vec!["9090:90"]);
}

#[test]
fn env_entries_keep_their_commas_and_secrets_are_masked_on_screen() {
    let mut s = RunFormState::new("busybox");
    focus_on(&mut s, "env", None);
    s.activate();
    type_into(&mut s, "DB_PASSWORD=a,b");
    s.commit();
    assert_eq!(s.form.env, vec!["DB_PASSWORD=a,b"]);
    let line = s.lines()[s.focus - 1];
    assert!(!s.value(line).contains("a,b"), "{}", s.value(line));
    let shown = s.shown_command.clone().unwrap_or_default();
    assert!(!shown.contains("a,b"), "{shown}");
    assert!(s
        .preview
        .docker_run
        .as_deref()
        .is_some_and(|l| l.contains("a,b")));
}
