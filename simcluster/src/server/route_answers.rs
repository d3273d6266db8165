//! What each route answers once the filter chain has let a request through: discovery, the
//! OpenAPI documents, access reviews, and the collections and objects of every kind served.
//! Kept apart from the filter chain so each reads on its own.

use super::{Req, Shared, json_response, ok_value};
use crate::access;
use crate::discovery;
use crate::discovery_v2;
use crate::list::collection;
use crate::pods;
use crate::routes::Route;
use crate::status::ApiError;
use crate::store::Stored;
use crate::vpa::VerticalPodAutoscaler;
use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{Method, StatusCode, header};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use serde_json::Value;
use std::sync::Arc;

/// The version the OpenAPI documents claim.
fn openapi_version(s: &Shared) -> String {
    format!("v1.{}.0", s.api.minor)
}

/// MethodNotAllowed unless a GET.
fn get_only(r: &Req) -> Result<(), ApiError> {
    if r.method == Method::GET {
        Ok(())
    } else {
        Err(ApiError::method_not_allowed(r.method.as_str()))
    }
}

/// MethodNotAllowed unless a POST.
fn post_only(r: &Req) -> Result<(), ApiError> {
    if r.method == Method::POST {
        Ok(())
    } else {
        Err(ApiError::method_not_allowed(r.method.as_str()))
    }
}

/// The answer to one routed request, its filters passed and its body read.
pub(super) async fn serve(s: &Arc<Shared>, rt: Route<'_>, r: &Req) -> Result<Response, ApiError> {
    let q = &r.query;
    let accept = r.accept.as_str();
    let method = &r.method;
    match rt {
        Route::Version => get_only(r).map(|_| ok_value(&discovery::version(s.api.minor))),
        Route::OpenApiV2 => {
            get_only(r)?;
            // kubectl asks for protobuf first; JSON is what the simulator speaks.
            if accept.contains("protobuf") && !accept.contains("json") {
                return Err(ApiError::not_acceptable());
            }
            Ok(ok_value(&crate::openapi::v2(&openapi_version(s))))
        }
        Route::OpenApiV3 => {
            get_only(r)?;
            // The real server labels the index as text (facts "Still answered differently").
            let mut resp = ok_value(&crate::openapi::v3_index());
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            Ok(resp)
        }
        Route::OpenApiV3Group(g, v) => {
            get_only(r)?;
            crate::openapi::v3_group(g, v, &openapi_version(s))
                .map(|d| ok_value(&d))
                .ok_or_else(ApiError::no_route)
        }
        Route::OpenApiV3Core => {
            get_only(r).map(|_| ok_value(&crate::openapi::v3_core(&openapi_version(s))))
        }
        Route::Api => get_only(r).map(|_| {
            if let Some(v) = discovery_v2::negotiate(accept, s.api.minor) {
                aggregated(v, &discovery_v2::core(v, s.api.minor, s.api.resize_feature))
            } else {
                ok_value(&discovery::api_versions(&s.addr.to_string()))
            }
        }),
        Route::Apis => get_only(r).map(|_| {
            if let Some(v) = discovery_v2::negotiate(accept, s.api.minor) {
                aggregated(v, &discovery_v2::groups(v, s.optional()))
            } else {
                ok_value(&discovery::api_groups(s.optional()))
            }
        }),
        Route::CoreV1 => {
            get_only(r).map(|_| ok_value(&discovery::core_v1(s.api.minor, s.api.resize_feature)))
        }
        Route::Group(g) => {
            get_only(r)?;
            discovery::group(g, s.optional())
                .map(|v| ok_value(&v))
                .ok_or_else(ApiError::no_route)
        }
        Route::GroupVersion(gv) => {
            get_only(r)?;
            discovery::group_version(gv, s.optional())
                .map(|v| ok_value(&v))
                .ok_or_else(ApiError::no_route)
        }
        Route::PodMetrics { ns, name } if s.metrics => {
            get_only(r)?;
            pods::pod_metrics(s, ns, name)
        }
        Route::PodMetrics { .. } => Err(ApiError::no_route()),
        Route::AccessReview => {
            post_only(r)?;
            let review = access::access_review(r.user, &r.body)?;
            Ok(json_response(StatusCode::CREATED, to_bytes(&review)))
        }
        Route::RulesReview => {
            post_only(r)?;
            let review = access::rules_review(r.user, &r.body)?;
            Ok(json_response(StatusCode::CREATED, to_bytes(&review)))
        }
        Route::Namespaces { name: Some(n) } => {
            get_only(r)?;
            get_one::<Namespace>(s, "", n, "namespaces")
        }
        Route::Namespaces { name: None } if *method == Method::POST => pods::create_namespace(s, r),
        Route::Namespaces { name: None } => collection::<Namespace>(s, method, None, q, accept),
        Route::Nodes { name: Some(n) } => {
            get_only(r)?;
            get_one::<Node>(s, "", n, "nodes")
        }
        Route::Nodes { name: None } => collection::<Node>(s, method, None, q, accept),
        Route::NodeProxy { name, path } => {
            get_only(r)?;
            let node = s
                .api
                .store
                .get::<Node>("", name)
                .ok_or_else(|| ApiError::not_found("nodes", name))?;
            // Only the kubelet's configz is simulated; other kubelet paths are not found.
            if path != "configz" {
                return Err(ApiError::no_route());
            }
            Ok(ok_value(&crate::cpu_manager::configz(&node.obj)))
        }
        Route::Pods { ns } if *method == Method::POST => {
            let ns = ns.ok_or_else(|| ApiError::method_not_allowed("POST"))?;
            if s.api.store.get::<Namespace>("", ns).is_none() {
                return Err(ApiError::not_found("namespaces", ns));
            }
            let entry = s
                .api
                .create_pod_json(ns, &r.body, r.dry_run(), &r.manager())?;
            Ok(json_response(StatusCode::CREATED, entry.json))
        }
        Route::Pods { ns } => collection::<Pod>(s, method, ns, q, accept),
        Route::ReplicaSets { ns, name: None } => collection::<ReplicaSet>(s, method, ns, q, accept),
        Route::ReplicaSets {
            ns: Some(ns),
            name: Some(n),
        } => {
            get_only(r)?;
            get_one::<ReplicaSet>(s, ns, n, "replicasets.apps")
        }
        Route::Vpas { ns, name: None } if s.vpa => {
            collection::<VerticalPodAutoscaler>(s, method, ns, q, accept)
        }
        Route::Vpas {
            ns: Some(ns),
            name: Some(n),
        } if s.vpa => {
            get_only(r)?;
            get_one::<VerticalPodAutoscaler>(s, ns, n, "verticalpodautoscalers.autoscaling.k8s.io")
        }
        Route::ReplicaSets { .. } | Route::Vpas { .. } => Err(ApiError::no_route()),
        Route::Pod { ns, name, target } => pods::pod_item(s, r, ns, name, target),
        Route::Object(o) => crate::object_serve::serve(s, r, o),
        Route::PriorityClasses { name } => {
            get_only(r)?;
            crate::priority::get(name).map(|v| ok_value(&v))
        }
    }
}

/// The JSON bytes of `v`.
fn to_bytes(v: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(v).unwrap_or_default())
}

/// An aggregated discovery document, with the content type naming its kind.
fn aggregated(version: discovery_v2::Aggregated, v: &Value) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, version.content_type())
        .header(header::VARY, "Accept")
        .body(Body::from(to_bytes(v)))
        .unwrap_or_default()
}

/// One object of a typed table, or NotFound naming `resource`.
fn get_one<T: Stored>(
    s: &Shared,
    ns: &str,
    name: &str,
    resource: &str,
) -> Result<Response, ApiError> {
    let entry = s
        .api
        .store
        .get::<T>(ns, name)
        .ok_or_else(|| ApiError::not_found(resource, name))?;
    Ok(json_response(StatusCode::OK, entry.json))
}
