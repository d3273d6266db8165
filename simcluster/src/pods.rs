//! Single-object endpoints: a pod and its `/resize` and `/status`, pod metrics, and namespace
//! creation.

use super::api::{Body as WriteBody, Target};
use super::discovery;
use super::kubelet;
use super::list::table;
use super::patch::PatchKind;
use super::podutil;
use super::server::{Req, Shared, json_response, ok_value};
use super::status::ApiError;
use super::workload;
use axum::response::Response;
use bytes::Bytes;
use http::{Method, StatusCode};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use serde_json::{Value, json};
use std::sync::Arc;

/// `gracePeriodSeconds` from the query or a DeleteOptions body (kubectl sends the latter).
fn grace_period(r: &Req) -> Option<i64> {
    r.query
        .get("gracePeriodSeconds")
        .and_then(|g| g.parse().ok())
        .or_else(|| {
            serde_json::from_slice::<Value>(&r.body)
                .ok()?
                .get("gracePeriodSeconds")?
                .as_i64()
        })
}

/// GET, PATCH, PUT, DELETE on a pod or one of its subresources.
pub fn pod_item(
    s: &Shared,
    r: &Req,
    ns: &str,
    name: &str,
    target: Target,
) -> Result<Response, ApiError> {
    if target == Target::Resize && s.api.minor < 32 {
        return Err(ApiError::no_route());
    }
    let manager = r.manager();
    let entry = match r.method {
        Method::GET => {
            let entry = s
                .api
                .store
                .get::<Pod>(ns, name)
                .ok_or_else(|| ApiError::not_found("pods", name))?;
            if discovery::wants_table(&r.accept) {
                return Ok(table(&[entry], s.api.store.rv(), None, None));
            }
            entry
        }
        Method::DELETE if target == Target::Pod => {
            let entry = s.api.delete_pod(ns, name)?;
            if grace_period(r) == Some(0) {
                // A force delete answers with the object as it was marked for deletion.
                let mut pod = (*entry.obj).clone();
                pod.metadata
                    .deletion_timestamp
                    .get_or_insert_with(podutil::now);
                pod.metadata.deletion_grace_period_seconds = Some(0);
                let json = Bytes::from(serde_json::to_vec(&pod).unwrap_or_default());
                return Ok(json_response(StatusCode::OK, json));
            }
            entry
        }
        Method::PATCH
            if target == Target::Resize
                && r.content_type.starts_with("application/apply-patch+yaml") =>
        {
            super::ssa::apply(s, r, ns, name)?
        }
        Method::PATCH => {
            // The real server checks the media type before anything else.
            let kind = PatchKind::from_content_type(&r.content_type)
                .ok_or_else(ApiError::unsupported_media_type)?;
            s.api.write_pod(
                ns,
                name,
                target,
                WriteBody::Patch(kind, &r.body),
                r.dry_run(),
                &manager,
            )?
        }
        Method::PUT => s.api.write_pod(
            ns,
            name,
            target,
            WriteBody::Put(&r.body),
            r.dry_run(),
            &manager,
        )?,
        _ => return Err(ApiError::method_not_allowed(r.method.as_str())),
    };
    Ok(json_response(StatusCode::OK, entry.json))
}

/// `POST /api/v1/namespaces`: 201 with the namespace as the server fills it.
pub fn create_namespace(s: &Shared, r: &Req) -> Result<Response, ApiError> {
    let sent: Namespace = serde_json::from_slice(&r.body).map_err(|e| {
        ApiError::bad_request(format!(
            "Namespace in version \"v1\" cannot be handled as a Namespace: {e}"
        ))
    })?;
    let Some(name) = sent.metadata.name.clone().filter(|n| !n.is_empty()) else {
        return Err(ApiError::invalid(
            "Namespace",
            "",
            &[super::rules::field::FieldError::required("metadata.name")],
        ));
    };
    let mut ns = workload::namespace(&name);
    let mut labels = sent.metadata.labels.unwrap_or_default();
    labels.extend(ns.metadata.labels.take().unwrap_or_default());
    ns.metadata.labels = Some(labels);
    ns.metadata.annotations = sent.metadata.annotations;
    ns.spec = Some(k8s_openapi::api::core::v1::NamespaceSpec {
        finalizers: Some(vec!["kubernetes".into()]),
    });
    if s.api.store.get::<Namespace>("", &name).is_some() {
        return Err(ApiError::already_exists("namespaces", &name));
    }
    let json = if r.dry_run() {
        Bytes::from(serde_json::to_vec(&ns).unwrap_or_default())
    } else {
        s.api
            .store
            .create(ns)
            .map_err(|_| ApiError::already_exists("namespaces", &name))?
            .json
    };
    Ok(json_response(StatusCode::CREATED, json))
}

/// metrics.k8s.io PodMetrics of one pod or of a namespace / all namespaces.
pub fn pod_metrics(s: &Shared, ns: Option<&str>, name: Option<&str>) -> Result<Response, ApiError> {
    let pods: Vec<Arc<Pod>> = match (ns, name) {
        (Some(ns), Some(name)) => {
            let e = s
                .api
                .store
                .get::<Pod>(ns, name)
                .ok_or_else(|| ApiError::not_found("pods.metrics.k8s.io", name))?;
            return Ok(ok_value(&kubelet::pod_metrics(&e.obj)));
        }
        (ns, _) => s.api.store.all::<Pod>(ns),
    };
    let items: Vec<Value> = pods
        .iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .map(|p| kubelet::pod_metrics(p))
        .collect();
    Ok(ok_value(
        &json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
    ))
}
