//! Deterministic workload generator: nodes, namespaces and pods with realistic names, owners,
//! labels, containers, QoS classes and resize policies, plus a few pods seeded in every resize
//! state; and the optional churn / autoscaler loop.

use super::api::{ApiServer, Body, Target, make_uid, managed_entry};
use super::kubelet::{MEMORY_USAGE_ANNOTATION, NO_START_ANNOTATION, container_status};
pub use super::nodes::node;
use super::patch::PatchKind;
use super::podutil::{self, requirements};
use super::rules::quantity::Quantity;
use super::store::Store;
use crate::resources::CpuMem;
use k8s_openapi::api::core::v1::{Container, Namespace, Pod, PodCondition, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

mod churn;
mod containers;
mod seeded_status;
pub use churn::churn;
use containers::{container, random_resources};
use seeded_status::{seed_states, start_status};

const APPS: &[&str] = &[
    "checkout",
    "cart",
    "catalog",
    "search",
    "payments",
    "ledger",
    "auth",
    "profile",
    "notifications",
    "recommender",
    "inventory",
    "shipping",
    "pricing",
    "admin-ui",
    "gateway",
    "web",
    "api",
    "orders",
    "reviews",
    "media-encoder",
];
const TEAMS: &[&str] = &[
    "payments", "catalog", "identity", "platform", "media", "growth", "data", "loyalty",
];
const ENVS: &[&str] = &["prod", "staging", "dev"];
const ALNUM: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn suffix(rng: &mut SmallRng, n: usize) -> String {
    (0..n)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect()
}

/// Namespace names for `count` namespaces (always starting with `default`).
pub fn namespace_names(count: usize) -> Vec<String> {
    let mut out = vec!["default".to_string()];
    let mut i = 0;
    while out.len() < count.max(1) {
        let team = TEAMS[i % TEAMS.len()];
        let env = ENVS[(i / TEAMS.len()) % ENVS.len()];
        let round = i / (TEAMS.len() * ENVS.len());
        out.push(if round == 0 {
            format!("{team}-{env}")
        } else {
            format!("{team}-{env}-{round}")
        });
        i += 1;
    }
    out
}

/// A namespace object.
pub fn namespace(name: &str) -> Namespace {
    let mut ns = Namespace::default();
    ns.metadata.name = Some(name.to_string());
    ns.metadata.labels = Some(BTreeMap::from([(
        "kubernetes.io/metadata.name".to_string(),
        name.to_string(),
    )]));
    ns.metadata.uid = Some(make_uid(
        name.len() as u64 * 131,
        name.bytes().map(u64::from).sum(),
    ));
    ns.metadata.creation_timestamp = Some(podutil::now());
    ns.status = Some(k8s_openapi::api::core::v1::NamespaceStatus {
        phase: Some("Active".into()),
        ..Default::default()
    });
    ns
}

/// What the generator makes.
#[derive(Clone, Debug)]
pub struct WorkloadSpec {
    /// Node count.
    pub nodes: usize,
    /// Pod count.
    pub pods: usize,
    /// Namespace count.
    pub namespaces: usize,
    /// RNG seed.
    pub seed: u64,
    /// Node names are `{node_prefix}-01`, `{node_prefix}-02`, …
    pub node_prefix: String,
}

/// The nodes' name prefix of a single simulated cluster.
pub const NODE_PREFIX: &str = "sim-node";

/// Which seeded resize state a pod shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seeded {
    Normal,
    Deferred,
    Infeasible,
    InProgress,
    Error,
    NotStarted,
}

/// Generates one pod (`index` decides seeded states), already running on `node`.
fn make_pod(
    rng: &mut SmallRng,
    api: &ApiServer,
    index: usize,
    ns: &str,
    node: &str,
    node_ok: bool,
    seeded: Seeded,
) -> Pod {
    let app = APPS[rng.random_range(0..APPS.len())];
    let team = ns.split('-').next().unwrap_or("platform").to_string();
    let hash = suffix(rng, 10);
    let (name, owner_kind, owner_name) = match rng.random_range(0..20) {
        0..=11 => (
            format!("{app}-{hash}-{}", suffix(rng, 5)),
            "ReplicaSet",
            format!("{app}-{hash}"),
        ),
        12..=14 => (
            format!("{app}-db-{}", index % 7),
            "StatefulSet",
            format!("{app}-db"),
        ),
        15..=16 => (
            format!("{app}-agent-{}", suffix(rng, 5)),
            "DaemonSet",
            format!("{app}-agent"),
        ),
        17..=18 => (
            format!("{app}-backfill-{}-{}", 29_000_000 + index, suffix(rng, 5)),
            "Job",
            format!("{app}-backfill-{}", 29_000_000 + index),
        ),
        _ => (format!("{app}-debug-{}", suffix(rng, 5)), "", String::new()),
    };
    let qos = match seeded {
        Seeded::Normal => [0, 1, 1, 2, 2, 2, 2, 2, 2, 2][rng.random_range(0..10)],
        _ => 2,
    };
    let policy = rng.random_range(0..3);
    let version = format!(
        "v{}.{}.{}",
        rng.random_range(1..4),
        rng.random_range(0..20),
        rng.random_range(0..10)
    );
    let main_res = random_resources(rng, qos);
    let mut containers = vec![container(
        app,
        &format!("registry.example.com/{team}/{app}:{version}"),
        &main_res,
        policy,
    )];
    let sidecar_res = |rng: &mut SmallRng| random_resources(rng, qos);
    if rng.random_bool(0.3) {
        let r = sidecar_res(rng);
        containers.push(container(
            "istio-proxy",
            "docker.io/istio/proxyv2:1.24.2",
            &r,
            0,
        ));
    }
    if rng.random_bool(0.15) {
        let r = sidecar_res(rng);
        containers.push(container(
            "log-shipper",
            "docker.io/fluent/fluent-bit:3.2",
            &r,
            policy,
        ));
    }
    let init = rng.random_bool(0.1).then(|| {
        let r = sidecar_res(rng);
        let mut c = container("vault-agent", "docker.io/hashicorp/vault:1.18", &r, 0);
        c.restart_policy = Some("Always".into());
        vec![c]
    });
    let mut labels = BTreeMap::from([
        ("app".to_string(), app.to_string()),
        ("app.kubernetes.io/name".to_string(), app.to_string()),
        ("app.kubernetes.io/part-of".to_string(), team.clone()),
        ("team".to_string(), team.clone()),
    ]);
    if owner_kind == "ReplicaSet" {
        labels.insert("pod-template-hash".into(), hash.clone());
    }
    let owner = (!owner_kind.is_empty()).then(|| {
        vec![OwnerReference {
            api_version: if owner_kind == "Job" {
                "batch/v1".into()
            } else {
                "apps/v1".into()
            },
            kind: owner_kind.into(),
            name: owner_name.clone(),
            uid: make_uid(owner_name.len() as u64, hash.len() as u64 + index as u64),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }]
    });
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(ns.to_string()),
            labels: Some(labels),
            annotations: Some(BTreeMap::from([(
                "kubectl.kubernetes.io/default-container".to_string(),
                app.to_string(),
            )])),
            owner_references: owner,
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers,
            init_containers: init,
            node_name: Some(node.to_string()),
            priority_class_name: super::priority::class_for_owner(owner_kind).map(str::to_string),
            restart_policy: Some(if owner_kind == "Job" {
                "Never".into()
            } else {
                "Always".into()
            }),
            ..Default::default()
        }),
        status: None,
    };
    if owner_kind == "Job" {
        for c in pod.spec.iter_mut().flat_map(|s| s.containers.iter_mut()) {
            c.resize_policy = None;
        }
    }
    if seeded == Seeded::Normal && super::workload_pod::wants_pod_level(api.minor, index) {
        super::workload_pod::add_pod_level(&mut pod);
    }
    api.prepare_new_pod(&mut pod, "kube-controller-manager");
    if seeded == Seeded::NotStarted {
        if let Some(a) = pod.metadata.annotations.as_mut() {
            a.insert(NO_START_ANNOTATION.into(), "true".into());
        }
        return pod;
    }
    start_status(&mut pod, api.minor, node_ok);
    let want = super::kubelet_pod::with_pod_level(Default::default(), &pod);
    if let Some(st) = pod.status.as_mut() {
        super::kubelet_pod::write_status(st, &want, node_ok, api.pod_level_resize());
    }
    pod
}

/// Fills `store` with the workload; returns the generated pods' keys.
pub fn populate(store: &Store, api: &ApiServer, spec: &WorkloadSpec) -> Vec<(String, String)> {
    let mut rng = SmallRng::seed_from_u64(spec.seed);
    let namespaces = namespace_names(spec.namespaces);
    for ns in namespace_names(spec.namespaces.max(1)) {
        store.upsert(namespace(&ns));
    }
    let node_names: Vec<String> = (0..spec.nodes)
        .map(|i| format!("{}-{:02}", spec.node_prefix, i + 1))
        .collect();
    let no_support = (spec.nodes >= 4).then(|| node_names.len() - 1);
    let mut per_node = vec![
        CpuMem {
            cpu_millis: Some(0),
            memory_bytes: Some(0)
        };
        node_names.len()
    ];
    let mut keys = Vec::with_capacity(spec.pods);
    let mut seeded_nodes = Vec::new();
    let mut pods = Vec::with_capacity(spec.pods);
    for i in 0..spec.pods {
        if node_names.is_empty() {
            break;
        }
        let mut n = i % node_names.len();
        let seeded = if spec.pods >= 20 {
            match i {
                3 => Seeded::Deferred,
                7 => Seeded::Infeasible,
                11 => Seeded::InProgress,
                13 => Seeded::Error,
                17 => Seeded::NotStarted,
                _ => Seeded::Normal,
            }
        } else {
            Seeded::Normal
        };
        // A node without resize support never shows a resize state: seeded ones go elsewhere,
        // each to its own node where there are enough (a Deferred resize's node must not also
        // carry the Infeasible one's demand).
        if seeded != Seeded::Normal && Some(n) == no_support {
            let len = node_names.len();
            n = (1..len)
                .map(|k| (n + k) % len)
                .find(|c| Some(*c) != no_support && !seeded_nodes.contains(c))
                .unwrap_or((n + 1) % len);
        }
        if seeded != Seeded::Normal {
            seeded_nodes.push(n);
        }
        let ns = &namespaces[(i * 7 + i / 3) % namespaces.len()];
        let pod = make_pod(
            &mut rng,
            api,
            i,
            ns,
            &node_names[n],
            Some(n) != no_support,
            seeded,
        );
        // What the kubelet holds for it, by its own count (a pod never started holds nothing).
        if seeded != Seeded::NotStarted {
            let req = super::kubelet::held_by(&pod);
            per_node[n].cpu_millis = per_node[n]
                .cpu_millis
                .map(|v| v + req.cpu_millis.unwrap_or(0));
            per_node[n].memory_bytes = per_node[n]
                .memory_bytes
                .map(|v| v + req.memory_bytes.unwrap_or(0));
        }
        pods.push((pod, n, seeded));
    }
    let mut capacity: Vec<CpuMem> = per_node
        .iter()
        .map(|used| {
            let cores = ((used.cpu_millis.unwrap_or(0) * 13 / 10) / 1000 + 1).max(16);
            let gib = ((used.memory_bytes.unwrap_or(0) * 13 / 10) >> 30).max(64) + 1;
            CpuMem {
                cpu_millis: Some(cores * 1000),
                memory_bytes: Some(gib << 30),
            }
        })
        .collect();
    seed_states(&mut pods, api.minor, &mut per_node, &mut capacity);
    for (i, name) in node_names.iter().enumerate() {
        let cap = capacity[i];
        let (cpu, mem) = (cap.cpu_millis.unwrap_or(0), cap.memory_bytes.unwrap_or(0));
        store.upsert(node(name, cpu, mem, Some(i) != no_support));
    }
    for (mut pod, _, _) in pods {
        // Names are random; on a clash add a suffix (as a second replica would get). The pod
        // is moved into the store, not copied: at 150,000 pods a copy each is gigabytes.
        let mut key = podutil::key(&pod);
        for _ in 0..8 {
            if store.get::<Pod>(&key.0, &key.1).is_none() {
                break;
            }
            pod.metadata.name = Some(format!("{}-{}", key.1, suffix(&mut rng, 5)));
            key = podutil::key(&pod);
        }
        if store.create(pod).is_ok() {
            keys.push(key);
        }
    }
    keys
}
