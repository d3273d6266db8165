//! What a test checks any simulated cluster's state against, read as a client reads it (pods and
//! nodes from the API): written from resize-api.md §2.3–2.6 and §4.8, not from the kubelet's
//! code, so a kubelet bug cannot hide behind a shared mistake. A node's pods hold per container
//! the larger of allocated and actual requests (the scheduler's sum: sidecars added, a plain
//! init container only when larger, pod-level requests instead where set); a pending resize's
//! message must carry its node's own numbers.

use crate::podutil::{node_allocatable, spec_of};
use crate::resources::CpuMem;
use k8s_openapi::api::core::v1::{Node, Pod, ResourceRequirements};
use std::collections::HashMap;

fn get(v: CpuMem, cpu: bool) -> i64 {
    if cpu { v.cpu_millis } else { v.memory_bytes }.unwrap_or(0)
}

fn requests(
    map: Option<
        &std::collections::BTreeMap<
            String,
            k8s_openapi::apimachinery::pkg::api::resource::Quantity,
        >,
    >,
) -> CpuMem {
    spec_of(Some(&ResourceRequirements {
        requests: map.cloned(),
        ..Default::default()
    }))
    .requests
}

fn terminal(p: &Pod) -> bool {
    matches!(
        p.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Failed" | "Succeeded")
    )
}

fn max2(a: CpuMem, b: CpuMem) -> CpuMem {
    CpuMem {
        cpu_millis: Some(get(a, true).max(get(b, true))),
        memory_bytes: Some(get(a, false).max(get(b, false))),
    }
}

fn sum(a: CpuMem, b: CpuMem) -> CpuMem {
    CpuMem {
        cpu_millis: Some(get(a, true) + get(b, true)),
        memory_bytes: Some(get(a, false) + get(b, false)),
    }
}

/// The requests a started pod holds on its node (`desired` = false) or would hold with its
/// desired values in place (`desired` = true).
pub fn pod_requests(p: &Pod, desired: bool) -> CpuMem {
    let Some(spec) = p.spec.as_ref() else {
        return CpuMem::ZERO;
    };
    let st = p.status.as_ref();
    let statuses: HashMap<&str, _> = st
        .iter()
        .flat_map(|s| {
            s.container_statuses
                .iter()
                .flatten()
                .chain(s.init_container_statuses.iter().flatten())
        })
        .map(|c| (c.name.as_str(), c))
        .collect();
    let one = |c: &k8s_openapi::api::core::v1::Container| {
        let want = spec_of(c.resources.as_ref()).effective_requests();
        if desired {
            return want;
        }
        match statuses.get(c.name.as_str()) {
            Some(s) => max2(
                requests(s.allocated_resources.as_ref()),
                requests(s.resources.as_ref().and_then(|r| r.requests.as_ref())),
            ),
            None => want,
        }
    };
    let mut running = spec
        .containers
        .iter()
        .fold(CpuMem::ZERO, |t, c| sum(t, one(c)));
    let (mut sidecars, mut init) = (CpuMem::ZERO, CpuMem::ZERO);
    for c in spec.init_containers.iter().flatten() {
        if c.restart_policy.as_deref() == Some("Always") {
            sidecars = sum(sidecars, one(c));
            running = sum(running, one(c));
        } else {
            init = max2(
                init,
                sum(sidecars, spec_of(c.resources.as_ref()).effective_requests()),
            );
        }
    }
    let mut total = max2(running, init);
    if let Some(level) = spec.resources.as_ref().and_then(|r| r.requests.as_ref()) {
        let mut own = requests(Some(level));
        if !desired {
            own = max2(
                own,
                requests(st.and_then(|s| s.allocated_resources.as_ref())),
            );
        }
        total.cpu_millis = own
            .cpu_millis
            .filter(|_| level.contains_key("cpu"))
            .or(total.cpu_millis);
        total.memory_bytes = own
            .memory_bytes
            .filter(|_| level.contains_key("memory"))
            .or(total.memory_bytes);
    }
    let overhead = requests(spec.overhead.as_ref());
    sum(total, overhead)
}

fn started(p: &Pod) -> bool {
    !terminal(p)
        && p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .is_some_and(|c| !c.is_empty())
}

/// A pending resize as the cluster shows it, and what its node says about it.
#[derive(Clone, Debug)]
pub struct Pending {
    pub key: (String, String),
    pub reason: String,
    pub message: String,
    /// Numbers of the message: resource, requested, used (Deferred), capacity.
    pub numbers: Option<(String, i64, Option<i64>, i64)>,
    /// The same, computed from the node and its pods now.
    pub node_numbers: (i64, i64, i64),
    /// The desired values fit the node now.
    pub fits_now: bool,
}

fn parse(message: &str) -> Option<(String, i64, Option<i64>, i64)> {
    let rest = message.split_once(": ")?.1;
    let mut parts = rest.split(", ");
    let res = parts.next()?.to_string();
    let mut nums = HashMap::new();
    for part in parts {
        let (k, v) = part.split_once(": ")?;
        nums.insert(k, v.trim().parse::<i64>().ok()?);
    }
    Some((
        res,
        *nums.get("requested")?,
        nums.get("used").copied(),
        *nums.get("capacity")?,
    ))
}

/// Nodes whose pods hold more than their allocatable: (node, what is held, allocatable).
pub fn over_admitted(nodes: &[Node], pods: &[Pod]) -> Vec<(String, CpuMem, CpuMem)> {
    let mut held: HashMap<&str, CpuMem> = HashMap::new();
    for p in pods.iter().filter(|p| started(p)) {
        if let Some(n) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            let t = held.entry(n).or_insert(CpuMem::ZERO);
            *t = sum(*t, pod_requests(p, false));
        }
    }
    nodes
        .iter()
        .filter_map(|n| {
            let name = n.metadata.name.as_deref()?;
            let cap = node_allocatable(n);
            let h = held.get(name).copied().unwrap_or(CpuMem::ZERO);
            let over = get(h, true) > get(cap, true) || get(h, false) > get(cap, false);
            over.then(|| (name.to_string(), h, cap))
        })
        .collect()
}

/// Every PodResizePending (or legacy Deferred/Infeasible) pod with its node's numbers.
pub fn pending(nodes: &[Node], pods: &[Pod]) -> Vec<Pending> {
    let caps: HashMap<&str, CpuMem> = nodes
        .iter()
        .filter_map(|n| Some((n.metadata.name.as_deref()?, node_allocatable(n))))
        .collect();
    let mut out = Vec::new();
    for p in pods.iter().filter(|p| started(p)) {
        let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
            continue;
        };
        let st = p.status.as_ref();
        let cond = st
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "PodResizePending"));
        let (reason, message) = match (cond, st.and_then(|s| s.resize.as_deref())) {
            (Some(c), _) => (
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default(),
            ),
            (None, Some(r @ ("Deferred" | "Infeasible"))) => (r.to_string(), String::new()),
            _ => continue,
        };
        let numbers = parse(&message);
        let cpu = numbers.as_ref().is_none_or(|n| n.0 == "cpu");
        let cap = caps.get(node).copied().unwrap_or(CpuMem::ZERO);
        let others = pods
            .iter()
            .filter(|o| {
                started(o) && o.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node)
            })
            .filter(|o| {
                o.metadata.name != p.metadata.name || o.metadata.namespace != p.metadata.namespace
            })
            .fold(CpuMem::ZERO, |t, o| sum(t, pod_requests(o, false)));
        let need = pod_requests(p, true);
        let fits_now = get(need, true) + get(others, true) <= get(cap, true)
            && get(need, false) + get(others, false) <= get(cap, false);
        out.push(Pending {
            key: (
                p.metadata.namespace.clone().unwrap_or_default(),
                p.metadata.name.clone().unwrap_or_default(),
            ),
            reason,
            message,
            numbers,
            node_numbers: (get(need, cpu), get(others, cpu), get(cap, cpu)),
            fits_now,
        });
    }
    out
}
