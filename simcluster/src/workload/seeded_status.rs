//! The status a generated pod starts with: running on its node (or not started), and for the
//! seeded few, a resize already Deferred, Infeasible, in progress or failed, in the shape of
//! the server's version.

use super::*;

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

/// Rewrites the first container's desired cpu so the pod shows `state`.
pub(super) fn seed_resize(pod: &mut Pod, minor: u32, state: Seeded) {
    let now = podutil::now();
    let Some(c) = pod.spec.as_mut().and_then(|s| s.containers.first_mut()) else {
        return;
    };
    let mut spec = podutil::spec_of(c.resources.as_ref());
    let cur = spec.requests.cpu_millis.unwrap_or(100);
    let new_cpu = match state {
        Seeded::Infeasible => 24_000,
        _ => cur * 2,
    };
    spec.requests.cpu_millis = Some(new_cpu);
    spec.limits.cpu_millis = spec.limits.cpu_millis.map(|l| l.max(new_cpu));
    if state == Seeded::Error {
        spec = podutil::spec_of(c.resources.as_ref());
        spec.limits.memory_bytes = Some(ERROR_LIMIT);
        spec.requests.memory_bytes = spec.requests.memory_bytes.map(|m| m.min(ERROR_LIMIT));
    }
    c.resources = Some(requirements(&spec));
    if state == Seeded::Error {
        // The message says usage is above the limit: metrics must say so too.
        pod.metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(MEMORY_USAGE_ANNOTATION.into(), ERROR_USAGE.into());
    }
    if minor >= 33 {
        pod.metadata.generation = Some(2);
    }
    let generation = pod.metadata.generation;
    let og = if minor >= 34 { generation } else { None };
    let Some(st) = pod.status.as_mut() else {
        return;
    };
    if minor >= 34 {
        st.observed_generation = generation;
        for c in st.conditions.iter_mut().flatten() {
            c.observed_generation = generation;
        }
    }
    let (ty, reason, message) = match state {
        Seeded::Deferred => (
            "PodResizePending",
            Some("Deferred"),
            Some(format!(
                "Node didn't have enough resource: cpu, requested: {new_cpu}, used: 15550, capacity: 16000"
            )),
        ),
        Seeded::Infeasible => (
            "PodResizePending",
            Some("Infeasible"),
            Some(format!(
                "Node didn't have enough capacity: cpu, requested: {new_cpu}, capacity: 16000"
            )),
        ),
        Seeded::Error => (
            "PodResizeInProgress",
            Some("Error"),
            Some(format!("memory limit ({ERROR_LIMIT}) below current usage")),
        ),
        _ => ("PodResizeInProgress", None, None),
    };
    if minor >= 33 {
        if matches!(state, Seeded::InProgress | Seeded::Error)
            && let Some(cs) = st.container_statuses.as_mut().and_then(|v| v.first_mut())
        {
            cs.allocated_resources = requirements(&spec).requests;
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
        st.resize = Some(
            match state {
                Seeded::Deferred => "Deferred",
                Seeded::Infeasible => "Infeasible",
                _ => "InProgress",
            }
            .into(),
        );
    }
}
