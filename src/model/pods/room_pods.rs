//! What every pod of a cluster takes of its node, kept apart from the watched rows: with a
//! namespace (or label) scope the table holds only some pods, yet every pod on a node takes
//! room, so a prediction counted from the table alone promised room the node has given away
//! (issue 27: "fits the node now · free cpu 38300m" where the node had 9850m free).
//! Slim on purpose: a cluster-wide list costs one small entry per pod, not a row.

use crate::model::ground::resources::CpuMem;
use crate::model::pods::admitted::admitted_requests;
use crate::model::pods::counted::{counted_requests, holds_room};
use crate::model::pods::row::PodRow;
use std::collections::HashMap;

/// One pod as node room counts it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoomPod {
    pub namespace: String,
    pub name: String,
    /// `None` while unscheduled (it takes no node's room).
    pub node: Option<String>,
    /// What the scheduler counts for it (zero once finished).
    pub counted: CpuMem,
    /// What the kubelet holds for it when it admits a neighbour's resize (`admitted.rs`).
    pub admitted: CpuMem,
}

impl RoomPod {
    pub fn of(row: &PodRow) -> Self {
        Self {
            namespace: row.namespace.clone(),
            name: row.name.clone(),
            node: row.node.clone().filter(|_| holds_room(row)),
            counted: counted_requests(row),
            admitted: admitted_requests(row),
        }
    }
}

/// How node room of a cluster is counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RoomSource {
    /// From the watched rows: they are every pod (no namespace or label scope).
    #[default]
    Watched,
    /// From a cluster-wide list of every pod (the table is scoped).
    EveryPod,
    /// The cluster-wide list was refused (usually RBAC): counted from the watched rows only,
    /// which miss the other namespaces' pods; the text says why.
    ScopeOnly(String),
}

/// Every pod's share of its node, by namespace and name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoomPods {
    pub source: RoomSource,
    pods: HashMap<(String, String), RoomPod>,
}

impl RoomPods {
    /// A full (re-)list: replaces every entry, so nothing deleted meanwhile survives.
    pub fn reset(&mut self, pods: Vec<RoomPod>) {
        self.pods = pods
            .into_iter()
            .map(|p| ((p.namespace.clone(), p.name.clone()), p))
            .collect();
        self.source = RoomSource::EveryPod;
    }

    pub fn apply(&mut self, pod: RoomPod) {
        self.pods
            .insert((pod.namespace.clone(), pod.name.clone()), pod);
    }

    pub fn delete(&mut self, namespace: &str, name: &str) {
        self.pods.remove(&(namespace.to_string(), name.to_string()));
    }

    /// The cluster-wide list was refused for `why`: the entries (if any) are dropped, since
    /// they would no longer follow the cluster.
    pub fn refused(&mut self, why: String) {
        self.pods.clear();
        self.source = RoomSource::ScopeOnly(why);
    }

    /// Counted from every pod of the cluster.
    pub fn is_every_pod(&self) -> bool {
        self.source == RoomSource::EveryPod
    }

    /// What the kubelet holds for every pod on `node` other than `namespace/name`: the "used"
    /// a resize of that pod is admitted against (resize-api.md §4.8).
    pub fn others_on(&self, node: &str, namespace: &str, name: &str) -> CpuMem {
        self.pods
            .values()
            .filter(|p| p.node.as_deref() == Some(node))
            .filter(|p| !(p.namespace == namespace && p.name == name))
            .fold(CpuMem::ZERO, |s, p| s.plus(p.admitted))
    }

    /// Counted requests of every pod on `node` and how many pods hold room there.
    pub fn on_node(&self, node: &str) -> (CpuMem, usize) {
        self.pods
            .values()
            .filter(|p| p.node.as_deref() == Some(node))
            .fold((CpuMem::ZERO, 0), |(s, n), p| (s.plus(p.counted), n + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ns: &str, name: &str, node: Option<&str>, cpu: i64) -> RoomPod {
        RoomPod {
            namespace: ns.into(),
            name: name.into(),
            node: node.map(Into::into),
            counted: CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(0),
            },
            admitted: CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(0),
            },
        }
    }

    #[test]
    fn a_resize_is_admitted_against_what_the_kubelet_holds_the_node_shows_the_scheduler() {
        // A neighbour whose grow to 900m waits (Deferred) with 300m allocated.
        let mut waiting = pod("b", "w", Some("n1"), 900);
        waiting.admitted.cpu_millis = Some(300);
        let mut room = RoomPods::default();
        room.reset(vec![pod("a", "p", Some("n1"), 100), waiting]);
        assert_eq!(room.others_on("n1", "a", "p").cpu_millis, Some(300));
        assert_eq!(room.on_node("n1").0.cpu_millis, Some(1000));
    }

    #[test]
    fn others_on_counts_every_namespace_but_not_the_pod_itself() {
        let mut room = RoomPods::default();
        room.reset(vec![
            pod("a", "p", Some("n1"), 100),
            pod("b", "p", Some("n1"), 200),
            pod("c", "q", Some("n1"), 400),
            pod("c", "r", Some("n2"), 800),
            pod("c", "s", None, 1600),
        ]);
        assert!(room.is_every_pod());
        assert_eq!(room.others_on("n1", "a", "p").cpu_millis, Some(600));
        assert_eq!(room.on_node("n1"), (pod("", "", None, 700).counted, 3));
        room.delete("c", "q");
        room.apply(pod("b", "p", Some("n2"), 200));
        assert_eq!(room.others_on("n1", "a", "p").cpu_millis, Some(0));
        assert_eq!(room.on_node("n2").1, 2);
    }

    #[test]
    fn a_refused_list_says_why_and_forgets_its_entries() {
        let mut room = RoomPods::default();
        room.reset(vec![pod("a", "p", Some("n1"), 100)]);
        room.refused("forbidden".into());
        assert_eq!(room.source, RoomSource::ScopeOnly("forbidden".into()));
        assert_eq!(room.on_node("n1").1, 0);
    }
}
