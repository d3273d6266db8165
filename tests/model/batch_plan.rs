//! Batch resize planning: only the fields the user changed reach the marked pods, relative to
//! each pod's own values, and pods the change cannot apply to are listed with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::batch::plan_batch;
use podsize::app::editor::PlanContext;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, Effect, update};
use podsize::model::PodRow;
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, Scope};
use serde_json::json;

const MI: i64 = 1 << 20;

/// The fixture pod with its istio-proxy container set to these cpu/memory values.
fn pod(name: &str, cpu: (i64, Option<i64>), memory: (i64, i64)) -> PodRow {
    let mut row = common::fixture_row("real-1.35-deferred.json");
    row.namespace = "shop".into();
    row.name = name.into();
    let c = row
        .containers
        .iter_mut()
        .find(|c| c.name == "istio-proxy")
        .unwrap();
    c.desired.requests = CpuMem {
        cpu_millis: Some(cpu.0),
        memory_bytes: Some(memory.0 * MI),
    };
    c.desired.limits = CpuMem {
        cpu_millis: cpu.1,
        memory_bytes: Some(memory.1 * MI),
    };
    row
}

fn context(pod: &PodRow) -> PlanContext<'_> {
    PlanContext {
        pod,
        server: podsize::model::rules::plan::Server::with_minor(35),
        node: None,
        others_on_node: CpuMem::ZERO,
    }
}

/// The editor's inputs as they read after opening on the edited pod (100m/400m, 128Mi/256Mi)
/// and typing `x2` over the CPU limit.
fn inputs() -> [String; 4] {
    ["100m", "x2", "128Mi", "256Mi"].map(String::from)
}

const CPU_LIMIT_ONLY: [bool; 4] = [false, true, false, false];

#[test]
fn only_changed_fields_reach_a_marked_pod_relative_to_its_own_values() {
    let marked = pod("marked", (100, Some(200)), (64, 128));
    let batch = plan_batch(
        &inputs(),
        CPU_LIMIT_ONLY,
        "istio-proxy",
        &[context(&marked)],
    );
    assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
    let [plan] = batch.plans.as_slice() else {
        panic!("{batch:?}")
    };
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    assert_eq!(
        plan.new_spec.limits.cpu_millis,
        Some(400),
        "x2 of its own 200m"
    );
    assert_eq!(plan.new_spec.requests.memory_bytes, Some(64 * MI));
    assert_eq!(plan.new_spec.limits.memory_bytes, Some(128 * MI));
    assert_eq!(
        plan.patch,
        json!({"spec": {"containers": [{"name": "istio-proxy", "resources": {"limits": {"cpu": "400m"}}}]}}),
        "an unchanged field is never sent"
    );
}

#[test]
fn pods_the_change_cannot_apply_to_are_skipped_with_the_reason() {
    let mut no_such_container = pod("other-app", (100, Some(200)), (64, 128));
    for c in &mut no_such_container.containers {
        c.name = format!("{}-x", c.name);
    }
    let no_cpu_limit = pod("unbounded", (100, None), (64, 128));
    let ok = pod("fine", (100, Some(300)), (64, 128));
    let contexts = [
        context(&no_such_container),
        context(&no_cpu_limit),
        context(&ok),
    ];
    let batch = plan_batch(&inputs(), CPU_LIMIT_ONLY, "istio-proxy", &contexts);
    let planned: Vec<&str> = batch.plans.iter().map(|p| p.pod.as_str()).collect();
    assert_eq!(planned, ["fine"]);
    assert_eq!(batch.plans[0].new_spec.limits.cpu_millis, Some(600));
    let skipped: Vec<(&str, &str)> = batch
        .skipped
        .iter()
        .map(|s| (s.pod.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0].0, "other-app");
    assert!(skipped[0].1.contains("no container"), "{skipped:?}");
    assert_eq!(skipped[1].0, "unbounded");
    assert!(skipped[1].1.contains("current value"), "{skipped:?}");
}

#[test]
fn a_marked_pod_already_at_the_value_is_skipped_not_sent() {
    let same = pod("same", (100, Some(800)), (64, 128));
    let inputs = ["100m", "800m", "128Mi", "256Mi"].map(String::from);
    let batch = plan_batch(&inputs, CPU_LIMIT_ONLY, "istio-proxy", &[context(&same)]);
    assert!(batch.plans.is_empty());
    assert!(batch.skipped[0].reason.contains("nothing to change"));
}

fn key(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    let e = update(
        s,
        Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Utc::now(),
    );
    s.refresh_index();
    e
}

/// Selects the pod's istio-proxy row.
fn select(s: &mut AppState, pod: &str) {
    let row = s
        .visible()
        .iter()
        .position(|r| {
            s.row(r)
                .is_some_and(|(p, c)| p.name == pod && c.is_some_and(|c| c.name == "istio-proxy"))
        })
        .unwrap();
    s.select(row);
}

/// The reported case, through the keys: two marked pods, `x2` on the CPU limit. (The batch
/// is the marked pods — issue #30 point 11 — so both are marked.)
#[test]
fn the_dashboard_sends_each_pod_its_own_patch() {
    let header = HeaderInfo {
        context: "t".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
    let pods = vec![
        pod("a-marked", (100, Some(200)), (64, 128)),
        pod("b-edited", (100, Some(400)), (128, 256)),
    ];
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(pods)),
        Utc::now(),
    );
    s.refresh_index();
    select(&mut s, "a-marked");
    key(&mut s, KeyCode::Char(' '));
    select(&mut s, "b-edited");
    key(&mut s, KeyCode::Char(' '));
    select(&mut s, "b-edited");
    key(&mut s, KeyCode::Char('e'));
    assert_eq!(s.editor.as_ref().unwrap().container, "istio-proxy");
    key(&mut s, KeyCode::Tab);
    for c in "x2".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Enter);
    let effects = key(&mut s, KeyCode::Enter);
    let Some(Effect::SubmitResizes(plans)) = effects.first() else {
        panic!("{effects:?}")
    };
    let mut patches: Vec<(&str, serde_json::Value)> = plans
        .iter()
        .map(|p| {
            (
                p.pod.as_str(),
                p.patch["spec"]["containers"][0]["resources"].clone(),
            )
        })
        .collect();
    patches.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(
        patches,
        [
            ("a-marked", json!({"limits": {"cpu": "400m"}})),
            ("b-edited", json!({"limits": {"cpu": "800m"}})),
        ]
    );
}
