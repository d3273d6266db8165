//! Standard pod validation and defaulting of container resources (every version): negative
//! quantities, requests above limits, missing images, and requests defaulted from limits.

use super::field::FieldError;
use super::quantity::Quantity;
use super::view::{ContainerView, PodView, Resources};

/// `SetDefaults_Pod`: every limit without a request gives the request its value.
pub fn default_requests(r: &mut Resources) {
    for (name, limit) in &r.limits {
        r.requests
            .entry(name.clone())
            .or_insert_with(|| limit.clone());
    }
}

/// Defaults every container of a pod.
pub fn default_pod(pod: &mut PodView) {
    for c in pod
        .containers
        .iter_mut()
        .chain(pod.init_containers.iter_mut())
    {
        default_requests(&mut c.resources);
    }
}

/// `IsOvercommitAllowed`: native resources other than hugepages.
fn overcommit_allowed(name: &str) -> bool {
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    native && !name.starts_with("hugepages-")
}

fn parse(text: &str) -> Option<Quantity> {
    Quantity::parse(text.trim()).ok()
}

/// `ValidateContainerResourceRequirements` for one container at `path` (`spec.containers[0]`).
pub fn requirements(path: &str, r: &Resources) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let negative = |kind: &str, name: &str, text: &str| {
        parse(text).filter(|q| q.signum() < 0).map(|q| {
            FieldError::invalid(
                format!("{path}.resources.{kind}[{name}]"),
                q.to_string(),
                "must be greater than or equal to 0",
            )
        })
    };
    for (name, text) in &r.limits {
        errors.extend(negative("limits", name, text));
    }
    for (name, text) in &r.requests {
        errors.extend(negative("requests", name, text));
        let (Some(request), Some(limit)) = (parse(text), r.limits.get(name).and_then(|l| parse(l)))
        else {
            continue;
        };
        let field = format!("{path}.resources.requests");
        if request != limit && !overcommit_allowed(name) {
            errors.push(FieldError::invalid(
                field,
                request.to_string(),
                &format!("must be equal to {name} limit of {limit}"),
            ));
        } else if request > limit {
            errors.push(FieldError::invalid(
                field,
                request.to_string(),
                &format!("must be less than or equal to {name} limit of {limit}"),
            ));
        }
    }
    errors
}

fn container(path: String, c: &ContainerView) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if c.image.trim().is_empty() {
        errors.push(FieldError::required(format!("{path}.image")));
    }
    errors.extend(requirements(&path, &c.resources));
    errors
}

/// The container part of `ValidatePodSpec` for the new object: regular containers, then init
/// containers.
pub fn pod_spec(pod: &PodView) -> Vec<FieldError> {
    let regular = pod
        .containers
        .iter()
        .enumerate()
        .flat_map(|(i, c)| container(format!("spec.containers[{i}]"), c));
    let init = pod
        .init_containers
        .iter()
        .enumerate()
        .flat_map(|(i, c)| container(format!("spec.initContainers[{i}]"), c));
    regular.chain(init).collect()
}
