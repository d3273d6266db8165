//! PriorityClasses (`scheduling.k8s.io/v1`) as a real cluster serves them, and the Priority
//! admission plugin's work on pod create: `spec.priority` from the named class, 0 without one
//! (real-apiserver-facts.md, "Creation defaults"), 403 for a class that does not exist.

use super::status::ApiError;
use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

/// One PriorityClass: name, value, description.
pub struct Class {
    pub name: &'static str,
    pub value: i32,
    pub description: &'static str,
}

/// The built-in classes of every cluster, plus two a team would add. None is globalDefault, so
/// a pod without a class gets priority 0.
pub const CLASSES: &[Class] = &[
    Class {
        name: "system-cluster-critical",
        value: 2_000_000_000,
        description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    },
    Class {
        name: "system-node-critical",
        value: 2_000_001_000,
        description: "Used for system critical pods that must not be moved from their current node.",
    },
    Class {
        name: "high",
        value: 100_000,
        description: "Customer-facing services.",
    },
    Class {
        name: "batch-low",
        value: -10,
        description: "Batch and reporting jobs: first to give way.",
    },
];

/// The class a team would give pods of this owner kind: node agents are critical, databases
/// high, batch jobs low; the rest run without a class (priority 0).
pub fn class_for_owner(kind: &str) -> Option<&'static str> {
    match kind {
        "DaemonSet" => Some("system-node-critical"),
        "StatefulSet" => Some("high"),
        "Job" => Some("batch-low"),
        _ => None,
    }
}

/// The value of a class by name.
pub fn value_of(name: &str) -> Option<i32> {
    CLASSES.iter().find(|c| c.name == name).map(|c| c.value)
}

fn object(c: &Class) -> Value {
    let system = c.name.starts_with("system-");
    let mut meta = json!({"name": c.name, "uid": format!("prio-{}", c.name), "resourceVersion": "1",
        "creationTimestamp": "2026-01-01T00:00:00Z"});
    if system {
        meta["labels"] = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
    }
    json!({"kind": "PriorityClass", "apiVersion": "scheduling.k8s.io/v1", "metadata": meta,
           "value": c.value, "description": c.description, "preemptionPolicy": "PreemptLowerPriority"})
}

/// `GET .../priorityclasses` (name `None`) or `.../priorityclasses/NAME`.
pub fn get(name: Option<&str>) -> Result<Value, ApiError> {
    match name {
        Some(n) => CLASSES
            .iter()
            .find(|c| c.name == n)
            .map(object)
            .ok_or_else(|| ApiError::not_found("priorityclasses.scheduling.k8s.io", n)),
        None => Ok(
            json!({"kind": "PriorityClassList", "apiVersion": "scheduling.k8s.io/v1",
            "metadata": {"resourceVersion": "1"}, "items": CLASSES.iter().map(object).collect::<Vec<_>>()}),
        ),
    }
}

/// `GET /apis/scheduling.k8s.io/v1` resources.
pub fn discovery() -> Vec<Value> {
    vec![
        json!({"name": "priorityclasses", "singularName": "priorityclass", "namespaced": false,
        "kind": "PriorityClass", "shortNames": ["pc"],
        "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]}),
    ]
}

/// The Priority admission plugin on create: resolves the class into `spec.priority`.
pub fn admit(pod: &mut Pod) -> Result<(), ApiError> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let Some(spec) = pod.spec.as_mut() else {
        return Ok(());
    };
    let Some(class) = spec.priority_class_name.clone().filter(|c| !c.is_empty()) else {
        return Ok(());
    };
    let Some(value) = value_of(&class) else {
        return Err(ApiError::forbidden(
            "",
            "pods",
            Some(&name),
            format!("no PriorityClass with name {class} was found"),
        ));
    };
    match spec.priority {
        Some(p) if p != value => Err(ApiError::forbidden(
            "",
            "pods",
            Some(&name),
            format!(
                "the integer value of priority ({p}) must not be provided in pod spec; priority admission controller computed {value} from the given PriorityClass name"
            ),
        )),
        _ => {
            spec.priority = Some(value);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_resolves_and_unknown_is_refused() {
        let mut pod = Pod::default();
        pod.metadata.name = Some("p".into());
        pod.spec = Some(Default::default());
        if let Some(s) = pod.spec.as_mut() {
            s.priority_class_name = Some("batch-low".into());
        }
        assert!(admit(&mut pod).is_ok());
        assert_eq!(pod.spec.as_ref().and_then(|s| s.priority), Some(-10));
        if let Some(s) = pod.spec.as_mut() {
            s.priority_class_name = Some("nope".into());
            s.priority = None;
        }
        let err = admit(&mut pod).err().map(|e| e.status().as_u16());
        assert_eq!(err, Some(403));
    }
}
