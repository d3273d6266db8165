//! The LimitRanger admission plugin, on pod create and on `pods/resize` (round4 README §1,
//! fixtures lr-*): the mutating half puts a LimitRange's `default`/`defaultRequest` into every
//! container that lacks them (so a limit removed by a resize comes back as the default), the
//! validating half checks min, max and maxLimitRequestRatio per Container and per Pod. Texts
//! follow plugin/pkg/admission/limitranger: one LimitRange's errors are joined as `[a, b]`
//! (min and max before the ratio, per limit item), the ratio printed with `%f`; only the first
//! failing LimitRange is reported (here in name order; the real order is not fixed, lr-26/26b).

use super::rules::quantity::Quantity;
use super::store::Store;
use k8s_openapi::api::core::v1::{Container, LimitRange, LimitRangeItem, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KQuantity;
use std::collections::BTreeMap;

type List = BTreeMap<String, KQuantity>;

const ANNOTATION: &str = "kubernetes.io/limit-ranger";

fn ranges(store: &Store, ns: &str) -> Vec<std::sync::Arc<LimitRange>> {
    store.all::<LimitRange>(Some(ns))
}

fn items(lr: &LimitRange) -> impl Iterator<Item = &LimitRangeItem> {
    lr.spec.iter().flat_map(|s| s.limits.iter())
}

/// `mergeContainerResources`: fills what a container lacks; returns the annotation parts.
fn merge(c: &mut Container, limits: &List, requests: &List, prefix: &str) -> Vec<String> {
    let res = c.resources.get_or_insert_with(Default::default);
    let mut set_limits: Vec<String> = Vec::new();
    let mut set_requests: Vec<String> = Vec::new();
    for (k, v) in limits {
        let have = res.limits.get_or_insert_with(BTreeMap::new);
        if !have.contains_key(k) {
            have.insert(k.clone(), v.clone());
            set_limits.push(k.clone());
        }
    }
    for (k, v) in requests {
        let have = res.requests.get_or_insert_with(BTreeMap::new);
        if !have.contains_key(k) {
            have.insert(k.clone(), v.clone());
            set_requests.push(k.clone());
        }
    }
    // Empty maps are not kept (omitempty).
    if res.limits.as_ref().is_some_and(BTreeMap::is_empty) {
        res.limits = None;
    }
    if res.requests.as_ref().is_some_and(BTreeMap::is_empty) {
        res.requests = None;
    }
    let mut notes = Vec::new();
    if !set_requests.is_empty() {
        notes.push(format!(
            "{} request for {prefix} {}",
            set_requests.join(", "),
            c.name
        ));
    }
    if !set_limits.is_empty() {
        notes.push(format!(
            "{} limit for {prefix} {}",
            set_limits.join(", "),
            c.name
        ));
    }
    notes
}

/// The mutating half: API defaulting (a request from its limit) first, as the server decodes
/// before admission, then each LimitRange's Container defaults. On create the plugin notes
/// what it set in the `kubernetes.io/limit-ranger` annotation (lr-18); a resize keeps only
/// resources, so no annotation there (lr-17).
pub fn mutate(store: &Store, ns: &str, pod: &mut Pod, create: bool) {
    let Some(spec) = pod.spec.as_mut() else {
        return;
    };
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        super::podutil::default_requests(&mut c.resources);
    }
    let mut note = None;
    for lr in ranges(store, ns) {
        let (mut limits, mut requests) = (List::new(), List::new());
        for item in items(&lr).filter(|i| i.type_ == "Container") {
            limits.extend(item.default.clone().unwrap_or_default());
            requests.extend(item.default_request.clone().unwrap_or_default());
        }
        let mut notes = Vec::new();
        for c in spec.containers.iter_mut() {
            notes.extend(merge(c, &limits, &requests, "container"));
        }
        for c in spec.init_containers.iter_mut().flatten() {
            notes.extend(merge(c, &limits, &requests, "init container"));
        }
        if !notes.is_empty() {
            note = Some(format!("LimitRanger plugin set: {}", notes.join("; ")));
        }
    }
    if let (true, Some(text)) = (create, note) {
        pod.metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(ANNOTATION.into(), text);
    }
}

fn parse(q: &KQuantity) -> Option<Quantity> {
    Quantity::parse(q.0.trim()).ok()
}

/// Millis rounded up, as `requestLimitEnforcedValues` compares them.
fn milli(q: Option<&Quantity>) -> i128 {
    q.map_or(0, Quantity::milli_ceil)
}

fn min_check(
    kind: &str,
    name: &str,
    enforced: &Quantity,
    req: Option<&Quantity>,
    lim: Option<&Quantity>,
) -> Option<String> {
    let Some(r) = req else {
        return Some(format!(
            "minimum {name} usage per {kind} is {enforced}.  No request is specified"
        ));
    };
    if milli(req) < enforced.milli_ceil() {
        return Some(format!(
            "minimum {name} usage per {kind} is {enforced}, but request is {r}"
        ));
    }
    match lim {
        Some(l) if l.milli_ceil() < enforced.milli_ceil() => Some(format!(
            "minimum {name} usage per {kind} is {enforced}, but limit is {l}"
        )),
        _ => None,
    }
}

fn max_check(
    kind: &str,
    name: &str,
    enforced: &Quantity,
    req: Option<&Quantity>,
    lim: Option<&Quantity>,
) -> Option<String> {
    let Some(l) = lim else {
        return Some(format!(
            "maximum {name} usage per {kind} is {enforced}.  No limit is specified"
        ));
    };
    if l.milli_ceil() > enforced.milli_ceil() {
        return Some(format!(
            "maximum {name} usage per {kind} is {enforced}, but limit is {l}"
        ));
    }
    match req {
        Some(r) if r.milli_ceil() > enforced.milli_ceil() => Some(format!(
            "maximum {name} usage per {kind} is {enforced}, but request is {r}"
        )),
        _ => None,
    }
}

fn ratio_check(
    kind: &str,
    name: &str,
    enforced: &Quantity,
    req: Option<&Quantity>,
    lim: Option<&Quantity>,
) -> Option<String> {
    let (r, l) = (milli(req), milli(lim));
    if r == 0 {
        return Some(format!(
            "{name} max limit to request ratio per {kind} is {enforced}, but no request is specified or request is 0"
        ));
    }
    if l == 0 {
        return Some(format!(
            "{name} max limit to request ratio per {kind} is {enforced}, but no limit is specified or limit is 0"
        ));
    }
    let observed = l as f64 / r as f64;
    (observed * 1000.0 > enforced.milli_ceil() as f64).then(|| {
        format!("{name} max limit to request ratio per {kind} is {enforced}, but provided ratio is {observed:.6}")
    })
}

/// The checks of one limit item against one set of requests and limits, in the plugin's
/// order: every min, every max, every ratio (resources by name within each).
fn check_item(
    item: &LimitRangeItem,
    kind: &str,
    requests: &BTreeMap<String, Quantity>,
    limits: &BTreeMap<String, Quantity>,
    errors: &mut Vec<String>,
) {
    type Check = fn(&str, &str, &Quantity, Option<&Quantity>, Option<&Quantity>) -> Option<String>;
    let groups: [(&Option<List>, Check); 3] = [
        (&item.min, min_check),
        (&item.max, max_check),
        (&item.max_limit_request_ratio, ratio_check),
    ];
    for (bounds, check) in groups {
        for (name, q) in bounds.iter().flatten() {
            let Some(enforced) = parse(q) else { continue };
            errors.extend(check(
                kind,
                name,
                &enforced,
                requests.get(name),
                limits.get(name),
            ));
        }
    }
}

fn parsed(list: Option<&List>) -> BTreeMap<String, Quantity> {
    list.into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), parse(v)?)))
        .collect()
}

/// `addResourceList`: a sum keeps the first term's text while it is the only term, then
/// prints canonically in that term's format (as `Quantity.Add` leaves it).
pub fn add(sum: &mut BTreeMap<String, Quantity>, more: &BTreeMap<String, Quantity>) {
    for (k, q) in more {
        let next = match sum.get(k) {
            None => q.clone(),
            Some(have) => {
                let format = if have.nanos() == 0 {
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

/// Pod totals for a Pod-type item: containers and sidecars summed, then the largest of that
/// and each plain init container.
fn pod_totals(pod: &Pod, pick: fn(&Container) -> Option<&List>) -> BTreeMap<String, Quantity> {
    let mut total = BTreeMap::new();
    let Some(spec) = pod.spec.as_ref() else {
        return total;
    };
    let mut init_max: BTreeMap<String, Quantity> = BTreeMap::new();
    for c in &spec.containers {
        add(&mut total, &parsed(pick(c)));
    }
    for c in spec.init_containers.iter().flatten() {
        let own = parsed(pick(c));
        if c.restart_policy.as_deref() == Some("Always") {
            add(&mut total, &own);
        } else {
            for (k, q) in own {
                if init_max.get(&k).is_none_or(|m| q > *m) {
                    init_max.insert(k, q);
                }
            }
        }
    }
    for (k, q) in init_max {
        if total.get(&k).is_none_or(|t| q > *t) {
            total.insert(k, q);
        }
    }
    total
}

fn requests_of(c: &Container) -> Option<&List> {
    c.resources.as_ref().and_then(|r| r.requests.as_ref())
}

fn limits_of(c: &Container) -> Option<&List> {
    c.resources.as_ref().and_then(|r| r.limits.as_ref())
}

/// `PodValidateLimitFunc` for one LimitRange: every error, in order.
fn errors_of(lr: &LimitRange, pod: &Pod) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(spec) = pod.spec.as_ref() else {
        return errors;
    };
    for item in items(lr) {
        match item.type_.as_str() {
            "Container" => {
                for c in spec
                    .containers
                    .iter()
                    .chain(spec.init_containers.iter().flatten())
                {
                    let (req, lim) = (parsed(requests_of(c)), parsed(limits_of(c)));
                    check_item(item, "Container", &req, &lim, &mut errors);
                }
            }
            "Pod" => {
                let (req, lim) = (pod_totals(pod, requests_of), pod_totals(pod, limits_of));
                check_item(item, "Pod", &req, &lim, &mut errors);
            }
            _ => {}
        }
    }
    errors
}

/// The validating half: the first LimitRange with errors refuses, its errors aggregated as
/// `utilerrors.NewAggregate` prints them. `Err` holds the text after `is forbidden: `.
pub fn validate(store: &Store, ns: &str, pod: &Pod) -> Result<(), String> {
    for lr in ranges(store, ns) {
        match errors_of(&lr, pod).as_slice() {
            [] => {}
            [one] => return Err(one.clone()),
            many => return Err(format!("[{}]", many.join(", "))),
        }
    }
    Ok(())
}
