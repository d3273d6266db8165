//! Small helpers over k8s-openapi pods shared by the API handlers, the kubelet and the generator.

use super::rules::quantity::Quantity;
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::{Container, Pod, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use std::collections::BTreeMap;

/// The current time with whole seconds, as the apiserver writes timestamps.
pub fn now() -> Time {
    let secs = Timestamp::now().as_second();
    Time(Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH))
}

/// Namespace and name of a pod.
pub fn key(pod: &Pod) -> (String, String) {
    (
        pod.metadata.namespace.clone().unwrap_or_default(),
        pod.metadata.name.clone().unwrap_or_default(),
    )
}

/// A quantity text as cpu millicores and as bytes (both rounded up), by the simulator's parser.
fn parsed(text: &str) -> Option<(i64, i64)> {
    let q = Quantity::parse(text.trim()).ok()?;
    let clamp = |v: i128| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
    Some((clamp(q.milli_ceil()), clamp(q.units_ceil())))
}

/// Parsed cpu/memory of a requirements block.
pub fn spec_of(res: Option<&ResourceRequirements>) -> ResourceSpec {
    let get = |m: Option<&BTreeMap<String, KQuantity>>| {
        let q = |k: &str| m.and_then(|m| m.get(k)).and_then(|v| parsed(&v.0));
        CpuMem {
            cpu_millis: q("cpu").map(|q| q.0),
            memory_bytes: q("memory").map(|q| q.1),
        }
    };
    ResourceSpec {
        requests: get(res.and_then(|r| r.requests.as_ref())),
        limits: get(res.and_then(|r| r.limits.as_ref())),
    }
}

/// Containers whose resources the kubelet allocates: regular containers and sidecars.
pub fn running_containers(pod: &Pod) -> Vec<&Container> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    spec.containers.iter().chain(sidecars).collect()
}

/// Sum of effective requests of a pod (regular containers and sidecars).
pub fn pod_requests(pod: &Pod) -> CpuMem {
    let mut total = CpuMem {
        cpu_millis: Some(0),
        memory_bytes: Some(0),
    };
    for c in running_containers(pod) {
        let r = spec_of(c.resources.as_ref()).effective_requests();
        total.cpu_millis = total.cpu_millis.map(|t| t + r.cpu_millis.unwrap_or(0));
        total.memory_bytes = total.memory_bytes.map(|t| t + r.memory_bytes.unwrap_or(0));
    }
    // Pod-level requests, where set, are what the scheduler and kubelet count (§1.3).
    let own = super::kubelet_pod::pod_level(pod)
        .map(|s| s.effective_requests())
        .unwrap_or_default();
    CpuMem {
        cpu_millis: own.cpu_millis.or(total.cpu_millis),
        memory_bytes: own.memory_bytes.or(total.memory_bytes),
    }
}

/// Fills missing requests from limits, as apiserver defaulting (`SetDefaults_Pod`) does for
/// every resource name.
pub fn default_requests(res: &mut Option<ResourceRequirements>) {
    let Some(r) = res.as_mut() else {
        return;
    };
    let Some(limits) = r.limits.clone() else {
        return;
    };
    let requests = r.requests.get_or_insert_with(BTreeMap::new);
    for (key, l) in limits {
        requests.entry(key).or_insert(l);
    }
}

/// A requirements block from cpu/memory values in canonical text.
pub fn requirements(spec: &ResourceSpec) -> ResourceRequirements {
    let map = |v: &CpuMem| {
        let mut m = BTreeMap::new();
        if let Some(c) = v.cpu_millis {
            m.insert(
                "cpu".to_string(),
                KQuantity(Quantity::from_millis(c).to_string()),
            );
        }
        if let Some(b) = v.memory_bytes {
            m.insert(
                "memory".to_string(),
                KQuantity(Quantity::from_bytes(b).to_string()),
            );
        }
        (!m.is_empty()).then_some(m)
    };
    ResourceRequirements {
        requests: map(&spec.requests),
        limits: map(&spec.limits),
        ..Default::default()
    }
}

/// Node allocatable cpu (millis) and memory (bytes).
pub fn node_allocatable(node: &k8s_openapi::api::core::v1::Node) -> CpuMem {
    let alloc = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
    let q = |k: &str| alloc.and_then(|m| m.get(k)).and_then(|v| parsed(&v.0));
    CpuMem {
        cpu_millis: q("cpu").map(|q| q.0),
        memory_bytes: q("memory").map(|q| q.1),
    }
}

/// What the DefaultTolerationSeconds admission plugin adds: tolerate `not-ready` and
/// `unreachable` NoExecute taints for 300 s, unless the pod already tolerates them.
pub fn default_tolerations(spec: &mut k8s_openapi::api::core::v1::PodSpec) {
    let list = spec.tolerations.get_or_insert_with(Vec::new);
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let covered = list.iter().any(|t| {
            (t.key.as_deref() == Some(key)
                || (t.key.is_none() && t.operator.as_deref() == Some("Exists")))
                && t.effect.as_deref().is_none_or(|e| e == "NoExecute")
        });
        if !covered {
            list.push(k8s_openapi::api::core::v1::Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                ..Default::default()
            });
        }
    }
}

/// The kubelet reports each address twice: `hostIP`/`podIP` and the dual-stack lists
/// `hostIPs`/`podIPs`, as a real one does.
pub fn mirror_ip_lists(st: &mut k8s_openapi::api::core::v1::PodStatus) {
    use k8s_openapi::api::core::v1::{HostIP, PodIP};
    st.host_ips = st.host_ip.clone().map(|ip| vec![HostIP { ip }]);
    st.pod_ips = st.pod_ip.clone().map(|ip| vec![PodIP { ip }]);
}
