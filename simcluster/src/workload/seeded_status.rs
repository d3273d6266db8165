//! The status a generated pod starts with: running on its node (or not started), and for the
//! seeded few, a resize already Deferred, Infeasible, in progress or failed, in the shape of
//! the server's version. Which of these a seeded pod shows, and every number in its message,
//! comes from the simulated kubelet's own verdict on its node (`kubelet_room::verdict`): the
//! Deferred pod's node is sized so that it really lacks room, the Infeasible pod really asks
//! for more than its node has.

use super::*;
use crate::kubelet_room::Verdict;

pub(super) fn start_status(pod: &mut Pod, minor: u32, node_ok: bool) {
    let now = podutil::now();
    let generation = pod.metadata.generation;
    let og = if minor >= 34 { generation } else { None };
    let spec = pod.spec.clone().unwrap_or_default();
    let st = pod.status.get_or_insert_with(PodStatus::default);
    st.phase = Some("Running".into());
    st.host_ip = Some("10.0.0.1".into());
    st.pod_ip = Some(format!(
        "10.244.{}.{}",
        spec.containers.len() * 17 % 250,
        pod.metadata.name.as_ref().map_or(0, String::len) * 11 % 250
    ));
    st.start_time = Some(now.clone());
    podutil::mirror_ip_lists(st);
    st.observed_generation = og;
    st.conditions = Some(
        [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled",
        ]
        .iter()
        .map(|t| PodCondition {
            type_: (*t).into(),
            status: "True".into(),
            last_transition_time: Some(now.clone()),
            observed_generation: og,
            ..Default::default()
        })
        .collect(),
    );
    let status_of = |c: &Container| {
        let r = podutil::spec_of(c.resources.as_ref());
        container_status(
            &c.name,
            c.image.as_deref().unwrap_or(""),
            &r,
            &r,
            node_ok,
            minor,
            0,
            None,
            &now,
        )
    };
    st.container_statuses = Some(spec.containers.iter().map(status_of).collect());
    if let Some(init) = spec.init_containers.as_ref() {
        st.init_container_statuses = Some(init.iter().map(status_of).collect());
    }
    let kubelet = managed_entry(
        "kubelet",
        Some("status"),
        json!({"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:phase": {}, "f:podIP": {}, "f:startTime": {}}}),
    );
    pod.metadata
        .managed_fields
        .get_or_insert_with(Vec::new)
        .push(kubelet);
}

/// The seeded Error pod's memory limit, and its usage above it (16Mi, 24Mi).
const ERROR_LIMIT: i64 = 16 << 20;
const ERROR_USAGE: &str = "24Mi";

fn add(a: CpuMem, b: CpuMem, sign: i64) -> CpuMem {
    CpuMem {
        cpu_millis: Some(a.cpu_millis.unwrap_or(0) + sign * b.cpu_millis.unwrap_or(0)),
        memory_bytes: Some(a.memory_bytes.unwrap_or(0) + sign * b.memory_bytes.unwrap_or(0)),
    }
}

/// The first container's cpu request now, and how much the seeded Deferred resize grows it.
fn deferred_growth(pod: &Pod) -> i64 {
    let cur = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .and_then(|c| podutil::spec_of(c.resources.as_ref()).requests.cpu_millis)
        .unwrap_or(100);
    cur.max(500)
}

/// Gives each seeded pod its desired change and the state the kubelet's verdict on its node
/// gives it. `used` holds what the kubelet holds per node; `capacity` is each node's
/// allocatable, of which the seeded Deferred pod's node is tightened to half its growth above
/// what is used there, so it misses room that make-room can find in lower-priority pods.
pub(super) fn seed_states(
    pods: &mut [(Pod, usize, Seeded)],
    minor: u32,
    used: &mut [CpuMem],
    capacity: &mut [CpuMem],
) {
    // Growth that fits goes first, so the Deferred pod's node is sized with it in place; the
    // Infeasible pod last, so the capacity its message names is its node's final one.
    for want in [
        Seeded::InProgress,
        Seeded::Error,
        Seeded::Deferred,
        Seeded::Infeasible,
    ] {
        for (pod, n, state) in pods.iter_mut().filter(|(_, _, s)| *s == want) {
            let n = *n;
            let before = crate::kubelet::held_by(pod);
            let others = add(used[n], before, -1);
            if want == Seeded::Deferred {
                let grow = deferred_growth(pod);
                capacity[n].cpu_millis = Some(used[n].cpu_millis.unwrap_or(0) + grow / 2);
            }
            seed_desired(pod, *state, capacity[n]);
            let need = crate::kubelet::desired_need(pod);
            let verdict = crate::kubelet_room::verdict(need, others, capacity[n]);
            seed_status(pod, minor, *state, &verdict);
            used[n] = add(others, crate::kubelet::held_by(pod), 1);
        }
    }
}

/// Rewrites the first container's desired values for `state`.
fn seed_desired(pod: &mut Pod, state: Seeded, capacity: CpuMem) {
    let grow = deferred_growth(pod);
    let Some(c) = pod.spec.as_mut().and_then(|s| s.containers.first_mut()) else {
        return;
    };
    let mut spec = podutil::spec_of(c.resources.as_ref());
    let cur = spec.requests.cpu_millis.unwrap_or(100);
    let new_cpu = match state {
        // Whole cores beyond all the node has: no retry can ever make room.
        Seeded::Infeasible => (capacity.cpu_millis.unwrap_or(16_000) / 1000 + 8) * 1000,
        Seeded::Deferred => cur + grow,
        _ => cur * 2,
    };
    if state == Seeded::Error {
        spec.limits.memory_bytes = Some(ERROR_LIMIT);
        spec.requests.memory_bytes = spec.requests.memory_bytes.map(|m| m.min(ERROR_LIMIT));
        // The message says usage is above the new limit: metrics must say so too (it stays
        // below the limit the container still has, which is larger).
        pod.metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(MEMORY_USAGE_ANNOTATION.into(), ERROR_USAGE.into());
    } else {
        spec.requests.cpu_millis = Some(new_cpu);
        spec.limits.cpu_millis = spec.limits.cpu_millis.map(|l| l.max(new_cpu));
    }
    c.resources = Some(requirements(&spec));
}

/// Writes the state the verdict gives: pending with the kubelet's message, or admitted (in
/// progress, or failed actuation for the Error seed).
fn seed_status(pod: &mut Pod, minor: u32, state: Seeded, verdict: &Verdict) {
    let now = podutil::now();
    if minor >= 33 {
        pod.metadata.generation = Some(2);
    }
    let generation = pod.metadata.generation;
    let og = if minor >= 34 { generation } else { None };
    let desired = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .map(|c| podutil::spec_of(c.resources.as_ref()))
        .unwrap_or_default();
    let Some(st) = pod.status.as_mut() else {
        return;
    };
    if minor >= 34 {
        st.observed_generation = generation;
        for c in st.conditions.iter_mut().flatten() {
            c.observed_generation = generation;
        }
    }
    let (ty, reason, message, legacy) = match verdict {
        Verdict::Deferred(m) => (
            "PodResizePending",
            Some("Deferred"),
            Some(m.clone()),
            "Deferred",
        ),
        Verdict::Infeasible(m) => (
            "PodResizePending",
            Some("Infeasible"),
            Some(m.clone()),
            "Infeasible",
        ),
        Verdict::Fits if state == Seeded::Error => (
            "PodResizeInProgress",
            Some("Error"),
            Some(format!("memory limit ({ERROR_LIMIT}) below current usage")),
            "InProgress",
        ),
        Verdict::Fits => ("PodResizeInProgress", None, None, "InProgress"),
    };
    let admitted = matches!(verdict, Verdict::Fits);
    if minor >= 33 {
        if admitted && let Some(cs) = st.container_statuses.as_mut().and_then(|v| v.first_mut()) {
            cs.allocated_resources = requirements(&desired).requests;
        }
        st.conditions
            .get_or_insert_with(Vec::new)
            .push(PodCondition {
                type_: ty.into(),
                status: "True".into(),
                reason: reason.map(str::to_string),
                message,
                last_transition_time: Some(now),
                observed_generation: og,
                ..Default::default()
            });
    } else {
        st.resize = Some(legacy.into());
    }
}
