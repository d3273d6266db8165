//! Server-side apply on `pods/resize` (`application/apply-patch+yaml`; round4 README §4,
//! fixtures ssa-*): a field whose applied value differs from the stored one and that another
//! manager owns is a conflict (409, worded as the apiserver's `NewConflictError`) unless
//! `force=true`, which takes the field over; the same value is shared ownership; no
//! fieldManager is 422; an image in the apply is dropped (the resize strategy keeps only
//! resources) though the applier is recorded as owning it. The change itself goes through the
//! ordinary resize path, so validation and admission answer as for any resize.

use super::api::{Body as WriteBody, Target};
use super::patch::PatchKind;
use super::podutil;
use super::rules::quantity::Quantity;
use super::server::{Req, Shared};
use super::status::ApiError;
use super::store::Entry;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, ManagedFieldsEntry};
use serde_json::{Value, json};

/// One applied leaf: container, then `["resources","requests","cpu"]` or `["image"]`.
struct Leaf {
    container: String,
    path: Vec<String>,
    value: Value,
}

impl Leaf {
    /// The path as structured-merge-diff prints it.
    fn text(&self) -> String {
        format!(
            ".spec.containers[name={:?}].{}",
            self.container,
            self.path.join(".")
        )
    }

    fn owned_by(&self, fields: &Value) -> bool {
        let mut node =
            &fields["f:spec"]["f:containers"][format!("k:{{\"name\":{:?}}}", self.container)];
        for p in &self.path {
            node = &node[format!("f:{p}")];
        }
        node.is_object()
    }

    fn disown(&self, fields: &mut Value) {
        let key = format!("k:{{\"name\":{:?}}}", self.container);
        let mut node = &mut fields["f:spec"]["f:containers"][key];
        for p in &self.path[..self.path.len() - 1] {
            node = &mut node[format!("f:{p}")];
        }
        if let (Some(map), Some(last)) = (node.as_object_mut(), self.path.last()) {
            map.remove(&format!("f:{last}"));
        }
    }
}

fn leaves(applied: &Value) -> Vec<Leaf> {
    let mut out = Vec::new();
    for c in applied["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let name = c["name"].as_str().unwrap_or("").to_string();
        if let Some(image) = c.get("image") {
            out.push(Leaf {
                container: name.clone(),
                path: vec!["image".into()],
                value: image.clone(),
            });
        }
        for part in ["limits", "requests"] {
            for (k, v) in c["resources"][part].as_object().into_iter().flatten() {
                out.push(Leaf {
                    container: name.clone(),
                    path: vec!["resources".into(), part.into(), k.clone()],
                    value: v.clone(),
                });
            }
        }
    }
    out
}

fn same(a: &Value, b: &Value) -> bool {
    let q = |v: &Value| Quantity::from_json(v).ok().flatten();
    match (q(a), q(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// `printManager`: how a conflict names the other manager.
fn manager_text(e: &ManagedFieldsEntry) -> String {
    let mut s = format!("{:?}", e.manager.as_deref().unwrap_or(""));
    if let Some(sub) = e.subresource.as_deref().filter(|s| !s.is_empty()) {
        s.push_str(&format!(" with subresource {sub:?}"));
    }
    if e.operation.as_deref() == Some("Update") {
        s.push_str(&format!(
            " using {}",
            e.api_version.as_deref().unwrap_or("v1")
        ));
    }
    s
}

fn conflict_error(conflicts: &[(String, String)]) -> ApiError {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(m, p)| json!({"reason": "FieldManagerConflict", "message": format!("conflict with {m}"), "field": p}))
        .collect();
    let message = match conflicts {
        [(m, p)] => format!("Apply failed with 1 conflict: conflict with {m}: {p}"),
        many => {
            let mut managers: Vec<&String> = many.iter().map(|(m, _)| m).collect();
            managers.sort();
            managers.dedup();
            let mut lines = Vec::new();
            for m in managers {
                lines.push(format!("conflicts with {m}:"));
                lines.extend(
                    many.iter()
                        .filter(|(x, _)| x == m)
                        .map(|(_, p)| format!("- {p}")),
                );
            }
            format!(
                "Apply failed with {} conflicts: {}",
                many.len(),
                lines.join("\n")
            )
        }
    };
    let mut e = ApiError::conflict("pods", "");
    e.body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": "Conflict", "details": {"causes": causes}, "code": 409});
    e
}

fn missing_manager() -> ApiError {
    let mut e = ApiError::invalid("PatchOptions.meta.k8s.io", "", &[]);
    e.body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        "reason": "Invalid",
        "details": {"group": "meta.k8s.io", "kind": "PatchOptions", "causes": [{"reason": "FieldValueRequired",
            "message": "Required value: is required for apply patch", "field": "fieldManager"}]},
        "code": 422});
    e
}

fn is_own(e: &ManagedFieldsEntry, manager: &str) -> bool {
    e.manager.as_deref() == Some(manager)
        && e.operation.as_deref() == Some("Apply")
        && e.subresource.as_deref() == Some("resize")
}

/// The applier's entry and, when forced, the taken fields removed from the others.
fn record(pod: &mut Pod, manager: &str, applied: &[Leaf], force: bool) {
    let list = pod.metadata.managed_fields.get_or_insert_with(Vec::new);
    if force {
        for e in list.iter_mut().filter(|e| !is_own(e, manager)) {
            if let Some(FieldsV1(fields)) = e.fields_v1.as_mut() {
                for leaf in applied {
                    if leaf.owned_by(fields) {
                        leaf.disown(fields);
                    }
                }
            }
        }
    }
    let mut fields = json!({"f:spec": {"f:containers": {}}});
    for leaf in applied {
        let key = format!("k:{{\"name\":{:?}}}", leaf.container);
        let c = &mut fields["f:spec"]["f:containers"][key];
        c["."] = json!({});
        c["f:name"] = json!({});
        let mut node = c;
        for p in &leaf.path {
            node = &mut node[format!("f:{p}")];
        }
        *node = json!({});
    }
    list.retain(|e| !is_own(e, manager));
    list.push(ManagedFieldsEntry {
        manager: Some(manager.to_string()),
        operation: Some("Apply".into()),
        api_version: Some("v1".into()),
        time: Some(podutil::now()),
        fields_type: Some("FieldsV1".into()),
        fields_v1: Some(FieldsV1(fields)),
        subresource: Some("resize".into()),
    });
}

/// `PATCH pods/NAME/resize` with an apply patch.
pub fn apply(s: &Shared, r: &Req, ns: &str, name: &str) -> Result<Entry<Pod>, ApiError> {
    let manager = r
        .query
        .get("fieldManager")
        .filter(|m| !m.is_empty())
        .cloned();
    let manager = manager.ok_or_else(missing_manager)?;
    let force = r.query.get("force").is_some_and(|f| f == "true");
    let applied: Value = serde_yaml::from_slice(&r.body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    let current = s
        .api
        .store
        .get::<Pod>(ns, name)
        .ok_or_else(|| ApiError::not_found("pods", name))?;
    let now = serde_json::to_value(&*current.obj).unwrap_or(Value::Null);
    let leaves = leaves(&applied);
    if !force {
        let mut conflicts = Vec::new();
        for leaf in &leaves {
            let c = now["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["name"] == leaf.container.as_str());
            let stored = leaf
                .path
                .iter()
                .fold(c.unwrap_or(&Value::Null), |v, p| &v[p]);
            if same(stored, &leaf.value) {
                continue;
            }
            for e in current.obj.metadata.managed_fields.iter().flatten() {
                let owns = e.fields_v1.as_ref().is_some_and(|f| leaf.owned_by(&f.0));
                if owns && !is_own(e, &manager) {
                    conflicts.push((manager_text(e), leaf.text()));
                }
            }
        }
        if !conflicts.is_empty() {
            return Err(conflict_error(&conflicts));
        }
    }
    // Only resources reach the resize; the strategy would drop anything else anyway.
    let containers: Vec<Value> = applied["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"name": c["name"], "resources": c["resources"]}))
        .collect();
    let patch = json!({"spec": {"containers": containers}}).to_string();
    let entry = s.api.write_pod(
        ns,
        name,
        Target::Resize,
        WriteBody::Patch(PatchKind::Strategic, patch.as_bytes()),
        r.dry_run(),
        &manager,
    )?;
    let mut pod = (*entry.obj).clone();
    // The resize path recorded an Update; an apply is recorded as the applier's Apply.
    if let Some(list) = pod.metadata.managed_fields.as_mut() {
        list.retain(|e| {
            !(e.manager.as_deref() == Some(manager.as_str())
                && e.operation.as_deref() == Some("Update")
                && e.subresource.as_deref() == Some("resize"))
        });
    }
    record(&mut pod, &manager, &leaves, force);
    if r.dry_run() || pod.metadata.managed_fields == entry.obj.metadata.managed_fields {
        return Ok(Entry {
            json: serde_json::to_vec(&pod).unwrap_or_default().into(),
            obj: std::sync::Arc::new(pod),
        });
    }
    let rv = entry.obj.metadata.resource_version.clone();
    s.api
        .store
        .update::<Pod, ApiError>(ns, name, |now| {
            if now.metadata.resource_version != rv {
                return Err(ApiError::conflict("pods", name));
            }
            Ok(Some(pod))
        })?
        .ok_or_else(|| ApiError::not_found("pods", name))
}
