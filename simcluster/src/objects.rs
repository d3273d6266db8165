//! Generic registry behaviour for the kinds of `kinds.rs`: create (201, server-filled
//! metadata, initial status, defaults), get, PATCH/PUT of the object or its `status`, and
//! DELETE (`deletion.rs`).

use super::api::{Body as WriteBody, make_uid, managed_entry};
use super::kinds::Served;
use super::patch::{self, PatchKind};
use super::podutil;
use super::server::{Req, Shared, json_response};
use super::status::ApiError;
use super::store::{Entry, Stored};
use axum::response::Response;
use bytes::Bytes;
use http::{Method, StatusCode};
use k8s_openapi::api::core::v1::Namespace;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

mod deletion;
pub use deletion::delete;

static UIDS: AtomicU64 = AtomicU64::new(0x0B1E_C700);

/// Which part of an object a write addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The object itself: its status is kept as stored.
    Main,
    /// `/status`: only the status is taken from the request.
    Status,
}

fn decode_error<T: Served>(e: impl std::fmt::Display) -> ApiError {
    let kind = T::kind(&()).to_string();
    let gv = T::api_version(&()).to_string();
    ApiError::bad_request(format!(
        "{kind} in version \"{}\" cannot be handled as a {kind}: {e}",
        gv.rsplit('/').next().unwrap_or(&gv)
    ))
}

fn to_value<T: Served>(obj: &T) -> Result<Value, ApiError> {
    serde_json::to_value(obj).map_err(|e| ApiError::internal(&e.to_string()))
}

fn from_value<T: Served>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(decode_error::<T>)
}

/// What a managedFields entry records for a body: its fields, nested maps marked with ".".
fn fields_of(v: &Value, depth: usize) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            if depth > 1 {
                out.insert(".".into(), json!({}));
            }
            for (k, child) in map {
                out.insert(format!("f:{k}"), fields_of(child, depth + 1));
            }
            Value::Object(out)
        }
        _ => json!({}),
    }
}

fn record_manager<T: Served>(obj: &mut T, manager: &str, sub: Option<&str>, body: &Value) {
    let mut fields = body.clone();
    if let Some(map) = fields.as_object_mut() {
        map.retain(|k, _| k == "spec" || k == "status" || k == "metadata");
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.retain(|k, _| k == "labels" || k == "annotations");
        }
    }
    let mut entry = managed_entry(manager, sub, fields_of(&fields, 0));
    entry.api_version = Some(T::api_version(&()).to_string());
    let list = obj.meta_mut().managed_fields.get_or_insert_with(Vec::new);
    list.retain(|e| !(e.manager == entry.manager && e.subresource == entry.subresource));
    list.push(entry);
}

/// POST to a collection: 201 with the object as stored.
pub fn create<T: Served>(s: &Shared, r: &Req, ns: &str, body: Value) -> Result<Response, ApiError> {
    create_json::<T>(s, r, ns, body).map(|json| json_response(StatusCode::CREATED, json))
}

/// Creates the object; its JSON as stored (or, with dryRun, as it would be).
pub fn create_json<T: Served>(
    s: &Shared,
    r: &Req,
    ns: &str,
    body: Value,
) -> Result<Bytes, ApiError> {
    if s.api.store.get::<Namespace>("", ns).is_none() {
        return Err(ApiError::not_found("namespaces", ns));
    }
    let mut v = body;
    if !v.is_object() {
        return Err(decode_error::<T>("expected an object"));
    }
    let sent = v.clone();
    let name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut obj_meta = v["metadata"].take();
    if !obj_meta.is_object() {
        obj_meta = json!({});
    }
    if name.is_empty() {
        let Some(prefix) = obj_meta["generateName"].as_str().map(str::to_string) else {
            let kind = T::kind(&()).to_string();
            return Err(ApiError::invalid(
                &kind,
                "",
                &[super::rules::field::FieldError::required("metadata.name")],
            ));
        };
        let n = UIDS.fetch_add(1, Ordering::Relaxed);
        obj_meta["name"] = json!(format!("{prefix}{}", &make_uid(n, n)[..5]));
    }
    let n = UIDS.fetch_add(1, Ordering::Relaxed);
    if let Some(m) = obj_meta.as_object_mut() {
        for k in [
            "resourceVersion",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "managedFields",
            "generation",
        ] {
            m.remove(k);
        }
        m.insert("namespace".into(), json!(ns));
        m.insert("uid".into(), json!(make_uid(n, n ^ 0x0B1E)));
        m.insert("creationTimestamp".into(), json!(podutil::now()));
        if T::GENERATION {
            m.insert("generation".into(), json!(1));
        }
    }
    v["metadata"] = obj_meta;
    if let Some(map) = v.as_object_mut() {
        map.remove("status");
        if let Some(st) = T::initial_status() {
            map.insert("status".into(), st);
        }
    }
    T::default_json(&mut v);
    let mut obj: T = from_value(v)?;
    record_manager(&mut obj, &r.manager(), None, &sent);
    let name = obj.meta().name.clone().unwrap_or_default();
    let json = if r.dry_run() {
        Bytes::from(serde_json::to_vec(&obj).unwrap_or_default())
    } else {
        s.api
            .store
            .create(obj)
            .map_err(|_| already_exists::<T>(&name))?
            .json
    };
    Ok(json)
}

fn already_exists<T: Served>(name: &str) -> ApiError {
    let mut e = ApiError::already_exists(&T::qualified(), name);
    if !T::GROUP.is_empty() {
        e.body["details"] = json!({"name": name, "group": T::GROUP, "kind": T::PLURAL});
    }
    e
}

/// The stored object or the real server's 404 (`deployments.apps "x" not found`).
pub fn get<T: Served>(s: &Shared, ns: &str, name: &str) -> Result<Entry<T>, ApiError> {
    s.api
        .store
        .get::<T>(ns, name)
        .ok_or_else(|| ApiError::not_found_in(T::GROUP, T::PLURAL, name))
}

/// The request body as a write: a patch of a known type (apply patches are read as YAML and
/// merged), or a PUT. A patch of any other media type is 415, checked first as the server does.
pub fn body_of(r: &Req) -> Result<(Option<PatchKind>, Bytes), ApiError> {
    if r.method == Method::PUT {
        return Ok((None, r.body.clone()));
    }
    if r.content_type.starts_with("application/apply-patch+yaml") {
        let v: Value = serde_yaml::from_slice(&r.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
        return Ok((
            Some(PatchKind::Merge),
            Bytes::from(serde_json::to_vec(&v).unwrap_or_default()),
        ));
    }
    let kind = PatchKind::from_content_type(&r.content_type)
        .ok_or_else(ApiError::unsupported_media_type)?;
    Ok((Some(kind), r.body.clone()))
}

/// Applies a PATCH or PUT to an object (or its status) and stores it; answers the stored
/// object. An object marked for deletion whose finalizers are all gone is deleted.
pub fn write<T: Served>(
    s: &Shared,
    r: &Req,
    ns: &str,
    name: &str,
    part: Part,
) -> Result<Entry<T>, ApiError> {
    let (kind, body) = body_of(r)?;
    let write = match kind {
        Some(k) => WriteBody::Patch(k, &body),
        None => WriteBody::Put(&body),
    };
    for _ in 0..16 {
        let current = get::<T>(s, ns, name)?;
        let old = to_value(&*current.obj)?;
        let mut new = match write {
            WriteBody::Patch(k, bytes) => patch::apply(k, &old, bytes)?,
            WriteBody::Put(bytes) => serde_json::from_slice(bytes).map_err(decode_error::<T>)?,
        };
        let sent_rv = new.pointer("/metadata/resourceVersion").cloned();
        if sent_rv
            .as_ref()
            .is_some_and(|rv| *rv != old["metadata"]["resourceVersion"])
        {
            return Err(ApiError::conflict(&T::qualified(), name));
        }
        if let Some(n) = new.pointer("/metadata/name").and_then(Value::as_str)
            && n != name
        {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({name})"
            )));
        }
        let merged = merge_part(&old, &new, part);
        new = merged;
        T::default_json(&mut new);
        if T::GENERATION && part == Part::Main && new["spec"] != old["spec"] {
            let g = old["metadata"]["generation"].as_i64().unwrap_or(1);
            new["metadata"]["generation"] = json!(g + 1);
        }
        let mut obj: T = from_value(new.clone())?;
        if new != old {
            let sub = (part == Part::Status).then_some("status");
            record_manager(&mut obj, &r.manager(), sub, &new);
        }
        if r.dry_run() {
            return Ok(Entry {
                json: Bytes::from(serde_json::to_vec(&obj).unwrap_or_default()),
                obj: std::sync::Arc::new(obj),
            });
        }
        let finished = obj.meta().deletion_timestamp.is_some()
            && obj.meta().finalizers.as_ref().is_none_or(Vec::is_empty);
        if finished {
            return s
                .api
                .store
                .delete::<T>(ns, name)
                .ok_or_else(|| ApiError::not_found_in(T::GROUP, T::PLURAL, name));
        }
        let old_rv = current.obj.meta().resource_version.clone();
        let stored = s.api.store.update::<T, ()>(ns, name, |now| {
            if now.meta().resource_version != old_rv {
                return Err(());
            }
            Ok(Some(obj))
        });
        match stored {
            Ok(Some(entry)) => return Ok(entry),
            Ok(None) => return Err(ApiError::not_found_in(T::GROUP, T::PLURAL, name)),
            Err(()) => continue,
        }
    }
    Err(ApiError::conflict(&T::qualified(), name))
}

/// The written object: the request's spec and metadata with the server's own metadata kept
/// and the stored status (a write of the object), or the stored object with the request's
/// status (a write of `/status`).
fn merge_part(old: &Value, new: &Value, part: Part) -> Value {
    match part {
        Part::Status => {
            let mut out = old.clone();
            out["status"] = new.get("status").cloned().unwrap_or(json!({}));
            out
        }
        Part::Main => {
            let mut out = new.clone();
            for key in [
                "uid",
                "creationTimestamp",
                "generation",
                "namespace",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "managedFields",
                "resourceVersion",
            ] {
                match old["metadata"].get(key) {
                    Some(v) => out["metadata"][key] = v.clone(),
                    None => {
                        if let Some(m) = out["metadata"].as_object_mut() {
                            m.remove(key);
                        }
                    }
                }
            }
            match old.get("status") {
                Some(st) => out["status"] = st.clone(),
                None => {
                    if let Some(m) = out.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
            out
        }
    }
}

/// Columns Name and Age: the Table of kinds without printer columns of their own here.
pub fn name_age_table<T: Stored>(items: &[Entry<T>]) -> (Value, Vec<Value>) {
    let columns = json!([
        {"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0},
        {"name": "Age", "type": "string", "format": "", "description": "CreationTimestamp", "priority": 0}
    ]);
    let rows = items
        .iter()
        .map(|e| {
            let meta = e.obj.meta();
            let age = meta.creation_timestamp.as_ref().map_or_else(
                || "<unknown>".to_string(),
                |t| super::tables::human_age(podutil::now().0.as_second() - t.0.as_second()),
            );
            let name = meta.name.clone().unwrap_or_default();
            let m = serde_json::to_value(meta).unwrap_or(Value::Null);
            json!({"cells": [name, age], "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": m}})
        })
        .collect();
    (columns, rows)
}
