//! ResourceQuota admission on `pods/resize` as the server runs it (round4 README §2,
//! fixtures quota-*): a quota counts only through its status; `hard` without `used` refuses
//! everything, decreases included; the charge is the non-negative increase of the pod's
//! usage, where a container's usage is the largest of desired, allocated and actual (only
//! allocated and actual while the pod's pending resize is Infeasible).

use super::{Amounts, PodContainer, add, max_into};
use crate::model::ground::quantity::Quantity;
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::cluster_policy::QuotaInfo;
use crate::model::pods::resize_state::ResizeState;
use crate::model::pods::row::{ContainerKind, PodRow};
use std::collections::BTreeMap;

/// Resource names the pod evaluator counts.
fn handles(name: &str) -> bool {
    matches!(
        name,
        "pods"
            | "count/pods"
            | "cpu"
            | "memory"
            | "ephemeral-storage"
            | "requests.cpu"
            | "requests.memory"
            | "requests.ephemeral-storage"
            | "limits.cpu"
            | "limits.memory"
            | "limits.ephemeral-storage"
    ) || name.starts_with("hugepages-")
        || name.starts_with("requests.hugepages-")
}

fn parse(list: &BTreeMap<String, String>) -> Amounts {
    list.iter()
        .filter_map(|(k, v)| Some((k.clone(), Quantity::parse(v.trim()).ok()?)))
        .collect()
}

fn cpu_mem(values: CpuMem) -> Amounts {
    let mut out = Amounts::new();
    if let Some(m) = values.cpu_millis {
        out.insert("cpu".into(), Quantity::from_millis(m));
    }
    if let Some(b) = values.memory_bytes {
        out.insert("memory".into(), Quantity::from_bytes(b));
    }
    out
}

/// The pod's usage under every name the evaluator knows, with `pod` as its containers.
fn usage(row: &PodRow, pod: &[PodContainer]) -> Amounts {
    let mut out = Amounts::new();
    if matches!(row.phase.as_str(), "Succeeded" | "Failed") {
        return out;
    }
    let infeasible = row
        .containers
        .iter()
        .any(|c| matches!(c.state, ResizeState::Infeasible(_)));
    let (mut req, mut lim) = (Amounts::new(), Amounts::new());
    for c in pod {
        let status = row
            .container(&c.name)
            .filter(|_| c.kind == ContainerKind::Regular);
        let actual = status.and_then(|s| s.actual);
        let (r, l) = match actual {
            // No reported resources: the spec alone counts, allocated or not.
            None => (c.requests.clone(), c.limits.clone()),
            Some(actual) => {
                container_usage(c, &actual, status.and_then(|s| s.allocated), infeasible)
            }
        };
        if c.kind == ContainerKind::Init {
            max_into(&mut req, &r);
            max_into(&mut lim, &l);
        } else {
            add(&mut req, &r);
            add(&mut lim, &l);
        }
    }
    // Pod-level resources, when set, stand for the pod.
    if let Some(level) = row.pod_resources {
        req.extend(cpu_mem(level.requests));
        lim.extend(cpu_mem(level.limits));
    }
    for (k, q) in req {
        out.insert(format!("requests.{k}"), q);
        out.insert(k, q);
    }
    for (k, q) in lim {
        out.insert(format!("limits.{k}"), q);
    }
    out
}

fn container_usage(
    c: &PodContainer,
    actual: &ResourceSpec,
    allocated: Option<CpuMem>,
    infeasible: bool,
) -> (Amounts, Amounts) {
    let allocated = cpu_mem(allocated.unwrap_or_default());
    let (act_req, act_lim) = (cpu_mem(actual.requests), cpu_mem(actual.limits));
    if infeasible {
        let mut req = act_req;
        max_into(&mut req, &allocated);
        return (req, act_lim);
    }
    let (mut req, mut lim) = (c.requests.clone(), c.limits.clone());
    max_into(&mut req, &act_req);
    max_into(&mut req, &allocated);
    max_into(&mut lim, &act_lim);
    (req, lim)
}

/// `key=value` joined by commas, keys sorted.
fn pretty(list: &Amounts, keys: &[&String]) -> String {
    keys.iter()
        .filter_map(|k| list.get(*k).map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(",")
}

/// The quota plugin's refusal of the resize, the text after `forbidden: `; `pod` is the
/// pod's containers after the change (see `containers_after`).
pub fn quota_refusal<'a>(
    quotas: impl Iterator<Item = &'a QuotaInfo>,
    row: &PodRow,
    pod: &[PodContainer],
) -> Option<String> {
    let mut sorted: Vec<&QuotaInfo> = quotas.collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut counted = Vec::new();
    for q in sorted {
        let hard = q.hard.as_ref().map(parse).unwrap_or_default();
        let matching: Vec<&String> = hard.keys().filter(|k| handles(k)).collect();
        if matching.is_empty() {
            continue;
        }
        let used = q.used.as_ref();
        if matching
            .iter()
            .any(|k| used.is_none_or(|u| !u.contains_key(*k)))
        {
            let names: Vec<&str> = matching.iter().map(|k| k.as_str()).collect();
            return Some(format!(
                "status unknown for quota: {}, resources: {}",
                q.name,
                names.join(",")
            ));
        }
        counted.push((q, hard.clone(), used.map(parse).unwrap_or_default()));
    }
    if counted.is_empty() {
        return None;
    }
    // No container is named "": every container keeps its stored values.
    let before = super::containers_after(row, "", &ResourceSpec::default());
    let old = usage(row, &before);
    let mut delta = usage(row, pod);
    for (k, q) in delta.iter_mut() {
        let prev = old.get(k).map_or(0, Quantity::nanos);
        *q = Quantity::with_nanos((q.nanos() - prev).max(0), q.format());
    }
    delta.retain(|_, q| q.nanos() != 0);
    counted.into_iter().find_map(|(q, hard, used)| {
        let requested: Amounts = delta
            .iter()
            .filter(|(k, _)| hard.contains_key(*k))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let mut new_used = used.clone();
        add(&mut new_used, &requested);
        let exceeded: Vec<&String> = requested
            .keys()
            .filter(|k| {
                new_used
                    .get(*k)
                    .zip(hard.get(*k))
                    .is_some_and(|(n, h)| n > h)
            })
            .collect();
        (!exceeded.is_empty()).then(|| {
            format!(
                "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                q.name,
                pretty(&requested, &exceeded),
                pretty(&used, &exceeded),
                pretty(&hard, &exceeded)
            )
        })
    })
}
