//! Making room on a node for a Deferred resize by shrinking other pods there in place, with
//! victims picked the way the scheduler's preemption picks them (`SelectVictimsOnNode`):
//! strictly lower priority only (equal when asked), the lowest highest-victim priority, then the
//! fewest pods, then every victim the plan turns out not to need is reprieved. Never DaemonSet
//! pods, critical pods or pods whose owner said `podsize.dev/make-room: never`; Guaranteed and
//! restarting victims only when asked; never below a container's floor; every pod's shrink is
//! one patch checked by the editor's own validation.

use crate::model::decide::node_room::{missing_room, others_of};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::NodeInfo;
use crate::model::pods::row::PodRow;
use crate::model::rules::plan::Server;
use std::collections::HashMap;

pub use floors::{HistoryGate, MARGIN_PERCENT, enough_history, floor_of};
pub use report::Report;

/// (namespace, pod, container).
pub type ContainerKey = (String, String, String);

/// How far a plan may go; the defaults are the careful ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoomOptions {
    /// Pods of the waiting pod's own priority may give room too.
    pub allow_equal_priority: bool,
    /// At most this many pods are shrunk.
    pub max_pods: usize,
    /// Guaranteed pods may give room (their limits are lowered with their requests).
    pub allow_guaranteed: bool,
    /// Containers whose resizePolicy restarts them may give room.
    pub allow_restart: bool,
}

impl Default for RoomOptions {
    fn default() -> Self {
        Self {
            allow_equal_priority: false,
            max_pods: 3,
            allow_guaranteed: false,
            allow_restart: false,
        }
    }
}

/// Everything make-room decides from.
pub struct RoomRequest<'a> {
    pub node: &'a NodeInfo,
    pub waiting: &'a PodRow,
    pub container: &'a str,
    /// The pods bound to the node (the waiting one may be among them).
    pub pods: &'a [PodRow],
    /// Floors per container, computed by the caller from evidence it stands behind; a
    /// container without one is not shrunk.
    pub floors: &'a HashMap<ContainerKey, CpuMem>,
    /// Pods left out by the caller with the reason (e.g. the owner's template says `never`).
    pub protected: &'a HashMap<(String, String), String>,
    pub server: Server,
    pub margin_percent: i64,
    pub options: RoomOptions,
}

/// One container's part in a pod's shrink.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerShrink {
    pub container: String,
    pub before: ResourceSpec,
    pub after: ResourceSpec,
    pub freed: CpuMem,
    /// Its resizePolicy says RestartContainer for a resource that changes.
    pub restarts: bool,
}

/// One victim pod's shrink: one patch, whatever number of its containers change.
#[derive(Clone, Debug, PartialEq)]
pub struct Shrink {
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub priority: i32,
    /// The resourceVersion the plan was made from: the patch carries it as a precondition.
    pub resource_version: Option<String>,
    pub containers: Vec<ContainerShrink>,
    /// Pod-level `spec.resources` before and after, when the pod is shrunk at pod level.
    pub pod_level: Option<(ResourceSpec, ResourceSpec)>,
    pub freed: CpuMem,
    pub restarts: bool,
    /// The one strategic merge patch for `pods/NAME/resize`, carrying the resourceVersion.
    pub patch: serde_json::Value,
    /// The patch is sent to the pod itself (servers before 1.32 have no resize subresource).
    pub to_subresource: bool,
}

impl Shrink {
    /// The patch that puts back every value this shrink changed, carrying `resource_version`
    /// (the one the shrink's own answer returned) so a pod changed since is not overwritten.
    pub fn put_back_patch(&self, resource_version: Option<&str>) -> serde_json::Value {
        shrink::put_back_patch(self, resource_version)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The cluster of the node and of every pod in the plan.
    pub cluster: crate::model::pods::row::ClusterId,
    pub node: String,
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub container: String,
    /// The waiting pod's requests once its resize is done (recorded with the lent room).
    pub needs: CpuMem,
    /// What the waiting resize lacks now.
    pub missing: CpuMem,
    /// Missing plus the margin: what the plan aims to free.
    pub target: CpuMem,
    pub freed: CpuMem,
    /// One per victim pod, lowest priority first.
    pub shrinks: Vec<Shrink>,
    /// Pods on the node that could have given room but were left out, with the reason.
    pub left_out: Vec<(String, String)>,
}

impl Plan {
    /// Distinct pods the plan touches.
    pub fn pod_count(&self) -> usize {
        self.shrinks.len()
    }
}

// One outcome exists per request, never in bulk: boxing the plan would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Plan(Plan),
    NoPlan(String),
}

fn amounts_text(v: CpuMem) -> String {
    format!(
        "cpu {}, memory {}",
        crate::model::ground::figures::cpu_figure(v.cpu_millis.unwrap_or(0)),
        crate::model::ground::figures::memory_figure(v.memory_bytes.unwrap_or(0))
    )
}

fn covered(left: CpuMem) -> bool {
    left.cpu_millis.unwrap_or(0) <= 0 && left.memory_bytes.unwrap_or(0) <= 0
}

/// Why the waiting pod needs no plan or cannot have one, before any victim is looked at.
fn precheck(r: &RoomRequest) -> Result<CpuMem, String> {
    let waiting = r.waiting;
    if waiting.node.as_deref() != Some(r.node.name.as_str()) {
        return Err(format!(
            "pod {} is not on node {}",
            waiting.name, r.node.name
        ));
    }
    if waiting.container(r.container).is_none() {
        return Err(format!(
            "pod {} has no container {:?}",
            waiting.name, r.container
        ));
    }
    let need = crate::model::decide::node_room::desired_requests(waiting);
    let over = |n: Option<i64>, a: Option<i64>| matches!((n, a), (Some(n), Some(a)) if n > a);
    if over(need.cpu_millis, r.node.allocatable.cpu_millis)
        || over(need.memory_bytes, r.node.allocatable.memory_bytes)
    {
        return Err(format!(
            "the resize needs more than node {} has at all ({}): no shrink can make it fit",
            r.node.name,
            amounts_text(r.node.allocatable)
        ));
    }
    let missing = missing_room(waiting, r.node.allocatable, others_of(r.pods, waiting));
    if covered(missing) {
        return Err(format!(
            "nothing to free: the resize of {} fits node {} now (the kubelet retries it)",
            waiting.name, r.node.name
        ));
    }
    Ok(missing)
}

/// Works out a plan, or says why there is none.
pub fn make_room(r: &RoomRequest) -> Outcome {
    let missing = match precheck(r) {
        Ok(m) => m,
        Err(why) => return Outcome::NoPlan(why),
    };
    let (offers, left_out) = victims::offers(r, missing);
    let target = floors::with_margin(missing, r.margin_percent);
    // The margin is wanted, not needed: settle for the missing room when it cannot be had.
    let drawn = [target, missing].into_iter().find_map(|aim| {
        let chosen = victims::select(&offers, aim, r.options.max_pods)?;
        let shrinks = victims::draw(r, &offers, &chosen, aim)?;
        Some((aim, shrinks))
    });
    let Some((aim, shrinks)) = drawn else {
        return Outcome::NoPlan(why::why_not(r, missing, &offers, &left_out));
    };
    let freed = shrinks.iter().fold(CpuMem::ZERO, |s, x| s.plus(x.freed));
    Outcome::Plan(Plan {
        cluster: r.waiting.cluster,
        node: r.node.name.clone(),
        namespace: r.waiting.namespace.clone(),
        pod: r.waiting.name.clone(),
        uid: r.waiting.uid.clone(),
        container: r.container.to_string(),
        needs: crate::model::decide::node_room::desired_requests(r.waiting),
        missing,
        target: aim,
        freed,
        shrinks,
        left_out,
    })
}

#[path = "make_room_floors.rs"]
mod floors;
#[path = "make_room_report.rs"]
pub mod report;
#[path = "make_room_shrink.rs"]
mod shrink;
#[path = "make_room_victims.rs"]
pub(crate) mod victims;
#[path = "make_room_why.rs"]
mod why;

#[cfg(test)]
#[path = "make_room_props.rs"]
mod props;
#[cfg(test)]
#[path = "make_room_tests.rs"]
mod tests;
