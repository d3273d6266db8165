//! Server-side Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`) for pods and
//! nodes, with the columns kubectl prints.

use super::podutil;
use k8s_openapi::api::core::v1::{Node, Pod};
use serde_json::{Value, json};

/// kubectl-style age: `45s`, `6m15s`, `3h`, `2d5h`, `40d`.
pub fn human_age(secs: i64) -> String {
    let s = secs.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        format!("{m}m{}s", s % 60)
    } else if h < 3 {
        format!("{m}m")
    } else if h < 8 {
        format!("{h}h{}m", m % 60)
    } else if h < 48 {
        format!("{h}h")
    } else if d < 8 {
        format!("{d}d{}h", h % 24)
    } else if d < 365 * 2 {
        format!("{d}d")
    } else {
        format!("{}y{}d", d / 365, d % 365)
    }
}

fn column(name: &str, format: &str, description: &str, priority: u8) -> Value {
    json!({"name": name, "type": "string", "format": format, "description": description, "priority": priority})
}

/// Column definitions of the pod Table.
pub fn pod_columns() -> Value {
    json!([
        column("Name", "name", "Name must be unique within a namespace.", 0),
        column(
            "Ready",
            "",
            "The aggregate readiness state of this pod for accepting traffic.",
            0
        ),
        column(
            "Status",
            "",
            "The aggregate status of the containers in this pod.",
            0
        ),
        column(
            "Restarts",
            "",
            "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
            0
        ),
        column(
            "Age",
            "",
            "CreationTimestamp is a timestamp representing the server time when this object was created.",
            0
        ),
        column("IP", "", "podIP address allocated to the pod.", 1),
        column(
            "Node",
            "",
            "NodeName indicates in which node this pod is scheduled.",
            1
        ),
        column(
            "Nominated Node",
            "",
            "nominatedNodeName is set only when this pod preempts other pods on the node.",
            1
        ),
        column(
            "Readiness Gates",
            "",
            "If specified, all readiness gates will be evaluated for pod readiness.",
            1
        ),
    ])
}

/// One Table row for a pod, with its PartialObjectMetadata.
pub fn pod_row(pod: &Pod) -> Value {
    let status = pod.status.as_ref();
    let statuses = status.and_then(|s| s.container_statuses.as_ref());
    let total = pod.spec.as_ref().map_or(0, |s| s.containers.len());
    let ready = statuses.map_or(0, |cs| cs.iter().filter(|c| c.ready).count());
    let restarts: i32 = statuses.map_or(0, |cs| cs.iter().map(|c| c.restart_count).sum());
    let waiting = statuses.and_then(|cs| {
        cs.iter()
            .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone())
    });
    let phase = if pod.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        waiting
            .or_else(|| status.and_then(|s| s.phase.clone()))
            .unwrap_or_else(|| "Pending".into())
    };
    let age = pod
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| podutil::now().0.as_second() - t.0.as_second())
        .map_or_else(|| "<unknown>".to_string(), human_age);
    let none = || "<none>".to_string();
    let ip = status.and_then(|s| s.pod_ip.clone()).unwrap_or_else(none);
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_else(none);
    let meta = serde_json::to_value(&pod.metadata).unwrap_or_else(|_| json!({}));
    json!({
        "cells": [pod.metadata.name.clone().unwrap_or_default(), format!("{ready}/{total}"), phase, restarts.to_string(), age, ip, node, none(), none()],
        "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}
    })
}

/// Column definitions of the node Table.
pub fn node_columns() -> Value {
    json!([
        column("Name", "name", "Name must be unique within a namespace.", 0),
        column("Status", "", "The status of the node", 0),
        column("Roles", "", "The roles of the node", 0),
        column(
            "Age",
            "",
            "CreationTimestamp is a timestamp representing the server time when this object was created.",
            0
        ),
        column("Version", "", "Kubelet Version reported by the node.", 0),
        column(
            "Internal-IP",
            "",
            "List of addresses reachable to the node.",
            1
        ),
        column(
            "External-IP",
            "",
            "List of addresses reachable to the node.",
            1
        ),
        column("OS-Image", "", "OS Image reported by the node.", 1),
        column(
            "Kernel-Version",
            "",
            "Kernel Version reported by the node.",
            1
        ),
        column(
            "Container-Runtime",
            "",
            "Container Runtime Version reported by the node.",
            1
        ),
    ])
}

/// One Table row for a node: Ready/NotReady/Unknown from its Ready condition, roles from
/// `node-role.kubernetes.io/*` labels.
pub fn node_row(node: &Node) -> Value {
    let status = node.status.as_ref();
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .map_or("Unknown", |c| match c.status.as_str() {
            "True" => "Ready",
            "False" => "NotReady",
            _ => "Unknown",
        });
    let mut state = ready.to_string();
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        state.push_str(",SchedulingDisabled");
    }
    let roles: Vec<&str> = node
        .metadata
        .labels
        .iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/"))
        .collect();
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    let address = |kind: &str| {
        status
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.iter().find(|a| a.type_ == kind))
            .map_or_else(|| "<none>".to_string(), |a| a.address.clone())
    };
    let info = status.and_then(|s| s.node_info.clone()).unwrap_or_default();
    let meta = serde_json::to_value(&node.metadata).unwrap_or_else(|_| json!({}));
    json!({
        "cells": [node.metadata.name.clone().unwrap_or_default(), state, roles, age(&node.metadata), info.kubelet_version,
            address("InternalIP"), address("ExternalIP"), info.os_image, info.kernel_version, info.container_runtime_version],
        "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}
    })
}

fn age(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> String {
    meta.creation_timestamp
        .as_ref()
        .map(|t| podutil::now().0.as_second() - t.0.as_second())
        .map_or_else(|| "<unknown>".to_string(), human_age)
}
