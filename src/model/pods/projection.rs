//! The projection of a pod into a row: every field read once on arrival, odd values kept as
//! problems, then the resize states derived. Kept apart from `row` so the row types depend on
//! neither the wire form nor the derivation.

use crate::model::ground::quantity::{Quantity, cpu_canonical, memory_canonical};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::ground::time::parse_k8s_time;
use crate::model::pods::derive::derive_states;
use crate::model::pods::pod_level::PodLevel;
use crate::model::pods::qos::QosClass;
use crate::model::pods::resize_state::{
    InProgressResize, PendingResize, PodResizeStatus, ResizeState,
};
use crate::model::pods::row::{
    ContainerKind, ContainerRow, DesiredTexts, Owner, PodRow, ResizePolicy, RestartPolicy, RunState,
};
use crate::model::pods::slim::{
    RawResources, SlimContainer, SlimContainerStatus, SlimPod, SlimRequirements,
};

/// The cpu and memory values of a resource map, and the server's canonical text of any value
/// that podsize's own formatting would write differently.
#[derive(Default)]
struct ReadResources {
    values: CpuMem,
    cpu_text: Option<String>,
    memory_text: Option<String>,
}

fn read_resources_with_texts(
    raw: Option<&RawResources>,
    problems: &mut Vec<String>,
) -> ReadResources {
    let mut out = ReadResources::default();
    let Some(raw) = raw else { return out };
    for (key, value) in raw {
        let parsed = match key.as_str() {
            "cpu" | "memory" => Quantity::parse(&value.0),
            _ => continue,
        };
        match (key.as_str(), parsed) {
            ("cpu", Ok(q)) => {
                out.values.cpu_millis = Some(q.millis());
                // The server sends its canonical form; keep its text only where ours differs.
                let text = value.0.trim();
                if text != cpu_canonical(q.millis()) {
                    out.cpu_text = Some(text.to_string());
                }
            }
            (_, Ok(q)) => {
                out.values.memory_bytes = Some(q.units());
                let text = value.0.trim();
                if text != memory_canonical(q.units()) {
                    out.memory_text = Some(text.to_string());
                }
            }
            (_, Err(e)) => problems.push(e.to_string()),
        }
    }
    out
}

fn read_resources(raw: Option<&RawResources>, problems: &mut Vec<String>) -> CpuMem {
    read_resources_with_texts(raw, problems).values
}

fn read_spec(req: Option<&SlimRequirements>, problems: &mut Vec<String>) -> ResourceSpec {
    read_spec_with_texts(req, problems).0
}

fn read_spec_with_texts(
    req: Option<&SlimRequirements>,
    problems: &mut Vec<String>,
) -> (ResourceSpec, Option<Box<DesiredTexts>>) {
    let Some(req) = req else {
        return (ResourceSpec::default(), None);
    };
    let requests = read_resources_with_texts(req.requests.as_ref(), problems);
    let limits = read_resources_with_texts(req.limits.as_ref(), problems);
    let texts = DesiredTexts {
        cpu_request: requests.cpu_text,
        cpu_limit: limits.cpu_text,
        memory_request: requests.memory_text,
        memory_limit: limits.memory_text,
    };
    let spec = ResourceSpec {
        requests: requests.values,
        limits: limits.values,
    };
    let any = texts != DesiredTexts::default();
    (spec, any.then(|| Box::new(texts)))
}

fn read_policy(container: &SlimContainer) -> ResizePolicy {
    let mut policy = ResizePolicy::default();
    for entry in container.resize_policy.iter().flatten() {
        let value = if entry.restart_policy == "RestartContainer" {
            RestartPolicy::RestartContainer
        } else {
            RestartPolicy::NotRequired
        };
        match entry.resource_name.as_str() {
            "cpu" => policy.cpu = value,
            "memory" => policy.memory = value,
            _ => {}
        }
    }
    policy
}

fn run_state(status: Option<&SlimContainerStatus>) -> RunState {
    let Some(state) = status.and_then(|s| s.state.as_ref()) else {
        return if status.is_some() {
            RunState::Waiting
        } else {
            RunState::NoStatus
        };
    };
    if state.running.is_some() {
        RunState::Running
    } else if state.terminated.is_some() {
        RunState::Terminated
    } else {
        RunState::Waiting
    }
}

fn project_container(
    spec: &SlimContainer,
    kind: ContainerKind,
    statuses: &[SlimContainerStatus],
) -> ContainerRow {
    let mut problems = Vec::new();
    // Matched by name: statuses may be listed in another order than the spec.
    let status = statuses.iter().find(|s| s.name == spec.name);
    let (desired, server_texts) = read_spec_with_texts(spec.resources.as_ref(), &mut problems);
    let allocated = status
        .and_then(|s| s.allocated_resources.as_ref())
        .map(|raw| read_resources(Some(raw), &mut problems));
    let actual = status
        .and_then(|s| s.resources.as_ref())
        .map(|r| read_spec(Some(r), &mut problems));
    ContainerRow {
        name: spec.name.clone(),
        kind,
        desired,
        allocated,
        actual,
        policy: read_policy(spec),
        restart_count: status.map_or(0, |s| s.restart_count),
        run_state: run_state(status),
        state: ResizeState::None,
        problems,
        server_texts,
        oom_killed: status
            .and_then(|s| s.last_state.as_ref())
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.reason.as_deref())
            == Some("OOMKilled"),
    }
}

fn read_resize_status(pod: &SlimPod) -> PodResizeStatus {
    let mut out = PodResizeStatus {
        legacy: pod.status.resize.clone().filter(|s| !s.is_empty()),
        ..Default::default()
    };
    for cond in pod.status.conditions.iter().filter(|c| c.status == "True") {
        let since = cond
            .last_transition_time
            .as_deref()
            .and_then(parse_k8s_time);
        let message = cond.message.clone().unwrap_or_default();
        match cond.type_.as_str() {
            "PodResizePending" => {
                let reason = cond.reason.clone().unwrap_or_default();
                out.pending = Some(PendingResize {
                    infeasible: reason == "Infeasible",
                    reason,
                    message,
                    observed_generation: cond.observed_generation,
                    since,
                });
            }
            "PodResizeInProgress" => {
                out.in_progress = Some(InProgressResize {
                    error: (cond.reason.as_deref() == Some("Error")).then_some(message),
                    observed_generation: cond.observed_generation,
                    since,
                });
            }
            _ => {}
        }
    }
    out
}

/// Reads the pod-level status of a pod that has pod-level resources (`has_spec`).
fn read_pod_level(pod: &SlimPod, has_spec: bool) -> Option<Box<PodLevel>> {
    if !has_spec {
        return None;
    }
    let mut problems = Vec::new();
    let allocated = pod
        .status
        .allocated_resources
        .as_ref()
        .map(|raw| read_resources(Some(raw), &mut problems));
    let actual = pod
        .status
        .resources
        .as_ref()
        .map(|r| read_spec(Some(r), &mut problems));
    Some(Box::new(PodLevel {
        allocated,
        actual,
        state: ResizeState::None,
    }))
}

impl PodRow {
    /// Projects a pod into a row. Never fails: odd or missing fields become `None` or problems.
    pub fn from_slim(pod: &SlimPod) -> Self {
        let statuses = &pod.status.container_statuses;
        let init_statuses = &pod.status.init_container_statuses;
        let mut containers: Vec<ContainerRow> = pod
            .spec
            .init_containers
            .iter()
            .map(|c| {
                let kind = if c.restart_policy.as_deref() == Some("Always") {
                    ContainerKind::Sidecar
                } else {
                    ContainerKind::Init
                };
                project_container(c, kind, init_statuses)
            })
            .collect();
        containers.extend(
            pod.spec
                .containers
                .iter()
                .map(|c| project_container(c, ContainerKind::Regular, statuses)),
        );
        let owner = pod
            .metadata
            .owner_references
            .iter()
            .find(|o| o.controller == Some(true))
            .or_else(|| pod.metadata.owner_references.first())
            .map(|o| Owner {
                kind: o.kind.clone(),
                name: o.name.clone(),
            });
        let mut row = PodRow {
            cluster: 0,
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
            resource_version: pod.metadata.resource_version.clone(),
            node: pod.spec.node_name.clone().filter(|n| !n.is_empty()),
            phase: pod.status.phase.clone().unwrap_or_else(|| "Unknown".into()),
            qos: pod.status.qos_class.as_deref().and_then(QosClass::parse),
            owner,
            created: pod
                .metadata
                .creation_timestamp
                .as_deref()
                .and_then(parse_k8s_time),
            deleting: pod.metadata.deletion_timestamp.is_some(),
            generation: pod.metadata.generation,
            observed_generation: pod.status.observed_generation,
            restart_policy_never: pod.spec.restart_policy.as_deref() == Some("Never"),
            windows: pod.spec.os.name.as_deref() == Some("windows"),
            mirror: pod.metadata.annotations.mirror,
            priority: pod.spec.priority,
            pod_resources: pod
                .spec
                .resources
                .as_ref()
                .map(|r| read_spec(Some(r), &mut Vec::new()))
                .filter(|r| !r.requests.is_empty() || !r.limits.is_empty()),
            pod_level: None,
            resize: read_resize_status(pod),
            containers,
            state: ResizeState::None,
            ready: pod
                .status
                .conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True"),
            boost: pod.metadata.annotations.boost.clone(),
            make_room_never: pod.metadata.annotations.make_room_never,
            lent: pod.metadata.annotations.lent.clone(),
        };
        row.pod_level = read_pod_level(pod, row.pod_resources.is_some());
        derive_states(&mut row);
        row
    }
}

#[cfg(test)]
#[path = "pod_level_tests.rs"]
mod pod_level_tests;
