//! Which pods give room, as the scheduler's preemption picks its victims on a node: only pods
//! it may take (strictly lower priority, not DaemonSet, not critical, not protected), the set
//! whose highest priority is lowest, then the one with the fewest pods, then a reprieve pass
//! that spares, highest priority first, every victim the others can do without.

use super::floors::{CPU_STEP, MEMORY_STEP, round_up};
use super::shrink::{build, held_spec, take};
use super::{RoomRequest, Shrink, covered};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::admitted::{admitted_container, admitted_requests};
use crate::model::pods::qos::QosClass;
use crate::model::pods::row::{ContainerKind, ContainerRow, PodRow, RestartPolicy};
use std::cmp::Reverse;

/// The scheduler's `SystemCriticalPriority`: `system-cluster-critical` and above.
pub const CRITICAL_PRIORITY: i32 = 2_000_000_000;

/// A pod that may give room, with what it can give.
pub(crate) struct Offer<'a> {
    pub pod: &'a PodRow,
    pub priority: i32,
    /// What each giving container can give (container-level pods).
    pub parts: Vec<(&'a ContainerRow, CpuMem)>,
    /// What its pod-level requests can give (pods with pod-level resources).
    pub pod_level: Option<CpuMem>,
    pub total: CpuMem,
    /// Some headroom was left out because taking it would restart a container.
    pub restart_blocked: bool,
}

/// How much a request may give: down to the floor (rounded up to the step), if positive.
fn headroom(request: Option<i64>, floor: Option<i64>, step: i64) -> i64 {
    match (request, floor) {
        (Some(r), Some(f)) => (r - round_up(f.max(0), step)).max(0),
        _ => 0,
    }
}

/// Only what is missing is taken: a resource the waiting pod does not lack stays.
fn wanted(h: CpuMem, missing: CpuMem) -> CpuMem {
    let pick = |m: Option<i64>, h: Option<i64>| {
        Some(if m.unwrap_or(0) > 0 {
            h.unwrap_or(0)
        } else {
            0
        })
    };
    CpuMem {
        cpu_millis: pick(missing.cpu_millis, h.cpu_millis),
        memory_bytes: pick(missing.memory_bytes, h.memory_bytes),
    }
}

fn gives_nothing(h: CpuMem) -> bool {
    h.cpu_millis.unwrap_or(0) <= 0 && h.memory_bytes.unwrap_or(0) <= 0
}

/// Why a pod is never a victim, whatever it could give.
fn protected_reason(r: &RoomRequest, pod: &PodRow) -> Option<String> {
    let prio = pod.priority.unwrap_or(0);
    if pod.owner.as_ref().is_some_and(|o| o.kind == "DaemonSet") {
        return Some("DaemonSet pod: the node's own agent".into());
    }
    if prio >= CRITICAL_PRIORITY {
        return Some(format!("critical priority {prio}"));
    }
    if pod.make_room_never {
        return Some("annotated podsize.dev/make-room: never".into());
    }
    r.protected
        .get(&(pod.namespace.clone(), pod.name.clone()))
        .cloned()
}

/// Why a pod with room to give is not a victim unless the user asks (or ever, if higher).
fn unasked_reason(r: &RoomRequest, pod: &PodRow, mine: i32) -> Option<String> {
    let prio = pod.priority.unwrap_or(0);
    if prio > mine {
        return Some(format!("higher priority {prio}"));
    }
    if prio == mine && !r.options.allow_equal_priority {
        return Some(format!(
            "equal priority {prio}: not a victim unless equal priority is allowed (podsize make-room --allow-equal-priority)"
        ));
    }
    if pod.qos == Some(QosClass::Guaranteed) && !r.options.allow_guaranteed {
        return Some(
            "Guaranteed: its limits would be lowered too; not a victim unless Guaranteed pods are allowed (podsize make-room --allow-guaranteed)"
                .into(),
        );
    }
    if pod.state.is_active() {
        // Mid-resize the node counts the larger of its values: a shrink frees nothing sure.
        return Some("its own resize is in progress".into());
    }
    None
}

/// What one container can give, leaving out resources whose change would restart it.
fn container_headroom(
    r: &RoomRequest,
    c: &ContainerRow,
    floor: CpuMem,
    missing: CpuMem,
) -> (CpuMem, bool) {
    // What the kubelet holds for it is what a shrink can take back (`held_spec`).
    let req = held_spec(&c.desired, admitted_container(c)).effective_requests();
    let allowed =
        |p: RestartPolicy| r.options.allow_restart || p != RestartPolicy::RestartContainer;
    let open = wanted(
        CpuMem {
            cpu_millis: Some(headroom(req.cpu_millis, floor.cpu_millis, CPU_STEP)),
            memory_bytes: Some(headroom(req.memory_bytes, floor.memory_bytes, MEMORY_STEP)),
        },
        missing,
    );
    let h = CpuMem {
        cpu_millis: open
            .cpu_millis
            .filter(|_| allowed(c.policy.cpu))
            .or(Some(0)),
        memory_bytes: open
            .memory_bytes
            .filter(|_| allowed(c.policy.memory))
            .or(Some(0)),
    };
    (h, h != open)
}

fn floor_key(pod: &PodRow, c: &ContainerRow) -> super::ContainerKey {
    (pod.namespace.clone(), pod.name.clone(), c.name.clone())
}

/// The offer of a pod with pod-level requests: what they can give over the summed floors of
/// its containers (every container needs one).
fn pod_level_offer<'a>(
    r: &RoomRequest,
    pod: &'a PodRow,
    missing: CpuMem,
) -> Result<Offer<'a>, String> {
    // Its containers are never offered: the pod-level request is what the node counts, so
    // shrinking them frees nothing. Where the pod level cannot be resized, the pod gives none.
    if let Some(refusal) =
        crate::model::decide::preflight::pod_level_gate_refusal(pod, r.server.minor)
    {
        return Err(format!("its pod-level resources cannot shrink: {refusal}"));
    }
    let level = held_spec(
        &pod.pod_resources.unwrap_or_default(),
        admitted_requests(pod),
    )
    .effective_requests();
    let mut floor = CpuMem::ZERO;
    for c in pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
    {
        let Some(f) = r.floors.get(&floor_key(pod, c)) else {
            return Err(format!("no usage figures for container {}", c.name));
        };
        floor = floor.plus(*f);
    }
    let h = wanted(
        CpuMem {
            cpu_millis: Some(headroom(level.cpu_millis, floor.cpu_millis, CPU_STEP)),
            memory_bytes: Some(headroom(
                level.memory_bytes,
                floor.memory_bytes,
                MEMORY_STEP,
            )),
        },
        missing,
    );
    Ok(Offer {
        pod,
        priority: pod.priority.unwrap_or(0),
        parts: Vec::new(),
        pod_level: Some(h),
        total: h,
        restart_blocked: false,
    })
}

fn container_offer<'a>(
    r: &RoomRequest,
    pod: &'a PodRow,
    missing: CpuMem,
) -> Result<Offer<'a>, String> {
    let mut parts = Vec::new();
    let mut known = false;
    let mut restart_blocked = false;
    for c in pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
    {
        let Some(floor) = r.floors.get(&floor_key(pod, c)) else {
            continue;
        };
        known = true;
        let (h, blocked) = container_headroom(r, c, *floor, missing);
        restart_blocked |= blocked;
        if !gives_nothing(h) {
            parts.push((c, h));
        }
    }
    if !known {
        return Err("no usage figures it could be shrunk on".into());
    }
    let total = parts.iter().fold(CpuMem::ZERO, |s, (_, h)| s.plus(*h));
    Ok(Offer {
        pod,
        priority: pod.priority.unwrap_or(0),
        parts,
        pod_level: None,
        total,
        restart_blocked,
    })
}

fn is_neighbour(pod: &PodRow, waiting: &PodRow) -> bool {
    pod.key() != waiting.key() && !pod.deleting && crate::model::pods::counted::holds_room(pod)
}

/// Every pod that may give room with its offer, and every other neighbour with why not.
pub(super) fn offers<'a>(
    r: &RoomRequest<'a>,
    missing: CpuMem,
) -> (Vec<Offer<'a>>, Vec<(String, String)>) {
    let mine = r.waiting.priority.unwrap_or(0);
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    for pod in r.pods.iter().filter(|p| is_neighbour(p, r.waiting)) {
        let name = format!("{}/{}", pod.namespace, pod.name);
        if let Some(why) = protected_reason(r, pod) {
            left_out.push((name, why));
            continue;
        }
        let offer = match pod.pod_resources {
            Some(_) => pod_level_offer(r, pod, missing),
            None => container_offer(r, pod, missing),
        };
        let checked = offer.and_then(|o| {
            // A pod with room it may not give says why; one without room says that instead.
            let unasked = unasked_reason(r, pod, mine);
            match (gives_nothing(o.total), o.restart_blocked, unasked) {
                (true, false, _) => return Err("no headroom over its floor".into()),
                (_, _, Some(why)) => return Err(why),
                (true, true, None) => {
                    return Err("its containers restart on resize; not a victim unless restarts are allowed (podsize make-room --allow-restart)".into());
                }
                (false, _, None) => {}
            }
            // The whole offer must pass validation, or a partial one might not either.
            build(r, &o, o.total).map(|_| o)
        });
        match checked {
            Ok(o) => out.push(o),
            Err(why) => left_out.push((name, why)),
        }
    }
    (out, left_out)
}

/// Share of `need` that `h` covers, per mille per resource (0..=2000).
fn coverage(h: CpuMem, need: CpuMem) -> i64 {
    let part = |h: Option<i64>, m: Option<i64>| match (h, m) {
        (Some(h), Some(m)) if m > 0 => (h.max(0).saturating_mul(1000) / m).min(1000),
        _ => 0,
    };
    part(h.cpu_millis, need.cpu_millis) + part(h.memory_bytes, need.memory_bytes)
}

fn sum(offers: &[Offer], set: &[usize]) -> CpuMem {
    set.iter()
        .fold(CpuMem::ZERO, |s, i| s.plus(offers[*i].total))
}

fn covers(offers: &[Offer], set: &[usize], aim: CpuMem) -> bool {
    covered(aim.minus(sum(offers, set)))
}

/// The fewest of `pool` covering `aim`: each time the one covering most of what is left
/// (exact when one resource is missing), lower priority and then name breaking ties.
fn fewest(offers: &[Offer], mut pool: Vec<usize>, aim: CpuMem) -> Vec<usize> {
    let mut chosen = Vec::new();
    while !covers(offers, &chosen, aim) && !pool.is_empty() {
        let left = aim.minus(sum(offers, &chosen));
        pool.sort_by_key(|i| {
            let o = &offers[*i];
            (
                Reverse(coverage(o.total, left)),
                o.priority,
                o.pod.name.clone(),
            )
        });
        chosen.push(pool.remove(0));
    }
    chosen
}

/// Spares every victim the others can do without, highest priority (then smallest) first.
fn reprieve(offers: &[Offer], mut chosen: Vec<usize>, aim: CpuMem) -> Vec<usize> {
    let mut order = chosen.clone();
    order.sort_by_key(|i| {
        (
            Reverse(offers[*i].priority),
            coverage(offers[*i].total, aim),
        )
    });
    for i in order {
        let rest: Vec<usize> = chosen.iter().copied().filter(|j| *j != i).collect();
        if covers(offers, &rest, aim) {
            chosen = rest;
        }
    }
    chosen
}

/// The victims, as indexes into `offers`: the lowest priority level whose pods can cover
/// `aim` with at most `max_pods` of them, the fewest there, then the reprieve pass.
pub(crate) fn select(offers: &[Offer], aim: CpuMem, max_pods: usize) -> Option<Vec<usize>> {
    let mut levels: Vec<i32> = offers.iter().map(|o| o.priority).collect();
    levels.sort_unstable();
    levels.dedup();
    levels.into_iter().find_map(|level| {
        let pool: Vec<usize> = (0..offers.len())
            .filter(|i| offers[*i].priority <= level)
            .collect();
        if !covers(offers, &pool, aim) {
            return None;
        }
        let chosen = reprieve(offers, fewest(offers, pool, aim), aim);
        (chosen.len() <= max_pods && !chosen.is_empty()).then_some(chosen)
    })
}

/// The shrinks of the chosen victims: the lowest priority gives first and all it can, the
/// last gives only what is still missing; a victim left with nothing to give is spared.
pub(super) fn draw(
    r: &RoomRequest,
    offers: &[Offer],
    chosen: &[usize],
    aim: CpuMem,
) -> Option<Vec<Shrink>> {
    let mut order = chosen.to_vec();
    order.sort_by_key(|i| {
        (
            offers[*i].priority,
            Reverse(coverage(offers[*i].total, aim)),
        )
    });
    let mut left = aim;
    let mut shrinks = Vec::new();
    for i in order {
        let o = &offers[i];
        let mut trial = left;
        let give = CpuMem {
            cpu_millis: Some(take(&mut trial.cpu_millis, o.total.cpu_millis)),
            memory_bytes: Some(take(&mut trial.memory_bytes, o.total.memory_bytes)),
        };
        if gives_nothing(give) {
            continue;
        }
        let s = build(r, o, give).ok()?;
        left = left.minus(s.freed);
        shrinks.push(s);
    }
    covered(left).then_some(shrinks)
}
