//! Start-up workloads (the JVM case of the seed blog): a pod annotated with
//! `sim.podsize.dev/startup-cpu-seconds` must burn that much CPU time before it is Ready. It
//! starts with `Ready`/`ContainersReady` False, uses all the CPU it may while starting, and
//! progresses at the rate of the CPU its containers actually have (`status...resources`, the
//! limit, else the request) — so raising the CPU in place shortens the start-up, as on a node.

use super::podutil::{self, spec_of};
use super::store::Store;
use k8s_openapi::api::core::v1::{Container, Pod, PodCondition, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Pod annotation: CPU-seconds of work before the pod is Ready (a quantity: `30`, `4500m`).
pub const STARTUP_ANNOTATION: &str = "sim.podsize.dev/startup-cpu-seconds";
/// How often progress is counted.
const STEP: Duration = Duration::from_millis(100);

/// The work of a start-up pod in CPU-milliseconds; `None` for other pods.
pub fn work_millis(pod: &Pod) -> Option<i64> {
    let text = pod.metadata.annotations.as_ref()?.get(STARTUP_ANNOTATION)?;
    // The simulator's own parser: the sim never uses podsize's model rules.
    let q = super::rules::quantity::Quantity::parse(text.trim()).ok()?;
    let millis = i64::try_from(q.milli_ceil()).ok()?;
    // CPU-seconds in millicore-milliseconds, the unit progress is counted in.
    Some(millis.saturating_mul(1000))
}

fn condition_true(pod: &Pod, t: &str) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == t && c.status == "True"))
}

/// Still starting: a start-up pod that is not Ready yet.
pub fn starting(pod: &Pod) -> bool {
    work_millis(pod).is_some() && !condition_true(pod, "Ready")
}

/// The CPU (millicores) a starting container uses: everything it may.
pub fn starting_cpu(pod: &Pod, limit: Option<i64>, request: Option<i64>) -> Option<i64> {
    starting(pod).then(|| limit.or(request).unwrap_or(100))
}

/// The CPU the pod's containers have now, as the kubelet reports it (actual, else desired).
fn cpu_now(pod: &Pod) -> i64 {
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref());
    podutil::running_containers(pod)
        .iter()
        .map(|c| {
            let actual = statuses
                .and_then(|s| s.iter().find(|s| s.name == c.name))
                .and_then(|s| s.resources.as_ref());
            let spec = spec_of(actual.or(c.resources.as_ref()));
            spec.limits
                .cpu_millis
                .or(spec.requests.cpu_millis)
                .unwrap_or(100)
        })
        .sum::<i64>()
        .max(1)
}

/// Sets Ready and ContainersReady (and each container's `ready`) to `ready`.
pub fn set_ready(pod: &mut Pod, ready: bool) {
    let now = podutil::now();
    let Some(st) = pod.status.as_mut() else {
        return;
    };
    let value = if ready { "True" } else { "False" };
    let conds = st.conditions.get_or_insert_with(Vec::new);
    for t in ["Ready", "ContainersReady"] {
        match conds.iter_mut().find(|c| c.type_ == t) {
            Some(c) if c.status != value => {
                c.status = value.into();
                c.last_transition_time = Some(now.clone());
            }
            Some(_) => {}
            None => conds.push(PodCondition {
                type_: t.into(),
                status: value.into(),
                last_transition_time: Some(now.clone()),
                ..Default::default()
            }),
        }
    }
    for cs in st.container_statuses.iter_mut().flatten() {
        cs.ready = ready;
    }
}

/// Start-up pods not Ready yet; a full scan of the store only every `RESCAN` steps keeps a
/// large idle cluster cheap.
fn starting_keys(store: &Store) -> Vec<(String, String)> {
    store
        .all::<Pod>(None)
        .iter()
        .filter(|p| starting(p))
        .map(|p| podutil::key(p))
        .collect()
}

const RESCAN: u32 = 20;

/// Counts start-up progress of every starting pod and flips it Ready when its work is done.
pub async fn run(store: Arc<Store>) {
    let mut done: HashMap<String, i64> = HashMap::new();
    let mut ticker = tokio::time::interval(STEP);
    let step_ms = i64::try_from(STEP.as_millis()).unwrap_or(100);
    let mut keys = Vec::new();
    for round in 0u32.. {
        ticker.tick().await;
        if round % RESCAN == 0 {
            keys = starting_keys(&store);
        }
        for (ns, name) in &keys {
            let Some(entry) = store.get::<Pod>(ns, name) else {
                continue;
            };
            let pod = entry.obj;
            let Some(work) = work_millis(&pod) else {
                continue;
            };
            let running = pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
            if !running || !starting(&pod) {
                continue;
            }
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            // millicores × milliseconds, the unit of `work_millis`.
            let progress = done.entry(uid).or_insert(0);
            *progress += cpu_now(&pod) * step_ms;
            if *progress >= work {
                let _ = store.update::<Pod, ()>(ns, name, |p| {
                    let mut p = (**p).clone();
                    set_ready(&mut p, true);
                    Ok(Some(p))
                });
            }
        }
    }
}

/// The demo's JVM-like pod: 60 CPU-seconds of start-up at a 500m limit (two minutes), which a
/// boost to 2 CPUs (limit 4) cuts to about fifteen seconds.
/// The demo's start-up node: room for a boost, since a JVM starting needs several times its
/// steady CPU (the seed blog's case), and the generated nodes are kept honestly full.
pub const DEMO_NODE: &str = "sim-node-startup";

/// The demo's start-up scene: its node and the JVM-like pod, which the scheduler places there
/// (the roomiest node its affinity allows).
pub fn add_demo(sim: &crate::SimCluster) {
    sim.add_node(DEMO_NODE, 8000, 16 << 30, true);
    let _ = sim.create_pod(demo_pod());
}

pub fn demo_pod() -> Pod {
    let q = |pairs: &[(&str, &str)]| {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
                .collect(),
        )
    };
    let mut pod = Pod {
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "app".into(),
                image: Some("registry.example.com/orders-jvm:21".into()),
                resources: Some(ResourceRequirements {
                    requests: q(&[("cpu", "250m"), ("memory", "512Mi")]),
                    limits: q(&[("cpu", "500m"), ("memory", "1Gi")]),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    pod.metadata.name = Some("jvm-orders".into());
    // Its start-up is boosted in place, so it is pinned to the node kept with room for that
    // (a nodeSelector, as an operator pins a JVM pool), and never to one without resize.
    if let Some(spec) = pod.spec.as_mut() {
        spec.node_selector =
            Some([("kubernetes.io/hostname".to_string(), DEMO_NODE.to_string())].into());
        spec.affinity = Some(away_from_nodes_without_resize());
    }
    pod.metadata.namespace = Some("default".into());
    pod.metadata.annotations = Some([(STARTUP_ANNOTATION.to_string(), "60".to_string())].into());
    pod
}

/// Required node affinity: not on a node labelled as lacking in-place resize.
pub(crate) fn away_from_nodes_without_resize() -> k8s_openapi::api::core::v1::Affinity {
    use k8s_openapi::api::core::v1::{
        Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    };
    Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Some(vec![NodeSelectorRequirement {
                        key: super::kubelet::NO_RESIZE_LABEL.into(),
                        operator: "DoesNotExist".into(),
                        values: None,
                    }]),
                    ..Default::default()
                }],
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(work: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.annotations = Some([(STARTUP_ANNOTATION.to_string(), work.to_string())].into());
        p.status = Some(Default::default());
        p
    }

    #[test]
    fn work_reads_cpu_seconds() {
        assert_eq!(work_millis(&pod("3")), Some(3_000_000));
        assert_eq!(work_millis(&pod("1500m")), Some(1_500_000));
        assert_eq!(work_millis(&pod("lots")), None);
        assert_eq!(work_millis(&Pod::default()), None);
    }

    #[test]
    fn a_starting_pod_uses_its_limit_until_ready() {
        let mut p = pod("3");
        assert_eq!(starting_cpu(&p, Some(1000), Some(500)), Some(1000));
        set_ready(&mut p, true);
        assert!(!starting(&p));
        assert_eq!(starting_cpu(&p, Some(1000), Some(500)), None);
        set_ready(&mut p, false);
        assert!(starting(&p));
    }
}
