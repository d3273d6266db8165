//! Shapes of what the simulated kubelet writes: container statuses, pod conditions, and the
//! simulated usage model behind PodMetrics and the memory-below-usage check.

use super::podutil::{self, spec_of};
use super::rules::quantity::Quantity;
use crate::resources::ResourceSpec;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStatus, Pod, PodCondition,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Pod annotation: simulated memory usage per container (a quantity).
pub const MEMORY_USAGE_ANNOTATION: &str = "sim.podsize.dev/memory-usage";
/// Pod annotation: report this CPU usage (e.g. `150m`) for every container, steady.
pub const CPU_USAGE_ANNOTATION: &str = "sim.podsize.dev/cpu-usage";

fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()?
        .get(key)
        .map(String::as_str)
}

/// A `"True"` pod condition.
pub fn condition(
    t: &str,
    reason: Option<&str>,
    message: Option<String>,
    now: Time,
    generation: Option<i64>,
) -> PodCondition {
    PodCondition {
        type_: t.to_string(),
        status: "True".into(),
        reason: reason.map(str::to_string),
        message,
        last_transition_time: Some(now),
        last_probe_time: None,
        observed_generation: generation,
    }
}

/// A running container's status with allocated and actual resources for the version mode.
#[allow(clippy::too_many_arguments)]
pub fn container_status(
    name: &str,
    image: &str,
    allocated: &ResourceSpec,
    actual: &ResourceSpec,
    supports_resize: bool,
    minor: u32,
    restarts: i32,
    last: Option<ContainerState>,
    started: &Time,
) -> ContainerStatus {
    let (a, b) = (hash(name), hash(image));
    let digest = format!(
        "{a:016x}{b:016x}{:016x}{:016x}",
        a ^ b.rotate_left(17),
        b.wrapping_mul(a | 1)
    );
    ContainerStatus {
        name: name.to_string(),
        image: image.to_string(),
        image_id: format!(
            "{}@sha256:{}",
            image.split(':').next().unwrap_or(image),
            &digest[..64]
        ),
        container_id: Some(format!("containerd://{}", &digest[..64])),
        ready: true,
        started: Some(true),
        restart_count: restarts,
        state: Some(ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(started.clone()),
            }),
            ..Default::default()
        }),
        last_state: Some(last.unwrap_or_default()),
        allocated_resources: if minor == 32 {
            None
        } else {
            podutil::requirements(allocated).requests
        },
        resources: supports_resize.then(|| podutil::requirements(actual)),
        ..Default::default()
    }
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// What each running container has now (resize-api.md §2.4): the runtime's applied values
/// (`containerStatuses[].resources`), else the allocated requests with the spec's limits (a
/// node that does not report resources never resizes), else the spec of a pod not started.
pub fn applied(pod: &Pod) -> HashMap<String, ResourceSpec> {
    let statuses: HashMap<&str, &k8s_openapi::api::core::v1::ContainerStatus> = pod
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
    podutil::running_containers(pod)
        .into_iter()
        .map(|c| {
            let spec = spec_of(c.resources.as_ref());
            let st = statuses.get(c.name.as_str());
            let have = match (
                st.and_then(|s| s.resources.as_ref()),
                st.and_then(|s| s.allocated_resources.as_ref()),
            ) {
                (Some(actual), _) => spec_of(Some(actual)),
                (None, Some(alloc)) => ResourceSpec {
                    requests: spec_of(Some(&k8s_openapi::api::core::v1::ResourceRequirements {
                        requests: Some(alloc.clone()),
                        ..Default::default()
                    }))
                    .requests,
                    limits: spec.limits,
                },
                (None, None) => spec,
            };
            (c.name.clone(), have)
        })
        .collect()
}

/// What each running container would use with no limit in its way: (name, cpu millis, memory
/// bytes, what it has). Follows the applied values, never the desired ones: a resize that is
/// pending has not given the container anything yet.
pub fn demand(pod: &Pod) -> Vec<(String, i64, i64, ResourceSpec)> {
    let override_mem = annotation(pod, MEMORY_USAGE_ANNOTATION)
        .and_then(|t| Quantity::parse(t.trim()).ok())
        .and_then(|q| i64::try_from(q.units_ceil()).ok());
    let override_cpu = annotation(pod, CPU_USAGE_ANNOTATION)
        .and_then(|t| Quantity::parse(t.trim()).ok())
        .and_then(|q| i64::try_from(q.milli_ceil()).ok());
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let wobble = (podutil::now().0.as_second() / 15) as u64;
    let mut have = applied(pod);
    podutil::running_containers(pod)
        .into_iter()
        .map(|c| {
            let own = have.remove(&c.name).unwrap_or_default();
            let spec = own.effective_requests();
            let h = hash(&format!("{uid}/{}", c.name));
            let frac = 20 + (h % 70) as i64 + ((h ^ wobble.wrapping_mul(2_654_435_761)) % 7) as i64;
            let starting =
                super::startup::starting_cpu(pod, own.limits.cpu_millis, spec.cpu_millis);
            let cpu = starting.or(override_cpu).unwrap_or_else(|| {
                spec.cpu_millis
                    .map_or(5 + (h % 45) as i64, |r| (r * frac / 100).max(1))
            });
            let mem = override_mem.unwrap_or_else(|| {
                spec.memory_bytes
                    .map_or((20 + (h % 180) as i64) << 20, |r| {
                        r * (40 + (h % 50) as i64) / 100
                    })
            });
            (c.name.clone(), cpu, mem, own)
        })
        .collect()
}

/// Simulated usage (cpu millis, memory bytes) of each running container of a pod, bounded by
/// what the container has: CPU above its limit is throttled to the limit, and memory above its
/// limit is an OOM kill (the kubelet restarts it, `kubelet/oom.rs`), never a reading.
pub fn usage(pod: &Pod) -> Vec<(String, i64, i64)> {
    demand(pod)
        .into_iter()
        .map(|(name, cpu, mem, have)| {
            let cpu = have.limits.cpu_millis.map_or(cpu, |l| cpu.min(l));
            let mem = have.limits.memory_bytes.map_or(mem, |l| mem.min(l));
            (name, cpu, mem)
        })
        .collect()
}

/// Containers whose memory demand is above the limit they have: (name, demand, limit).
pub fn over_memory_limit(pod: &Pod) -> Vec<(String, i64, i64)> {
    demand(pod)
        .into_iter()
        .filter_map(|(name, _, mem, have)| {
            let limit = have.limits.memory_bytes?;
            (mem > limit).then_some((name, mem, limit))
        })
        .collect()
}

/// Simulated memory usage per container name.
pub fn memory_usage(pod: &Pod) -> HashMap<String, i64> {
    usage(pod).into_iter().map(|(n, _, m)| (n, m)).collect()
}

/// A metrics.k8s.io PodMetrics object for a pod.
pub fn pod_metrics(pod: &Pod) -> Value {
    let containers: Vec<Value> = usage(pod)
        .into_iter()
        .map(|(name, cpu, mem)| json!({"name": name, "usage": {"cpu": Quantity::from_millis(cpu).to_string(), "memory": Quantity::from_bytes((mem / 1024).max(1) * 1024).to_string()}}))
        .collect();
    json!({
        "kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": pod.metadata.name, "namespace": pod.metadata.namespace,
                     "creationTimestamp": podutil::now(), "labels": pod.metadata.labels},
        "timestamp": podutil::now(), "window": "15s", "containers": containers
    })
}

/// Quantity helper for the generator.
pub fn kq(text: &str) -> KQuantity {
    KQuantity(text.to_string())
}
