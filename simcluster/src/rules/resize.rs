//! `ValidatePodResize` (1.32+, `pods/resize`) and the QoS rule of pod updates (1.27–1.31), per
//! server minor version, with the server's texts and cause order (resize-api.md §1.3, §1.4, §4).

use super::field::FieldError;
use super::qos;
use super::quantity::Quantity;
use super::spec::pod_spec;
use super::view::{ContainerView, PodView, Resources};
use std::collections::BTreeMap;

/// The text of the forbidden-update error (resize-api.md §4.1) before its diff.
pub const FORBIDDEN_UPDATE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// A 1.27–1.31 pod update changes more than container cpu/memory: other resources,
/// `resizePolicy`, init container resources, or the containers themselves.
pub fn update_changes_more(old: &PodView, new: &PodView) -> bool {
    let names = |p: &PodView| -> Vec<String> {
        p.containers
            .iter()
            .chain(&p.init_containers)
            .map(|c| c.name.clone())
            .collect()
    };
    names(old) != names(new)
        || old.containers.iter().zip(&new.containers).any(|(o, n)| {
            others_changed(&o.resources, &n.resources) || o.resize_policy != n.resize_policy
        })
        || old
            .init_containers
            .iter()
            .zip(&new.init_containers)
            .any(|(o, n)| changed(o, n))
}

/// 1.27–1.31 pod update that changes resources: spec errors, then the QoS rule, whose value is
/// the class the update would produce (kubernetes#131833 shows `"Burstable"` for a Guaranteed
/// pod made Burstable).
pub fn validate_update(old: &PodView, new: &PodView) -> Vec<FieldError> {
    let mut errors = pod_spec(new);
    let after = qos::compute(new);
    if qos::stored(old) != after {
        errors.push(FieldError::invalid(
            "metadata",
            after,
            "Pod QoS is immutable",
        ));
    }
    errors
}

/// The rule that refuses every resize of a pod, if one applies (§1.3, §4.7). Upstream returns
/// it alone, dropping all other errors, at the root path `[]`.
fn unresizable(minor: u32, gate: bool, old: &PodView, new: &PodView) -> Option<FieldError> {
    let pod_level = old.has_pod_resources() || new.has_pod_resources();
    let text = if pod_level && (32..=34).contains(&minor) {
        "pods with pod-level resources cannot be resized"
    } else if pod_level && minor == 35 && !gate {
        // The alpha gate is off by default on a real 1.35 server (facts "Third round").
        "resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled"
    } else if old.mirror {
        "static pods cannot be resized"
    } else if old.windows {
        "windows pods cannot be resized"
    } else {
        return None;
    };
    Some(FieldError::forbidden("[]", text))
}

fn shape(label: &str, old: &[ContainerView], new: &[ContainerView]) -> Vec<FieldError> {
    if old.len() != new.len() {
        return vec![FieldError::forbidden(
            format!("spec.{label}"),
            format!("{label} may not be added or removed on resize"),
        )];
    }
    old.iter()
        .zip(new)
        .enumerate()
        .filter(|(_, (o, n))| o.name != n.name)
        .map(|(i, _)| {
            FieldError::forbidden(
                format!("spec.{label}[{i}].name"),
                format!("{label} may not be renamed or reordered on resize"),
            )
        })
        .collect()
}

/// `resourcesRemoved`: any resource name (not only cpu/memory) of `old` missing in `new`.
fn removed(new: &BTreeMap<String, String>, old: &BTreeMap<String, String>) -> bool {
    old.keys().any(|k| !new.contains_key(k))
}

fn value(text: &str) -> Option<Quantity> {
    Quantity::parse(text.trim()).ok()
}

/// `validateContainerResize`: removals, and the 1.33-only memory limit rule.
fn container_resize(
    minor: u32,
    path: &str,
    o: &ContainerView,
    n: &ContainerView,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let (or, nr) = (&o.resources, &n.resources);
    if removed(&nr.requests, &or.requests) {
        errors.push(FieldError::forbidden(
            format!("{path}.requests"),
            "resource requests cannot be removed",
        ));
    }
    if removed(&nr.limits, &or.limits) {
        errors.push(FieldError::forbidden(
            format!("{path}.limits"),
            "resource limits cannot be removed",
        ));
    }
    let memory_policy = n
        .resize_policy
        .iter()
        .find(|(r, _)| r == "memory")
        .map(|(_, p)| p.as_str());
    if minor == 33 && matches!(memory_policy, None | Some("NotRequired") | Some("")) {
        let field = format!("{path}.limits[memory]");
        match (
            or.limits.get("memory").and_then(|t| value(t)),
            nr.limits.get("memory"),
        ) {
            (Some(old), Some(new)) if value(new).is_some_and(|new| new < old) => {
                errors.push(FieldError::forbidden(
                    field,
                    "memory limits cannot be decreased unless resizePolicy is RestartContainer",
                ))
            }
            (None, Some(_)) if !or.limits.contains_key("memory") => {
                errors.push(FieldError::forbidden(
                    field,
                    "memory limits cannot be added unless resizePolicy is RestartContainer",
                ))
            }
            _ => {}
        }
    }
    errors
}

/// Non-cpu/memory entries, compared by value as `Semantic.DeepEqual` does.
fn others(m: &BTreeMap<String, String>) -> Vec<(&str, Option<i128>)> {
    m.iter()
        .filter(|(k, _)| *k != "cpu" && *k != "memory")
        .map(|(k, v)| (k.as_str(), value(v).map(|q| q.nanos())))
        .collect()
}

fn others_changed(o: &Resources, n: &Resources) -> bool {
    others(&o.requests) != others(&n.requests) || others(&o.limits) != others(&n.limits)
}

fn same_values(o: &BTreeMap<String, String>, n: &BTreeMap<String, String>) -> bool {
    let v = |m: &BTreeMap<String, String>| -> Vec<(String, Option<i128>)> {
        m.iter()
            .map(|(k, t)| (k.clone(), value(t).map(|q| q.nanos())))
            .collect()
    };
    v(o) == v(n)
}

fn changed(o: &ContainerView, n: &ContainerView) -> bool {
    !same_values(&o.resources.requests, &n.resources.requests)
        || !same_values(&o.resources.limits, &n.resources.limits)
        || o.resize_policy != n.resize_policy
}

/// Validates a `/resize` request on a 1.32+ server: `old` as stored, `new` after the patch,
/// defaulting and canonical storage. Returns every error, in the server's order.
pub fn validate_resize(minor: u32, old: &PodView, new: &PodView) -> Vec<FieldError> {
    validate_resize_gated(minor, pod_level_gate(minor, false), old, new)
}

/// Pod-level in-place resize is on: beta from 1.36, alpha `InPlacePodLevelResourcesVerticalScaling`
/// on 1.35 when `alpha_on` (resize-api.md §1.3).
pub fn pod_level_gate(minor: u32, alpha_on: bool) -> bool {
    minor >= 36 || (minor == 35 && alpha_on)
}

/// [`validate_resize`] with the pod-level resize gate given (`gate`: see [`pod_level_gate`]).
pub fn validate_resize_gated(
    minor: u32,
    gate: bool,
    old: &PodView,
    new: &PodView,
) -> Vec<FieldError> {
    let mut errors = pod_spec(new);
    if let Some(e) = unresizable(minor, gate, old, new) {
        return vec![e];
    }
    let before = qos::stored(old);
    if before != qos::compute(new) {
        errors.push(FieldError::invalid(
            "spec",
            before,
            "Pod QOS Class may not change as a result of resizing",
        ));
    }
    if old.node_lacks_resize {
        errors.push(FieldError::forbidden(
            "spec",
            "Pod running on node without support for resize",
        ));
    }
    if gate && (old.has_pod_resources() || new.has_pod_resources()) {
        errors.extend(pod_level(old, new));
    }
    let mut order = shape("containers", &old.containers, &new.containers);
    order.extend(shape(
        "initContainers",
        &old.init_containers,
        &new.init_containers,
    ));
    if !order.is_empty() {
        errors.extend(order);
        return errors;
    }
    let inits = old
        .init_containers
        .iter()
        .zip(&new.init_containers)
        .enumerate();
    for (i, (o, n)) in inits.clone() {
        // Removal checks run for sidecars from 1.33 and for every init container from 1.36.
        if (o.sidecar && minor >= 33) || minor >= 36 {
            errors.extend(container_resize(
                minor,
                &format!("spec.initContainers[{i}].resources"),
                o,
                n,
            ));
        }
    }
    let regular = old.containers.iter().zip(&new.containers);
    for (i, (o, n)) in regular.clone().enumerate() {
        errors.extend(container_resize(
            minor,
            &format!("spec.containers[{i}].resources"),
            o,
            n,
        ));
    }
    for (o, n) in regular {
        let policy_changed = o.resize_policy != n.resize_policy && minor != 32;
        if others_changed(&o.resources, &n.resources) || policy_changed {
            errors.push(FieldError::forbidden(
                "spec",
                "only cpu and memory resources are mutable",
            ));
        }
    }
    let mut init_changed = false;
    for (i, (o, n)) in inits {
        errors.extend(init_container(minor, i, o, n));
        init_changed |= changed(o, n);
    }
    if !errors.is_empty() {
        return errors;
    }
    // 1.32 compares the whole spec with only regular containers' cpu/memory put back.
    if minor == 32 && init_changed {
        errors.push(FieldError::forbidden(
            "spec",
            "only cpu and memory resources are mutable",
        ));
    }
    errors
}

fn init_container(
    minor: u32,
    i: usize,
    o: &ContainerView,
    n: &ContainerView,
) -> Option<FieldError> {
    let mutable_changed =
        others_changed(&o.resources, &n.resources) || o.resize_policy != n.resize_policy;
    match minor {
        32 => None,
        33..=35 if o.sidecar => mutable_changed.then(|| {
            FieldError::forbidden(
                "spec",
                "only cpu and memory resources for sidecar containers are mutable",
            )
        }),
        33..=35 => changed(o, n).then(|| {
            FieldError::forbidden(
                "spec",
                "resources for non-sidecar init containers are immutable",
            )
        }),
        _ => {
            let field = format!("spec.initContainers[{i}]");
            let restart = n.resize_policy.iter().any(|(_, p)| p == "RestartContainer");
            if mutable_changed {
                Some(FieldError::forbidden(
                    field,
                    "only cpu and memory resources for init or sidecar containers are mutable",
                ))
            } else if !o.sidecar && restart && changed(o, n) {
                Some(FieldError::forbidden(
                    field,
                    "non-sidecar init containers with a resize policy of RestartContainer cannot be resized",
                ))
            } else {
                None
            }
        }
    }
}

/// 1.36+ pod-level resize checks (KEP 5419). Texts follow the upstream rule's shape; they
/// were not observed on a real server.
fn pod_level(old: &PodView, new: &PodView) -> Vec<FieldError> {
    let (o, n) = (
        old.pod_resources.clone().unwrap_or_default(),
        new.pod_resources.clone(),
    );
    if old.has_pod_resources() && n.as_ref().is_none_or(Resources::is_empty) {
        return vec![FieldError::forbidden(
            "spec.resources",
            "pod-level resources cannot be removed",
        )];
    }
    let n = n.unwrap_or_default();
    let mut errors = Vec::new();
    if removed(&n.requests, &o.requests) {
        errors.push(FieldError::forbidden(
            "spec.resources.requests",
            "pod-level resource requests cannot be removed",
        ));
    }
    if removed(&n.limits, &o.limits) {
        errors.push(FieldError::forbidden(
            "spec.resources.limits",
            "pod-level resource limits cannot be removed",
        ));
    }
    if others_changed(&o, &n) {
        errors.push(FieldError::forbidden(
            "spec",
            "only cpu and memory resources are mutable at pod-level",
        ));
    }
    errors
}
