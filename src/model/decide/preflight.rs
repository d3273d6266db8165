//! The preflight (design §8, issue 27): before a resize is sent, what else in the cluster
//! would refuse it, undo it or fight it. Pure: a `ClusterPolicy` snapshot and the change in,
//! findings out. Refusals are the server's own 403 texts (round4 README §1–§2), so what the
//! plan shows is what the server would answer; LimitRanger is checked before quota, as the
//! admission chain runs them, and only the first refusal is kept, as the server reports one.

use crate::model::ground::quantity::{Format, Quantity};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::cluster_policy::{ClusterPolicy, LimitRangeInfo, LimitRangeItem};
use crate::model::pods::row::{ContainerKind, ContainerRow, PodRow, ResourceField};
use std::collections::BTreeMap;

pub use cpu::{cpu_manager_refusal, learnt_from_infeasible, to_whole_cpus, whole_cpus_only};
pub use hpa::{HpaEffect, hpa_effects, hpa_metric_use, runtime_warning};
pub use pod_level::pod_level_gate_refusal;
pub use quota::quota_refusal;

// Parts of the preflight in their own files; children, so they may use what is here.
#[path = "preflight_cpu.rs"]
pub mod cpu;
#[path = "preflight_hpa.rs"]
mod hpa;
#[path = "preflight_pod_level.rs"]
pub mod pod_level;
#[path = "preflight_quota.rs"]
mod quota;

/// Resource name → value, as admission plugins add and compare them.
pub type Amounts = BTreeMap<String, Quantity>;

/// One container of the pod as it would be stored after the resize.
#[derive(Clone, Debug)]
pub struct PodContainer {
    pub name: String,
    pub kind: ContainerKind,
    pub spec: ResourceSpec,
    pub requests: Amounts,
    pub limits: Amounts,
}

/// The change a preflight looks at: one container of `row` to `new_spec`.
#[derive(Clone, Copy, Debug)]
pub struct Change<'a> {
    pub row: &'a PodRow,
    pub container: &'a str,
    pub new_spec: &'a ResourceSpec,
    /// The pod's reading of metrics.k8s.io (each running container's use now), for an HPA
    /// that has not reported its own figure (`hpa_metric_use` takes from it what the HPA reads).
    pub usage: Option<&'a [(String, CpuMem)]>,
}

/// What the preflight found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preflight {
    /// Do not send: the server's answer word for word (`pods "p1" is forbidden: …`), or why
    /// the kubelet would refuse it (a fraction of a CPU under the static CPU manager).
    pub refusal: Option<String>,
    /// Shown in the plan before sending (a default put back, an old runtime, unread policy).
    pub warnings: Vec<String>,
    /// HPAs that react to this change.
    pub hpa: Vec<HpaEffect>,
    /// The container's values as the server will store them (LimitRange defaults put back).
    pub effective: ResourceSpec,
}

/// The whole preflight for one container change. `workload` is the pod's top owner
/// (kind, name), e.g. the Deployment above its ReplicaSet, for HPA targets.
pub fn preflight(
    policy: &ClusterPolicy,
    change: Change,
    workload: Option<(&str, &str)>,
) -> Preflight {
    let ns = change.row.namespace.as_str();
    let ranges: Vec<&LimitRangeInfo> = policy
        .limit_ranges
        .iter()
        .filter(|lr| lr.namespace == ns)
        .collect();
    let (effective, mut warnings) = with_defaults(&ranges, change.new_spec);
    let pod = containers_after(change.row, change.container, &effective);
    let forbidden = |text: String| format!("pods {:?} is forbidden: {text}", change.row.name);
    let refusal = limit_range_refusal(&ranges, &pod)
        .or_else(|| {
            let quotas = policy.quotas.iter().filter(|q| q.namespace == ns);
            quota_refusal(quotas, change.row, &pod)
        })
        .map(forbidden)
        .or_else(|| cpu_manager_refusal(policy, change.row, change.container, &effective));
    warnings.extend(
        policy
            .unreadable
            .iter()
            .map(|u| format!("not checked: {u}")),
    );
    warnings.extend(runtime_warning(policy, change.row));
    let hpa = workload.map_or_else(Vec::new, |w| hpa_effects(policy, change, w));
    Preflight {
        refusal,
        warnings,
        hpa,
        effective,
    }
}

/// LimitRanger's mutating half for the resized container: a removed request takes the limit
/// (API defaulting, lr-09), then each LimitRange's Container `default`/`defaultRequest` fills
/// what is still missing (lr-17), so a removed limit comes back as the default.
pub fn with_defaults(
    ranges: &[&LimitRangeInfo],
    spec: &ResourceSpec,
) -> (ResourceSpec, Vec<String>) {
    let mut out = *spec;
    out.requests = spec.effective_requests();
    let mut notes = Vec::new();
    for lr in ranges {
        for item in lr.items.iter().filter(|i| i.kind == "Container") {
            let slots = [
                (&item.default, "cpu", &mut out.limits.cpu_millis, "limit"),
                (
                    &item.default,
                    "memory",
                    &mut out.limits.memory_bytes,
                    "limit",
                ),
                (
                    &item.default_request,
                    "cpu",
                    &mut out.requests.cpu_millis,
                    "request",
                ),
                (
                    &item.default_request,
                    "memory",
                    &mut out.requests.memory_bytes,
                    "request",
                ),
            ];
            for (list, name, slot, what) in slots {
                let Some(q) = list.get(name).and_then(|t| Quantity::parse(t).ok()) else {
                    continue;
                };
                if slot.is_none() {
                    *slot = Some(if name == "cpu" { q.millis() } else { q.units() });
                    notes.push(format!(
                        "LimitRange {} puts back its default {name} {what} {q}",
                        lr.name
                    ));
                }
            }
        }
    }
    (out, notes)
}

/// A value as the server will hold it: the server's own text when unchanged (its suffix
/// family decides how sums print), else the canonical text podsize sends, parsed as the
/// server parses it.
fn amount(c: &ContainerRow, field: ResourceField, value: i64) -> Quantity {
    let kept = (field.of(&c.desired) == Some(value))
        .then(|| c.desired_text(field))
        .flatten()
        .and_then(|t| Quantity::parse(&t).ok());
    kept.unwrap_or_else(|| {
        let text = if field.is_cpu() {
            crate::model::ground::quantity::cpu_canonical(value)
        } else {
            crate::model::ground::quantity::memory_canonical(value)
        };
        Quantity::parse(&text).unwrap_or(Quantity::from_millis(0))
    })
}

/// The pod's containers after the change, with amounts as admission sees them.
pub fn containers_after(
    row: &PodRow,
    container: &str,
    new_spec: &ResourceSpec,
) -> Vec<PodContainer> {
    row.containers
        .iter()
        .map(|c| {
            let spec = if c.name == container {
                *new_spec
            } else {
                c.desired
            };
            let mut requests = Amounts::new();
            let mut limits = Amounts::new();
            for field in ResourceField::ALL {
                let Some(v) = field.of(&spec) else { continue };
                let (key, into) = match field {
                    ResourceField::CpuRequest => ("cpu", &mut requests),
                    ResourceField::MemoryRequest => ("memory", &mut requests),
                    ResourceField::CpuLimit => ("cpu", &mut limits),
                    ResourceField::MemoryLimit => ("memory", &mut limits),
                };
                into.insert(key.into(), amount(c, field, v));
            }
            PodContainer {
                name: c.name.clone(),
                kind: c.kind,
                spec,
                requests,
                limits,
            }
        })
        .collect()
}

/// `addResourceList`: sums keep the suffix family of their first non-zero term.
pub fn add(sum: &mut Amounts, more: &Amounts) {
    for (k, q) in more {
        let next = match sum.get(k) {
            None => *q,
            Some(have) => {
                let format: Format = if have.nanos() == 0 {
                    q.format()
                } else {
                    have.format()
                };
                Quantity::with_nanos(have.nanos() + q.nanos(), format)
            }
        };
        sum.insert(k.clone(), next);
    }
}

/// Keeps the larger value per key.
pub fn max_into(acc: &mut Amounts, other: &Amounts) {
    for (k, q) in other {
        if acc.get(k).is_none_or(|a| q > a) {
            acc.insert(k.clone(), *q);
        }
    }
}

/// Pod totals for a Pod-type item: containers and sidecars summed, then the larger of that
/// and each plain init container.
fn pod_totals(pod: &[PodContainer], pick: fn(&PodContainer) -> &Amounts) -> Amounts {
    let mut total = Amounts::new();
    let mut init_max = Amounts::new();
    for c in pod {
        match c.kind {
            ContainerKind::Init => max_into(&mut init_max, pick(c)),
            _ => add(&mut total, pick(c)),
        }
    }
    max_into(&mut total, &init_max);
    total
}

fn parse_texts(list: &BTreeMap<String, String>) -> Vec<(&str, Quantity)> {
    list.iter()
        .filter_map(|(k, v)| Some((k.as_str(), Quantity::parse(v.trim()).ok()?)))
        .collect()
}

fn min_check(
    kind: &str,
    name: &str,
    enforced: Quantity,
    req: Option<&Quantity>,
    lim: Option<&Quantity>,
) -> Option<String> {
    let Some(r) = req else {
        return Some(format!(
            "minimum {name} usage per {kind} is {enforced}.  No request is specified"
        ));
    };
    if r.millis() < enforced.millis() {
        return Some(format!(
            "minimum {name} usage per {kind} is {enforced}, but request is {r}"
        ));
    }
    lim.filter(|l| l.millis() < enforced.millis())
        .map(|l| format!("minimum {name} usage per {kind} is {enforced}, but limit is {l}"))
}

fn max_check(
    kind: &str,
    name: &str,
    enforced: Quantity,
    req: Option<&Quantity>,
    lim: Option<&Quantity>,
) -> Option<String> {
    let Some(l) = lim else {
        return Some(format!(
            "maximum {name} usage per {kind} is {enforced}.  No limit is specified"
        ));
    };
    if l.millis() > enforced.millis() {
        return Some(format!(
            "maximum {name} usage per {kind} is {enforced}, but limit is {l}"
        ));
    }
    req.filter(|r| r.millis() > enforced.millis())
        .map(|r| format!("maximum {name} usage per {kind} is {enforced}, but request is {r}"))
}

fn ratio_check(
    kind: &str,
    name: &str,
    enforced: Quantity,
    req: Option<&Quantity>,
    lim: Option<&Quantity>,
) -> Option<String> {
    let (r, l) = (
        req.map_or(0, Quantity::millis),
        lim.map_or(0, Quantity::millis),
    );
    let head = format!("{name} max limit to request ratio per {kind} is {enforced}");
    if r == 0 {
        return Some(format!(
            "{head}, but no request is specified or request is 0"
        ));
    }
    if l == 0 {
        return Some(format!("{head}, but no limit is specified or limit is 0"));
    }
    // The plugin divides as float64 and prints with `%f`; six decimals match it.
    let observed = l as f64 / r as f64;
    (observed * 1000.0 > enforced.millis() as f64)
        .then(|| format!("{head}, but provided ratio is {observed:.6}"))
}

type Check = fn(&str, &str, Quantity, Option<&Quantity>, Option<&Quantity>) -> Option<String>;

/// One limit item against one set of requests and limits, in the plugin's order: every min,
/// every max, every ratio. Only cpu and memory are checked: podsize's rows do not carry other
/// resources, and a pod already admitted satisfied the rest, which a resize does not touch.
fn check_item(
    item: &LimitRangeItem,
    kind: &str,
    req: &Amounts,
    lim: &Amounts,
    errors: &mut Vec<String>,
) {
    let groups: [(&BTreeMap<String, String>, Check); 3] = [
        (&item.min, min_check),
        (&item.max, max_check),
        (&item.max_limit_request_ratio, ratio_check),
    ];
    for (bounds, check) in groups {
        for (name, enforced) in parse_texts(bounds) {
            if matches!(name, "cpu" | "memory") {
                errors.extend(check(kind, name, enforced, req.get(name), lim.get(name)));
            }
        }
    }
}

/// One LimitRange's errors for the pod, in the plugin's order.
fn errors_of(lr: &LimitRangeInfo, pod: &[PodContainer]) -> Vec<String> {
    let mut errors = Vec::new();
    for item in &lr.items {
        match item.kind.as_str() {
            "Container" => {
                for c in pod {
                    check_item(item, "Container", &c.requests, &c.limits, &mut errors);
                }
            }
            "Pod" => {
                let req = pod_totals(pod, |c| &c.requests);
                let lim = pod_totals(pod, |c| &c.limits);
                check_item(item, "Pod", &req, &lim, &mut errors);
            }
            _ => {}
        }
    }
    errors
}

/// LimitRanger's validating half: the first LimitRange with errors refuses, its errors joined
/// as `[a, b]` when several. With two LimitRanges violated the real server names either
/// (lr-26/26b); name order is what the simulated cluster does. The text after `forbidden: `.
pub fn limit_range_refusal(ranges: &[&LimitRangeInfo], pod: &[PodContainer]) -> Option<String> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
        .iter()
        .find_map(|lr| match errors_of(lr, pod).as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            many => Some(format!("[{}]", many.join(", "))),
        })
}

#[cfg(test)]
#[path = "preflight_tests.rs"]
mod tests;
