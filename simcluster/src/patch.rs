//! Applying PATCH bodies (strategic merge, JSON merge, JSON patch) to a pod's JSON, and
//! rewriting quantities into the server's canonical form.

use super::rules::quantity::{Quantity, QuantityError};
use super::status::ApiError;
use serde_json::{Map, Value};

/// Patch content types the server understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    /// `application/strategic-merge-patch+json`
    Strategic,
    /// `application/merge-patch+json`
    Merge,
    /// `application/json-patch+json`
    Json,
}

impl PatchKind {
    /// From a Content-Type header value.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let base = ct.split(';').next().unwrap_or("").trim();
        match base {
            "application/strategic-merge-patch+json" => Some(Self::Strategic),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/json-patch+json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Applies `body` to `doc`, returning the patched document.
pub fn apply(kind: PatchKind, doc: &Value, body: &[u8]) -> Result<Value, ApiError> {
    let mut out = doc.clone();
    match kind {
        PatchKind::Json => {
            let ops: json_patch::Patch = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            // The real server answers a failed op (a `test` that does not hold, a missing
            // path) with this sentence alone (facts "Still answered differently").
            json_patch::patch(&mut out, &ops.0).map_err(|_| {
                ApiError::unprocessable(
                    "the server rejected our request due to an error in our request",
                )
            })?;
        }
        PatchKind::Merge | PatchKind::Strategic => {
            let patch: Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            if !patch.is_object() {
                return Err(ApiError::bad_request("patch must be a JSON object"));
            }
            if kind == PatchKind::Merge {
                json_patch::merge(&mut out, &patch);
            } else {
                strategic_merge(&mut out, &patch, "");
            }
        }
    }
    Ok(out)
}

/// The merge key of a list at `path` in a Pod, if it is merged by key rather than replaced.
fn merge_key(path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    match last {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "containerStatuses"
        | "initContainerStatuses"
        | "imagePullSecrets"
        | "volumeMounts" => Some("name"),
        "ports" => Some("containerPort"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        "podIPs" | "hostIPs" => Some("ip"),
        _ => None,
    }
}

/// Kubernetes strategic merge patch for the Pod schema (merge keys hard-coded).
pub fn strategic_merge(doc: &mut Value, patch: &Value, path: &str) {
    let (Some(target), Some(patch)) = (doc.as_object_mut(), patch.as_object()) else {
        *doc = patch.clone();
        return;
    };
    if patch.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut clean = patch.clone();
        clean.remove("$patch");
        *target = clean;
        return;
    }
    for (key, value) in patch {
        if key.starts_with('$') {
            continue;
        }
        let child_path = format!("{path}.{key}");
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Object(_) => {
                let slot = target
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                strategic_merge(slot, value, &child_path);
            }
            Value::Array(items) => match (merge_key(key), target.get_mut(key)) {
                (Some(mk), Some(Value::Array(existing))) => {
                    merge_list(existing, items, mk, &child_path)
                }
                _ => {
                    let cleaned: Vec<Value> = items
                        .iter()
                        .filter(|i| i.get("$patch").is_none())
                        .cloned()
                        .collect();
                    target.insert(key.clone(), Value::Array(cleaned));
                }
            },
            other => {
                target.insert(key.clone(), other.clone());
            }
        }
    }
}

fn merge_list(existing: &mut Vec<Value>, items: &[Value], mk: &str, path: &str) {
    let mut added = Vec::new();
    for item in items {
        let key = item.get(mk).cloned();
        let pos = key
            .as_ref()
            .and_then(|k| existing.iter().position(|e| e.get(mk) == Some(k)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                existing.remove(i);
            }
            (Some(i), false) => strategic_merge(&mut existing[i], item, path),
            (None, true) => {}
            (None, false) => {
                let mut fresh = Value::Object(Map::new());
                strategic_merge(&mut fresh, item, path);
                added.push(fresh);
            }
        }
    }
    // Items only in the patch sort before the server's items (as normalizeElementOrder does).
    if !added.is_empty() {
        added.append(existing);
        *existing = added;
    }
}

/// Renders JSON the way Go's `fmt` prints a decoded `map[string]interface{}`.
pub fn go_format(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_format).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", map.get(*k).map(go_format).unwrap_or_default()))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// A quantity that does not decode: apimachinery's error and the text sent.
pub type BadQuantity = (QuantityError, String);

/// Rewrites every container quantity of a pod JSON into the text the server stores (as sent
/// when apimachinery keeps it, else canonical). Returns the first malformed quantity as `Err`.
pub fn canonicalize_pod(pod: &mut Value) -> Result<(), BadQuantity> {
    let Some(spec) = pod.get_mut("spec") else {
        return Ok(());
    };
    if let Some(res) = spec.get_mut("resources") {
        canonicalize_requirements(res)?;
    }
    for list in ["containers", "initContainers"] {
        if let Some(Value::Array(containers)) = spec.get_mut(list) {
            for c in containers {
                if let Some(res) = c.get_mut("resources") {
                    canonicalize_requirements(res)?;
                }
            }
        }
    }
    Ok(())
}

fn canonicalize_requirements(res: &mut Value) -> Result<(), BadQuantity> {
    for part in ["requests", "limits"] {
        if let Some(Value::Object(map)) = res.get_mut(part) {
            map.retain(|_, v| !v.is_null());
            for value in map.values_mut() {
                let q = Quantity::from_json(value).map_err(|e| (e, go_format(value)))?;
                if let Some(q) = q {
                    *value = Value::String(q.to_string());
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merges_containers_by_name() {
        let doc = json!({"spec":{"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"1"}}},{"name":"b","image":"y"}]}});
        let patch =
            br#"{"spec":{"containers":[{"name":"b","resources":{"requests":{"cpu":"2"}}}]}}"#;
        let out = apply(PatchKind::Strategic, &doc, patch).unwrap();
        assert_eq!(
            out["spec"]["containers"][1]["resources"]["requests"]["cpu"],
            "2"
        );
        assert_eq!(out["spec"]["containers"][1]["image"], "y");
        assert_eq!(
            out["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "1"
        );
        let unknown = br#"{"spec":{"containers":[{"name":"zz","resources":{}}]}}"#;
        let out = apply(PatchKind::Strategic, &doc, unknown).unwrap();
        assert_eq!(out["spec"]["containers"][0]["name"], "zz");
        let merged = apply(PatchKind::Merge, &doc, patch).unwrap();
        assert_eq!(
            merged["spec"]["containers"].as_array().map(Vec::len),
            Some(1)
        );
    }

    #[test]
    fn go_format_matches_fixture() {
        let v =
            json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"abc"}}}]}});
        assert_eq!(
            go_format(&v),
            "map[spec:map[containers:[map[name:c1 resources:map[requests:map[cpu:abc]]]]]]"
        );
    }

    #[test]
    fn canonicalizes() {
        let mut v = json!({"spec":{"containers":[{"resources":{"requests":{"cpu":"1.5","memory":"1024Mi"},"limits":{"cpu":2}}}]}});
        canonicalize_pod(&mut v).unwrap();
        assert_eq!(
            v["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "1500m"
        );
        assert_eq!(
            v["spec"]["containers"][0]["resources"]["requests"]["memory"],
            "1Gi"
        );
        assert_eq!(
            v["spec"]["containers"][0]["resources"]["limits"]["cpu"],
            "2"
        );
        let mut bad = json!({"spec":{"containers":[{"resources":{"requests":{"cpu":"abc"}}}]}});
        assert_eq!(
            canonicalize_pod(&mut bad),
            Err((QuantityError::Format, "abc".to_string()))
        );
    }
}
