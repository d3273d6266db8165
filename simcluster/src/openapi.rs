//! The OpenAPI documents kubectl fetches before `create -f` / `apply -f` (facts "Third round":
//! `/openapi/v2` and `/openapi/v3` answer 200). kubectl 1.32 reads `/openapi/v3`, then
//! `/openapi/v3/api/v1`, and looks for a PATCH operation tagged with the Pod GVK that takes a
//! `fieldValidation` query parameter: found, it leaves validation to the server
//! (`fieldValidation=Strict`) and needs no schema. Only the pod paths are described.

use serde_json::{Value, json};

/// A stable stand-in for the content hash real servers put in `serverRelativeURL`.
const HASH: &str = "5B9A0C1D2E3F40516273849ABCDEF0123456789ABCDEF0123456789ABCDEF01";

/// `(plural, Kind)` of the namespaced kinds a group-version document describes.
type Kinds = &'static [(&'static str, &'static str)];

/// Group versions with a document of their own, and the namespaced kinds each describes.
const GROUPS: &[(&str, &str, Kinds)] = &[
    (
        "apps",
        "v1",
        &[("deployments", "Deployment"), ("replicasets", "ReplicaSet")],
    ),
    ("authorization.k8s.io", "v1", &[]),
    (
        "autoscaling",
        "v1",
        &[("horizontalpodautoscalers", "HorizontalPodAutoscaler")],
    ),
    (
        "autoscaling",
        "v2",
        &[("horizontalpodautoscalers", "HorizontalPodAutoscaler")],
    ),
    (
        "policy",
        "v1",
        &[("poddisruptionbudgets", "PodDisruptionBudget")],
    ),
    ("scheduling.k8s.io", "v1", &[]),
];

/// `GET /openapi/v3`: the index of group-version documents (facts "Still answered
/// differently": `paths` has `apis/apps/v1` and `apis/authorization.k8s.io/v1`).
pub fn v3_index() -> Value {
    let entry = |p: &str| json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={HASH}")});
    let mut paths = serde_json::Map::new();
    for p in ["api", "api/v1", "apis", "version"] {
        paths.insert(p.into(), entry(p));
    }
    for (g, v, _) in GROUPS {
        let p = format!("apis/{g}/{v}");
        paths.insert(p.clone(), entry(&p));
    }
    json!({"paths": paths})
}

/// `GET /openapi/v3/apis/GROUP/VERSION`: for each kind a PATCH operation tagged with its GVK
/// that takes `fieldValidation`, which is what kubectl looks for before leaving validation to
/// the server; no schemas.
pub fn v3_group(group: &str, version: &str, server: &str) -> Option<Value> {
    let (_, _, kinds) = GROUPS
        .iter()
        .find(|(g, v, _)| *g == group && *v == version)?;
    let mut paths = serde_json::Map::new();
    for (plural, kind) in kinds.iter() {
        let gvk = json!({"group": group, "kind": kind, "version": version});
        let patch = json!({"operationId": format!("patch{kind}"), "parameters": write_params(),
            "x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": gvk,
            "responses": {"200": {"description": "OK"}}});
        paths.insert(
            format!("/apis/{group}/{version}/namespaces/{{namespace}}/{plural}/{{name}}"),
            json!({"patch": patch, "parameters": path_params(true)}),
        );
    }
    Some(
        json!({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": server},
        "paths": paths, "components": {"schemas": {}}}),
    )
}

fn query(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": "string", "uniqueItems": true}})
}

fn write_params() -> Vec<Value> {
    vec![
        query(
            "dryRun",
            "When present, indicates that modifications should not be persisted.",
        ),
        query(
            "fieldManager",
            "fieldManager is a name associated with the actor or entity that is making these changes.",
        ),
        query(
            "fieldValidation",
            "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.",
        ),
    ]
}

fn op(action: &str, id: &str, body: bool) -> Value {
    let gvk = json!({"group": "", "kind": "Pod", "version": "v1"});
    let mut params = if action == "get" || action == "list" {
        vec![]
    } else {
        write_params()
    };
    if action == "patch" {
        params.push(json!({"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}}));
    }
    let pod = json!({"$ref": "#/components/schemas/io.k8s.api.core.v1.Pod"});
    let mut o = json!({
        "tags": ["core_v1"], "operationId": id, "parameters": params,
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": pod}}},
                      "401": {"description": "Unauthorized"}},
        "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk,
    });
    if body {
        let types = if action == "patch" {
            vec![
                "application/apply-patch+yaml",
                "application/json-patch+json",
                "application/merge-patch+json",
                "application/strategic-merge-patch+json",
            ]
        } else {
            vec!["*/*"]
        };
        let content: serde_json::Map<String, Value> = types
            .into_iter()
            .map(|t| (t.to_string(), json!({"schema": {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}})))
            .collect();
        o["requestBody"] = if action == "patch" {
            json!({"content": content, "required": true})
        } else {
            json!({"content": {"*/*": {"schema": pod}}, "required": true})
        };
    }
    o
}

fn path_params(named: bool) -> Value {
    let mut p = vec![
        json!({"name": "namespace", "in": "path", "required": true, "description": "object name and auth scope, such as for teams and projects", "schema": {"type": "string", "uniqueItems": true}}),
    ];
    if named {
        p.insert(0, json!({"name": "name", "in": "path", "required": true, "description": "name of the Pod", "schema": {"type": "string", "uniqueItems": true}}));
    }
    p.push(
        json!({"name": "pretty", "in": "query", "schema": {"type": "string", "uniqueItems": true}}),
    );
    Value::Array(p)
}

/// `GET /openapi/v3/api/v1`: the pod operations, with a minimal Pod schema.
pub fn v3_core(version: &str) -> Value {
    let sub = |id: &str| {
        json!({"get": op("get", &format!("read{id}"), false), "put": op("put", &format!("replace{id}"), true),
               "patch": op("patch", &format!("patch{id}"), true), "parameters": path_params(true)})
    };
    let mut named = sub("CoreV1NamespacedPod");
    named["delete"] = op("delete", "deleteCoreV1NamespacedPod", false);
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": version},
        "paths": {
            "/api/v1/namespaces/{namespace}/pods": {
                "get": op("list", "listCoreV1NamespacedPod", false),
                "post": op("post", "createCoreV1NamespacedPod", true),
                "parameters": path_params(false),
            },
            "/api/v1/namespaces/{namespace}/pods/{name}": named,
            "/api/v1/namespaces/{namespace}/pods/{name}/resize": sub("CoreV1NamespacedPodResize"),
            "/api/v1/namespaces/{namespace}/pods/{name}/status": sub("CoreV1NamespacedPodStatus"),
        },
        "components": {"schemas": schemas()},
    })
}

fn schema_ref(name: &str) -> Value {
    json!({"default": {}, "allOf": [{"$ref": format!("#/components/schemas/{name}")}]})
}

fn string_map() -> Value {
    json!({"type": "object", "additionalProperties": {"type": "string", "default": ""}})
}

/// Enough of the Pod schema for kubectl's strategic-merge patch of metadata and containers
/// (merge keys); the rest is open.
fn schemas() -> Value {
    let gvk = json!([{"group": "", "kind": "Pod", "version": "v1"}]);
    let containers = json!({
        "type": "array", "items": schema_ref("io.k8s.api.core.v1.Container"),
        "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
    });
    let open = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
    json!({
        "io.k8s.api.core.v1.Pod": {
            "description": "Pod is a collection of containers that can run on a host.",
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "metadata": schema_ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
                "spec": schema_ref("io.k8s.api.core.v1.PodSpec"),
                "status": open,
            },
            "x-kubernetes-group-version-kind": gvk,
        },
        "io.k8s.api.core.v1.PodSpec": {
            "type": "object", "required": ["containers"],
            "properties": {"containers": containers, "initContainers": containers, "nodeName": {"type": "string"},
                           "resources": schema_ref("io.k8s.api.core.v1.ResourceRequirements")},
            "x-kubernetes-preserve-unknown-fields": true,
        },
        "io.k8s.api.core.v1.Container": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "default": ""}, "image": {"type": "string"},
                "resources": schema_ref("io.k8s.api.core.v1.ResourceRequirements"),
                "resizePolicy": {"type": "array", "items": open, "x-kubernetes-list-type": "atomic"},
            },
            "x-kubernetes-preserve-unknown-fields": true,
        },
        "io.k8s.api.core.v1.ResourceRequirements": {
            "type": "object",
            "properties": {"limits": string_map(), "requests": string_map()},
            "x-kubernetes-preserve-unknown-fields": true,
        },
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "namespace": {"type": "string"},
                           "labels": string_map(), "annotations": string_map(),
                           "resourceVersion": {"type": "string"}, "generateName": {"type": "string"}},
            "x-kubernetes-preserve-unknown-fields": true,
        },
        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch": {"type": "object"},
    })
}

/// `GET /openapi/v2` (JSON): the same pod operations in Swagger 2.0 form.
pub fn v2(version: &str) -> Value {
    let v3 = v3_core(version);
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": version},
        "paths": {},
        "definitions": {"io.k8s.api.core.v1.Pod": v3["components"]["schemas"]["io.k8s.api.core.v1.Pod"].clone()},
    })
}
