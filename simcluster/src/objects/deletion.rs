//! DELETE of the generic kinds with propagation policies (round4 README §8: Background answers
//! a Success Status naming the plural resource; Foreground keeps the object with
//! `foregroundDeletion` until the finalizer is removed, as no garbage collector runs).

use super::get;
use crate::kinds::Served;
use crate::podutil;
use crate::server::{Req, Shared, json_response};
use crate::status::ApiError;
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

/// `propagationPolicy` from the query or a DeleteOptions body (kubectl sends the latter).
fn propagation(r: &Req) -> Option<String> {
    r.query.get("propagationPolicy").cloned().or_else(|| {
        serde_json::from_slice::<Value>(&r.body)
            .ok()?
            .get("propagationPolicy")?
            .as_str()
            .map(str::to_string)
    })
}

/// DELETE: Background (the default here) removes the object and answers a Success Status;
/// Foreground and Orphan, or an object that already has finalizers, mark it for deletion and
/// answer the object, which stays until its finalizers are removed.
pub fn delete<T: Served>(s: &Shared, r: &Req, ns: &str, name: &str) -> Result<Response, ApiError> {
    let current = get::<T>(s, ns, name)?;
    let finalizer = match propagation(r).as_deref() {
        Some("Foreground") => Some("foregroundDeletion"),
        Some("Orphan") => Some("orphan"),
        _ => None,
    };
    let has_finalizers = current
        .obj
        .meta()
        .finalizers
        .as_ref()
        .is_some_and(|f| !f.is_empty());
    if finalizer.is_none() && !has_finalizers {
        let uid = current.obj.meta().uid.clone().unwrap_or_default();
        if !r.dry_run() {
            s.api.store.delete::<T>(ns, name);
        }
        let mut details = json!({"name": name, "group": T::GROUP, "kind": T::PLURAL, "uid": uid});
        if T::GROUP.is_empty()
            && let Some(m) = details.as_object_mut()
        {
            m.remove("group");
        }
        let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details});
        return Ok(json_response(
            StatusCode::OK,
            Bytes::from(serde_json::to_vec(&status).unwrap_or_default()),
        ));
    }
    let mut obj = (*current.obj).clone();
    let meta = obj.meta_mut();
    if meta.deletion_timestamp.is_none() {
        meta.deletion_timestamp = Some(podutil::now());
        meta.deletion_grace_period_seconds = Some(0);
        if T::GENERATION {
            meta.generation = Some(meta.generation.unwrap_or(1) + 1);
        }
    }
    if let Some(f) = finalizer {
        let list = meta.finalizers.get_or_insert_with(Vec::new);
        if !list.iter().any(|x| x == f) {
            list.push(f.to_string());
        }
    }
    let json = if r.dry_run() {
        Bytes::from(serde_json::to_vec(&obj).unwrap_or_default())
    } else {
        s.api.store.upsert(obj).json
    };
    Ok(json_response(StatusCode::OK, json))
}
