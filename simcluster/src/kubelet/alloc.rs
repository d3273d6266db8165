//! What the kubelet holds for a pod: its desired values, its allocation as a started pod's
//! status reports it, and the requests it holds on its node, counted by `kubelet_room`'s rule.

use super::*;

/// Desired values per container, with the pod-level entry (`POD_KEY`) when set.
pub(super) fn desired(pod: &Pod) -> Resources {
    let containers = podutil::running_containers(pod)
        .into_iter()
        .map(|c| (c.name.clone(), spec_of(c.resources.as_ref())))
        .collect();
    pod_level::with_pod_level(containers, pod)
}

/// Allocation as reported in a started pod's status (falls back to the spec).
pub(super) fn alloc_from_status(pod: &Pod, node: String) -> Alloc {
    let spec = desired(pod);
    let statuses: HashMap<&str, &ContainerStatus> = pod
        .status
        .iter()
        .flat_map(|s| {
            s.container_statuses
                .iter()
                .flatten()
                .chain(s.init_container_statuses.iter().flatten())
        })
        .map(|c| (c.name.as_str(), c))
        .collect();
    let mut allocated = Resources::new();
    let mut actual = Resources::new();
    for (name, want) in &spec {
        let st = statuses.get(name.as_str());
        let act = st
            .and_then(|s| s.resources.as_ref())
            .map(|r| spec_of(Some(r)))
            .unwrap_or(*want);
        let alloc_req = st.and_then(|s| s.allocated_resources.as_ref()).map(|m| {
            spec_of(Some(&k8s_openapi::api::core::v1::ResourceRequirements {
                requests: Some(m.clone()),
                ..Default::default()
            }))
            .requests
        });
        let is_pending = pod.status.as_ref().is_some_and(|s| s.resize.is_some());
        let alloc = match alloc_req {
            Some(req) => ResourceSpec {
                requests: req,
                limits: act.limits,
            },
            None if is_pending => act,
            None => *want,
        };
        allocated.insert(name.clone(), alloc);
        actual.insert(name.clone(), act);
    }
    if let Some(want) = spec.get(POD_KEY) {
        let (alloc, act) = pod_level::from_status(pod, want);
        allocated.insert(POD_KEY.to_string(), alloc);
        actual.insert(POD_KEY.to_string(), act);
    }
    Alloc {
        node,
        allocated,
        actual,
        failed: false,
        extra: crate::kubelet_room::extra_of(pod),
    }
}

/// Requests a started pod holds on its node, read from its status as the kubelet reads them
/// after a restart: the generator sizes nodes and seeds pending states by this same count.
pub fn held_by(pod: &Pod) -> CpuMem {
    let a = alloc_from_status(pod, String::new());
    crate::kubelet_room::held(&a.allocated, &a.actual, &a.extra)
}

/// What a pod's desired values need on its node, by the same count.
pub fn desired_need(pod: &Pod) -> CpuMem {
    crate::kubelet_room::counted(&desired(pod), &crate::kubelet_room::extra_of(pod))
}
