//! Pod evictions (`POST pods/NAME/eviction`, policy/v1) against PodDisruptionBudgets. A resize
//! is not an eviction, so PDBs never touch `/resize` (pdb-04); an eviction of a covered pod is
//! 429 (pdb-05). With no disruption controller the budget's status never catches up with its
//! generation, so the server answers that it is "still being processed", as the real server
//! did in the fixture.

use super::server::{Req, Shared, json_response};
use super::status::ApiError;
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::json;
use std::collections::BTreeMap;

/// Whether a label selector selects `labels` (matchLabels and matchExpressions; an empty
/// selector selects everything, as policy/v1 reads it).
pub fn selects(sel: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_ok = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let exprs_ok = sel.match_expressions.iter().flatten().all(|e| {
        let values = e.values.clone().unwrap_or_default();
        let have = labels.get(&e.key);
        match e.operator.as_str() {
            "In" => have.is_some_and(|h| values.contains(h)),
            "NotIn" => have.is_none_or(|h| !values.contains(h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

fn too_many_requests(pdb: &str) -> ApiError {
    let mut e = ApiError::bad_request("");
    e.code = 429;
    e.body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "Cannot evict pod as it would violate the pod's disruption budget.",
        "reason": "TooManyRequests",
        "details": {"causes": [{"reason": "DisruptionBudget",
            "message": format!("The disruption budget {pdb} is still being processed by the server.")}],
            "retryAfterSeconds": 10},
        "code": 429});
    e
}

/// `POST /api/v1/namespaces/NS/pods/NAME/eviction`.
pub fn evict(s: &Shared, r: &Req, ns: &str, name: &str) -> Result<Response, ApiError> {
    if r.method != http::Method::POST {
        return Err(ApiError::method_not_allowed(r.method.as_str()));
    }
    let pod = s
        .api
        .store
        .get::<Pod>(ns, name)
        .ok_or_else(|| ApiError::not_found("pods", name))?;
    let labels = pod.obj.metadata.labels.clone().unwrap_or_default();
    let covering: Vec<_> = s
        .api
        .store
        .all::<PodDisruptionBudget>(Some(ns))
        .into_iter()
        .filter(|p| {
            p.spec
                .as_ref()
                .and_then(|sp| sp.selector.as_ref())
                .is_some_and(|sel| selects(sel, &labels))
        })
        .collect();
    match covering.as_slice() {
        [] => {}
        [one] => {
            return Err(too_many_requests(
                one.metadata.name.as_deref().unwrap_or(""),
            ));
        }
        _ => {
            return Err(ApiError::internal(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ));
        }
    }
    if !r.dry_run() {
        s.api.delete_pod(ns, name)?;
    }
    let ok = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201});
    Ok(json_response(
        StatusCode::CREATED,
        Bytes::from(serde_json::to_vec(&ok).unwrap_or_default()),
    ))
}
