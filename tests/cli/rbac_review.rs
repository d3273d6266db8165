//! Permissions before editing (issue #16.2): podsize asks the server what the identity may do,
//! the header says "read-only (RBAC)" for a viewer, and no plan can be sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cluster::access::resize_denial;
use podsize::cluster::capabilities::Capabilities;
use podsize::model::pods::events::{ClusterEvent, Scope};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use simcluster::{Identity, SimCluster, SimConfig};

#[tokio::test]
async fn the_server_says_the_viewer_may_not_resize_and_the_admin_may() {
    // real-apiserver-facts.md, third round: with the built-in view role, patch on pods/resize
    // is not allowed; the sim answers access reviews from the same rules.
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    let admin = sim.client(Identity::Admin).await.unwrap();
    let viewer = sim.client(Identity::Viewer).await.unwrap();
    let caps = Capabilities::detect(&admin).await.unwrap();
    assert_eq!(
        resize_denial(&admin, &caps, Some("default")).await.unwrap(),
        None
    );
    let denied = resize_denial(&viewer, &caps, Some("default"))
        .await
        .unwrap();
    assert_eq!(
        denied.as_deref(),
        Some(
            "read-only (RBAC): this identity may not patch pods/resize in the namespace \"default\""
        )
    );
}

fn key(s: &mut AppState, code: KeyCode) {
    update(
        s,
        Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Utc::now(),
    );
}

#[test]
fn a_denied_identity_sees_read_only_rbac_and_cannot_send() {
    let header = HeaderInfo {
        context: "sim-viewer".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset([common::fixture_row(
            "real-1.35-none.json",
        )])),
        Utc::now(),
    );
    let reason =
        "read-only (RBAC): this identity may not patch pods/resize in the namespace \"shop\"";
    update(
        &mut s,
        Action::Cluster(ClusterEvent::ResizePermission {
            denied: Some(reason.into()),
        }),
        Utc::now(),
    );
    s.refresh_index();
    let mut terminal = Terminal::new(TestBackend::new(160, 20)).unwrap();
    let theme = podsize::theme::Theme::default();
    terminal
        .draw(|f| podsize::ui::draw(f, &s, Utc::now(), &theme))
        .unwrap();
    let first_line: String = (0..160)
        .map(|x| terminal.backend().buffer()[(x, 0)].symbol().to_string())
        .collect();
    assert!(first_line.contains("read-only (RBAC)"), "{first_line}");
    key(&mut s, KeyCode::Char('e'));
    let plan = s
        .editor
        .as_ref()
        .and_then(|e| e.plan.clone())
        .expect("the editor opens and shows why it cannot send");
    assert!(!plan.is_sendable());
    assert!(
        plan.errors.iter().any(|e| e.message == reason),
        "{:?}",
        plan.errors
    );
}
