//! The strategic merge patches podsize sends to `pods/NAME/resize`: only the requests and
//! limits that change, in the server's canonical quantity form (`null` removes a key).

use crate::model::ground::quantity::Quantity;
use crate::model::ground::resources::ResourceSpec;
use crate::model::pods::row::ContainerKind;
use serde_json::{Map, Value, json};

/// The four values of a spec exactly, in the order cpu request, cpu limit, memory request,
/// memory limit: what is compared and written, so `100u` or `512M` is never rounded or
/// rewritten into another suffix family on its way to the server.
pub type ExactSpec = [Option<Quantity>; 4];

/// A spec's values as exact quantities in podsize's own form (millicores, bytes).
pub fn exact_of(spec: &ResourceSpec) -> ExactSpec {
    [
        spec.requests.cpu_millis.map(Quantity::from_millis),
        spec.limits.cpu_millis.map(Quantity::from_millis),
        spec.requests.memory_bytes.map(Quantity::from_bytes),
        spec.limits.memory_bytes.map(Quantity::from_bytes),
    ]
}

fn quantity_patch(new: [Option<Quantity>; 2], old: [Option<Quantity>; 2]) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, new, old) in [("cpu", new[0], old[0]), ("memory", new[1], old[1])] {
        if new != old {
            map.insert(
                key.into(),
                new.map_or(Value::Null, |q| Value::String(q.canonical())),
            );
        }
    }
    map
}

/// The `resources` object of a patch: only the requests and limits that change.
pub fn resources_patch(new: &ResourceSpec, old: &ResourceSpec) -> Map<String, Value> {
    exact_resources_patch(&exact_of(new), &exact_of(old))
}

/// [`resources_patch`] of exact values: a value changes when its amount does.
pub fn exact_resources_patch(new: &ExactSpec, old: &ExactSpec) -> Map<String, Value> {
    let mut resources = Map::new();
    let requests = quantity_patch([new[0], new[2]], [old[0], old[2]]);
    let limits = quantity_patch([new[1], new[3]], [old[1], old[3]]);
    if !requests.is_empty() {
        resources.insert("requests".into(), Value::Object(requests));
    }
    if !limits.is_empty() {
        resources.insert("limits".into(), Value::Object(limits));
    }
    resources
}

/// The patch for one container's `resources` in `spec.containers` or `spec.initContainers`.
pub fn container_patch(kind: ContainerKind, name: &str, new: &ExactSpec, old: &ExactSpec) -> Value {
    let resources = exact_resources_patch(new, old);
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
