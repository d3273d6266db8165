//! `m` on a Deferred container (or on an edit the editor predicts Deferred): the make-room plan
//! as an overlay. Enter sends it all or nothing (the event loop dry-runs every shrink before
//! sending any, and puts back what was sent if one is refused), then the edit it made room
//! for; the shrinks and then the waiting resize are followed by trackers.

use super::keymap::{MAKE_ROOM, MakeRoomCommand, lookup};
use super::state::AppState;
use super::update::{Effect, MakeRoomBatch, MakeRoomSent};
use crate::model::decide::make_room::{
    ContainerKey, MARGIN_PERCENT, Outcome, Plan, RoomOptions, RoomRequest, enough_history,
    floor_of, make_room,
};
use crate::model::decide::rightsizing::recommend_container;
use crate::model::ground::figures::{cpu_figure, memory_figure};
use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::row::PodKey;
use crate::model::pods::tracking::Tracker;
use crate::model::rules::plan::ResizePlan;
use crate::model::{PodRow, ResizeState};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub struct MakeRoomOverlay {
    pub outcome: Outcome,
    /// The edit to send once the room is made (`m` from the editor).
    pub then: Option<ResizePlan>,
    /// Sent and waiting for the server's answers.
    pub sent: bool,
    /// What happened, once the answers are in: text and whether it is an error.
    pub result: Option<(String, bool)>,
}

fn amounts(v: CpuMem) -> String {
    let mut parts = Vec::new();
    if let Some(c) = v.cpu_millis.filter(|c| *c != 0) {
        parts.push(format!("cpu {}", cpu_figure(c)));
    }
    if let Some(m) = v.memory_bytes.filter(|m| *m != 0) {
        parts.push(format!("memory {}", memory_figure(m)));
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

pub fn requests_text(spec: &ResourceSpec) -> String {
    let r = spec.effective_requests();
    format!(
        "cpu {} memory {}",
        r.cpu_millis.map_or("-".into(), cpu_canonical),
        r.memory_bytes.map_or("-".into(), memory_canonical)
    )
}

/// The plan as the user reads it before confirming (TUI overlay and `podsize make-room`).
pub fn plan_lines(plan: &Plan) -> Vec<String> {
    let mut lines = vec![format!(
        "make room on node {} for {}/{} container {}: missing {} (aiming for {} with the margin)",
        plan.node,
        plan.namespace,
        plan.pod,
        plan.container,
        amounts(plan.missing),
        amounts(plan.target)
    )];
    for s in &plan.shrinks {
        lines.push(format!(
            "  shrink {}/{} (priority {}), one patch, frees {}:",
            s.namespace,
            s.pod,
            s.priority,
            amounts(s.freed)
        ));
        for c in &s.containers {
            let restarts = if c.restarts {
                "  [restarts the container: resizePolicy RestartContainer]"
            } else {
                ""
            };
            lines.push(format!(
                "    {} requests {} → {}{restarts}",
                c.container,
                requests_text(&c.before),
                requests_text(&c.after),
            ));
        }
        if let Some((before, after)) = &s.pod_level {
            lines.push(format!(
                "    pod-level requests {} → {}",
                requests_text(before),
                requests_text(after)
            ));
        }
    }
    lines.push(format!(
        "frees {} in all, {}; each keeps its original values in {} to be given back",
        amounts(plan.freed),
        crate::model::ground::figures::counted(plan.pod_count(), "pod", "pods"),
        crate::model::decide::lent::ANNOTATION
    ));
    if let Some((pod, why)) = plan.left_out.first() {
        let more = plan.left_out.len() - 1;
        let more = if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
        lines.push(format!("left out: {pod}: {why}{more}"));
    }
    lines
}

/// The overlay's text: the plan's lines (as `plan_lines`), or why there is none. The decision
/// layer words what would lift a refusal for both the CLI and the dashboard (which has no
/// flags of its own): in words, naming `podsize make-room`'s flag.
pub fn overlay_text(outcome: &Outcome) -> Result<Vec<String>, String> {
    match outcome {
        Outcome::Plan(plan) => Ok(plan_lines(plan)),
        Outcome::NoPlan(why) => Err(format!("no plan: {why}")),
    }
}

/// Floors from the same sources and rule as the REC column (VPA, Prometheus, live samples),
/// so a make-room shrink never goes below what right-sizing would propose.
/// A container whose history is too thin to shrink on gets no floor (never shrunk).
fn floors(state: &AppState, pods: &[PodRow], now: DateTime<Utc>) -> HashMap<ContainerKey, CpuMem> {
    let mut out = HashMap::new();
    let minor = |p: &PodRow| state.cluster(p.cluster).header.minor.unwrap_or(35);
    for pod in pods {
        let key = pod.pod_key();
        for c in &pod.containers {
            let Some(usage) = super::rightsizing::usage_with(state, &key, &c.name, now, 1) else {
                continue;
            };
            if enough_history(&usage, state.make_room_gate).is_err() {
                continue;
            }
            let rec = recommend_container(c, &usage, minor(pod), &state.rightsizing_policy);
            let k = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            out.insert(k, floor_of(Some(&rec), Some(&usage), MARGIN_PERCENT));
        }
    }
    out
}

/// The plan for `pod` as it stands (its desired values are those the resize waits for).
pub(super) fn plan_for(
    state: &AppState,
    pod: &PodRow,
    container: &str,
    now: DateTime<Utc>,
) -> Outcome {
    let nodes = &state.cluster(pod.cluster).nodes;
    let Some(node) = pod.node.as_ref().and_then(|n| nodes.get(n)) else {
        return Outcome::NoPlan(format!("the node of {} is not known", pod.name));
    };
    let here: Vec<PodRow> = state
        .pods_of(pod.cluster)
        .filter(|p| p.node.as_deref() == Some(node.name.as_str()))
        .cloned()
        .collect();
    let floors = floors(state, &here, now);
    // A victim whose shrink the preflight refuses (a LimitRange min or ratio, a quota without
    // `used`) is left out with the server's text, and the plan made again without it.
    let mut protected = HashMap::new();
    loop {
        let outcome = make_room(&RoomRequest {
            node,
            waiting: pod,
            container,
            pods: &here,
            floors: &floors,
            protected: &protected,
            server: state.server_of(pod.cluster),
            margin_percent: MARGIN_PERCENT,
            options: RoomOptions::default(),
        });
        let Outcome::Plan(plan) = &outcome else {
            return outcome;
        };
        let refused = super::preflight::shrink_refusals(state, plan);
        if refused.is_empty() || refused.iter().any(|(k, _)| protected.contains_key(k)) {
            return outcome;
        }
        protected.extend(refused);
    }
}

/// Shows `outcome` in the overlay; `then` is sent after the plan.
pub(super) fn show(state: &mut AppState, outcome: Outcome, then: Option<ResizePlan>) {
    state.make_room = Some(MakeRoomOverlay {
        outcome,
        then,
        sent: false,
        result: None,
    });
    state.dirty = true;
}

/// Opens the overlay for the selected container.
pub fn open(state: &mut AppState, now: DateTime<Utc>) {
    if state.readonly() {
        state.set_status("read-only mode: make-room is disabled", true);
        return;
    }
    let Some((pod, container)) = state.edit_target() else {
        return;
    };
    let pod = pod.clone();
    let outcome = if matches!(pod.state, ResizeState::Deferred(_)) {
        plan_for(state, &pod, &container, now)
    } else {
        Outcome::NoPlan(format!(
            "nothing waits: the resize of {}/{} is not deferred ({})",
            pod.namespace,
            pod.name,
            pod.state.words()
        ))
    };
    show(state, outcome, None);
}

/// `m` on the review of an edit predicted Deferred: the plan for the pod as the edit would
/// leave it; the edit is sent once the room is made.
pub fn open_for_edit(state: &mut AppState, edit: ResizePlan, now: DateTime<Utc>) {
    let key = PodKey::new(edit.cluster, &edit.namespace, &edit.pod);
    let Some(mut pod) = state.pods.get(&key).cloned() else {
        return;
    };
    if let Some(c) = pod.containers.iter_mut().find(|c| c.name == edit.container) {
        c.desired = edit.new_spec;
    }
    let outcome = plan_for(state, &pod, &edit.container, now);
    show(state, outcome, Some(edit));
}

pub fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = state.make_room.as_mut() else {
        return Vec::new();
    };
    state.dirty = true;
    match (lookup(MAKE_ROOM, key), &overlay.outcome) {
        (Some(MakeRoomCommand::Send), Outcome::Plan(plan)) if !overlay.sent => {
            overlay.sent = true;
            let batch = MakeRoomBatch {
                plan: plan.clone(),
                then: overlay.then.clone(),
            };
            vec![Effect::MakeRoom(Box::new(batch))]
        }
        (Some(MakeRoomCommand::Close), _) => {
            state.make_room = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn track(
    state: &mut AppState,
    row: &PodRow,
    container: &str,
    generation: Option<i64>,
    now: DateTime<Utc>,
) {
    let restarts = row.container(container).map_or(0, |c| c.restart_count);
    let mut t = Tracker::new(row, container, generation, restarts, now);
    // The waiting pod's Deferred state answers its current generation: not an old request's.
    t.pending_before = None;
    t.observe(row, now);
    state.follow(t);
}

/// What sending the plan (and the edit after it) did.
pub fn on_sent(state: &mut AppState, sent: MakeRoomSent, now: DateTime<Utc>) {
    let Some(mut overlay) = state.make_room.take() else {
        return;
    };
    let Outcome::Plan(plan) = overlay.outcome.clone() else {
        state.make_room = Some(overlay);
        return;
    };
    let (text, error) = match &sent.report {
        Err(why) => (why.clone(), true),
        Ok(report) if !report.complete() => (format!("not sent: {}", report.describe()), true),
        Ok(report) => {
            for (i, accepted) in &report.sent {
                // The server's answer comes from the cluster layer, which does not know its cluster.
                let mut row = accepted.row.clone();
                row.cluster = plan.cluster;
                let first = plan.shrinks[*i].containers.first();
                let container = first.map_or(plan.container.clone(), |c| c.container.clone());
                track(state, &row, &container, accepted.generation, now);
            }
            follow_waiting(state, &plan, &sent, now)
        }
    };
    state.set_status(text.clone(), error);
    overlay.result = Some((text, error));
    state.make_room = Some(overlay);
}

/// Follows the waiting resize (or the edit sent after the room was made).
fn follow_waiting(
    state: &mut AppState,
    plan: &Plan,
    sent: &MakeRoomSent,
    now: DateTime<Utc>,
) -> (String, bool) {
    let count = crate::model::ground::figures::counted(plan.shrinks.len(), "shrink", "shrinks");
    match &sent.then {
        Some((_, Err(e))) => (
            format!("{count} sent, but the edit was refused: {}", e.message),
            true,
        ),
        Some((edit, Ok(accepted))) => {
            let mut row = accepted.row.clone();
            row.cluster = plan.cluster;
            track(state, &row, &edit.container, accepted.generation, now);
            (
                format!("{count} sent, then the edit; following it until it is done"),
                false,
            )
        }
        None => {
            let key = PodKey::new(plan.cluster, &plan.namespace, &plan.pod);
            if let Some(row) = state.pods.get(&key).cloned() {
                track(state, &row, &plan.container, row.generation, now);
            }
            (
                format!("{count} sent; following the waiting resize until it is done"),
                false,
            )
        }
    }
}

#[cfg(test)]
#[path = "nodes_make_room_tests.rs"]
mod tests;
