//! Serves the routes of `object_routes.rs`: collections (list/watch/create), objects
//! (get/patch/put/delete), their `status`, the `scale` of Deployments and ReplicaSets
//! (autoscaling/v1 Scale, dep-06/rs-06), HPAs read through autoscaling/v1 (hpa-07), node
//! status (node-02..06: stored without checks; a patch of the node itself ignores status) and
//! pod evictions against PodDisruptionBudgets (pdb-05).

use super::hpa::{self, HorizontalPodAutoscaler};
use super::kinds::Served;
use super::list::collection;
use super::object_routes::{ObjRoute, Res};
use super::objects::{self, Part};
use super::server::{Req, Shared, json_response, ok_value};
use super::status::ApiError;
use axum::response::Response;
use http::{Method, StatusCode};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde_json::{Value, json};
use std::sync::Arc;

fn body_json(r: &Req) -> Result<Value, ApiError> {
    serde_json::from_slice(&r.body)
        .map_err(|e| ApiError::bad_request(format!("the body of the request is not JSON: {e}")))
}

/// One route of these objects.
pub fn serve(s: &Arc<Shared>, r: &Req, o: ObjRoute<'_>) -> Result<Response, ApiError> {
    match o.res {
        Res::LimitRange => generic::<LimitRange>(s, r, o),
        Res::ResourceQuota => generic::<ResourceQuota>(s, r, o),
        Res::Deployment => generic::<Deployment>(s, r, o),
        Res::ReplicaSet => generic::<ReplicaSet>(s, r, o),
        Res::Pdb => generic::<PodDisruptionBudget>(s, r, o),
        Res::Hpa if o.version == "v1" => hpa_v1(s, r, o),
        Res::Hpa => generic::<HorizontalPodAutoscaler>(s, r, o),
        Res::Node => node(s, r, o),
        Res::Eviction => super::pdb::evict(s, r, o.ns.unwrap_or(""), o.name.unwrap_or("")),
    }
}

fn generic<T: Served>(s: &Arc<Shared>, r: &Req, o: ObjRoute<'_>) -> Result<Response, ApiError> {
    let ns = o.ns.unwrap_or("");
    let Some(name) = o.name else {
        return match (&r.method, o.ns) {
            (&Method::POST, Some(ns)) => objects::create::<T>(s, r, ns, body_json(r)?),
            _ => collection::<T>(s, &r.method, o.ns, &r.query, &r.accept),
        };
    };
    let part = match o.sub {
        None => Part::Main,
        Some("status") if T::initial_status().is_some() => Part::Status,
        Some("scale") if T::KIND == super::store::Kind::Deployment => {
            return scale::<T>(s, r, ns, name);
        }
        Some("scale") if T::KIND == super::store::Kind::ReplicaSet => {
            return scale::<T>(s, r, ns, name);
        }
        Some(_) => return Err(ApiError::no_route()),
    };
    match r.method {
        Method::GET => Ok(json_response(
            StatusCode::OK,
            objects::get::<T>(s, ns, name)?.json,
        )),
        Method::PATCH | Method::PUT => Ok(json_response(
            StatusCode::OK,
            objects::write::<T>(s, r, ns, name, part)?.json,
        )),
        Method::DELETE if part == Part::Main => objects::delete::<T>(s, r, ns, name),
        _ => Err(ApiError::method_not_allowed(r.method.as_str())),
    }
}

/// `matchLabels` as a Scale's `status.selector` (`app=web`), keys sorted.
fn selector_text(selector: &Value) -> String {
    let mut parts: Vec<String> = selector["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    parts.sort();
    parts.join(",")
}

fn scale_of(v: &Value) -> Value {
    let meta = &v["metadata"];
    let mut spec = json!({});
    if let Some(n) = v["spec"]["replicas"].as_i64().filter(|n| *n != 0) {
        spec["replicas"] = json!(n);
    }
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"], "creationTimestamp": meta["creationTimestamp"]},
        "spec": spec,
        "status": {"replicas": v["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector_text(&v["spec"]["selector"])}})
}

/// GET, PATCH or PUT of `deployments/NAME/scale` or `replicasets/NAME/scale`.
fn scale<T: Served>(s: &Arc<Shared>, r: &Req, ns: &str, name: &str) -> Result<Response, ApiError> {
    let current = objects::get::<T>(s, ns, name)?;
    let now: Value = serde_json::from_slice(&current.json).unwrap_or(Value::Null);
    if r.method == Method::GET {
        return Ok(ok_value(&scale_of(&now)));
    }
    if r.method != Method::PATCH && r.method != Method::PUT {
        return Err(ApiError::method_not_allowed(r.method.as_str()));
    }
    let (kind, body) = objects::body_of(r)?;
    let sent = match kind {
        Some(k) => super::patch::apply(k, &scale_of(&now), &body)?,
        None => serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("decoding Scale: {e}")))?,
    };
    let replicas = sent["spec"]["replicas"].as_i64().unwrap_or(0);
    let patch = json!({"spec": {"replicas": replicas}}).to_string();
    let inner = Req {
        method: Method::PATCH,
        user: r.user,
        query: r.query.clone(),
        accept: r.accept.clone(),
        content_type: "application/merge-patch+json".into(),
        user_agent: r.user_agent.clone(),
        body: patch.into(),
    };
    let entry = objects::write::<T>(s, &inner, ns, name, Part::Main)?;
    let v: Value = serde_json::from_slice(&entry.json).unwrap_or(Value::Null);
    Ok(ok_value(&scale_of(&v)))
}

/// autoscaling/v1: reads convert the stored v2 object; writes convert the body to v2 first.
fn hpa_v1(s: &Arc<Shared>, r: &Req, o: ObjRoute<'_>) -> Result<Response, ApiError> {
    let to_v1 = |json: &[u8]| {
        let v: Value = serde_json::from_slice(json).unwrap_or(Value::Null);
        hpa::to_v1(&v)
    };
    match (o.name, &r.method) {
        (None, &Method::GET) if !super::list::is_watch(&r.query) => {
            let items: Vec<Value> = s
                .api
                .store
                .all::<HorizontalPodAutoscaler>(o.ns)
                .iter()
                .filter_map(|h| serde_json::to_value(&**h).ok())
                .map(|v| hpa::to_v1(&v))
                .collect();
            let rv = s.api.store.rv().to_string();
            Ok(ok_value(
                &json!({"kind": "HorizontalPodAutoscalerList", "apiVersion": "autoscaling/v1", "metadata": {"resourceVersion": rv}, "items": items}),
            ))
        }
        (None, &Method::POST) => {
            let ns = o.ns.ok_or_else(|| ApiError::method_not_allowed("POST"))?;
            let json = objects::create_json::<HorizontalPodAutoscaler>(
                s,
                r,
                ns,
                hpa::from_v1(body_json(r)?),
            )?;
            Ok(json_response(
                StatusCode::CREATED,
                serde_json::to_vec(&to_v1(&json)).unwrap_or_default().into(),
            ))
        }
        (Some(name), &Method::GET) if o.sub.is_none() => {
            let e = objects::get::<HorizontalPodAutoscaler>(s, o.ns.unwrap_or(""), name)?;
            Ok(ok_value(&to_v1(&e.json)))
        }
        _ => generic::<HorizontalPodAutoscaler>(s, r, o),
    }
}

/// A node and its status: a patch of `/status` is stored as sent, nothing checked (node-02); a
/// patch of the node itself leaves status as it was (node-04).
fn node(s: &Arc<Shared>, r: &Req, o: ObjRoute<'_>) -> Result<Response, ApiError> {
    let name = o.name.unwrap_or("");
    let part = match o.sub {
        None => Part::Main,
        Some("status") => Part::Status,
        Some(_) => return Err(ApiError::no_route()),
    };
    match r.method {
        Method::GET => Ok(json_response(
            StatusCode::OK,
            objects::get::<Node>(s, "", name)?.json,
        )),
        Method::PATCH | Method::PUT => Ok(json_response(
            StatusCode::OK,
            objects::write::<Node>(s, r, "", name, part)?.json,
        )),
        _ => Err(ApiError::method_not_allowed(r.method.as_str())),
    }
}
