//! Marks and the cursor (issue #30): Space marks and moves down to the next pod, the help says
//! so, and `e` with marks edits the marked pods, whatever pod the cursor is on.

use crate::common;
use crate::common::keys::key;

use chrono::Utc;
use crossterm::event::KeyCode;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::model::pods::row::PodKey;

/// Pods a, b, c in namespace shop, one row per pod.
fn three_pods() -> AppState {
    let mut s = AppState::new(common::screen::admin_header(), Scope::default());
    let pods: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|name| {
            let mut pod = common::fixture_row("real-1.35-deferred.json");
            pod.namespace = "shop".into();
            pod.name = name.into();
            pod
        })
        .collect();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(pods)),
        Utc::now(),
    );
    s.refresh_index();
    key(&mut s, KeyCode::Char('p'));
    s
}

#[test]
fn the_batch_is_the_marked_pods_not_the_cursors() {
    let mut s = three_pods();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char(' ')); // mark b, moves to c
    assert_eq!(s.selected_pod().unwrap().name, "c", "Space moves down");
    key(&mut s, KeyCode::Char('g'));
    key(&mut s, KeyCode::Char(' ')); // mark a, moves to b
    key(&mut s, KeyCode::Char('G')); // cursor on c, unmarked
    assert_eq!(s.selected_pod().unwrap().name, "c");
    key(&mut s, KeyCode::Char('e'));
    let editor = s.editor.as_ref().unwrap();
    let mut batch = vec![editor.pod.clone()];
    batch.extend(editor.batch_targets.iter().map(|k| k.name.clone()));
    batch.sort();
    assert_eq!(batch, ["a", "b"], "the unmarked c is no part of the batch");
    assert_eq!(editor.container, "admin-ui");
    assert!(!editor.batch_targets.contains(&PodKey::new(0, "shop", "c")));
}

#[test]
fn without_marks_the_cursors_pod_is_edited() {
    let mut s = three_pods();
    key(&mut s, KeyCode::Char('G'));
    key(&mut s, KeyCode::Char('e'));
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(editor.pod, "c");
    assert!(editor.batch_targets.is_empty());
}

#[test]
fn the_help_says_space_moves_down() {
    let space = podsize::app::keymap::BINDINGS
        .iter()
        .find(|b| b.keys.contains(&podsize::app::keymap::Key::char(' ')))
        .unwrap();
    assert!(space.help.contains("move down"), "{}", space.help);
}

/// Space on a pod of several containers moves to the next pod, not to the pod's next row,
/// where a second Space unmarked it again (found by hand: six presses marked two pods).
#[test]
fn space_on_a_pod_of_several_containers_moves_to_the_next_pod() {
    let mut s = three_pods();
    key(&mut s, KeyCode::Char('p')); // back to a row per container
    let rows_of_a = (s.visible().iter()).filter(|r| r.pod.name == "a").count();
    assert!(rows_of_a > 1, "the fixture has several containers");
    key(&mut s, KeyCode::Char('g'));
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char(' '));
    let marked: Vec<&str> = {
        let mut names: Vec<&str> = s.marked.iter().map(|k| k.name.as_str()).collect();
        names.sort_unstable();
        names
    };
    assert_eq!(marked, ["a", "b"]);
    assert_eq!(s.selected_pod().unwrap().name, "c");
    // On the last pod, Space marks it and the cursor stays on it.
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(s.marked.len(), 3);
    assert_eq!(s.selected_pod().unwrap().name, "c");
}
