//! `m` on a Deferred container: the make-room plan as an overlay. Enter sends it as one batch
//! (the event loop dry-runs every shrink before sending any); the shrinks and then the waiting
//! resize are followed by trackers like any resize sent from the dashboard.

use super::keymap::{MAKE_ROOM, MakeRoomCommand, lookup};
use super::state::AppState;
use super::update::Effect;
use crate::model::decide::make_room::{
    ContainerKey, MARGIN_PERCENT, Outcome, Plan, RoomRequest, floor_of, make_room,
};
use crate::model::decide::rightsizing::recommend_container;
use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::row::PodKey;
use crate::model::pods::tracking::Tracker;
use crate::model::rules::plan::{Accepted, ResizePlan, ResizeRejected};
use crate::model::{PodRow, ResizeState};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub struct MakeRoomOverlay {
    pub outcome: Outcome,
    /// Sent and waiting for the server's answers.
    pub sent: bool,
    /// What happened, once the answers are in: text and whether it is an error.
    pub result: Option<(String, bool)>,
}

fn amounts(v: CpuMem) -> String {
    let mut parts = Vec::new();
    if let Some(c) = v.cpu_millis.filter(|c| *c != 0) {
        parts.push(format!("cpu {}", cpu_canonical(c)));
    }
    if let Some(m) = v.memory_bytes.filter(|m| *m != 0) {
        parts.push(format!("memory {}", memory_canonical(m)));
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
        let restarts = if s.restarts {
            "  [restarts the container: resizePolicy RestartContainer]"
        } else {
            ""
        };
        lines.push(format!(
            "  shrink {}/{} {} (priority {}): requests {} → {}, frees {}{restarts}",
            s.namespace,
            s.pod,
            s.container,
            s.priority,
            requests_text(&s.before),
            requests_text(&s.after),
            amounts(s.freed),
        ));
    }
    lines.push(format!(
        "frees {} in all, {} pod(s)",
        amounts(plan.freed),
        plan.pod_count()
    ));
    lines
}

/// Floors from the same sources and rule as the REC column (VPA, Prometheus, live samples),
/// so a make-room shrink never goes below what right-sizing would propose.
fn floors(state: &AppState, pods: &[PodRow], now: DateTime<Utc>) -> HashMap<ContainerKey, CpuMem> {
    let mut out = HashMap::new();
    let minor = |p: &PodRow| state.cluster(p.cluster).header.minor.unwrap_or(35);
    for pod in pods {
        let key = pod.pod_key();
        for c in &pod.containers {
            let Some(usage) = super::rightsizing::usage_with(state, &key, &c.name, now, 1) else {
                continue;
            };
            let rec = recommend_container(c, &usage, minor(pod), &state.rightsizing_policy);
            let k = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            out.insert(k, floor_of(Some(&rec), Some(&usage), MARGIN_PERCENT));
        }
    }
    out
}

fn plan_for(state: &AppState, pod: &PodRow, container: &str, now: DateTime<Utc>) -> Outcome {
    if !matches!(pod.state, ResizeState::Deferred(_)) {
        return Outcome::NoPlan(format!(
            "nothing waits: the resize of {}/{} is not Deferred (state: {})",
            pod.namespace,
            pod.name,
            pod.state.name()
        ));
    }
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
    make_room(&RoomRequest {
        node,
        waiting: pod,
        container,
        pods: &here,
        floors: &floors,
        server: state.server_of(pod.cluster),
        margin_percent: MARGIN_PERCENT,
    })
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
    let outcome = plan_for(state, &pod.clone(), &container, now);
    state.make_room = Some(MakeRoomOverlay {
        outcome,
        sent: false,
        result: None,
    });
    state.dirty = true;
}

pub fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = state.make_room.as_mut() else {
        return Vec::new();
    };
    state.dirty = true;
    match (lookup(MAKE_ROOM, key), &overlay.outcome) {
        (Some(MakeRoomCommand::Send), Outcome::Plan(plan)) if !overlay.sent => {
            overlay.sent = true;
            let plans: Vec<ResizePlan> = plan.shrinks.iter().map(|s| s.plan.clone()).collect();
            vec![Effect::SubmitBatch(plans)]
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

/// The server's answers to a make-room batch.
pub fn on_results(
    state: &mut AppState,
    results: Vec<(ResizePlan, Result<Accepted, ResizeRejected>)>,
    now: DateTime<Utc>,
) {
    let Some(mut overlay) = state.make_room.take() else {
        return;
    };
    let mut refused = Vec::new();
    for (plan, result) in &results {
        match result {
            Ok(a) => {
                // The server's answer comes from the cluster layer, which does not know its cluster.
                let mut row = a.row.clone();
                row.cluster = plan.cluster;
                track(state, &row, &plan.container, a.generation, now);
            }
            Err(e) => refused.push(format!("{}: {}", plan.pod, e.message)),
        }
    }
    let text = if refused.is_empty() {
        if let Outcome::Plan(p) = &overlay.outcome {
            let waiting = state
                .pods
                .get(&PodKey::new(p.cluster, &p.namespace, &p.pod))
                .cloned();
            if let Some(row) = waiting {
                track(state, &row, &p.container, row.generation, now);
            }
        }
        format!(
            "{} shrink(s) sent; following the waiting resize until it is done",
            results.len()
        )
    } else {
        format!("not all sent: {}", refused.join("; "))
    };
    state.set_status(text.clone(), !refused.is_empty());
    overlay.result = Some((text, !refused.is_empty()));
    state.make_room = Some(overlay);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::HeaderInfo;
    use crate::app::update::{Action, update};
    use crate::model::decide::node_room::tests::{deferred, node, pod, row};
    use crate::model::pods::events::{ClusterEvent, PodUsage, Scope};
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(c: char) -> Action {
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn usage(name: &str, cpu: i64) -> PodUsage {
        PodUsage {
            namespace: "ns".into(),
            name: name.into(),
            containers: vec![(
                "c".into(),
                CpuMem {
                    cpu_millis: Some(cpu),
                    memory_bytes: Some(1 << 20),
                },
            )],
        }
    }

    /// The scene on `cluster` of a state with `clusters` clusters, each holding the same pods
    /// and node names: the plan must count and send only the selected pod's cluster.
    fn make_room_on(cluster: crate::model::pods::row::ClusterId, clusters: usize) {
        let now = Utc::now();
        let headers = vec![HeaderInfo::default(); clusters];
        let mut state = AppState::with_clusters(headers, Scope::default());
        let mut low = pod("low", "n", (2000, 256), (2000, 256), (2000, 256));
        low["spec"]["priority"] = serde_json::json!(-10);
        let waiting = || {
            row(deferred(pod(
                "w",
                "n",
                (3000, 256),
                (1000, 256),
                (1000, 256),
            )))
        };
        for c in 0..clusters {
            let c = crate::model::pods::row::ClusterId::try_from(c).unwrap_or_default();
            let rows = vec![waiting(), row(low.clone())];
            let at = |event| Action::ClusterOf(c, event);
            update(&mut state, at(ClusterEvent::pods_reset(rows)), now);
            let nodes = vec![node("n", 4000, 8192)];
            update(&mut state, at(ClusterEvent::NodesReset(nodes)), now);
            let readings = vec![usage("low", 100), usage("w", 900)];
            update(&mut state, at(ClusterEvent::Usage(Some(readings))), now);
        }
        state.refresh_index();
        // Rows sort by name within the namespace, cluster by cluster: low, w, low, w …
        for _ in 0..usize::from(cluster) * 2 {
            update(&mut state, key('j'), now);
        }
        state.refresh_index();
        let target = state
            .edit_target()
            .map(|(p, _)| (p.cluster, p.name.clone()));
        assert_eq!(target, Some((cluster, "low".to_string())));
        update(&mut state, key('j'), now);
        update(&mut state, key('m'), now);
        let Some(Outcome::Plan(plan)) = state.make_room.as_ref().map(|o| o.outcome.clone()) else {
            panic!("no plan: {:?}", state.make_room);
        };
        assert_eq!(plan.cluster, cluster);
        assert_eq!(
            plan.shrinks.len(),
            1,
            "only its own cluster's pods give room"
        );
        assert_eq!(plan.shrinks[0].pod, "low");
        let effects = update(&mut state, key('y'), now);
        let sent = match effects.as_slice() {
            [Effect::SubmitBatch(p)] if p.len() == 1 => p.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(sent[0].cluster, cluster, "sent to the pod's own cluster");
        // A second confirmation sends nothing more.
        assert!(update(&mut state, key('y'), now).is_empty());
        // The server's answer (its row as the cluster layer decodes it, cluster 0) is followed
        // as a pod of the plan's cluster.
        let answer = Accepted {
            row: row(low.clone()),
            generation: Some(2),
        };
        let results = vec![(sent[0].clone(), Ok(answer))];
        update(&mut state, Action::ResizeResults(results), now);
        assert!(!state.trackers.is_empty());
        assert!(state.trackers.iter().all(|t| t.cluster == cluster));
    }

    #[test]
    fn m_on_a_deferred_container_previews_then_sends_one_batch() {
        make_room_on(0, 1);
    }

    #[test]
    fn make_room_in_the_second_of_two_clusters_counts_and_sends_only_there() {
        make_room_on(1, 2);
    }
}
