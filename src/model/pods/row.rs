//! Compact rows projected from pods on arrival; the table and editor read only these. The
//! projection itself (`PodRow::from_slim`) lives in `projection`, the derived states in
//! `derive` and the scheduler's counting in `counted`, so the row types depend on none of them.

use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::pod_level::PodLevel;
use crate::model::pods::qos::QosClass;
use crate::model::pods::resize_state::{PodResizeStatus, ResizeState};
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
    /// The server's text of a desired value where podsize's own form would differ (`100u`,
    /// `512M`); a missing request reads as its limit, as the server defaults it.
    pub fn server_text(&self, field: ResourceField) -> Option<&str> {
        let field = match field {
            ResourceField::CpuRequest if self.desired.requests.cpu_millis.is_none() => {
                ResourceField::CpuLimit
            }
            ResourceField::MemoryRequest if self.desired.requests.memory_bytes.is_none() => {
                ResourceField::MemoryLimit
            }
            other => other,
        };
        let t = self.server_texts.as_deref()?;
        match field {
            ResourceField::CpuRequest => t.cpu_request.as_deref(),
            ResourceField::CpuLimit => t.cpu_limit.as_deref(),
            ResourceField::MemoryRequest => t.memory_request.as_deref(),
            ResourceField::MemoryLimit => t.memory_limit.as_deref(),
        }
    }

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
                    crate::model::ground::quantity::cpu_canonical(v)
                } else {
                    crate::model::ground::quantity::memory_canonical(v)
                }
            })
        })
    }
}

/// Which of the clusters on show a pod is in: the context's place in the order they were
/// given (0 when there is one). Pods of two clusters may share namespace and name.
pub type ClusterId = u16;

/// A map from pods to what the app keeps on them (usage histories, readings, verdicts): every
/// pod's entry is looked up at each metrics reading, so keys are hashed with foldhash (seeded
/// per process) rather than SipHash, which took a tenth of a reading at 10,000 pods.
pub type PodMap<V> = std::collections::HashMap<PodKey, V, foldhash::fast::RandomState>;

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
    pub pod_level: Option<Box<PodLevel>>,
    pub resize: PodResizeStatus,
    pub containers: Vec<ContainerRow>,
    /// The most severe container state, or a pod condition no container explains.
    pub state: ResizeState,
    /// The pod's `Ready` condition is `True`.
    pub ready: bool,
    /// The raw `podsize.dev/boost` annotation (see `model::boost`), when present.
    pub boost: Option<String>,
    /// `podsize.dev/make-room: never` is set on the pod (its owner's template is checked by
    /// the caller of make-room, which can read owners).
    pub make_room_never: bool,
    /// The raw `podsize.dev/lent` annotation (see `decide::lent`), when present.
    pub lent: Option<String>,
}

impl PodRow {
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
}
