//! The pod row (`p`, issue #30): a pod with pod-level `spec.resources` shows those, the
//! bounds the scheduler and the kubelet count, not its containers' sums.

use crate::common::{self, screen};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::{Action, AppState, update};
use podsize::model::ground::resources::{CpuMem, ResourceSpec};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::theme::Theme;

fn per_pod_screen(row: podsize::model::PodRow) -> String {
    let mut s = AppState::new(screen::admin_header(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset([row])),
        screen::now(),
    );
    s.refresh_index();
    let p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE);
    update(&mut s, Action::Key(p), screen::now());
    s.refresh_index();
    screen::text(&screen::render(&s, 200, 12, &Theme::default()))
}

fn row_of<'a>(screen: &'a str, pod: &str) -> &'a str {
    screen.lines().find(|l| l.contains(pod)).unwrap_or_default()
}

#[test]
fn the_pod_row_shows_pod_level_resources_where_the_pod_has_them() {
    let mut row = common::fixture_row("real-1.35-none.json");
    row.name = "pl".into();
    let plain = per_pod_screen(row.clone());
    assert!(row_of(&plain, " pl ").contains("512Mi"), "{plain}");
    row.pod_resources = Some(ResourceSpec {
        requests: CpuMem {
            cpu_millis: Some(3000),
            memory_bytes: Some(3 << 30),
        },
        limits: CpuMem {
            cpu_millis: Some(4000),
            memory_bytes: Some(4 << 30),
        },
    });
    let screen = per_pod_screen(row);
    let line = row_of(&screen, " pl ");
    assert!(line.contains("pod-level"), "{screen}");
    assert!(line.contains("3Gi") && line.contains("4Gi"), "{screen}");
    assert!(!line.contains("512Mi"), "the containers' sums: {screen}");
}

/// At 80 columns the pod row's CONTAINER cell read `1 contai…`: a pod of one container is
/// named by it, several are counted in a form that fits (`4 ctrs`).
#[test]
fn the_pod_row_says_its_containers_in_a_form_that_fits_80_columns() {
    let mut s = AppState::new(screen::admin_header(), Scope::default());
    let event = ClusterEvent::pods_reset(common::every_state_rows());
    update(&mut s, Action::Cluster(event), screen::now());
    s.refresh_index();
    let p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE);
    update(&mut s, Action::Key(p), screen::now());
    s.refresh_index();
    let screen = screen::text(&screen::render(&s, 80, 24, &Theme::default()));
    assert!(!screen.contains("contai…"), "{screen}");
    let settled = row_of(&screen, "web-settled");
    assert!(
        settled.contains(" admin-ui "),
        "one container, named: {screen}"
    );
    let sidecar = row_of(&screen, "shipper-sidecar");
    assert!(
        sidecar.contains(" 4 ctrs "),
        "four containers, counted: {screen}"
    );
}
