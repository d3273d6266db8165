//! What the app knows of each cluster on show (issue #15): its header facts, connection, list
//! progress, data age, nodes and VPAs. One entry per kubeconfig context, in the order given;
//! a pod's `PodKey::cluster` is its cluster's place here.

use super::loading::Loading;
use super::state::{AppState, HeaderInfo};
use super::vpa::VpaIndex;
use crate::model::PodRow;
use crate::model::pods::events::{Connection, NodeInfo};
use crate::model::pods::row::{ClusterId, PodKey};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct ClusterStatus {
    pub header: HeaderInfo,
    pub connection: Connection,
    /// Its first full list arrived.
    pub synced: bool,
    /// A list in progress (first load or re-list).
    pub loading: Option<Loading>,
    /// When this cluster last told us anything (its data's age).
    pub last_data: Option<DateTime<Utc>>,
    pub nodes: BTreeMap<String, NodeInfo>,
    /// VPAs in scope and the ReplicaSet owners needed to match them to pods.
    pub vpas: VpaIndex,
    /// LimitRanges, quotas, HPAs and node runtimes, for the preflight (issue 27).
    pub policy: crate::model::pods::cluster_policy::PolicySnapshot,
    /// metrics.k8s.io answered its last poll.
    pub metrics: bool,
    /// When its workloads were last all judged at a metrics reading (`rightsizing::REJUDGE_EVERY`).
    pub judged_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Every pod's share of its node, when the table is scoped (node room counts them all).
    pub room: crate::model::pods::room_pods::RoomPods,
}

impl ClusterStatus {
    pub fn new(header: HeaderInfo) -> Self {
        Self {
            header,
            connection: Connection::Connecting,
            synced: false,
            loading: None,
            last_data: None,
            nodes: BTreeMap::new(),
            vpas: VpaIndex::default(),
            policy: Default::default(),
            metrics: false,
            judged_at: None,
            room: Default::default(),
        }
    }

    /// Shown as up to date: connected, and not in the middle of a list.
    pub fn live(&self) -> bool {
        matches!(self.connection, Connection::Connected) && self.loading.is_none()
    }
}

impl AppState {
    /// The cluster `id` names; the first when out of range (a stale id never panics).
    pub fn cluster(&self, id: ClusterId) -> &ClusterStatus {
        let first = &self.clusters[0];
        self.clusters.get(usize::from(id)).unwrap_or(first)
    }

    pub fn cluster_mut(&mut self, id: ClusterId) -> Option<&mut ClusterStatus> {
        self.clusters.get_mut(usize::from(id))
    }

    /// Every cluster's first full list arrived.
    pub fn synced(&self) -> bool {
        self.clusters.iter().all(|c| c.synced)
    }

    /// Some cluster's list is still arriving.
    pub fn loading(&self) -> bool {
        self.clusters.iter().any(|c| c.loading.is_some())
    }

    /// Nothing may be changed from this session (watch mode, `--readonly`).
    pub fn readonly(&self) -> bool {
        self.clusters.iter().any(|c| c.header.readonly)
    }

    /// The pods of one cluster, in key order.
    pub fn pods_of(&self, id: ClusterId) -> impl Iterator<Item = &PodRow> {
        let pods = self.pods.range(PodKey::first_of(id)..);
        pods.take_while(move |(k, _)| k.cluster == id)
            .map(|(_, p)| p)
    }

    /// More than one cluster is on show: rows name their cluster.
    pub fn several_clusters(&self) -> bool {
        self.clusters.len() > 1
    }

    /// What the server of cluster `id` allows, as the planner needs it.
    pub fn server_of(&self, id: ClusterId) -> crate::model::rules::plan::Server {
        let header = &self.cluster(id).header;
        crate::model::rules::plan::Server {
            minor: header.minor.unwrap_or(35),
            resize_subresource: !header.resize_disabled,
            denied: header.rbac_denied.clone(),
        }
    }
}

/// Per-cluster figures for a wall header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterCounts {
    pub pods: usize,
    pub in_progress: usize,
    pub deferred: usize,
    pub infeasible: usize,
    pub errors: usize,
}

/// Counts each cluster's pods by the states a wall must show, in one pass over the pods.
pub fn counts(state: &AppState) -> Vec<ClusterCounts> {
    let mut out = vec![ClusterCounts::default(); state.clusters.len()];
    for pod in state.pods.values() {
        let Some(c) = out.get_mut(usize::from(pod.cluster)) else {
            continue;
        };
        c.pods += 1;
        match pod.state.name() {
            "InProgress" => c.in_progress += 1,
            "Deferred" => c.deferred += 1,
            "Infeasible" => c.infeasible += 1,
            "Error" => c.errors += 1,
            _ => {}
        }
    }
    out
}

/// Replaces every pod of `cluster` with `rows`, leaving the other clusters' pods untouched.
pub fn replace_pods(
    pods: &mut BTreeMap<PodKey, PodRow>,
    cluster: ClusterId,
    rows: BTreeMap<PodKey, PodRow>,
) {
    let mut from_this = pods.split_off(&PodKey::first_of(cluster));
    let mut after = match cluster.checked_add(1) {
        Some(next) => from_this.split_off(&PodKey::first_of(next)),
        None => BTreeMap::new(),
    };
    drop(from_this);
    let mut rows = rows;
    pods.append(&mut rows);
    pods.append(&mut after);
}

/// Files `row` under `cluster`: the cluster layer does not know which cluster it serves.
pub fn adopt(mut row: PodRow, cluster: ClusterId) -> (PodKey, PodRow) {
    row.cluster = cluster;
    (row.pod_key(), row)
}

/// The rows of a full list, re-keyed to `cluster` (they arrive keyed as cluster 0).
pub fn adopt_all(rows: BTreeMap<PodKey, PodRow>, cluster: ClusterId) -> BTreeMap<PodKey, PodRow> {
    if cluster == 0 {
        return rows;
    }
    rows.into_values().map(|r| adopt(r, cluster)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cluster: ClusterId, ns: &str, name: &str) -> (PodKey, PodRow) {
        let mut r = PodRow::from_slim(&crate::model::pods::slim::SlimPod::default());
        r.namespace = ns.into();
        r.name = name.into();
        adopt(r, cluster)
    }

    #[test]
    fn replacing_one_cluster_keeps_the_others_and_same_named_pods() {
        let mut pods: BTreeMap<_, _> = [
            row(0, "default", "web-0"),
            row(1, "default", "web-0"),
            row(1, "default", "gone"),
            row(2, "default", "web-0"),
        ]
        .into_iter()
        .collect();
        let fresh: BTreeMap<_, _> = [row(1, "default", "web-0"), row(1, "default", "new")]
            .into_iter()
            .collect();
        replace_pods(&mut pods, 1, fresh);
        let keys: Vec<_> = pods.keys().map(|k| (k.cluster, k.name.as_str())).collect();
        assert_eq!(keys, [(0, "web-0"), (1, "new"), (1, "web-0"), (2, "web-0")]);
    }

    #[test]
    fn replacing_the_last_possible_cluster_does_not_overflow() {
        let mut pods: BTreeMap<_, _> = [row(ClusterId::MAX, "a", "b"), row(0, "a", "b")]
            .into_iter()
            .collect();
        replace_pods(&mut pods, ClusterId::MAX, BTreeMap::new());
        assert_eq!(pods.len(), 1);
        assert!(pods.keys().all(|k| k.cluster == 0));
    }

    #[test]
    fn events_are_filed_under_their_cluster_and_the_filter_finds_a_cluster_by_name() {
        use crate::app::update::{Action, update};
        use crate::model::pods::events::{ClusterEvent, Scope};
        let header = |name: &str| HeaderInfo {
            context: name.into(),
            ..HeaderInfo::default()
        };
        let mut state =
            AppState::with_clusters(vec![header("prod-eu"), header("prod-us")], Scope::default());
        let now = chrono::Utc::now();
        for cluster in [0, 1] {
            // The same pod name in both clusters, as the cluster layer sends it (cluster 0).
            let rows = [row(0, "default", "web-0").1, row(0, "default", "api-0").1];
            let event = ClusterEvent::pods_reset(rows);
            update(&mut state, Action::ClusterOf(cluster, event), now);
        }
        assert_eq!(state.pods.len(), 4);
        assert_eq!(state.pods_of(1).count(), 2);
        assert!(state.synced());
        state.filter.text = "prod-us".into();
        state.invalidate_index();
        state.refresh_index();
        let shown: Vec<ClusterId> = state.visible().iter().map(|r| r.pod.cluster).collect();
        assert_eq!(shown, [1, 1], "only prod-us's rows");
        // A deletion in one cluster leaves the same-named pod of the other.
        let gone = ClusterEvent::PodDeleted {
            namespace: "default".into(),
            name: "web-0".into(),
        };
        update(&mut state, Action::ClusterOf(1, gone), now);
        assert!(state.pods.contains_key(&PodKey::new(0, "default", "web-0")));
        assert!(!state.pods.contains_key(&PodKey::new(1, "default", "web-0")));
        // An event for a cluster no longer on show is dropped, not misfiled.
        let stray = ClusterEvent::pods_reset([row(0, "x", "y").1]);
        update(&mut state, Action::ClusterOf(7, stray), now);
        assert_eq!(state.pods.len(), 3);
    }

    #[test]
    fn adopting_a_list_rekeys_it() {
        let list: BTreeMap<_, _> = [row(0, "a", "x")].into_iter().collect();
        let adopted = adopt_all(list, 3);
        let (key, row) = adopted.iter().next().unwrap_or_else(|| unreachable!());
        assert_eq!((key.cluster, row.cluster), (3, 3));
    }
}
