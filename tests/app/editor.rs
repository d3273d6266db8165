//! The resize editor as a pure state machine: keys in, plan and effects out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::keys::{key, typed};

use chrono::Utc;
use crossterm::event::KeyCode;
use podsize::app::editor::Stage;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, Effect, update};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, NodeInfo, Scope};
use podsize::model::pods::tracking::Stage as TrackStage;
use podsize::model::rules::plan::{Accepted, ResizeRejected};

fn state(readonly: bool) -> AppState {
    let header = HeaderInfo {
        context: "t".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly,
    };
    let mut s = AppState::new(header, Scope::default());
    let mut pod = common::fixture_row("real-1.35-deferred.json");
    pod.namespace = "shop".into();
    pod.name = "catalog".into();
    pod.node = Some("node-1".into());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(vec![pod])),
        Utc::now(),
    );
    update(
        &mut s,
        Action::Cluster(ClusterEvent::NodesReset(vec![NodeInfo {
            name: "node-1".into(),
            allocatable: CpuMem {
                cpu_millis: Some(4000),
                memory_bytes: Some(8 << 30),
            },
        }])),
        Utc::now(),
    );
    s.refresh_index();
    s
}

/// The server's answer to the editor's own plan.
fn answer(s: &AppState, result: Result<Accepted, ResizeRejected>) -> Action {
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    Action::ResizeResults(vec![(plan, result)])
}

#[test]
fn edit_confirm_submit() {
    let mut s = state(false);
    key(&mut s, KeyCode::Down); // istio-proxy
    key(&mut s, KeyCode::Char('e'));
    let editor = s.editor.as_ref().expect("editor open");
    assert_eq!(editor.container, "istio-proxy");
    assert_eq!(
        editor.inputs,
        ["100m", "500m", "128Mi", "256Mi"].map(String::from)
    );
    typed(&mut s, "+50%"); // the first key replaces the pre-filled value
    assert_eq!(s.editor.as_ref().unwrap().inputs[0], "+50%");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    assert_eq!(plan.new_spec.requests.cpu_millis, Some(150));
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.editor.as_ref().unwrap().stage, Stage::Confirm);
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(effects.len(), 1);
    let Effect::SubmitResizes(plans) = &effects[0] else {
        panic!("{effects:?}")
    };
    let sent = &plans[0];
    assert_eq!(
        sent.patch["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "150m"
    );
    assert_eq!(s.editor.as_ref().unwrap().stage, Stage::Sending);

    // The server accepts: the editor closes and the resize is followed.
    let mut row = s.pods.values().next().unwrap().clone();
    row.generation = Some(3);
    row.refresh_states();
    let action = answer(
        &s,
        Ok(Accepted {
            row,
            generation: Some(3),
        }),
    );
    update(&mut s, action, Utc::now());
    assert!(s.editor.is_none());
    assert_eq!(s.trackers.len(), 1);
    assert_eq!(s.trackers[0].stage, TrackStage::Submitted);
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("accepted (generation 3)")
    );
}

#[test]
fn invalid_input_blocks_enter_and_names_the_problem() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('e'));
    typed(&mut s, "lots");
    let editor = s.editor.as_ref().unwrap();
    assert!(
        editor.input_errors[0]
            .as_ref()
            .unwrap()
            .contains("\"lots\"")
    );
    assert!(editor.plan.is_none());
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(s.editor.as_ref().unwrap().stage, Stage::Editing);
    // ~ resets the field, Tab moves on, a limit below the request is refused with the server text.
    typed(&mut s, "~");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "100m");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert!(
        plan.errors.iter().any(|e| e
            .message
            .contains("must be less than or equal to cpu limit of 100m")),
        "{:?}",
        plan.errors
    );
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.editor.as_ref().unwrap().stage, Stage::Editing);
}

#[test]
fn the_editor_predicts_from_node_room() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('e'));
    typed(&mut s, "3");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "3");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert_eq!(
        plan.prediction,
        podsize::model::rules::plan::Prediction::FitsNow,
        "3.1 cpu of 4 on an empty node"
    );
    key(&mut s, KeyCode::BackTab);
    typed(&mut s, "5");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "5");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert!(matches!(
        plan.prediction,
        podsize::model::rules::plan::Prediction::Infeasible { .. }
    ));
}

#[test]
fn a_refusal_keeps_the_form_and_shows_the_server_text() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('e'));
    typed(&mut s, "600m");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter);
    let message = "pods \"catalog\" is forbidden: User \"viewer\" cannot patch resource \"pods/resize\" in API group \"\" in the namespace \"shop\"";
    let action = answer(
        &s,
        Err(ResizeRejected {
            code: Some(403),
            reason: "Forbidden".into(),
            message: message.into(),
        }),
    );
    update(&mut s, action, Utc::now());
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(editor.stage, Stage::Editing);
    assert_eq!(editor.server_error.as_deref(), Some(message));
    assert_eq!(editor.inputs[0], "600m", "nothing typed is lost");
    assert!(s.status.as_ref().unwrap().error);
}

#[test]
fn esc_cancels_and_read_only_never_opens() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('e'));
    assert!(s.editor.is_some());
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(s.editor.is_none());

    let mut ro = state(true);
    for k in [KeyCode::Char('e'), KeyCode::Enter] {
        assert!(key(&mut ro, k).is_empty());
        assert!(ro.editor.is_none());
    }
    assert!(ro.status.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn stuck_resizes_are_flagged_with_known_causes() {
    let mut s = state(false);
    key(&mut s, KeyCode::Char('e'));
    typed(&mut s, "600m");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter);
    let mut row = s.pods.values().next().unwrap().clone();
    row.observed_generation = Some(3);
    row.generation = Some(3);
    // The kubelet took it (allocated), the runtime never reports the new value.
    let c = row
        .containers
        .iter_mut()
        .find(|c| c.name == "admin-ui")
        .unwrap();
    c.state = podsize::model::ResizeState::InProgress;
    row.state = podsize::model::ResizeState::InProgress;
    let t0 = Utc::now();
    let action = answer(
        &s,
        Ok(Accepted {
            row,
            generation: Some(3),
        }),
    );
    update(&mut s, action, t0);
    assert_eq!(s.trackers[0].stage, TrackStage::InProgress);
    update(&mut s, Action::Tick, t0 + chrono::TimeDelta::seconds(30));
    assert!(
        !s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("possibly stuck"))
    );
    update(&mut s, Action::Tick, t0 + chrono::TimeDelta::minutes(3));
    let status = &s.status.as_ref().unwrap().text;
    assert!(
        status.contains("possibly stuck") && status.contains("containerd"),
        "{status}"
    );
}

#[test]
fn marked_pods_get_the_same_relative_change() {
    let header = HeaderInfo {
        context: "t".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
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
    key(&mut s, KeyCode::Char('p')); // one row per pod
    key(&mut s, KeyCode::Char(' ')); // mark a, moves to b
    key(&mut s, KeyCode::Char(' ')); // mark b, moves to c
    assert_eq!(s.marked.len(), 2);
    key(&mut s, KeyCode::Char('g'));
    key(&mut s, KeyCode::Char('e')); // editor on a's first container
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(editor.container, "admin-ui");
    assert_eq!(
        editor.batch_targets,
        vec![podsize::model::pods::row::PodKey::new(0, "shop", "b")]
    );
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "x2"); // cpu limit 2 → 4 in each marked pod
    key(&mut s, KeyCode::Enter);
    let effects = key(&mut s, KeyCode::Enter);
    let Effect::SubmitResizes(plans) = &effects[0] else {
        panic!("{effects:?}")
    };
    let pods: Vec<&str> = plans.iter().map(|p| p.pod.as_str()).collect();
    assert_eq!(pods, ["a", "b"]);
    assert!(
        plans
            .iter()
            .all(|p| p.new_spec.limits.cpu_millis == Some(4000))
    );
    // One accepted, one refused: the refusal is named, the form stays.
    let ok = Accepted {
        row: s.pods[&podsize::model::pods::row::PodKey::new(0, "shop", "a")].clone(),
        generation: Some(3),
    };
    let refused = ResizeRejected {
        code: Some(404),
        reason: "NotFound".into(),
        message: "pods \"b\" not found".into(),
    };
    let action = Action::ResizeResults(vec![
        (plans[0].clone(), Ok(ok)),
        (plans[1].clone(), Err(refused)),
    ]);
    update(&mut s, action, Utc::now());
    let status = &s.status.as_ref().unwrap().text;
    assert!(
        status.contains("1 of 2 refused") && status.contains("pods \"b\" not found"),
        "{status}"
    );
    assert_eq!(s.trackers.len(), 1);
    assert!(s.editor.is_some());
}

/// The first-minute walk (issue #30, second round): a change predicted Deferred says "m on
/// the review: make room for it", and the review's hints then said only "any other key
/// back". They name `m` now, and `m` does what they say.
#[test]
fn the_review_of_a_deferred_change_names_m_for_make_room() {
    let mut s = state(false);
    let catalog = s.pods.values().next().unwrap().clone();
    let mut neighbour = catalog.clone();
    neighbour.name = "neighbour".into();
    neighbour.uid = "neighbour-uid".into();
    // node-1 has 4 cores; the neighbour holds at least 350m (its allocated values).
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(vec![catalog, neighbour])),
        Utc::now(),
    );
    s.refresh_index();
    key(&mut s, KeyCode::Char('e'));
    assert_eq!(s.editor.as_ref().unwrap().pod, "catalog");
    typed(&mut s, "3800m");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "3800m");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert!(
        matches!(
            plan.prediction,
            podsize::model::rules::plan::Prediction::Deferred { .. }
        ),
        "3.9 of 4 cores with 350m taken: {:?}",
        plan.prediction
    );
    key(&mut s, KeyCode::Enter);
    let text = common::screen::text(&common::screen::render(
        &s,
        120,
        40,
        &podsize::theme::Theme::default(),
    ));
    assert!(text.contains("m on the review: make room for it"), "{text}");
    // What must fit is the whole pod (3.8 + 100m), not the change: the prediction says so.
    assert!(
        text.contains("will be Deferred (pod needs cpu 3.9 of "),
        "{text}"
    );
    assert!(text.contains("· m make room first ·"), "{text}");
    key(&mut s, KeyCode::Char('m'));
    assert!(
        s.make_room.is_some(),
        "m on the review opens the make-room plan"
    );
}
