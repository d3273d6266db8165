//! A node whose kubelet runs the static CPU manager policy. Its kubelet configuration is
//! served through `nodes/NAME/proxy/configz` as a real kubelet serves it (`{"kubeletconfig":
//! {...}}`, RBAC `nodes/proxy` get), and it refuses, as Infeasible with the kubelet's own text
//! (resize-api.md §4.8), a resize that takes a Guaranteed container with whole (exclusive)
//! CPUs to a fractional CPU. Whole-CPU resizes are accepted: the node runs with the alpha
//! gate `InPlacePodVerticalScalingExclusiveCPUs` on (1.32+, §4.8), which its configz shows.

use super::resources::ResourceSpec;
use k8s_openapi::api::core::v1::Node;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Node label (the simulator's own) marking a node whose kubelet runs the static policy.
/// podsize never reads it: it learns the policy from configz or from an Infeasible answer.
pub const STATIC_CPU_MANAGER_LABEL: &str = "sim.podsize.dev/cpu-manager-policy-static";

/// The kubelet's Infeasible message (resize-api.md §4.8).
pub const STATIC_INFEASIBLE: &str =
    "Resize is infeasible for Guaranteed Pods alongside CPU Manager static policy";

pub fn is_static(node: &Node) -> bool {
    node.metadata
        .labels
        .as_ref()
        .is_some_and(|l| l.contains_key(STATIC_CPU_MANAGER_LABEL))
}

/// The answer of `GET /api/v1/nodes/NAME/proxy/configz`: the kubelet's configuration under
/// `kubeletconfig`, with the fields a resize depends on.
pub fn configz(node: &Node) -> Value {
    let policy = if is_static(node) { "static" } else { "none" };
    let mut gates = serde_json::Map::new();
    if is_static(node) {
        gates.insert("InPlacePodVerticalScalingExclusiveCPUs".into(), json!(true));
    }
    json!({"kubeletconfig": {
        "enableServer": true,
        "staticPodPath": "/etc/kubernetes/manifests",
        "cgroupDriver": "systemd",
        "cpuManagerPolicy": policy,
        "cpuManagerReconcilePeriod": "10s",
        "memoryManagerPolicy": "None",
        "topologyManagerPolicy": "none",
        "featureGates": gates,
    }})
}

fn whole(millis: Option<i64>) -> bool {
    millis.is_some_and(|m| m > 0 && m % 1000 == 0)
}

/// True when the resize from `allocated` to `want` takes a container with whole CPUs to a
/// fractional CPU in a Guaranteed pod: exclusive CPUs cannot be shared by a fraction.
pub fn refuses(
    qos: Option<&str>,
    allocated: &BTreeMap<String, ResourceSpec>,
    want: &BTreeMap<String, ResourceSpec>,
) -> bool {
    qos == Some("Guaranteed")
        && want.iter().any(|(name, spec)| {
            let had = allocated.get(name).and_then(|a| a.requests.cpu_millis);
            whole(had) && had != spec.requests.cpu_millis && !whole(spec.requests.cpu_millis)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::CpuMem;

    fn spec(cpu: i64) -> BTreeMap<String, ResourceSpec> {
        let cm = CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(1 << 30),
        };
        BTreeMap::from([(
            "c".to_string(),
            ResourceSpec {
                requests: cm,
                limits: cm,
            },
        )])
    }

    #[test]
    fn only_a_fraction_of_whole_cpus_in_a_guaranteed_pod_is_refused() {
        let g = Some("Guaranteed");
        assert!(refuses(g, &spec(2000), &spec(1500)));
        assert!(!refuses(g, &spec(2000), &spec(3000)));
        assert!(!refuses(Some("Burstable"), &spec(2000), &spec(1500)));
        // Shared-pool CPUs (fractional already) are not pinned.
        assert!(!refuses(g, &spec(500), &spec(700)));
    }
}
