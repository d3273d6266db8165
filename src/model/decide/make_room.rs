//! Making room on a node for a Deferred resize by shrinking other pods there in place:
//! lower-priority pods first, then equal ones, never higher; never below a container's floor
//! (its recommendation, else its observed peak plus a margin); every shrink checked by the
//! editor's own validation (no QoS change, no limit removal); fewest pods, most headroom first.

use crate::model::decide::node_room::{missing_room, others_of};
use crate::model::decide::recommend::Recommendation;
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::NodeInfo;
use crate::model::pods::row::{ContainerKind, ContainerRow, PodRow};
use crate::model::pods::usage::Usage;
use crate::model::rules::plan::{Edits, ResizePlan, Server, plan_resize};
use std::cmp::Reverse;
use std::collections::HashMap;

/// (namespace, pod, container).
pub type ContainerKey = (String, String, String);

/// Default margin over the observed peak, and over the missing room, in percent.
pub const MARGIN_PERCENT: i64 = 10;

const CPU_STEP: i64 = 5;
const MEMORY_STEP: i64 = 1 << 20;

/// The lowest requests a container may be shrunk to: never below its recommendation's target
/// nor below its observed peak plus `margin_percent`; `None` where nothing is known.
pub fn floor_of(
    rec: Option<&Recommendation>,
    usage: Option<&Usage>,
    margin_percent: i64,
) -> CpuMem {
    let grow = |v: i64| v.saturating_mul(100 + margin_percent.max(0)) / 100;
    let target = rec.map(|r| r.target).unwrap_or_default();
    let both = |t: Option<i64>, peak: Option<i64>| match (t, peak.map(grow)) {
        (Some(t), Some(p)) => Some(t.max(p)),
        (t, p) => t.or(p),
    };
    CpuMem {
        cpu_millis: both(target.cpu_millis, usage.and_then(|u| u.cpu_peak)),
        memory_bytes: both(target.memory_bytes, usage.and_then(|u| u.memory_peak)),
    }
}

/// Everything make-room decides from.
pub struct RoomRequest<'a> {
    pub node: &'a NodeInfo,
    pub waiting: &'a PodRow,
    pub container: &'a str,
    /// The pods bound to the node (the waiting one may be among them).
    pub pods: &'a [PodRow],
    /// Floors per container; a container without one is not shrunk.
    pub floors: &'a HashMap<ContainerKey, CpuMem>,
    pub server: Server,
    pub margin_percent: i64,
}

/// One planned shrink of one container.
#[derive(Clone, Debug, PartialEq)]
pub struct Shrink {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub priority: i32,
    /// The resourceVersion the plan was made from: the patch carries it as a precondition.
    pub resource_version: Option<String>,
    pub before: ResourceSpec,
    pub after: ResourceSpec,
    pub freed: CpuMem,
    /// The container restarts (its resizePolicy says RestartContainer).
    pub restarts: bool,
    /// The validated plan, its patch carrying the resourceVersion.
    pub plan: ResizePlan,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The cluster of the node and of every pod in the plan.
    pub cluster: crate::model::pods::row::ClusterId,
    pub node: String,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// What the waiting resize lacks now.
    pub missing: CpuMem,
    /// Missing plus the margin: what the plan aims to free.
    pub target: CpuMem,
    pub freed: CpuMem,
    pub shrinks: Vec<Shrink>,
}

impl Plan {
    /// Distinct pods the plan touches.
    pub fn pod_count(&self) -> usize {
        let mut pods: Vec<(&str, &str)> = self
            .shrinks
            .iter()
            .map(|s| (s.namespace.as_str(), s.pod.as_str()))
            .collect();
        pods.dedup();
        pods.len()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Plan(Plan),
    NoPlan(String),
}

fn gib_or_cores(v: CpuMem) -> String {
    format!(
        "cpu {}, memory {}",
        crate::model::ground::quantity::cpu_canonical(v.cpu_millis.unwrap_or(0)),
        crate::model::ground::quantity::memory_canonical(v.memory_bytes.unwrap_or(0))
    )
}

fn round_up(v: i64, step: i64) -> i64 {
    v.saturating_add(step - 1) / step * step
}

fn round_down(v: i64, step: i64) -> i64 {
    v / step * step
}

/// How much a request may give: down to the floor (rounded up to the step), if positive.
fn headroom(request: Option<i64>, floor: Option<i64>, step: i64) -> i64 {
    match (request, floor) {
        (Some(r), Some(f)) => (r - round_up(f.max(0), step)).max(0),
        _ => 0,
    }
}

/// What a container can give of each missing resource.
fn container_headroom(c: &ContainerRow, floor: CpuMem, missing: CpuMem) -> CpuMem {
    let req = c.desired.effective_requests();
    let pick = |miss: Option<i64>, h: i64| Some(if miss.unwrap_or(0) > 0 { h } else { 0 });
    CpuMem {
        cpu_millis: pick(
            missing.cpu_millis,
            headroom(req.cpu_millis, floor.cpu_millis, CPU_STEP),
        ),
        memory_bytes: pick(
            missing.memory_bytes,
            headroom(req.memory_bytes, floor.memory_bytes, MEMORY_STEP),
        ),
    }
}

fn is_candidate(pod: &PodRow, waiting: &PodRow) -> bool {
    pod.key() != waiting.key()
        && !pod.deleting
        && crate::model::pods::counted::holds_room(pod)
        // A pod mid-resize counts the larger of its values: shrinking it frees nothing sure.
        && !pod.state.is_active()
}

/// Share of the missing room a headroom covers (0..=2000, per mille per resource).
fn coverage(h: CpuMem, missing: CpuMem) -> i64 {
    let part = |h: Option<i64>, m: Option<i64>| match (h, m) {
        (Some(h), Some(m)) if m > 0 => (h.saturating_mul(1000) / m).min(1000),
        _ => 0,
    };
    part(h.cpu_millis, missing.cpu_millis) + part(h.memory_bytes, missing.memory_bytes)
}

/// A pod that could give room, with what each of its containers can give.
struct Giver<'a> {
    pod: &'a PodRow,
    containers: Vec<(&'a ContainerRow, CpuMem)>,
    total: CpuMem,
}

fn giver<'a>(pod: &'a PodRow, r: &RoomRequest, missing: CpuMem) -> Option<Giver<'a>> {
    let containers: Vec<(&ContainerRow, CpuMem)> = pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
        .filter_map(|c| {
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            let floor = r.floors.get(&key)?;
            let h = container_headroom(c, *floor, missing);
            (coverage(h, missing) > 0).then_some((c, h))
        })
        .collect();
    let total = containers.iter().fold(CpuMem::ZERO, |s, (_, h)| s.plus(*h));
    (!containers.is_empty()).then_some(Giver {
        pod,
        containers,
        total,
    })
}

fn take(left: &mut Option<i64>, have: Option<i64>) -> i64 {
    let want = left.unwrap_or(0).max(0);
    let got = want.min(have.unwrap_or(0));
    *left = left.map(|l| l - got);
    got
}

/// The container's new values freeing `give`. Only requests go down, except in a Guaranteed
/// pod, where limits follow so the QoS class stays.
fn shrunk_spec(c: &ContainerRow, give: CpuMem, guaranteed: bool) -> ResourceSpec {
    let mut spec = c.desired;
    let req = c.desired.effective_requests();
    let lower = |r: Option<i64>, g: Option<i64>, step: i64| {
        r.map(|r| match g.unwrap_or(0) {
            0 => r,
            g => round_down(r - g, step).max(0),
        })
    };
    let cpu = lower(req.cpu_millis, give.cpu_millis, CPU_STEP);
    let mem = lower(req.memory_bytes, give.memory_bytes, MEMORY_STEP);
    if guaranteed {
        spec.limits.cpu_millis = spec.limits.cpu_millis.and(cpu);
        spec.limits.memory_bytes = spec.limits.memory_bytes.and(mem);
    }
    // A request left out defaults from the limit; one given explicitly is lowered.
    if spec.requests.cpu_millis.is_some() || !guaranteed {
        spec.requests.cpu_millis = cpu;
    }
    if spec.requests.memory_bytes.is_some() || !guaranteed {
        spec.requests.memory_bytes = mem;
    }
    spec
}

fn freed_by(before: &ResourceSpec, after: &ResourceSpec) -> CpuMem {
    let b = before.effective_requests();
    let a = after.effective_requests();
    CpuMem {
        cpu_millis: Some(b.cpu_millis.unwrap_or(0) - a.cpu_millis.unwrap_or(0)),
        memory_bytes: Some(b.memory_bytes.unwrap_or(0) - a.memory_bytes.unwrap_or(0)),
    }
}

/// Plans one container's shrink; `None` when validation refuses it or nothing changes.
fn shrink_of(pod: &PodRow, c: &ContainerRow, give: CpuMem, r: &RoomRequest) -> Option<Shrink> {
    let guaranteed = pod.qos == Some(crate::model::pods::qos::QosClass::Guaranteed);
    let after = shrunk_spec(c, give, guaranteed);
    let mut plan = plan_resize(
        pod,
        &c.name,
        Edits::from_spec(&after),
        r.server.clone(),
        None,
        CpuMem::default(),
    );
    if !plan.is_sendable() || plan.qos_after != plan.qos_before {
        return None;
    }
    if let (Some(rv), Some(obj)) = (&pod.resource_version, plan.patch.as_object_mut()) {
        obj.insert(
            "metadata".into(),
            serde_json::json!({ "resourceVersion": rv }),
        );
    }
    Some(Shrink {
        namespace: pod.namespace.clone(),
        pod: pod.name.clone(),
        container: c.name.clone(),
        priority: pod.priority.unwrap_or(0),
        resource_version: pod.resource_version.clone(),
        before: c.desired,
        freed: freed_by(&c.desired, &after),
        after,
        restarts: plan.restarts,
        plan,
    })
}

/// Takes from `givers` in order until `target` is covered; returns the shrinks and what is left.
fn draw(givers: &[Giver], target: CpuMem, r: &RoomRequest) -> (Vec<Shrink>, CpuMem) {
    let mut left = target;
    let mut shrinks = Vec::new();
    for g in givers {
        if left.cpu_millis.unwrap_or(0) <= 0 && left.memory_bytes.unwrap_or(0) <= 0 {
            break;
        }
        for (c, h) in &g.containers {
            let mut trial = left;
            let give = CpuMem {
                cpu_millis: Some(take(&mut trial.cpu_millis, h.cpu_millis)),
                memory_bytes: Some(take(&mut trial.memory_bytes, h.memory_bytes)),
            };
            if coverage(give, target) == 0 {
                continue;
            }
            if let Some(s) = shrink_of(g.pod, c, give, r) {
                left.cpu_millis = left.cpu_millis.map(|l| l - s.freed.cpu_millis.unwrap_or(0));
                left.memory_bytes = left
                    .memory_bytes
                    .map(|l| l - s.freed.memory_bytes.unwrap_or(0));
                shrinks.push(s);
            }
        }
    }
    (shrinks, left)
}

fn with_margin(missing: CpuMem, percent: i64) -> CpuMem {
    let add = |m: Option<i64>, step: i64| {
        m.map(|m| match m {
            0 => 0,
            m => round_up(m.saturating_add(m * percent.max(0) / 100), step),
        })
    };
    CpuMem {
        cpu_millis: add(missing.cpu_millis, CPU_STEP),
        memory_bytes: add(missing.memory_bytes, MEMORY_STEP),
    }
}

/// Givers sorted as the plan prefers them: most of the missing room first, then name.
fn ranked<'a>(
    pods: impl Iterator<Item = &'a PodRow>,
    r: &RoomRequest,
    missing: CpuMem,
) -> Vec<Giver<'a>> {
    let mut out: Vec<Giver> = pods.filter_map(|p| giver(p, r, missing)).collect();
    out.sort_by_key(|g| {
        (
            Reverse(coverage(g.total, missing)),
            g.pod.namespace.clone(),
            g.pod.name.clone(),
        )
    });
    out
}

/// Works out a plan, or says why there is none.
pub fn make_room(r: &RoomRequest) -> Outcome {
    let waiting = r.waiting;
    if waiting.node.as_deref() != Some(r.node.name.as_str()) {
        return Outcome::NoPlan(format!(
            "pod {} is not on node {}",
            waiting.name, r.node.name
        ));
    }
    if waiting.container(r.container).is_none() {
        return Outcome::NoPlan(format!(
            "pod {} has no container {:?}",
            waiting.name, r.container
        ));
    }
    let need = crate::model::decide::node_room::desired_requests(waiting);
    let over = |n: Option<i64>, a: Option<i64>| matches!((n, a), (Some(n), Some(a)) if n > a);
    if over(need.cpu_millis, r.node.allocatable.cpu_millis)
        || over(need.memory_bytes, r.node.allocatable.memory_bytes)
    {
        return Outcome::NoPlan(format!(
            "the resize needs more than node {} has at all ({}): no shrink can make it fit",
            r.node.name,
            gib_or_cores(r.node.allocatable)
        ));
    }
    let missing = missing_room(waiting, r.node.allocatable, others_of(r.pods, waiting));
    if missing.cpu_millis.unwrap_or(0) <= 0 && missing.memory_bytes.unwrap_or(0) <= 0 {
        return Outcome::NoPlan(format!(
            "nothing to free: the resize of {} fits node {} now (the kubelet retries it)",
            waiting.name, r.node.name
        ));
    }
    let mine = waiting.priority.unwrap_or(0);
    let pods = || r.pods.iter().filter(|p| is_candidate(p, waiting));
    let target = with_margin(missing, r.margin_percent);
    let lower = ranked(
        pods().filter(|p| p.priority.unwrap_or(0) < mine),
        r,
        missing,
    );
    let equal = ranked(
        pods().filter(|p| p.priority.unwrap_or(0) == mine),
        r,
        missing,
    );
    let givers: Vec<Giver> = lower.into_iter().chain(equal).collect();
    let (mut shrinks, mut left) = draw(&givers, target, r);
    if !(left.cpu_millis.unwrap_or(0) <= 0 && left.memory_bytes.unwrap_or(0) <= 0) {
        // The margin could not be had: settle for the missing room itself.
        let (s, l) = draw(&givers, missing, r);
        (shrinks, left) = (s, l);
    }
    if left.cpu_millis.unwrap_or(0) > 0 || left.memory_bytes.unwrap_or(0) > 0 {
        return Outcome::NoPlan(why_not(r, waiting, missing, &givers));
    }
    let freed = shrinks.iter().fold(CpuMem::ZERO, |s, x| s.plus(x.freed));
    Outcome::Plan(Plan {
        cluster: waiting.cluster,
        node: r.node.name.clone(),
        namespace: waiting.namespace.clone(),
        pod: waiting.name.clone(),
        container: r.container.to_string(),
        missing,
        target,
        freed,
        shrinks,
    })
}

#[path = "make_room_why.rs"]
mod why;
use why::why_not;

#[cfg(test)]
#[path = "make_room_tests.rs"]
mod tests;
