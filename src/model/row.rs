//! Compact rows projected from pods on arrival; the table and editor read only these.

use super::qos::QosClass;
use super::quantity::Quantity;
use super::resize_state::{InProgressResize, PendingResize, PodResizeStatus, ResizeState};
use super::resources::{CpuMem, ResourceSpec};
use super::slim::{RawResources, SlimContainer, SlimContainerStatus, SlimPod, SlimRequirements};
use super::time::parse_k8s_time;
use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContainerKind {
    Regular,
    /// Init container with `restartPolicy: Always`; resizable from 1.33.
    Sidecar,
    /// Plain init container; resizable only while running, from 1.36.
    Init,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RestartPolicy {
    #[default]
    NotRequired,
    RestartContainer,
}

/// Per-resource restart policy; missing entries mean `NotRequired`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResizePolicy {
    pub cpu: RestartPolicy,
    pub memory: RestartPolicy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunState {
    /// The kubelet reported nothing for this container yet.
    NoStatus,
    Waiting,
    Running,
    Terminated,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRow {
    pub name: String,
    pub kind: ContainerKind,
    /// `spec.containers[].resources`: what was asked for.
    pub desired: ResourceSpec,
    /// `containerStatuses[].allocatedResources`: what the kubelet admitted (requests only).
    pub allocated: Option<CpuMem>,
    /// `containerStatuses[].resources`: what the runtime applied.
    pub actual: Option<ResourceSpec>,
    pub policy: ResizePolicy,
    pub restart_count: i32,
    pub run_state: RunState,
    pub state: ResizeState,
    /// Values in the pod that could not be parsed, kept to be shown rather than dropped silently.
    pub problems: Vec<String>,
    /// The server's own text of desired values whose form podsize would not write itself
    /// (`512M`, `100u`); `None` for the usual case, so rows stay small.
    pub server_texts: Option<Box<DesiredTexts>>,
    /// The container's last run ended `OOMKilled`: right-sizing raises its memory.
    pub oom_killed: bool,
}

/// Server-written texts of a container's desired values, where they differ from podsize's form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DesiredTexts {
    pub cpu_request: Option<String>,
    pub cpu_limit: Option<String>,
    pub memory_request: Option<String>,
    pub memory_limit: Option<String>,
}

/// One of the four values a resize can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceField {
    CpuRequest,
    CpuLimit,
    MemoryRequest,
    MemoryLimit,
}

impl ResourceField {
    pub const ALL: [ResourceField; 4] = [
        Self::CpuRequest,
        Self::CpuLimit,
        Self::MemoryRequest,
        Self::MemoryLimit,
    ];

    pub fn is_cpu(self) -> bool {
        matches!(self, Self::CpuRequest | Self::CpuLimit)
    }

    /// The value of this field in `spec`.
    pub fn of(self, spec: &ResourceSpec) -> Option<i64> {
        match self {
            Self::CpuRequest => spec.requests.cpu_millis,
            Self::CpuLimit => spec.limits.cpu_millis,
            Self::MemoryRequest => spec.requests.memory_bytes,
            Self::MemoryLimit => spec.limits.memory_bytes,
        }
    }
}

impl ContainerRow {
    /// A desired value as the server wrote it: its own text where podsize's canonical form would
    /// differ (another suffix family, sub-millicore cpu), else the canonical form.
    pub fn desired_text(&self, field: ResourceField) -> Option<String> {
        let server = self.server_texts.as_deref().and_then(|t| match field {
            ResourceField::CpuRequest => t.cpu_request.clone(),
            ResourceField::CpuLimit => t.cpu_limit.clone(),
            ResourceField::MemoryRequest => t.memory_request.clone(),
            ResourceField::MemoryLimit => t.memory_limit.clone(),
        });
        server.or_else(|| {
            field.of(&self.desired).map(|v| {
                if field.is_cpu() {
                    super::quantity::cpu_canonical(v)
                } else {
                    super::quantity::memory_canonical(v)
                }
            })
        })
    }
}

/// Which of the clusters on show a pod is in: the context's place in the order they were
/// given (0 when there is one). Pods of two clusters may share namespace and name.
pub type ClusterId = u16;

/// A pod's cluster, namespace and name; rows sort by cluster first.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodKey {
    pub cluster: ClusterId,
    pub namespace: String,
    pub name: String,
}

impl PodKey {
    pub fn new(cluster: ClusterId, namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            cluster,
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The first key of `cluster`, for range operations over one cluster's pods.
    pub fn first_of(cluster: ClusterId) -> Self {
        Self::new(cluster, String::new(), String::new())
    }
}

/// Controllers whose pod template still holds the old values after an in-place resize.
pub fn is_workload_owner(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" | "Job" | "CronJob"
    )
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub kind: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodRow {
    /// Set by the app as the row arrives; the cluster layer leaves it 0.
    pub cluster: ClusterId,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub resource_version: Option<String>,
    pub node: Option<String>,
    pub phase: String,
    pub qos: Option<QosClass>,
    pub owner: Option<Owner>,
    pub created: Option<DateTime<Utc>>,
    pub deleting: bool,
    pub generation: Option<i64>,
    pub observed_generation: Option<i64>,
    pub restart_policy_never: bool,
    /// `spec.os.name: windows`: the apiserver refuses every resize (1.32+).
    pub windows: bool,
    /// The mirror of a static pod: the apiserver refuses every resize (1.32+).
    pub mirror: bool,
    /// `spec.priority`, as the scheduler and the kubelet's retry order use it.
    pub priority: Option<i32>,
    /// Pod-level `spec.resources` (resize-api.md §1.3), when set.
    pub pod_resources: Option<ResourceSpec>,
    /// Pod-level allocated/actual values and state, present when `pod_resources` is.
    pub pod_level: Option<Box<super::pod_level::PodLevel>>,
    pub resize: PodResizeStatus,
    pub containers: Vec<ContainerRow>,
    /// The most severe container state, or a pod condition no container explains.
    pub state: ResizeState,
    /// The pod's `Ready` condition is `True`.
    pub ready: bool,
    /// The raw `podsize.dev/boost` annotation (see `model::boost`), when present.
    pub boost: Option<String>,
}

impl PodRow {
    /// Derives the resize states again after fields were changed in place.
    pub fn refresh_states(&mut self) {
        super::derive::derive_states(self);
    }

    pub fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }

    /// The key the app files this row under.
    pub fn pod_key(&self) -> PodKey {
        PodKey::new(self.cluster, self.namespace.clone(), self.name.clone())
    }

    pub fn container(&self, name: &str) -> Option<&ContainerRow> {
        self.containers.iter().find(|c| c.name == name)
    }

    /// Total restarts over all containers.
    pub fn restarts(&self) -> i64 {
        self.containers.iter().fold(0i64, |sum, c| {
            sum.saturating_add(i64::from(c.restart_count))
        })
    }

    /// Requests the scheduler counts for this pod on its node: per container the largest of
    /// desired, allocated and actual (one rule, kept in `node_room`, for the editor's prediction,
    /// the node view and make-room alike).
    pub fn effective_requests(&self) -> CpuMem {
        super::node_room::counted_requests(self)
    }
}

/// Effective requests of the pods other than `pod` on `pod`'s node that still hold room
/// (finished pods do not): what the node has already given away.
pub fn requests_of_neighbours<'a>(
    pod: &PodRow,
    pods: impl IntoIterator<Item = &'a PodRow>,
) -> CpuMem {
    let Some(node) = &pod.node else {
        return CpuMem::ZERO;
    };
    pods.into_iter()
        .filter(|p| p.cluster == pod.cluster && p.node.as_ref() == Some(node) && p.uid != pod.uid)
        .filter(|p| !matches!(p.phase.as_str(), "Succeeded" | "Failed"))
        .fold(CpuMem::ZERO, |sum, p| sum.plus(p.effective_requests()))
}

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
                if text != super::quantity::cpu_canonical(q.millis()) {
                    out.cpu_text = Some(text.to_string());
                }
            }
            (_, Ok(q)) => {
                out.values.memory_bytes = Some(q.units());
                let text = value.0.trim();
                if text != super::quantity::memory_canonical(q.units()) {
                    out.memory_text = Some(text.to_string());
                }
            }
            (_, Err(e)) => problems.push(e.to_string()),
        }
    }
    out
}

pub(super) fn read_resources(raw: Option<&RawResources>, problems: &mut Vec<String>) -> CpuMem {
    read_resources_with_texts(raw, problems).values
}

pub(super) fn read_spec(
    req: Option<&SlimRequirements>,
    problems: &mut Vec<String>,
) -> ResourceSpec {
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
        };
        row.pod_level = super::pod_level::read(pod, row.pod_resources.is_some());
        super::derive::derive_states(&mut row);
        row
    }
}
