//! The strategic merge patches podsize sends to `pods/NAME/resize`: only the requests and
//! limits that change, in the server's canonical quantity form (`null` removes a key).

use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::row::ContainerKind;
use serde_json::{Map, Value, json};

fn quantity_patch(values: CpuMem, old: CpuMem) -> Map<String, Value> {
    let mut map = Map::new();
    let mut put = |key: &str, new: Option<i64>, old: Option<i64>, text: fn(i64) -> String| {
        if new != old {
            map.insert(
                key.into(),
                new.map_or(Value::Null, |v| Value::String(text(v))),
            );
        }
    };
    put("cpu", values.cpu_millis, old.cpu_millis, cpu_canonical);
    put(
        "memory",
        values.memory_bytes,
        old.memory_bytes,
        memory_canonical,
    );
    map
}

/// The `resources` object of a patch: only the requests and limits that change.
pub fn resources_patch(new: &ResourceSpec, old: &ResourceSpec) -> Map<String, Value> {
    let mut resources = Map::new();
    let requests = quantity_patch(new.requests, old.requests);
    let limits = quantity_patch(new.limits, old.limits);
    if !requests.is_empty() {
        resources.insert("requests".into(), Value::Object(requests));
    }
    if !limits.is_empty() {
        resources.insert("limits".into(), Value::Object(limits));
    }
    resources
}

/// The patch for one container's `resources` in `spec.containers` or `spec.initContainers`.
pub fn container_patch(
    kind: ContainerKind,
    name: &str,
    new: &ResourceSpec,
    old: &ResourceSpec,
) -> Value {
    let resources = resources_patch(new, old);
    let list = if kind == ContainerKind::Regular {
        "containers"
    } else {
        "initContainers"
    };
    json!({ "spec": { list: [ { "name": name, "resources": resources } ] } })
}

/// The pod-level patch: `{"spec":{"resources":{...}}}` with only what changes.
pub fn pod_level_patch(new: &ResourceSpec, old: &ResourceSpec) -> Value {
    json!({ "spec": { "resources": resources_patch(new, old) } })
}

/// One container's change inside a pod-wide patch.
pub struct ContainerChange<'a> {
    pub kind: ContainerKind,
    pub name: &'a str,
    pub new: &'a ResourceSpec,
    pub old: &'a ResourceSpec,
}

/// One patch for several containers (and the pod-level resources) of one pod, carrying
/// `resource_version` as a precondition. A pod gets one write, not one per container: every
/// write moves the resourceVersion, so a second patch carrying the same precondition would be
/// refused by the change the first one made.
pub fn pod_patch(
    containers: &[ContainerChange],
    pod_level: Option<(&ResourceSpec, &ResourceSpec)>,
    resource_version: Option<&str>,
) -> Value {
    let mut spec = Map::new();
    for (list, regular) in [("containers", true), ("initContainers", false)] {
        let entries: Vec<Value> = containers
            .iter()
            .filter(|c| (c.kind == ContainerKind::Regular) == regular)
            .map(|c| json!({ "name": c.name, "resources": resources_patch(c.new, c.old) }))
            .collect();
        if !entries.is_empty() {
            spec.insert(list.into(), Value::Array(entries));
        }
    }
    if let Some((new, old)) = pod_level {
        spec.insert("resources".into(), Value::Object(resources_patch(new, old)));
    }
    let mut patch = json!({ "spec": spec });
    if let Some(rv) = resource_version {
        patch["metadata"] = json!({ "resourceVersion": rv });
    }
    patch
}
