//! One victim pod's shrink: each giving container's new values (or the pod-level ones), checked
//! by the editor's validation, as one patch carrying the pod's resourceVersion.

use super::floors::{CPU_STEP, MEMORY_STEP, round_down};
use super::victims::Offer;
use super::{ContainerShrink, RoomRequest, Shrink};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::admitted::{admitted_container, admitted_requests};
use crate::model::pods::qos::QosClass;
use crate::model::pods::row::{ContainerKind, ContainerRow, PodRow};
use crate::model::rules::patch::{ContainerChange, pod_patch};
use crate::model::rules::plan::{Edits, plan_resize};
use crate::model::rules::pod_plan::plan_pod_level;

/// Takes up to `have` of what is `left`, and counts it off.
pub(super) fn take(left: &mut Option<i64>, have: Option<i64>) -> i64 {
    let want = left.unwrap_or(0).max(0);
    let got = want.min(have.unwrap_or(0).max(0));
    *left = left.map(|l| l - got);
    got
}

/// `spec` with its requests lowered by `give`. Only requests go down, except in a Guaranteed
/// pod, where limits follow so the QoS class stays.
fn lowered(spec: &ResourceSpec, give: CpuMem, guaranteed: bool) -> ResourceSpec {
    let mut out = *spec;
    let req = spec.effective_requests();
    let lower = |r: Option<i64>, g: Option<i64>, step: i64| {
        r.map(|r| match g.unwrap_or(0) {
            0 => r,
            g => round_down(r - g, step).max(0),
        })
    };
    let cpu = lower(req.cpu_millis, give.cpu_millis, CPU_STEP);
    let mem = lower(req.memory_bytes, give.memory_bytes, MEMORY_STEP);
    if guaranteed {
        out.limits.cpu_millis = out.limits.cpu_millis.and(cpu);
        out.limits.memory_bytes = out.limits.memory_bytes.and(mem);
    }
    // A request left out defaults from the limit; one given explicitly is lowered.
    if out.requests.cpu_millis.is_some() || !guaranteed {
        out.requests.cpu_millis = cpu;
    }
    if out.requests.memory_bytes.is_some() || !guaranteed {
        out.requests.memory_bytes = mem;
    }
    out
}

/// `desired` with each request lowered to what the kubelet holds (`admitted`) where that is
/// less, as when a grow it answered Infeasible was never allocated. A shrink is worked out
/// from here: what it frees for the waiting resize is how far the kubelet's allocation drops
/// once it applies the shrink (resize-api.md §4.8, "used" is the other pods' allocation), and
/// a request left above the allocation would keep the grow in the patch, which the kubelet
/// accepts or refuses as a whole (§4.8, atomicity).
pub(super) fn held_spec(desired: &ResourceSpec, admitted: CpuMem) -> ResourceSpec {
    let want = desired.effective_requests();
    let mut out = *desired;
    let lower = |r: &mut Option<i64>, w: Option<i64>, held: Option<i64>| {
        if let (Some(w), Some(h)) = (w, held)
            && h < w
        {
            *r = Some(h);
        }
    };
    lower(
        &mut out.requests.cpu_millis,
        want.cpu_millis,
        admitted.cpu_millis,
    );
    lower(
        &mut out.requests.memory_bytes,
        want.memory_bytes,
        admitted.memory_bytes,
    );
    out
}

fn freed_by(before: &ResourceSpec, after: &ResourceSpec) -> CpuMem {
    let b = before.effective_requests();
    let a = after.effective_requests();
    CpuMem {
        cpu_millis: Some(b.cpu_millis.unwrap_or(0) - a.cpu_millis.unwrap_or(0)),
        memory_bytes: Some(b.memory_bytes.unwrap_or(0) - a.memory_bytes.unwrap_or(0)),
    }
}

fn shell(pod: &PodRow, r: &RoomRequest) -> Shrink {
    Shrink {
        namespace: pod.namespace.clone(),
        pod: pod.name.clone(),
        uid: pod.uid.clone(),
        priority: pod.priority.unwrap_or(0),
        resource_version: pod.resource_version.clone(),
        containers: Vec::new(),
        pod_level: None,
        freed: CpuMem::ZERO,
        restarts: false,
        patch: serde_json::Value::Null,
        to_subresource: r.server.minor >= 32,
    }
}

fn pod_level_shrink(r: &RoomRequest, pod: &PodRow, give: CpuMem) -> Result<Shrink, String> {
    let before = pod.pod_resources.unwrap_or_default();
    let held = held_spec(&before, admitted_requests(pod));
    let guaranteed = pod.qos == Some(QosClass::Guaranteed);
    let after = lowered(&held, give, guaranteed);
    let plan = plan_pod_level(
        pod,
        Edits::from_spec(&after),
        r.server.clone(),
        None,
        CpuMem::ZERO,
    );
    if let Some(e) = plan.errors.first() {
        return Err(format!(
            "its pod-level resources cannot shrink: {}",
            e.message
        ));
    }
    let mut s = shell(pod, r);
    s.freed = freed_by(&held, &after);
    s.patch = pod_patch(
        &[],
        Some((&after, &before)),
        pod.resource_version.as_deref(),
    );
    s.pod_level = Some((before, after));
    Ok(s)
}

/// The pod's shrink freeing `give` from the offer's parts in order; `Err` with the validation's
/// words when the editor would refuse it.
pub(super) fn build(r: &RoomRequest, offer: &Offer, give: CpuMem) -> Result<Shrink, String> {
    let pod = offer.pod;
    if offer.pod_level.is_some() {
        return pod_level_shrink(r, pod, give);
    }
    let guaranteed = pod.qos == Some(QosClass::Guaranteed);
    let mut left = give;
    // Each container is checked against the pod with the earlier ones already changed, so
    // the last check sees the pod as the one patch leaves it.
    let mut row = pod.clone();
    let mut s = shell(pod, r);
    for (c, headroom) in &offer.parts {
        let part = CpuMem {
            cpu_millis: Some(take(&mut left.cpu_millis, headroom.cpu_millis)),
            memory_bytes: Some(take(&mut left.memory_bytes, headroom.memory_bytes)),
        };
        if part.cpu_millis == Some(0) && part.memory_bytes == Some(0) {
            continue;
        }
        let held = held_spec(&c.desired, admitted_container(c));
        let after = lowered(&held, part, guaranteed);
        let plan = plan_resize(
            &row,
            &c.name,
            Edits::from_spec(&after),
            r.server.clone(),
            None,
            CpuMem::ZERO,
        );
        if let Some(e) = plan.errors.first() {
            return Err(format!("container {}: {}", c.name, e.message));
        }
        if plan.qos_after != plan.qos_before {
            return Err(format!(
                "container {}: the shrink would change the QoS class",
                c.name
            ));
        }
        set_desired(&mut row, &c.name, after);
        s.restarts |= plan.restarts;
        s.containers.push(ContainerShrink {
            container: c.name.clone(),
            before: c.desired,
            after,
            freed: freed_by(&held, &after),
            restarts: plan.restarts,
        });
    }
    if s.containers.is_empty() {
        return Err("nothing to shrink".into());
    }
    s.freed = s
        .containers
        .iter()
        .fold(CpuMem::ZERO, |a, c| a.plus(c.freed));
    s.patch = patch_of(pod, &s, pod.resource_version.as_deref());
    Ok(s)
}

fn set_desired(row: &mut PodRow, name: &str, spec: ResourceSpec) {
    if let Some(c) = row.containers.iter_mut().find(|c| c.name == name) {
        c.desired = spec;
    }
}

/// The shrink's forward patch, each container in the list its kind belongs to.
fn patch_of(pod: &PodRow, s: &Shrink, rv: Option<&str>) -> serde_json::Value {
    let kind = |name: &str| {
        pod.container(name)
            .map_or(ContainerKind::Regular, |c: &ContainerRow| c.kind)
    };
    let changes: Vec<ContainerChange> = s
        .containers
        .iter()
        .map(|c| ContainerChange {
            kind: kind(&c.container),
            name: &c.container,
            new: &c.after,
            old: &c.before,
        })
        .collect();
    pod_patch(&changes, None, rv)
}

pub(super) fn put_back_patch(s: &Shrink, rv: Option<&str>) -> serde_json::Value {
    let changes: Vec<ContainerChange> = s
        .containers
        .iter()
        .map(|c| ContainerChange {
            kind: container_kind_in_patch(&s.patch, &c.container),
            name: &c.container,
            new: &c.before,
            old: &c.after,
        })
        .collect();
    let level = s.pod_level.as_ref().map(|(b, a)| (b, a));
    pod_patch(&changes, level, rv)
}

/// Whether the shrink's own patch named the container among `initContainers` (a sidecar).
fn container_kind_in_patch(patch: &serde_json::Value, name: &str) -> ContainerKind {
    let sidecar = patch["spec"]["initContainers"]
        .as_array()
        .is_some_and(|list| list.iter().any(|c| c["name"] == name));
    if sidecar {
        ContainerKind::Sidecar
    } else {
        ContainerKind::Regular
    }
}
