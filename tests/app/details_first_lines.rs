//! The first-minute walk (issue #30, third round): at 80×24 the details pane has a few rows,
//! and the line saying why a pod cannot be resized (or why its resize waits or failed) fell
//! below them, behind `… 5 more lines below`. Those lines come first.

use crate::common;
use crate::common::keys::key_at;
use crate::common::screen::{admin_header, now, render, text};
use crossterm::event::KeyCode;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::theme::Theme;

/// The details pane of `pod` (one of `every_state_rows`) at 80×24, its rows joined so that a
/// wrapped line reads whole.
fn details_at_80x24(pod: &str) -> String {
    let mut s = AppState::new(admin_header(), Scope::default());
    let event = ClusterEvent::pods_reset(common::every_state_rows());
    update(&mut s, Action::Cluster(event), now());
    s.refresh_index();
    let i = (s.visible().iter()).position(|r| r.pod.name == pod);
    s.select(i.unwrap_or_else(|| panic!("{pod} is not on show")));
    key_at(&mut s, KeyCode::Char('d'), now());
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    let pane = (screen.lines())
        .skip_while(|l| !l.starts_with(" details"))
        .skip(1)
        .collect::<Vec<_>>();
    assert!(!pane.is_empty(), "no details pane:\n{screen}");
    pane.join(" ")
}

#[test]
fn why_a_pod_cannot_be_resized_shows_first_at_80x24() {
    let pane = details_at_80x24("old-node-unsupported");
    let why = "cannot be resized in place: its node's kubelet reports no resources for admin-ui, istio-proxy";
    let at = |part: &str| {
        pane.find(part)
            .unwrap_or_else(|| panic!("{part:?} in\n{pane}"))
    };
    assert!(at(why) < at("generation "), "{pane}");
}

#[test]
fn why_a_resize_waits_or_failed_shows_at_80x24() {
    for (pod, reason) in [
        ("catalog-deferred", "PodResizePending Deferred: "),
        ("catalog-infeasible", "PodResizePending Infeasible: "),
        ("api-error", "PodResizeInProgress Error: "),
    ] {
        let pane = details_at_80x24(pod);
        let at = |part: &str| {
            pane.find(part)
                .unwrap_or_else(|| panic!("{pod}: {part:?} in\n{pane}"))
        };
        // Before the lines there for completeness, which a taller pane adds below.
        assert!(at(reason) < at("generation "), "{pod}: {pane}");
    }
}
