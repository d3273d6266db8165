//! Aggregated discovery (`apidiscovery.k8s.io`), which kubectl and kube-rs ask for before the
//! legacy lists; derived from the legacy APIResourceLists so the two forms cannot disagree.
//!
//! Which versions a server answers depends on its minor (kubernetes/enhancements KEP-3352 and
//! kubernetes/kubernetes#134230): `v2beta1` from 1.27 (beta, on by default) until 1.32, `v2`
//! from 1.30 (GA). A 1.33+ server no longer serves `v2beta1` (the AggregatedDiscoveryRemoveBetaType
//! gate, on from 1.33 and locked in 1.35), so an old client asking only for it gets the legacy
//! lists; a 1.27–1.29 server asked only for `v2` does too.

use super::discovery;
use serde_json::{Value, json};

/// An aggregated-discovery version a server may answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregated {
    V2,
    V2Beta1,
}

impl Aggregated {
    fn name(self) -> &'static str {
        match self {
            Aggregated::V2 => "v2",
            Aggregated::V2Beta1 => "v2beta1",
        }
    }

    fn served_by(self, minor: u32) -> bool {
        match self {
            Aggregated::V2 => minor >= 30,
            Aggregated::V2Beta1 => (27..=32).contains(&minor),
        }
    }

    /// The Content-Type of an answer in this version.
    pub fn content_type(self) -> String {
        format!(
            "application/json;g=apidiscovery.k8s.io;v={};as=APIGroupDiscoveryList",
            self.name()
        )
    }
}

/// Content negotiation over the Accept header, in the client's order: the first media type
/// this server can answer wins. `None` means the legacy APIVersions / APIGroupList form (a
/// plain `application/json` or `*/*` came first, or nothing aggregated is served).
pub fn negotiate(accept: &str, minor: u32) -> Option<Aggregated> {
    for media in accept.split(',') {
        let mut parts = media.split(';').map(str::trim);
        let kind = parts.next().unwrap_or("");
        let params: Vec<(&str, &str)> = parts.filter_map(|p| p.split_once('=')).collect();
        let param = |key: &str| params.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        if !matches!(kind, "application/json" | "application/*" | "*/*") {
            continue;
        }
        // A plain JSON media type first: the legacy lists.
        let as_kind = param("as")?;
        if as_kind != "APIGroupDiscoveryList" || param("g") != Some("apidiscovery.k8s.io") {
            continue;
        }
        let wanted = match param("v") {
            Some("v2") => Aggregated::V2,
            Some("v2beta1") => Aggregated::V2Beta1,
            _ => continue,
        };
        if wanted.served_by(minor) {
            return Some(wanted);
        }
    }
    None
}

/// One version of a group: top-level resources with their subresources folded in. A
/// `responseKind` names a group and version only when the kind lives elsewhere (a Scale is
/// autoscaling/v1); otherwise both are empty (hpa-09, facts "Still answered differently").
fn version_entry(version: &str, list: &Value) -> Value {
    let items = list["resources"].as_array().cloned().unwrap_or_default();
    let kind_of = |r: &Value| {
        let text = |key: &str| r[key].as_str().unwrap_or("").to_string();
        json!({"group": text("group"), "version": text("version"), "kind": r["kind"]})
    };
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
                Some(json!({"subresource": sub, "responseKind": kind_of(s), "verbs": s["verbs"]}))
            })
            .collect();
        let scope = if r["namespaced"].as_bool().unwrap_or(false) {
            "Namespaced"
        } else {
            "Cluster"
        };
        let mut entry = json!({"resource": name, "responseKind": kind_of(r), "scope": scope,
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

fn list(version: Aggregated, items: Vec<Value>) -> Value {
    let api_version = format!("apidiscovery.k8s.io/{}", version.name());
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": api_version, "metadata": {}, "items": items})
}

/// `GET /api` as an APIGroupDiscoveryList: the core group, unnamed.
pub fn core(version: Aggregated, minor: u32, resize_feature: bool) -> Value {
    list(
        version,
        vec![json!({
            "metadata": {"creationTimestamp": null},
            "versions": [version_entry("v1", &discovery::core_v1(minor, resize_feature))]
        })],
    )
}

/// `GET /apis` as an APIGroupDiscoveryList.
pub fn groups(version: Aggregated, opt: discovery::Optional) -> Value {
    let items = discovery::all_group_versions(opt)
        .into_iter()
        .map(|(group, lists)| {
            let versions: Vec<Value> = lists
                .iter()
                .map(|(version, resources)| version_entry(version, resources))
                .collect();
            json!({
                "metadata": {"name": group, "creationTimestamp": null},
                "versions": versions
            })
        })
        .collect();
    list(version, items)
}
