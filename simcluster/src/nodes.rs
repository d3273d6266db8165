//! Node objects as a real kubelet registers them: allocatable, conditions, addresses, pod CIDR.

use super::api::make_uid;
use super::kubelet::{self, NO_RESIZE_LABEL};
use super::podutil::{self, requirements};
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::{
    DaemonEndpoint, Node, NodeAddress, NodeCondition, NodeDaemonEndpoints, NodeSpec, NodeStatus,
    NodeSystemInfo,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// A node with allocatable cpu (millicores) and memory (bytes).
pub fn node(name: &str, cpu_millis: i64, memory_bytes: i64, resize_support: bool) -> Node {
    let mut labels = BTreeMap::from([
        ("kubernetes.io/hostname".to_string(), name.to_string()),
        ("kubernetes.io/os".to_string(), "linux".to_string()),
        ("kubernetes.io/arch".to_string(), "amd64".to_string()),
    ]);
    if !resize_support {
        labels.insert(NO_RESIZE_LABEL.to_string(), "true".to_string());
    }
    let res = requirements(&ResourceSpec {
        requests: CpuMem {
            cpu_millis: Some(cpu_millis),
            memory_bytes: Some(memory_bytes),
        },
        limits: CpuMem::default(),
    })
    .requests
    .unwrap_or_default();
    let mut capacity = res.clone();
    capacity.insert("pods".into(), kubelet::kq("110"));
    let mut allocatable = res;
    allocatable.insert("pods".into(), kubelet::kq("110"));
    Node {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(labels),
            uid: Some(make_uid(cpu_millis as u64, name.len() as u64)),
            creation_timestamp: Some(podutil::now()),
            ..Default::default()
        },
        // kubectl's STATUS column reads the Ready condition; a real node also reports the
        // pressure conditions, its addresses and its pod CIDR.
        spec: Some(NodeSpec {
            pod_cidr: Some("10.244.0.0/24".into()),
            pod_cidrs: Some(vec!["10.244.0.0/24".into()]),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            allocatable: Some(allocatable),
            capacity: Some(capacity),
            conditions: Some(node_conditions()),
            addresses: Some(vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: "10.0.0.1".into(),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: name.to_string(),
                },
            ]),
            daemon_endpoints: Some(NodeDaemonEndpoints {
                kubelet_endpoint: Some(DaemonEndpoint { port: 10250 }),
            }),
            // Every field a real kubelet reports (node-01); `stamp_versions` sets the
            // kubelet version of the cluster's minor.
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: format!("b00710d0-{:04x}", name.len()),
                container_runtime_version: "containerd://2.1.0".into(),
                kubelet_version: "v1.35.0".into(),
                kube_proxy_version: String::new(),
                machine_id: format!("{:012x}", cpu_millis),
                operating_system: "linux".into(),
                os_image: "Ubuntu 24.04 LTS".into(),
                kernel_version: "6.8.0".into(),
                system_uuid: format!("0a1b2c3d-{:04x}", name.len()),
                ..Default::default()
            }),
            ..Default::default()
        }),
    }
}

/// Sets each node's `nodeInfo.kubeletVersion` to the cluster's version (`v1.MINOR.0`), as the
/// kubelets of a cluster at that version report it. A test models an old runtime by writing
/// `nodes/status` afterwards (node-02), which the server does not check; the kubelet then
/// stops reporting resized values there (`reports_resized_values`).
pub fn stamp_versions(store: &crate::store::Store, minor: u32) {
    let version = format!("v1.{minor}.0");
    for n in store.all::<Node>(None) {
        let current = n.status.as_ref().and_then(|s| s.node_info.as_ref());
        if current.is_none_or(|i| i.kubelet_version == version) {
            continue;
        }
        let mut node = (*n).clone();
        if let Some(info) = node.status.as_mut().and_then(|s| s.node_info.as_mut()) {
            info.kubelet_version = version.clone();
        }
        store.upsert(node);
    }
}

/// Whether the node's runtime reports a container's resized values to the kubelet: containerd
/// before 1.6.9 lacks the CRI support, so a resize there is applied to the container but the
/// pod's `resources` never change and the resize stays InProgress (the seed blog's known
/// issues). Other runtimes, and versions that do not parse, are taken to report them.
pub fn reports_resized_values(node: &Node) -> bool {
    let Some(info) = node.status.as_ref().and_then(|s| s.node_info.as_ref()) else {
        return true;
    };
    let Some(version) = info.container_runtime_version.strip_prefix("containerd://") else {
        return true;
    };
    let mut parts = version
        .trim_start_matches('v')
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().ok());
    match (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    ) {
        (Some(major), Some(minor), patch) => (major, minor, patch.unwrap_or(0)) >= (1, 6, 9),
        _ => true,
    }
}

fn node_conditions() -> Vec<NodeCondition> {
    let now = podutil::now();
    [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ]
    .into_iter()
    .map(|(type_, status, reason, message)| NodeCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_heartbeat_time: Some(now.clone()),
        last_transition_time: Some(now.clone()),
    })
    .collect()
}
