//! The resize rules proper: what may change in a resize and in which order the server
//! reports what may not (resize-api.md §1.2–§1.4, §4; real-apiserver-facts.md "Error order").

use super::{
    ContainerResources, FieldError, ResizeRules, is_cpu_mem, pod_qos, validate_container_resources,
};
use crate::model::ground::quantity::Quantity;
use std::collections::BTreeMap;

/// The text of the forbidden-update error of a pre-1.32 pod update (the server adds a diff).
pub const FORBIDDEN_UPDATE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// A container with each limit's value as its request where none is set (`SetDefaults_Pod`).
fn defaulted(c: &ContainerResources) -> ContainerResources {
    let mut out = c.clone();
    for (k, v) in &c.limits {
        out.requests.entry(k.clone()).or_insert_with(|| v.clone());
    }
    out
}

/// Positions of each container in its own list (`containers` or `initContainers`).
fn positions(list: &[ContainerResources]) -> Vec<usize> {
    let mut index = [0usize; 2];
    list.iter()
        .map(|c| {
            let slot = usize::from(c.init);
            index[slot] += 1;
            index[slot] - 1
        })
        .collect()
}

/// `containers may not be added or removed` / `renamed or reordered`, per list as the server
/// reports them (one cause per misplaced container).
fn shape_errors(old: &[ContainerResources], new: &[ContainerResources]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (init, label) in [(false, "containers"), (true, "initContainers")] {
        let o: Vec<_> = old.iter().filter(|c| c.init == init).collect();
        let n: Vec<_> = new.iter().filter(|c| c.init == init).collect();
        if o.len() != n.len() {
            errors.push(FieldError::forbidden(
                format!("spec.{label}"),
                format!("{label} may not be added or removed on resize"),
            ));
            continue;
        }
        for (i, (a, b)) in o.iter().zip(&n).enumerate() {
            if a.name != b.name {
                errors.push(FieldError::forbidden(
                    format!("spec.{label}[{i}].name"),
                    format!("{label} may not be renamed or reordered on resize"),
                ));
            }
        }
    }
    errors
}

fn others_changed(o: &ContainerResources, n: &ContainerResources) -> bool {
    let others = |m: &BTreeMap<String, String>| {
        m.iter()
            .filter(|(k, _)| !is_cpu_mem(k))
            .map(|(k, v)| (k.clone(), Quantity::parse(v).ok()))
            .collect::<Vec<_>>()
    };
    others(&o.requests) != others(&n.requests) || others(&o.limits) != others(&n.limits)
}

fn resources_changed(o: &ContainerResources, n: &ContainerResources) -> bool {
    let values = |m: &BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| (k.clone(), Quantity::parse(v).ok()))
            .collect::<Vec<_>>()
    };
    values(&o.requests) != values(&n.requests)
        || values(&o.limits) != values(&n.limits)
        || o.resize_policy != n.resize_policy
}

/// Validates a resize request: `old` is the stored pod's containers (regular then init),
/// `new` the containers after the patch. Returns every error, in the server's order: spec
/// errors, QoS, container shape, removals, then what may not change (resize-api.md §4).
pub fn validate_resize(
    rules: ResizeRules,
    old: &[ContainerResources],
    new: &[ContainerResources],
) -> Vec<FieldError> {
    // The server fills missing requests from limits before it validates.
    let new: Vec<ContainerResources> = new.iter().map(defaulted).collect();
    let new = new.as_slice();
    let new_positions = positions(new);
    let mut errors: Vec<FieldError> = new
        .iter()
        .zip(&new_positions)
        .flat_map(|(c, i)| validate_container_resources(*i, c))
        .collect();
    let shape = shape_errors(old, new);
    if !rules.uses_subresource() {
        return legacy_update(old, new, shape.is_empty(), errors);
    }
    let old_qos = rules.stored_qos.unwrap_or_else(|| pod_qos(old));
    if old_qos != pod_qos(new) {
        errors.push(FieldError::invalid(
            "spec",
            old_qos.as_str(),
            "Pod QOS Class may not change as a result of resizing",
        ));
    }
    if !shape.is_empty() {
        errors.extend(shape);
        return errors;
    }
    let index = positions(old);
    let pairs = || old.iter().zip(new).zip(&index);
    // Removal checks: sidecars (1.33+) or every init container (1.36+) first, then regular.
    for ((o, n), i) in pairs().filter(|((o, _), _)| o.init) {
        if (o.sidecar && rules.sidecars_resizable()) || rules.minor >= 36 {
            errors.extend(removal_errors(rules, *i, o, n));
        }
    }
    for ((o, n), i) in pairs().filter(|((o, _), _)| !o.init) {
        errors.extend(removal_errors(rules, *i, o, n));
    }
    for ((o, n), _) in pairs().filter(|((o, _), _)| !o.init) {
        let policy = o.resize_policy != n.resize_policy && !rules.resize_policy_mutable();
        if others_changed(o, n) || policy {
            errors.push(FieldError::forbidden(
                "spec",
                "only cpu and memory resources are mutable",
            ));
        }
    }
    let mut init_changed = false;
    for ((o, n), i) in pairs().filter(|((o, _), _)| o.init) {
        init_changed |= resources_changed(o, n);
        errors.extend(init_error(rules, *i, o, n));
    }
    if errors.is_empty() && rules.minor == 32 && init_changed {
        errors.push(FieldError::forbidden(
            "spec",
            "only cpu and memory resources are mutable",
        ));
    }
    errors
}

/// 1.27–1.31: a plain pod update. Anything beyond container cpu/memory is the generic
/// forbidden update (refused alone); otherwise spec errors then the QoS rule.
fn legacy_update(
    old: &[ContainerResources],
    new: &[ContainerResources],
    same_shape: bool,
    mut errors: Vec<FieldError>,
) -> Vec<FieldError> {
    let more = !same_shape
        || old.iter().zip(new).any(|(o, n)| {
            if o.init {
                resources_changed(o, n)
            } else {
                others_changed(o, n) || o.resize_policy != n.resize_policy
            }
        });
    if more {
        return vec![FieldError::forbidden("spec", FORBIDDEN_UPDATE)];
    }
    errors.extend(legacy_qos_error(old, new));
    errors
}

/// What may not change in an init container (resize-api.md §1.4).
fn init_error(
    rules: ResizeRules,
    index: usize,
    o: &ContainerResources,
    n: &ContainerResources,
) -> Option<FieldError> {
    let mutable_changed = others_changed(o, n) || o.resize_policy != n.resize_policy;
    match rules.minor {
        ..=32 => None,
        33..=35 if o.sidecar => mutable_changed.then(|| {
            FieldError::forbidden(
                "spec",
                "only cpu and memory resources for sidecar containers are mutable",
            )
        }),
        33..=35 => resources_changed(o, n).then(|| {
            FieldError::forbidden(
                "spec",
                "resources for non-sidecar init containers are immutable",
            )
        }),
        _ => {
            let field = format!("spec.initContainers[{index}]");
            let restart = n.resize_policy.values().any(|p| p == "RestartContainer");
            if mutable_changed {
                Some(FieldError::forbidden(
                    field,
                    "only cpu and memory resources for init or sidecar containers are mutable",
                ))
            } else if !o.sidecar && restart && resources_changed(o, n) {
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

/// Removal checks (any resource name; a request whose limit remains is re-filled by
/// defaulting) and the 1.33-only memory limit rule, in the server's order.
fn removal_errors(
    rules: ResizeRules,
    index: usize,
    o: &ContainerResources,
    n: &ContainerResources,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let base = format!("{}.resources", o.path(index));
    let request_removed = o
        .requests
        .keys()
        .chain(o.limits.keys())
        .any(|k| !n.requests.contains_key(k) && !n.limits.contains_key(k));
    if request_removed {
        errors.push(FieldError::forbidden(
            format!("{base}.requests"),
            "resource requests cannot be removed",
        ));
    }
    if o.limits.keys().any(|k| !n.limits.contains_key(k)) {
        errors.push(FieldError::forbidden(
            format!("{base}.limits"),
            "resource limits cannot be removed",
        ));
    }
    if rules.forbids_memory_limit_decrease() {
        let (os, ns) = (o.spec(), n.spec());
        let restart = n.resize_policy.get("memory").map(String::as_str) == Some("RestartContainer");
        let field = format!("{base}.limits[memory]");
        match (os.limits.memory_bytes, ns.limits.memory_bytes) {
            (Some(old), Some(new)) if new < old && !restart => errors.push(FieldError::forbidden(
                field,
                "memory limits cannot be decreased unless resizePolicy is RestartContainer",
            )),
            (None, Some(_)) if !restart => errors.push(FieldError::forbidden(
                field,
                "memory limits cannot be added unless resizePolicy is RestartContainer",
            )),
            _ => {}
        }
    }
    errors
}

/// The pre-1.32 QoS error for a pod update that changes the class. Its value is the class the
/// update would produce (kubernetes#131833: `"Burstable"` for a Guaranteed pod made Burstable).
pub fn legacy_qos_error(
    old: &[ContainerResources],
    new: &[ContainerResources],
) -> Option<FieldError> {
    let new_qos = pod_qos(new);
    (pod_qos(old) != new_qos)
        .then(|| FieldError::invalid("metadata", new_qos.as_str(), "Pod QoS is immutable"))
}
