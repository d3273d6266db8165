//! The editor warns that a VPA in Recreate, InPlaceOrRecreate or Auto mode will overwrite a
//! manual change (issue #12), matching the pod to the VPA through its ReplicaSet's Deployment;
//! in Off or Initial mode, or for a pod the VPA does not cover, it says nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::decide::vpa::{TargetRef, Vpa, VpaSnapshot};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::model::pods::row::Owner;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WARNING: &str = "will overwrite a manual change";

fn owner(kind: &str, name: &str) -> Owner {
    Owner {
        kind: kind.into(),
        name: name.into(),
    }
}

/// The editor's screen for a pod of ReplicaSet `web-7d9f` with a VPA on Deployment `target`.
fn editor_screen(mode: &str, target: &str) -> String {
    let header = HeaderInfo {
        context: "t".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
    let mut row = common::fixture_row("real-1.35-none.json");
    row.namespace = "shop".into();
    row.owner = Some(owner("ReplicaSet", "web-7d9f"));
    let snapshot = VpaSnapshot {
        vpas: vec![Vpa {
            namespace: "shop".into(),
            name: "web-vpa".into(),
            target: TargetRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                name: target.into(),
            },
            update_mode: mode.into(),
            containers: Vec::new(),
        }],
        rs_owners: vec![("shop".into(), "web-7d9f".into(), owner("Deployment", "web"))],
    };
    let now = Utc::now();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset([row])),
        now,
    );
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Vpas(Box::new(snapshot))),
        now,
    );
    s.refresh_index();
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)),
        now,
    );
    assert!(s.editor.is_some(), "the editor opened");
    let mut terminal = Terminal::new(TestBackend::new(160, 40)).unwrap();
    let theme = podsize::theme::Theme::default();
    terminal
        .draw(|f| podsize::ui::draw(f, &s, now, &theme))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..40)
        .map(|y| {
            (0..160)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn modes_that_update_running_pods_warn_in_the_editor() {
    for mode in ["Recreate", "InPlaceOrRecreate", "Auto"] {
        let text = editor_screen(mode, "web");
        assert!(text.contains(WARNING), "{mode}:\n{text}");
        assert!(
            text.contains(&format!("VPA web-vpa is in {mode} mode")),
            "{text}"
        );
    }
}

#[test]
fn recommend_only_modes_and_other_targets_do_not_warn() {
    for mode in ["Off", "Initial"] {
        let text = editor_screen(mode, "web");
        assert!(!text.contains(WARNING), "{mode}:\n{text}");
    }
    let text = editor_screen("Auto", "another-deployment");
    assert!(!text.contains(WARNING), "{text}");
}
