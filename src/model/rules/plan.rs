//! A resize request worked out before anything is sent: new values, the exact patch,
//! the apiserver's validation run locally, QoS before/after, restart warning and a
//! prediction of what the kubelet will do with the node's free room.

pub use crate::model::rules::edits::Edits;
use crate::model::rules::patch::{ExactSpec, container_patch};
// The server is part of a plan's input; its type and refusals live in `server`.
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::NodeInfo;
use crate::model::pods::qos::QosClass;
use crate::model::pods::row::{ContainerKind, PodRow, ResizePolicy, RestartPolicy, RunState};
pub use crate::model::rules::server::Server;
use crate::model::rules::server::unresizable_reasons;
use crate::model::rules::validation::{
    ContainerResources, FieldError, ResizeRules, pod_qos, validate_resize,
};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    CpuRequest,
    CpuLimit,
    MemoryRequest,
    MemoryLimit,
    /// An error about the request as a whole (QoS, container kind, nothing changed).
    Whole,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    pub field: Field,
    pub message: String,
}

/// What the kubelet is expected to do with the new requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prediction {
    FitsNow,
    /// Fits the node, not its free room now.
    Deferred {
        /// The node's room for the pod: allocatable less the other pods.
        free: CpuMem,
        /// The pod's requests after the change, all containers: what must fit in `free`
        /// (more than the one change, which is what makes a small change Deferred).
        needs: CpuMem,
    },
    /// Larger than the node.
    Infeasible {
        allocatable: CpuMem,
    },
    /// Node unknown (not scheduled, or nodes not visible).
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResizePlan {
    /// The cluster of the pod (its place among the clusters on show), to route the patch.
    pub cluster: crate::model::pods::row::ClusterId,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub new_spec: ResourceSpec,
    /// The new values exactly, as the patch writes them (cpu request, cpu limit, memory
    /// request, memory limit).
    pub new_exact: ExactSpec,
    /// Strategic merge patch of the one container; only cpu/memory keys that change.
    pub patch: Value,
    pub changed: bool,
    /// A changed resource has `RestartContainer`: the container will restart.
    pub restarts: bool,
    pub qos_before: QosClass,
    pub qos_after: QosClass,
    pub prediction: Prediction,
    pub errors: Vec<PlanError>,
    /// The patch goes to `pods/NAME/resize`; `false`: to the pod itself (servers up to 1.31).
    pub to_subresource: bool,
}

impl ResizePlan {
    /// Where the patch is sent, as the preview names it.
    pub fn target_description(&self) -> String {
        if self.to_subresource {
            format!("pods/{}/resize", self.pod)
        } else {
            format!(
                "the pod itself, pods/{} (no resize subresource before 1.32)",
                self.pod
            )
        }
    }
}

impl ResizePlan {
    pub fn is_sendable(&self) -> bool {
        self.errors.is_empty() && self.changed
    }
}

fn to_resources(pod: &PodRow) -> Vec<ContainerResources> {
    // validate_resize wants regular containers first, then init containers.
    let regular = pod
        .containers
        .iter()
        .filter(|c| c.kind == ContainerKind::Regular);
    let init = pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Regular);
    regular
        .chain(init)
        .map(|c| ContainerResources {
            init: c.kind != ContainerKind::Regular,
            sidecar: c.kind == ContainerKind::Sidecar,
            // The server checks the container's own policy (e.g. 1.33's memory-limit rule).
            resize_policy: policy_map(c.policy),
            ..ContainerResources::from_spec(&c.name, &c.desired)
        })
        .collect()
}

fn policy_map(policy: ResizePolicy) -> std::collections::BTreeMap<String, String> {
    let name = |p: RestartPolicy| match p {
        RestartPolicy::NotRequired => "NotRequired",
        RestartPolicy::RestartContainer => "RestartContainer",
    };
    [("cpu", policy.cpu), ("memory", policy.memory)]
        .into_iter()
        .filter(|(_, p)| *p == RestartPolicy::RestartContainer)
        .map(|(k, p)| (k.to_string(), name(p).to_string()))
        .collect()
}

/// Which form field a server-style error is about.
fn field_of(error: &FieldError) -> Field {
    let text = format!("{} {}", error.field, error.detail);
    let memory = text.contains("memory");
    let cpu = text.contains("cpu");
    match (
        error.field.contains("limits"),
        error.field.contains("requests"),
        cpu,
        memory,
    ) {
        (true, _, _, true) => Field::MemoryLimit,
        (true, _, _, _) => Field::CpuLimit,
        (_, true, _, true) => Field::MemoryRequest,
        (_, true, true, _) | (_, true, _, _) => Field::CpuRequest,
        _ => Field::Whole,
    }
}

/// "request must be at most the limit" is the limit's fault when only the limit moved: the
/// editor shows it under the field that was changed, not under the request nobody touched.
fn at_fault(field: Field, detail: &str, old: &ExactSpec, new: &ExactSpec) -> Field {
    let (request, limit, limit_field) = match field {
        Field::CpuRequest => (0, 1, Field::CpuLimit),
        Field::MemoryRequest => (2, 3, Field::MemoryLimit),
        _ => return field,
    };
    let limit_moved = new[limit] != old[limit] && new[request] == old[request];
    if detail.contains("less than or equal to") && limit_moved {
        limit_field
    } else {
        field
    }
}

/// The requests of the pod's containers (init containers aside) with `container`'s replaced.
fn pod_requests_with(pod: &PodRow, container: &str, new_requests: CpuMem) -> CpuMem {
    pod.containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
        .fold(CpuMem::ZERO, |sum, c| {
            sum.plus(if c.name == container {
                new_requests
            } else {
                c.desired.effective_requests()
            })
        })
}

fn predict(
    pod: &PodRow,
    new_requests: CpuMem,
    container: &str,
    node: Option<&NodeInfo>,
    others: CpuMem,
) -> Prediction {
    let Some(node) = node else {
        return Prediction::Unknown;
    };
    let mine = pod_requests_with(pod, container, new_requests);
    // The kubelet admits a resize that asks for no more than the pod holds, whatever the
    // node's room (an over-committed node included): only growth can be Deferred.
    if !grows(mine, allocated_requests(pod)) {
        return Prediction::FitsNow;
    }
    predict_requests(mine, node, others)
}

/// What the kubelet has admitted for the pod: each container's allocated requests (its
/// desired ones where nothing is reported).
fn allocated_requests(pod: &PodRow) -> CpuMem {
    pod.containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
        .fold(CpuMem::ZERO, |sum, c| {
            sum.plus(c.allocated.unwrap_or(c.desired.effective_requests()))
        })
}

fn grows(new: CpuMem, held: CpuMem) -> bool {
    let more = |n: Option<i64>, h: Option<i64>| n.unwrap_or(0) > h.unwrap_or(0);
    more(new.cpu_millis, held.cpu_millis) || more(new.memory_bytes, held.memory_bytes)
}

/// What the kubelet will do with a pod whose requests become `mine`.
pub(crate) fn predict_requests(mine: CpuMem, node: &NodeInfo, others: CpuMem) -> Prediction {
    let alloc = node.allocatable;
    let exceeds =
        |need: Option<i64>, have: Option<i64>| matches!((need, have), (Some(n), Some(h)) if n > h);
    if exceeds(mine.cpu_millis, alloc.cpu_millis) || exceeds(mine.memory_bytes, alloc.memory_bytes)
    {
        return Prediction::Infeasible { allocatable: alloc };
    }
    let free = alloc.minus(others);
    if exceeds(mine.cpu_millis, free.cpu_millis) || exceeds(mine.memory_bytes, free.memory_bytes) {
        Prediction::Deferred { free, needs: mine }
    } else {
        Prediction::FitsNow
    }
}

/// Works out a resize of `container` in `pod` to `edits` against a server of version `minor`.
/// `others` is the sum of the effective requests of the other pods on the pod's node.
pub fn plan_resize(
    pod: &PodRow,
    container: &str,
    edits: Edits,
    server: impl Into<Server>,
    node: Option<&NodeInfo>,
    others: CpuMem,
) -> ResizePlan {
    let server = server.into();
    let minor = server.minor;
    let mut errors = Vec::new();
    let old_all = to_resources(pod);
    let current = pod.container(container);
    let kind = current.map_or(ContainerKind::Regular, |c| c.kind);
    let old_spec = current.map(|c| c.desired).unwrap_or_default();
    let old_exact = current.map_or_else(ExactSpec::default, |c| {
        Edits::from_container(c).exact_spec()
    });
    let new_spec = edits.spec();
    let new_exact = edits.exact_spec();
    if current.is_none() {
        errors.push(PlanError {
            field: Field::Whole,
            message: format!("pod {} has no container {container:?}", pod.name),
        });
    }
    let rules = ResizeRules::for_minor(minor).with_stored_qos(pod.qos);
    let run = current.map_or(RunState::NoStatus, |c| c.run_state);
    errors.extend(
        unresizable_reasons(pod, kind, run, &server)
            .into_iter()
            .map(|message| PlanError {
                field: Field::Whole,
                message,
            }),
    );
    let mut new_all = old_all.clone();
    for c in new_all.iter_mut().filter(|c| c.name == container) {
        let policy = std::mem::take(&mut c.resize_policy);
        *c = ContainerResources {
            init: c.init,
            sidecar: c.sidecar,
            resize_policy: policy,
            ..ContainerResources::from_spec(container, &new_spec)
        };
    }
    errors.extend(
        validate_resize(rules, &old_all, &new_all)
            .into_iter()
            // Pod-level resources decide the class (§1.3): container edits cannot change it.
            .filter(|e| pod.pod_resources.is_none() || !e.detail.contains("Pod QOS Class"))
            .map(|e| PlanError {
                field: at_fault(field_of(&e), &e.detail, &old_exact, &new_exact),
                message: e.to_string(),
            }),
    );
    let changed = new_spec != old_spec || new_exact != old_exact;
    if !changed && errors.is_empty() {
        errors.push(PlanError {
            field: Field::Whole,
            message: "nothing to change: the values equal the desired ones".into(),
        });
    }
    let policy = current.map(|c| c.policy).unwrap_or_default();
    let cpu_changed = new_exact[..2] != old_exact[..2];
    let mem_changed = new_exact[2..] != old_exact[2..];
    let restarts = (cpu_changed && policy.cpu == RestartPolicy::RestartContainer)
        || (mem_changed && policy.memory == RestartPolicy::RestartContainer);
    let prediction = predict(pod, new_spec.effective_requests(), container, node, others);
    // 1.36+ refuses at admission what 1.35 and older only mark Infeasible (resize-api.md §4.7).
    if let (Prediction::Infeasible { allocatable }, true) = (&prediction, minor >= 36 && changed) {
        let requested = pod_requests_with(pod, container, new_spec.effective_requests());
        if let Some(detail) =
            crate::model::rules::validation::node_capacity_message(requested, *allocatable)
        {
            errors.push(PlanError {
                field: Field::Whole,
                message: format!("pods {:?} is forbidden: {detail}", pod.name),
            });
        }
    }
    ResizePlan {
        cluster: pod.cluster,
        namespace: pod.namespace.clone(),
        pod: pod.name.clone(),
        container: container.to_string(),
        new_spec,
        new_exact,
        patch: container_patch(kind, container, &new_exact, &old_exact),
        changed,
        restarts,
        // The server compares with the class it stored (status.qosClass), not a recomputation.
        qos_before: pod.qos.unwrap_or_else(|| pod_qos(&old_all)),
        qos_after: match &pod.pod_resources {
            Some(pod_level) => crate::model::pods::qos::pod_level_qos_class(pod_level),
            None => pod_qos(&new_all),
        },
        prediction,
        errors,
        to_subresource: server.minor >= 32,
    }
}

/// Why a resize was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ResizeRejected {
    /// HTTP status from the server; `None` when the request never got an answer.
    pub code: Option<u16>,
    /// `Invalid`, `Forbidden`, `NotFound`, `Conflict`, ...
    pub reason: String,
    /// The server's message, verbatim.
    pub message: String,
}

/// The pod as the server returned it after an accepted patch.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub row: PodRow,
    /// `metadata.generation` after the change: the kubelet has seen it once observedGeneration reaches it.
    pub generation: Option<i64>,
}

#[cfg(test)]
#[path = "plan_prediction_tests.rs"]
mod prediction_tests;
