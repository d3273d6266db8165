//! Every text input edits the same way (cursor keys, Home/End, Ctrl-U, Ctrl-W), and the
//! editor refuses memory values that are fractions of a byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::keys::{key, typed};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::{HeaderInfo, InputMode};
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};

fn state() -> AppState {
    let header = HeaderInfo {
        context: "t".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(common::every_state_rows())),
        Utc::now(),
    );
    s.refresh_index();
    s
}

fn ctrl(s: &mut AppState, c: char) {
    let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    update(s, Action::Key(event), Utc::now());
    s.refresh_index();
}

#[test]
fn the_filter_edits_in_place() {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "catalog");
    key(&mut s, KeyCode::Home);
    typed(&mut s, "!");
    assert_eq!(s.filter.text, "!catalog", "typed at the cursor");
    key(&mut s, KeyCode::End);
    ctrl(&mut s, 'w');
    assert_eq!(s.filter.text, "");
    typed(&mut s, "shop web");
    key(&mut s, KeyCode::Left);
    key(&mut s, KeyCode::Left);
    key(&mut s, KeyCode::Left);
    ctrl(&mut s, 'u');
    assert_eq!(s.filter.text, "web");
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Backspace);
    assert_eq!(s.filter.text, "eb");
    assert!(matches!(s.input, InputMode::Filter(_)));
}

#[test]
fn the_command_line_edits_in_place() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "srt cpu");
    for _ in 0.."rt cpu".len() {
        key(&mut s, KeyCode::Left);
    }
    typed(&mut s, "o");
    key(&mut s, KeyCode::End);
    ctrl(&mut s, 'w');
    typed(&mut s, "state");
    let InputMode::Command(line) = &s.input else {
        panic!("{:?}", s.input)
    };
    assert_eq!(line.text(), "sort state");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.sort, podsize::settings::SortKey::parse("state").unwrap());
}

/// Opens the editor on catalog-deferred's istio-proxy (cpu 100m/500m, memory 128Mi/256Mi).
fn editor_on_istio(s: &mut AppState) {
    key(s, KeyCode::Char('/'));
    typed(s, "catalog-deferred");
    key(s, KeyCode::Enter);
    key(s, KeyCode::Down);
    key(s, KeyCode::Char('e'));
    assert_eq!(s.editor.as_ref().unwrap().container, "istio-proxy");
}

#[test]
fn editor_fields_edit_in_place() {
    let mut s = state();
    editor_on_istio(&mut s);
    // Moving the cursor keeps the pre-filled value: 100m → 1500m by inserting "15" at the start
    // after deleting the "1".
    key(&mut s, KeyCode::Home);
    key(&mut s, KeyCode::Delete);
    typed(&mut s, "15");
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(editor.inputs[0], "1500m");
    assert_eq!(
        editor.plan.as_ref().unwrap().new_spec.requests.cpu_millis,
        Some(1500)
    );
    ctrl(&mut s, 'u');
    assert_eq!(
        s.editor.as_ref().unwrap().inputs[0],
        "00m",
        "up to the cursor"
    );
    key(&mut s, KeyCode::End);
    ctrl(&mut s, 'u');
    assert_eq!(s.editor.as_ref().unwrap().inputs[0], "");
    typed(&mut s, "200m");
    key(&mut s, KeyCode::Left);
    ctrl(&mut s, 'w');
    assert_eq!(s.editor.as_ref().unwrap().inputs[0], "m");
    key(&mut s, KeyCode::End);
    assert!(s.editor.is_some(), "End does not close the editor");
}

#[test]
fn memory_in_milli_bytes_is_refused_with_a_hint() {
    let mut s = state();
    editor_on_istio(&mut s);
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab); // memory request, 128Mi
    typed(&mut s, "-100m");
    let editor = s.editor.as_ref().unwrap();
    let error = editor.input_errors[2].as_deref().unwrap_or_default();
    assert!(error.contains("did you mean -100Mi?"), "{error:?}");
    assert!(editor.plan.is_none(), "nothing to send");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
}

/// The boost form (`b`) on a quiet running pod, its CPU field focused with `x2` pre-filled.
fn boost_form_on_a_quiet_pod() -> AppState {
    let mut s = state();
    let i = (s.visible().iter())
        .position(|r| r.pod.name == "web-settled")
        .unwrap();
    s.select(i);
    key(&mut s, KeyCode::Char('b'));
    let form = s.boost_form.as_ref().expect("the boost form");
    assert_eq!((form.focus, form.inputs[0].text()), (0, "x2"));
    s
}

fn boost_field(s: &AppState, i: usize) -> &str {
    s.boost_form.as_ref().expect("the boost form").inputs[i].text()
}

#[test]
fn the_boost_form_replaces_a_prefilled_value_like_the_editor() {
    // Typing replaces the pre-filled `x2`, as in the editor (issue #30: it read `x20.5`).
    let mut s = boost_form_on_a_quiet_pod();
    typed(&mut s, "0.5");
    assert_eq!(boost_field(&s, 0), "0.5");
    // Tab to another pre-filled field: its first typed character replaces it too.
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "3m");
    assert_eq!(boost_field(&s, 2), "3m");
    // A cursor key first keeps the value for editing in place.
    let mut s = boost_form_on_a_quiet_pod();
    key(&mut s, KeyCode::Left);
    typed(&mut s, "0");
    assert_eq!(boost_field(&s, 0), "x02");
    let mut s = boost_form_on_a_quiet_pod();
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "3");
    assert_eq!(boost_field(&s, 0), "x3");
}
