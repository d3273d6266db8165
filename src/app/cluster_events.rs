//! How the app takes what the cluster tells it: rows, nodes, usage, VPAs and long-window
//! figures change the state; resizes sent from this session are followed as their pods change.

use super::clusters::{adopt, adopt_all, replace_pods};
use super::state::AppState;
use super::update::start_rotation;
use crate::model::pods::events::{ClusterEvent, Connection};
use crate::model::pods::row::{ClusterId, PodKey};
use crate::model::pods::tracking::Stage;
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
            matches!(t.stage, Stage::Infeasible(_) | Stage::Error(_))
                && t.pod == row.name
                && t.cluster == row.cluster
        });
        state.set_status(text, failed);
    }
    // Finished resizes stay visible in the status line; keep the list short.
    if state.trackers.len() > 32 {
        state.trackers.retain(|t| !t.stage.is_final());
    }
}

/// What cluster `cluster` told the app. Events of a cluster no longer on show (a `:ctx`
/// switch raced them) are dropped.
pub(super) fn on_cluster(
    state: &mut AppState,
    cluster: ClusterId,
    event: ClusterEvent,
    now: DateTime<Utc>,
) {
    // Every event but the RBAC answer moves what the node view counts; cheap to flag.
    super::nodes::changed(state);
    let Some(status) = state.cluster_mut(cluster) else {
        return;
    };
    // Not data about pods either: the data's age stays as it is.
    let event = match event {
        ClusterEvent::Vpas(snap) => {
            status.vpas = super::vpa::VpaIndex::from_snapshot(*snap);
            // The workload groups hold where each one's VPA sits in the old index.
            state.workload_groups = None;
            // VPA targets come first in the recommendation's source order.
            super::rightsizing::refresh_all(state, now);
            state.dirty = true;
            return;
        }
        ClusterEvent::Policy(snap) => {
            status.policy = *snap;
            // The open plan's preflight findings follow the cluster's policy.
            state.replan_editor();
            state.dirty = true;
            return;
        }
        other => other,
    };
    let event = match super::room::on_room_event(state, cluster, event) {
        Some(other) => other,
        None => return,
    };
    let Some(status) = state.cluster_mut(cluster) else {
        return;
    };
    if let ClusterEvent::ResizePermission { denied } = event {
        // Not data about pods: the data's age stays as it is.
        if status.header.rbac_denied != denied {
            status.header.rbac_denied = denied;
            state.replan_editor();
            state.dirty = true;
        }
        return;
    }
    status.last_data = Some(now);
    match event {
        ClusterEvent::ListStarted => super::loading::started(state, cluster),
        ClusterEvent::ListBatch(rows) => super::loading::batch(state, cluster, rows),
        ClusterEvent::ListDone => {
            if super::loading::done(state, cluster) {
                start_rotation(state);
            }
        }
        ClusterEvent::PodsReset(rows) => {
            status.loading = None;
            status.synced = true;
            status.connection = Connection::Connected;
            replace_pods(&mut state.pods, cluster, adopt_all(rows, cluster));
            state.pods_changed();
            start_rotation(state);
        }
        ClusterEvent::PodApplied(row) => {
            let (key, row) = adopt(*row, cluster);
            follow_trackers(state, &row, now);
            if let Some(wall) = state.wall.as_mut() {
                wall.changed.insert(key.clone(), now);
            }
            let edited = state.editor.as_ref().is_some_and(|e| {
                e.cluster == cluster && e.namespace == row.namespace && e.pod == row.name
            });
            let same_keys = (state.pods.get(&key))
                .is_some_and(|old| super::search_index::same_search_keys(old, &row));
            state.pods.insert(key.clone(), row);
            // A new spec changes what the recommendation proposes.
            if state.rightsizing.contains_key(&key) || state.long_usage.contains_key(&key) {
                super::rightsizing::refresh_pod(state, &key, now);
            }
            if same_keys {
                state.pod_changed_in_place();
            } else {
                state.pods_changed();
            }
            if edited {
                // The pod under edit changed: plan against its new values.
                state.replan_editor();
            }
        }
        ClusterEvent::PodDeleted { namespace, name } => {
            let key = PodKey::new(cluster, namespace, name);
            state.usage_history.remove(&key);
            state.rightsizing.remove(&key);
            if state.pods.remove(&key).is_some() {
                state.pods_changed();
            }
        }
        ClusterEvent::NodesReset(nodes) => {
            status.nodes = nodes.into_iter().map(|n| (n.name.clone(), n)).collect();
        }
        ClusterEvent::NodeApplied(node) => {
            status.nodes.insert(node.name.clone(), node);
        }
        ClusterEvent::NodeDeleted(name) => {
            status.nodes.remove(&name);
        }
        ClusterEvent::Connection(conn) => {
            if status.connection != conn {
                status.connection = conn;
                state.dirty = true;
            }
        }
        ClusterEvent::Usage(usage) => super::live_usage::on_usage(state, cluster, usage, now),
        ClusterEvent::LongUsage(Ok(found)) => {
            let found: crate::model::pods::events::LongUsage = found
                .into_iter()
                .map(|(k, v)| (PodKey::new(cluster, k.namespace, k.name), v))
                .collect();
            let keys: Vec<PodKey> = found
                .keys()
                .chain(state.long_usage.keys().filter(|k| k.cluster == cluster))
                .cloned()
                .collect();
            state.long_usage.retain(|k, _| k.cluster != cluster);
            state.long_usage.extend(found);
            super::rightsizing::refresh_pods(state, &keys, now);
            state.verdicts_changed();
        }
        ClusterEvent::LongUsage(Err(error)) => {
            let whose = if state.several_clusters() {
                format!(" of {}", state.cluster(cluster).header.context)
            } else {
                String::new()
            };
            state.set_status(
                format!("Prometheus{whose}: {error} (keeping the last figures)"),
                true,
            );
        }
        ClusterEvent::ResizePermission { .. }
        | ClusterEvent::Vpas(_)
        | ClusterEvent::Policy(_)
        | ClusterEvent::RoomReset(_)
        | ClusterEvent::RoomApplied(_)
        | ClusterEvent::RoomDeleted { .. }
        | ClusterEvent::RoomRefused(_) => {}
    }
}
