//! Aggregated discovery (`apidiscovery.k8s.io/v2`), which kubectl ≥ 1.30 and kube-rs ask for;
//! derived from the legacy APIResourceLists so the two forms cannot disagree.

use super::discovery;
use serde_json::{Value, json};

/// What the server answers aggregated discovery with.
pub const CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether the Accept header prefers an APIGroupDiscoveryList (first choice, as negotiated).
pub fn wanted(accept: &str) -> bool {
    accept.split(',').next().is_some_and(|first| {
        first.contains("as=APIGroupDiscoveryList")
            && first.contains("g=apidiscovery.k8s.io")
            && first.contains("v=v2")
    })
}

/// One version of a group: top-level resources with their subresources folded in.
fn version_entry(group: &str, version: &str, list: &Value) -> Value {
    let items = list["resources"].as_array().cloned().unwrap_or_default();
    let kind_of = |kind: &Value| json!({"group": group, "version": version, "kind": kind});
    let mut out: Vec<Value> = Vec::new();
    for r in items
        .iter()
        .filter(|r| !r["name"].as_str().unwrap_or("").contains('/'))
    {
        let name = r["name"].as_str().unwrap_or("");
        let subresources: Vec<Value> = items
            .iter()
            .filter_map(|s| {
                let sub = s["name"].as_str()?.strip_prefix(name)?.strip_prefix('/')?;
                Some(json!({"subresource": sub, "responseKind": kind_of(&s["kind"]), "verbs": s["verbs"]}))
            })
            .collect();
        let scope = if r["namespaced"].as_bool().unwrap_or(false) {
            "Namespaced"
        } else {
            "Cluster"
        };
        let mut entry = json!({"resource": name, "responseKind": kind_of(&r["kind"]), "scope": scope,
            "singularResource": r["singularName"], "verbs": r["verbs"]});
        if let Some(map) = entry.as_object_mut() {
            for key in ["shortNames", "categories"] {
                if let Some(v) = r.get(key) {
                    map.insert(key.into(), v.clone());
                }
            }
            if !subresources.is_empty() {
                map.insert("subresources".into(), json!(subresources));
            }
        }
        out.push(entry);
    }
    json!({"version": version, "resources": out, "freshness": "Current"})
}

fn list(items: Vec<Value>) -> Value {
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}

/// `GET /api` as an APIGroupDiscoveryList: the core group, unnamed.
pub fn core(minor: u32, resize_feature: bool) -> Value {
    list(vec![json!({
        "metadata": {"creationTimestamp": null},
        "versions": [version_entry("", "v1", &discovery::core_v1(minor, resize_feature))]
    })])
}

/// `GET /apis` as an APIGroupDiscoveryList.
pub fn groups(opt: discovery::Optional) -> Value {
    let items = discovery::all_group_versions(opt)
        .into_iter()
        .map(|(group, version, resources)| {
            json!({
                "metadata": {"name": group, "creationTimestamp": null},
                "versions": [version_entry(group, version, &resources)]
            })
        })
        .collect();
    list(items)
}
