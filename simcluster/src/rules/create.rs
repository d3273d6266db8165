//! What pod creation validates and defaults beyond the container basics (round4 README §5,
//! fixtures plr-* and rp-*): pod-level resources (requests filled from the containers' sum or
//! the limits; requests above limits; aggregate container requests above pod requests;
//! container limits above pod limits; only cpu, memory and hugepages) and each container's
//! resizePolicy (duplicates, unsupported names and values, RestartContainer with
//! `restartPolicy: Never`), in the order and words of the real validation.

use super::field::FieldError;
use super::quantity::Quantity;
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KQuantity;
use std::collections::BTreeMap;

type List = BTreeMap<String, KQuantity>;

fn q(v: &KQuantity) -> Option<Quantity> {
    Quantity::parse(v.0.trim()).ok()
}

fn pod_level_supported(name: &str) -> bool {
    name == "cpu" || name == "memory" || name.starts_with("hugepages-")
}

fn overcommit(name: &str) -> bool {
    !name.starts_with("hugepages-")
}

/// The containers' requests summed (sidecars included; plain init containers as a maximum),
/// each sum printed as apimachinery prints the result of `Add`.
fn aggregate_requests(spec: &PodSpec) -> BTreeMap<String, Quantity> {
    let parsed = |c: &Container| -> BTreeMap<String, Quantity> {
        c.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), q(v)?)))
            .collect()
    };
    let mut sum = BTreeMap::new();
    for c in &spec.containers {
        crate::limitranger::add(&mut sum, &parsed(c));
    }
    for c in spec.init_containers.iter().flatten() {
        let own = parsed(c);
        if c.restart_policy.as_deref() == Some("Always") {
            crate::limitranger::add(&mut sum, &own);
        } else {
            for (k, v) in own {
                if sum.get(&k).is_none_or(|s| v > *s) {
                    sum.insert(k, v);
                }
            }
        }
    }
    sum
}

/// `defaultPodRequests`: with pod-level limits, a missing pod-level request takes the
/// containers' aggregate request, else the limit (plr-02, plr-03).
pub fn default_pod_level(spec: &mut PodSpec) {
    let aggregate = aggregate_requests(spec);
    let Some(res) = spec.resources.as_mut() else {
        return;
    };
    let Some(limits) = res.limits.clone().filter(|l| !l.is_empty()) else {
        return;
    };
    let mut requests = res.requests.clone().unwrap_or_default();
    for (k, v) in &aggregate {
        if !requests.contains_key(k) && pod_level_supported(k) && overcommit(k) {
            requests.insert(k.clone(), KQuantity(v.to_string()));
        }
    }
    for (k, v) in limits {
        if !requests.contains_key(&k) && pod_level_supported(&k) {
            requests.insert(k, v);
        }
    }
    if !requests.is_empty() {
        res.requests = Some(requests);
    }
}

/// `validateResizePolicy` for one container at `path` (`spec.containers[0]`).
fn resize_policy(path: &str, c: &Container, pod_restart: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let field = format!("{path}.resizePolicy");
    let mut seen: Vec<&str> = Vec::new();
    for (i, p) in c.resize_policy.iter().flatten().enumerate() {
        if seen.contains(&p.resource_name.as_str()) {
            errors.push(FieldError::duplicate(
                format!("{field}[{i}]"),
                &p.resource_name,
            ));
        }
        seen.push(&p.resource_name);
        match p.resource_name.as_str() {
            "cpu" | "memory" => {}
            "" => errors.push(FieldError::required(field.clone())),
            other => errors.push(FieldError::not_supported(&field, other, &["cpu", "memory"])),
        }
        match p.restart_policy.as_str() {
            "NotRequired" | "RestartContainer" => {}
            "" => errors.push(FieldError::required(field.clone())),
            other => errors.push(FieldError::not_supported(
                &field,
                other,
                &["NotRequired", "RestartContainer"],
            )),
        }
        if pod_restart == "Never" && p.restart_policy != "NotRequired" {
            errors.push(FieldError::invalid(
                &field,
                p.restart_policy.clone(),
                "must be 'NotRequired' when `restartPolicy` is 'Never'",
            ));
        }
    }
    errors
}

/// `validatePodResourceRequirements` and `validatePodResourceConsistency`.
pub fn pod_resources(spec: &PodSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(res) = spec.resources.as_ref() else {
        return errors;
    };
    let empty = List::new();
    let limits = res.limits.as_ref().unwrap_or(&empty);
    let requests = res.requests.as_ref().unwrap_or(&empty);
    let supported = ["cpu", "hugepages-", "memory"];
    for (kind, list) in [("limits", limits), ("requests", requests)] {
        for name in list.keys().filter(|n| !pod_level_supported(n)) {
            errors.push(FieldError::not_supported(
                format!("spec.resources.{kind}[{name}]"),
                name,
                &supported,
            ));
        }
    }
    for (name, req) in requests {
        let (Some(r), Some(l)) = (q(req), limits.get(name).and_then(q)) else {
            continue;
        };
        if r > l {
            errors.push(FieldError::invalid(
                "spec.resources.requests",
                r.to_string(),
                &format!("must be less than or equal to {name} limit of {l}"),
            ));
        }
    }
    for (name, sum) in aggregate_requests(spec) {
        let Some(pod) = requests.get(&name).and_then(q) else {
            continue;
        };
        if sum > pod {
            errors.push(FieldError::invalid(
                format!("spec.resources.requests[{name}]"),
                pod.to_string(),
                &format!("must be greater than or equal to aggregate container requests of {sum}"),
            ));
        }
    }
    for (i, c) in spec.containers.iter().enumerate() {
        let own = c.resources.as_ref().and_then(|r| r.limits.as_ref());
        for (name, lim) in own.into_iter().flatten() {
            let (Some(cl), Some(pl)) = (q(lim), limits.get(name).and_then(q)) else {
                continue;
            };
            if cl > pl {
                errors.push(FieldError::invalid(
                    format!("spec.resources.containers[{i}][{name}].limits"),
                    cl.to_string(),
                    &format!("must be less than or equal to pod limits of {pl}"),
                ));
            }
        }
    }
    errors
}

/// The create-time errors this module knows, after the container basics of `spec.rs`:
/// each container's resizePolicy (regular, then init containers), then pod-level resources.
pub fn validate(spec: &PodSpec) -> Vec<FieldError> {
    let restart = spec.restart_policy.as_deref().unwrap_or("Always");
    let regular = spec
        .containers
        .iter()
        .enumerate()
        .flat_map(|(i, c)| resize_policy(&format!("spec.containers[{i}]"), c, restart));
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(i, c)| resize_policy(&format!("spec.initContainers[{i}]"), c, restart));
    let mut errors: Vec<FieldError> = regular.chain(init).collect();
    errors.extend(pod_resources(spec));
    errors
}
