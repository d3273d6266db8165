//! The ResourceQuota admission plugin on pod create and on `pods/resize` (round4 README §2,
//! fixtures quota-*), after plugin/pkg/admission/resourcequota `CheckRequest`:
//! - a quota matches when its `status.hard` names a pod resource; no status → ignored;
//! - a matching quota whose `status.used` lacks one of them refuses everything, decreases
//!   included (`status unknown for quota: q, resources: a,b`);
//! - the charge is the non-negative increase of the pod's usage, zeros dropped; nothing to
//!   charge → admitted; else every quota must hold used + charge, and the plugin writes the
//!   new `status.used` (never lowered: only the quota controller would, and none runs here);
//! - usage per container is the largest of spec, actual (`containerStatuses[].resources`) and
//!   allocated; a pod whose pending resize is Infeasible counts only actual and allocated.

use super::limitranger::add;
use super::rules::quantity::Quantity;
use super::status::ApiError;
use super::store::Store;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, ResourceQuota};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KQuantity;
use std::collections::BTreeMap;

type Usage = BTreeMap<String, Quantity>;

/// Resource names the pod evaluator counts (`podResources` plus the requests/limits forms).
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

fn parse_list(list: Option<&BTreeMap<String, KQuantity>>) -> Usage {
    list.into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), Quantity::parse(v.0.trim()).ok()?)))
        .collect()
}

fn max_into(acc: &mut Usage, other: &Usage) {
    for (k, q) in other {
        if acc.get(k).is_none_or(|a| q > a) {
            acc.insert(k.clone(), q.clone());
        }
    }
}

fn infeasible(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| {
            c.type_ == "PodResizePending"
                && c.status == "True"
                && c.reason.as_deref() == Some("Infeasible")
        })
}

/// One container's requests and limits as quota counts them (`determineContainerReqs`).
fn container_usage(pod: &Pod, c: &Container, cs: Option<&ContainerStatus>) -> (Usage, Usage) {
    let spec_req = parse_list(c.resources.as_ref().and_then(|r| r.requests.as_ref()));
    let spec_lim = parse_list(c.resources.as_ref().and_then(|r| r.limits.as_ref()));
    let Some((cs, actual)) = cs.and_then(|cs| Some((cs, cs.resources.as_ref()?))) else {
        return (spec_req, spec_lim);
    };
    let act_req = parse_list(actual.requests.as_ref());
    let act_lim = parse_list(actual.limits.as_ref());
    let allocated = parse_list(cs.allocated_resources.as_ref());
    if infeasible(pod) {
        let mut req = act_req;
        max_into(&mut req, &allocated);
        return (req, act_lim);
    }
    let (mut req, mut lim) = (spec_req, spec_lim);
    max_into(&mut req, &act_req);
    max_into(&mut req, &allocated);
    max_into(&mut lim, &act_lim);
    (req, lim)
}

/// The pod's usage under every name the evaluator knows.
pub fn usage(pod: &Pod) -> Usage {
    let mut out = Usage::new();
    out.insert(
        "count/pods".into(),
        Quantity::with_nanos(1_000_000_000, fmt()),
    );
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    if matches!(phase, Some("Succeeded" | "Failed")) {
        return out;
    }
    out.insert("pods".into(), Quantity::with_nanos(1_000_000_000, fmt()));
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    let statuses: BTreeMap<&str, &ContainerStatus> = pod
        .status
        .iter()
        .flat_map(|s| s.container_statuses.iter().flatten())
        .map(|cs| (cs.name.as_str(), cs))
        .collect();
    let (mut req, mut lim) = (Usage::new(), Usage::new());
    for c in &spec.containers {
        let (r, l) = container_usage(pod, c, statuses.get(c.name.as_str()).copied());
        add(&mut req, &r);
        add(&mut lim, &l);
    }
    for c in spec.init_containers.iter().flatten() {
        let (r, l) = container_usage(pod, c, None);
        if c.restart_policy.as_deref() == Some("Always") {
            add(&mut req, &r);
            add(&mut lim, &l);
        } else {
            max_into(&mut req, &r);
            max_into(&mut lim, &l);
        }
    }
    // Pod-level resources, when set, stand for the pod.
    if let Some(res) = spec.resources.as_ref() {
        req.extend(parse_list(res.requests.as_ref()));
        lim.extend(parse_list(res.limits.as_ref()));
    }
    for (k, q) in req {
        out.insert(format!("requests.{k}"), q.clone());
        out.insert(k, q);
    }
    for (k, q) in lim {
        out.insert(format!("limits.{k}"), q);
    }
    out
}

fn fmt() -> super::rules::quantity::Format {
    super::rules::quantity::Format::DecimalSi
}

/// `key=value` joined by commas, keys sorted (`prettyPrint`).
fn pretty(list: &Usage) -> String {
    list.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A quota's new `status.used`, to be written once the pod write is stored.
pub type Charge = (String, Usage);

/// Checks a create (`old: None`) or a resize against the namespace's quotas; the charges to
/// write when admitted.
pub fn check(
    store: &Store,
    ns: &str,
    name: &str,
    old: Option<&Pod>,
    new: &Pod,
) -> Result<Vec<Charge>, ApiError> {
    let forbid = |detail: String| ApiError::admission_forbidden("pods", name, &detail);
    let mut interesting = Vec::new();
    for q in store.all::<ResourceQuota>(Some(ns)) {
        let st = q.status.as_ref();
        let hard = parse_list(st.and_then(|s| s.hard.as_ref()));
        let matching: Vec<&String> = hard.keys().filter(|k| handles(k)).collect();
        if matching.is_empty() {
            continue;
        }
        let used_keys = st.and_then(|s| s.used.as_ref());
        if matching
            .iter()
            .any(|k| used_keys.is_none_or(|u| !u.contains_key(*k)))
        {
            let names: Vec<&str> = matching.iter().map(|k| k.as_str()).collect();
            return Err(forbid(format!(
                "status unknown for quota: {}, resources: {}",
                q.metadata.name.as_deref().unwrap_or(""),
                names.join(",")
            )));
        }
        interesting.push((q.clone(), hard, parse_list(used_keys)));
    }
    if interesting.is_empty() {
        return Ok(Vec::new());
    }
    let mut delta = usage(new);
    if let Some(old) = old {
        let before = usage(old);
        for (k, q) in delta.iter_mut() {
            let prev = before.get(k).map_or(0, Quantity::nanos);
            *q = Quantity::with_nanos((q.nanos() - prev).max(0), q.format());
        }
    }
    delta.retain(|_, q| q.nanos() != 0);
    if delta.is_empty() {
        return Ok(Vec::new());
    }
    let mut charges = Vec::new();
    for (q, hard, used) in interesting {
        let qname = q.metadata.name.clone().unwrap_or_default();
        let requested: Usage = delta
            .iter()
            .filter(|(k, _)| hard.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
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
        if !exceeded.is_empty() {
            let mask = |u: &Usage| -> Usage {
                u.iter()
                    .filter(|(k, _)| exceeded.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            return Err(forbid(format!(
                "exceeded quota: {qname}, requested: {}, used: {}, limited: {}",
                pretty(&mask(&requested)),
                pretty(&mask(&used)),
                pretty(&mask(&hard))
            )));
        }
        charges.push((qname, new_used));
    }
    Ok(charges)
}

/// Writes each charged quota's `status.used` (the plugin's own status update).
pub fn charge(store: &Store, ns: &str, charges: Vec<Charge>) {
    for (name, used) in charges {
        let _ = store.update::<ResourceQuota, ()>(ns, &name, |q| {
            let mut q = (**q).clone();
            let st = q.status.get_or_insert_with(Default::default);
            st.used = Some(
                used.iter()
                    .map(|(k, v)| (k.clone(), KQuantity(v.to_string())))
                    .collect(),
            );
            Ok(Some(q))
        });
    }
}
