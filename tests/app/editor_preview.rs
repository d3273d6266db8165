//! The resize editor shows what a relative input comes to while it is typed (`x2 → 200m`),
//! and marks an invalid one with its reason right under the field, before any review step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::keys::{key_at, typed_at};
use crate::common::screen::now;

use crossterm::event::KeyCode;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::model::rules::edit::Preview;
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Types `text` at the screen tests' fixed clock.
fn typed(s: &mut AppState, text: &str) {
    typed_at(s, text, now());
}

/// The editor on `pod`'s first container, nothing typed yet.
fn editor_on(pod: &str) -> AppState {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    let rows = common::every_state_rows();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        now(),
    );
    s.refresh_index();
    let i = s.visible().iter().position(|r| r.pod.name == pod).unwrap();
    s.select(i);
    key_at(&mut s, KeyCode::Char('e'), now());
    s
}

/// The editor on web-settled's first container, with a relative input in three fields and
/// a milli-byte slip in the memory limit.
fn editing() -> AppState {
    let mut s = editor_on("web-settled");
    typed(&mut s, "x2");
    key_at(&mut s, KeyCode::Tab, now());
    typed(&mut s, "+25%");
    key_at(&mut s, KeyCode::Tab, now());
    typed(&mut s, "-16Mi");
    key_at(&mut s, KeyCode::Tab, now());
    typed(&mut s, "-100m");
    s
}

fn screen(s: &AppState) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| podsize::ui::draw(f, s, now(), &Theme::default()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            let line: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_relative_input_shows_what_it_resolves_to_while_editing() {
    let s = editing();
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(editor.stage, podsize::app::editor::Stage::Editing);
    // Worked out from the container's desired values by the editor state, not by the view.
    let resolved: Vec<&Preview> = editor.previews.iter().collect();
    assert!(matches!(resolved[0], Preview::Resolved(_)), "{resolved:?}");
    assert!(matches!(resolved[1], Preview::Resolved(_)), "{resolved:?}");
    assert!(matches!(resolved[2], Preview::Resolved(_)), "{resolved:?}");
    assert!(matches!(resolved[3], Preview::Invalid(_)), "{resolved:?}");
    let text = screen(&s);
    for p in &editor.previews[..3] {
        assert!(
            text.contains(&p.beside()),
            "{} missing in\n{text}",
            p.beside()
        );
    }
    assert!(text.contains("did you mean -100Mi?"), "{text}");
    insta::assert_snapshot!("editor_previews_relative_inputs", text);
}

/// Issue #30, second round: `+25%` of `250m` is 312.5m, which Kubernetes cannot hold (nothing
/// finer than 1m). It previews and is planned as the next whole millicore, in podsize's form.
#[test]
fn a_percentage_of_millicores_previews_and_plans_whole_millicores() {
    let mut s = editor_on("rounded-applied");
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(
        editor.inputs[0].text(),
        "250m",
        "the pod this test is about"
    );
    typed(&mut s, "+25%");
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(editor.previews[0], Preview::Resolved("313m".into()));
    let plan = editor.plan.clone().unwrap();
    assert_eq!(
        plan.patch["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "313m"
    );
    let text = screen(&s);
    assert!(text.contains("+25%▏ → 313m"), "{text}");
    assert!(
        !text.contains("312500u") && !text.contains("0.3125"),
        "{text}"
    );
}
