//! Room on each node as the scheduler counts it: allocatable, requested (per container the
//! largest of desired, allocated and actual requests while a resize is in progress,
//! resize-api.md §3.4 / KEP §Resource Quota), usage where known, free room, pod count; and the
//! Deferred resizes waiting there with what they still miss, which is the kubelet's question
//! and so counted against what it holds for the other pods (`admitted.rs`, §4.8).

use crate::model::ground::resources::CpuMem;
use crate::model::pods::admitted::admitted_requests;
use crate::model::pods::counted::{counted_requests, holds_room};
use crate::model::pods::events::NodeInfo;
use crate::model::pods::resize_state::ResizeState;
use crate::model::pods::row::{ContainerKind, PodKey, PodRow};
use std::cmp::Reverse;
use std::collections::HashMap;

/// The pod's requests once its desired values are in place (what a waiting resize needs).
pub fn desired_requests(pod: &PodRow) -> CpuMem {
    let sum = pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
        .fold(CpuMem::ZERO, |sum, c| {
            sum.plus(c.desired.effective_requests())
        });
    match pod.pod_resources.map(|r| r.effective_requests()) {
        Some(level) => CpuMem {
            cpu_millis: level.cpu_millis.or(sum.cpu_millis),
            memory_bytes: level.memory_bytes.or(sum.memory_bytes),
        },
        None => sum,
    }
}

/// A resize the kubelet deferred on this node, and how much room it still misses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingDemand {
    pub namespace: String,
    pub pod: String,
    pub priority: i32,
    pub message: String,
    /// Desired less allocated requests: the growth the resize asks for.
    pub wants: CpuMem,
    /// What the node lacks for it (zero when it would fit now).
    pub missing: CpuMem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRoom {
    pub name: String,
    pub allocatable: CpuMem,
    pub requested: CpuMem,
    /// Summed pod usage; `None` when no pod on the node has usage figures.
    pub usage: Option<CpuMem>,
    /// Allocatable less requested; negative when a Deferred resize is counted.
    pub free: CpuMem,
    pub pods: usize,
    pub pending: Vec<PendingDemand>,
}

impl NodeRoom {
    /// The same node counted from every pod on it (`requested` over `pods`), when the rows it
    /// was computed from are only some of them (a scoped table). Pending demand stays: what it
    /// misses is the caller's to count again from the same pods (`app::nodes::rooms`).
    pub fn with_every_pod(mut self, requested: CpuMem, pods: usize) -> Self {
        self.requested = requested;
        self.free = self.allocatable.minus(requested);
        self.pods = pods;
        self
    }

    /// The summed missing room of every Deferred resize here.
    pub fn pending_missing(&self) -> CpuMem {
        self.pending
            .iter()
            .fold(CpuMem::ZERO, |s, p| s.plus(p.missing))
    }
}

fn positive(v: Option<i64>) -> Option<i64> {
    v.map(|v| v.max(0))
}

/// What a resize of `pod` misses on a node of `allocatable` where the kubelet holds `others`
/// for the other pods (`others_of`).
pub fn missing_room(pod: &PodRow, allocatable: CpuMem, others: CpuMem) -> CpuMem {
    let need = desired_requests(pod);
    let room = allocatable.minus(others);
    CpuMem {
        cpu_millis: positive(
            Some(need.cpu_millis.unwrap_or(0))
                .map(|n| n.saturating_sub(room.cpu_millis.unwrap_or(i64::MAX / 4))),
        ),
        memory_bytes: positive(
            Some(need.memory_bytes.unwrap_or(0))
                .map(|n| n.saturating_sub(room.memory_bytes.unwrap_or(i64::MAX / 4))),
        ),
    }
}

/// What the kubelet holds for the pods in `pods` other than `except`: the "used" it admits a
/// resize of `except` against (resize-api.md §4.8), so a neighbour's own Deferred grow takes
/// no room here though the scheduler counts it.
pub fn others_of<'a>(pods: impl IntoIterator<Item = &'a PodRow>, except: &PodRow) -> CpuMem {
    pods.into_iter()
        .filter(|p| holds_room(p) && p.key() != except.key())
        .fold(CpuMem::ZERO, |s, p| s.plus(admitted_requests(p)))
}

fn pending_of(pod: &PodRow, node: &NodeInfo, here: &[&PodRow]) -> Option<PendingDemand> {
    let ResizeState::Deferred(message) = &pod.state else {
        return None;
    };
    let allocated = pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
        .fold(CpuMem::ZERO, |s, c| {
            s.plus(c.allocated.unwrap_or(c.desired.effective_requests()))
        });
    let want = desired_requests(pod);
    let grow = |w: Option<i64>, a: Option<i64>| positive(w.map(|w| w - a.unwrap_or(0)));
    Some(PendingDemand {
        namespace: pod.namespace.clone(),
        pod: pod.name.clone(),
        priority: pod.priority.unwrap_or(0),
        message: message.clone(),
        wants: CpuMem {
            cpu_millis: grow(want.cpu_millis, allocated.cpu_millis),
            memory_bytes: grow(want.memory_bytes, allocated.memory_bytes),
        },
        missing: missing_room(pod, node.allocatable, others_of(here.iter().copied(), pod)),
    })
}

/// The room of one node from the pods bound to it (`here`); `usage` holds each pod's summed
/// usage where metrics are served.
fn room_of(node: &NodeInfo, here: &[&PodRow], usage: &HashMap<PodKey, CpuMem>) -> NodeRoom {
    let mut requested = CpuMem::ZERO;
    let mut used: Option<CpuMem> = None;
    let mut pending = Vec::new();
    for pod in here {
        requested = requested.plus(counted_requests(pod));
        if let Some(u) = usage.get(&pod.pod_key()) {
            used = Some(used.unwrap_or(CpuMem::ZERO).plus(*u));
        }
        pending.extend(pending_of(pod, node, here));
    }
    NodeRoom {
        name: node.name.clone(),
        allocatable: node.allocatable,
        requested,
        usage: used,
        free: node.allocatable.minus(requested),
        pods: here.len(),
        pending,
    }
}

/// The room of one node, from any set of pods.
pub fn node_room(node: &NodeInfo, pods: &[PodRow], usage: &HashMap<PodKey, CpuMem>) -> NodeRoom {
    let here: Vec<&PodRow> = pods
        .iter()
        .filter(|p| p.node.as_deref() == Some(node.name.as_str()) && holds_room(p))
        .collect();
    room_of(node, &here, usage)
}

/// How the node view orders its rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NodeSort {
    /// Least free room first (as a share of allocatable), so full nodes come on top.
    #[default]
    FreeRoom,
    /// Most room missed by Deferred resizes first.
    PendingDemand,
}

impl NodeSort {
    pub fn next(self) -> Self {
        match self {
            Self::FreeRoom => Self::PendingDemand,
            Self::PendingDemand => Self::FreeRoom,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::FreeRoom => "free room",
            Self::PendingDemand => "pending demand",
        }
    }
}

/// Free room as the smaller of the cpu and memory shares of allocatable, in per mille.
pub fn free_share(room: &NodeRoom) -> i64 {
    let share = |free: Option<i64>, all: Option<i64>| match (free, all) {
        (Some(f), Some(a)) if a > 0 => f.saturating_mul(1000) / a,
        _ => 1000,
    };
    share(room.free.cpu_millis, room.allocatable.cpu_millis)
        .min(share(room.free.memory_bytes, room.allocatable.memory_bytes))
}

/// Sorts rows; ties keep name order so the view does not jump.
pub fn sort_rooms(rooms: &mut [NodeRoom], by: NodeSort) {
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    match by {
        NodeSort::FreeRoom => rooms.sort_by_key(free_share),
        NodeSort::PendingDemand => rooms.sort_by_key(|r| {
            let m = r.pending_missing();
            Reverse((
                r.pending.len(),
                m.cpu_millis.unwrap_or(0),
                m.memory_bytes.unwrap_or(0),
            ))
        }),
    }
}

/// Every node's room, in name order.
pub fn node_rooms<'a>(
    nodes: &[NodeInfo],
    pods: impl IntoIterator<Item = &'a PodRow>,
    usage: &HashMap<PodKey, CpuMem>,
) -> Vec<NodeRoom> {
    let mut by_node: HashMap<&str, Vec<&PodRow>> = HashMap::new();
    for p in pods.into_iter().filter(|p| holds_room(p)) {
        if let Some(n) = p.node.as_deref() {
            by_node.entry(n).or_default().push(p);
        }
    }
    let mut out: Vec<NodeRoom> = nodes
        .iter()
        .map(|n| {
            let here = by_node.get(n.name.as_str()).map_or(&[][..], Vec::as_slice);
            room_of(n, here, usage)
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
#[path = "node_room_tests.rs"]
pub(crate) mod tests;
