//! How the app takes what the cluster tells it: rows, nodes, usage, VPAs and long-window
//! figures change the state; resizes sent from this session are followed as their pods change.

use super::state::AppState;
use super::update::start_rotation;
use crate::model::events::{ClusterEvent, Connection};
use crate::model::tracking::Stage;
use chrono::{DateTime, Utc};

/// Feeds a new version of a pod to the resizes followed from this session.
fn follow_trackers(state: &mut AppState, row: &crate::model::PodRow, now: DateTime<Utc>) {
    let mut news = None;
    for tracker in state.trackers.iter_mut() {
        if tracker.observe(row, now) {
            news = Some(tracker.summary(now));
        }
    }
    if let Some(text) = news {
        let failed = state.trackers.iter().any(|t| {
            matches!(t.stage, Stage::Infeasible(_) | Stage::Error(_)) && t.pod == row.name
        });
        state.set_status(text, failed);
    }
    // Finished resizes stay visible in the status line; keep the list short.
    if state.trackers.len() > 32 {
        state.trackers.retain(|t| !t.stage.is_final());
    }
}

pub(super) fn on_cluster(state: &mut AppState, event: ClusterEvent, now: DateTime<Utc>) {
    // Not data about pods either: the data's age stays as it is.
    let event = match event {
        ClusterEvent::Vpas(snap) => {
            state.vpas = super::vpa::VpaIndex::from_snapshot(*snap);
            // VPA targets come first in the recommendation's source order.
            super::rightsizing::refresh_all(state, now);
            state.dirty = true;
            return;
        }
        other => other,
    };
    if let ClusterEvent::ResizePermission { denied } = event {
        // Not data about pods: the data's age stays as it is.
        if state.header.rbac_denied != denied {
            state.header.rbac_denied = denied;
            state.replan_editor();
            state.dirty = true;
        }
        return;
    }
    state.last_data = Some(now);
    match event {
        ClusterEvent::ListStarted => super::loading::started(state),
        ClusterEvent::ListBatch(rows) => super::loading::batch(state, rows),
        ClusterEvent::ListDone => {
            if super::loading::done(state) {
                start_rotation(state);
            }
        }
        ClusterEvent::PodsReset(rows) => {
            state.pods = rows;
            state.loading = None;
            state.synced = true;
            state.connection = Connection::Connected;
            state.pods_changed();
            start_rotation(state);
        }
        ClusterEvent::PodApplied(row) => {
            follow_trackers(state, &row, now);
            if let Some(wall) = state.wall.as_mut() {
                wall.changed
                    .insert((row.namespace.clone(), row.name.clone()), now);
            }
            let edited = state
                .editor
                .as_ref()
                .is_some_and(|e| e.namespace == row.namespace && e.pod == row.name);
            let key = (row.namespace.clone(), row.name.clone());
            state.pods.insert(key.clone(), *row);
            // A new spec changes what the recommendation proposes.
            if state.rightsizing.contains_key(&key) || state.long_usage.contains_key(&key) {
                super::rightsizing::refresh_pod(state, &key, now);
            }
            state.pods_changed();
            if edited {
                // The pod under edit changed: plan against its new values.
                state.replan_editor();
            }
        }
        ClusterEvent::PodDeleted { namespace, name } => {
            let key = (namespace, name);
            state.usage_history.remove(&key);
            state.rightsizing.remove(&key);
            if state.pods.remove(&key).is_some() {
                state.pods_changed();
            }
        }
        ClusterEvent::NodesReset(nodes) => {
            state.nodes = nodes.into_iter().map(|n| (n.name.clone(), n)).collect();
        }
        ClusterEvent::NodeApplied(node) => {
            state.nodes.insert(node.name.clone(), node);
        }
        ClusterEvent::NodeDeleted(name) => {
            state.nodes.remove(&name);
        }
        ClusterEvent::Connection(conn) => {
            if state.connection != conn {
                state.connection = conn;
                state.dirty = true;
            }
        }
        ClusterEvent::Usage(usage) => {
            if let Some(list) = &usage {
                record_usage(state, list, now);
                for pod in list {
                    let key = (pod.namespace.clone(), pod.name.clone());
                    super::rightsizing::refresh_pod(state, &key, now);
                }
                state.verdicts_changed();
            }
            state.usage = usage.map(|list| {
                list.into_iter()
                    .map(|u| ((u.namespace.clone(), u.name.clone()), u))
                    .collect()
            });
            state.dirty = true;
        }
        ClusterEvent::LongUsage(Ok(found)) => {
            let keys: Vec<super::view::PodKey> = found
                .keys()
                .chain(state.long_usage.keys())
                .cloned()
                .collect();
            state.long_usage = found;
            for key in keys {
                super::rightsizing::refresh_pod(state, &key, now);
            }
            state.verdicts_changed();
        }
        ClusterEvent::LongUsage(Err(error)) => {
            state.set_status(
                format!("Prometheus: {error} (keeping the last figures)"),
                true,
            );
        }
        ClusterEvent::ResizePermission { .. } | ClusterEvent::Vpas(_) => {}
    }
}

/// Adds one metrics reading to each container's bounded history.
fn record_usage(state: &mut AppState, list: &[crate::model::events::PodUsage], now: DateTime<Utc>) {
    use crate::model::usage_history::UsageHistory;
    // Pods that went away take their history with them.
    let pods = &state.pods;
    state.usage_history.retain(|key, _| pods.contains_key(key));
    state.rightsizing.retain(|key, _| pods.contains_key(key));
    for pod in list {
        let rings = state
            .usage_history
            .entry((pod.namespace.clone(), pod.name.clone()))
            .or_default();
        for (container, used) in &pod.containers {
            let index = match rings.iter().position(|(name, _)| name == container) {
                Some(i) => i,
                None => {
                    rings.push((container.clone(), UsageHistory::new(now)));
                    rings.len() - 1
                }
            };
            if let Some((_, ring)) = rings.get_mut(index) {
                ring.push(used.cpu_millis.unwrap_or(0), used.memory_bytes.unwrap_or(0));
            }
        }
    }
}
