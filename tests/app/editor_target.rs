//! The editor's review names where the patch really goes (issue #16.4): `pods/NAME/resize` from
//! 1.32, the pod itself on older servers, where podsize patches the pod.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn review_text(minor: u32) -> String {
    let header = HeaderInfo {
        context: "t".into(),
        server_version: format!("v1.{minor}.0"),
        minor: Some(minor),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
    let row = common::fixture_row("real-1.35-none.json");
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset([row])),
        Utc::now(),
    );
    s.refresh_index();
    let key = |s: &mut AppState, code: KeyCode| {
        update(
            s,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            Utc::now(),
        );
    };
    key(&mut s, KeyCode::Char('e'));
    // Raise request and limit together (the fixture is Guaranteed).
    for c in "x2".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Tab);
    for c in "x2".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Enter);
    let plan = s.editor.as_ref().and_then(|e| e.plan.clone()).unwrap();
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    let mut terminal = Terminal::new(TestBackend::new(160, 40)).unwrap();
    let theme = podsize::theme::Theme::default();
    terminal
        .draw(|f| podsize::ui::draw(f, &s, Utc::now(), &theme))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..40)
        .map(|y| {
            (0..160)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_127_review_says_the_pod_itself_is_patched() {
    let text = review_text(27);
    assert!(text.contains("to the pod itself, pods/"), "{text}");
    assert!(!text.contains("/resize:"), "{text}");
    let text = review_text(35);
    assert!(text.contains("/resize:"), "{text}");
}
