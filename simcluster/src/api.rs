//! Pod write operations as the apiserver performs them: create, delete, patch/put on the pod,
//! `pods/resize` and `pods/status`, with the version mode's rules. HTTP-agnostic.

use super::patch::{self, PatchKind};
use super::podutil;
use super::rules::field::FieldError;
use super::rules::view::PodView;
use super::rules::{admission, qos, resize};
use super::status::ApiError;
use super::store::{Entry, Store};
use k8s_openapi::api::core::v1::{
    ContainerResizePolicy, Node, Pod, PodStatus, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, ManagedFieldsEntry};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

mod pod_create;
mod pod_defaults;
mod pod_writes;

/// Which part of a pod a write addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `/pods/NAME`
    Pod,
    /// `/pods/NAME/resize`
    Resize,
    /// `/pods/NAME/status`
    Status,
}

/// How a write is sent.
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    /// PATCH with a content type.
    Patch(PatchKind, &'a [u8]),
    /// PUT with a full object.
    Put(&'a [u8]),
}

/// The apiserver side of the simulator.
pub struct ApiServer {
    /// Object store.
    pub store: Arc<Store>,
    /// Server minor version (27..=37).
    pub minor: u32,
    /// Feature gate `InPlacePodVerticalScaling`: off, a 1.32+ server registers no `pods/resize`
    /// and every version refuses resource changes in a pod update (resize-api.md §0, §4.1).
    pub resize_feature: bool,
    /// `InPlacePodLevelResourcesVerticalScaling` on a 1.35 server (always on from 1.36).
    pod_level_gate: bool,
    uid: AtomicU64,
}

/// A new UID-shaped string from a counter and seed.
pub fn make_uid(seed: u64, n: u64) -> String {
    let a = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let b = a.rotate_left(29) ^ n;
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        a & 0xfff,
        b & 0xfff,
        (b >> 16) & 0xffff_ffff_ffff
    )
}

/// A compact managedFields entry such as a real server records.
pub fn managed_entry(
    manager: &str,
    subresource: Option<&str>,
    fields: Value,
) -> ManagedFieldsEntry {
    ManagedFieldsEntry {
        manager: (!manager.is_empty()).then(|| manager.to_string()),
        operation: Some("Update".into()),
        api_version: Some("v1".into()),
        time: Some(podutil::now()),
        fields_type: Some("FieldsV1".into()),
        fields_v1: Some(FieldsV1(fields)),
        subresource: subresource.map(str::to_string),
    }
}

/// The entry a write through `pods/status` records for its manager.
pub fn status_entry(manager: &str) -> ManagedFieldsEntry {
    managed_entry(
        manager,
        Some("status"),
        json!({"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:phase": {}}}),
    )
}

/// Records `entry`, replacing an older one of the same manager and subresource.
pub fn set_managed(pod: &mut Pod, entry: ManagedFieldsEntry) {
    let list = pod.metadata.managed_fields.get_or_insert_with(Vec::new);
    list.retain(|e| !(e.manager == entry.manager && e.subresource == entry.subresource));
    list.push(entry);
}

fn bad_object(e: serde_json::Error) -> ApiError {
    ApiError::bad_request(format!(
        "Pod in version \"v1\" cannot be handled as a Pod: {e}"
    ))
}

impl ApiServer {
    /// An API server over `store` speaking version `1.minor`.
    pub fn new(store: Arc<Store>, minor: u32, seed: u64) -> Self {
        Self {
            store,
            minor,
            resize_feature: true,
            pod_level_gate: false,
            // Counters of different seeds start far apart, so the clusters of a fleet (one
            // seed each) never hand out the same uid, as real clusters' random uids never meet.
            uid: AtomicU64::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        }
    }

    /// Turns 1.35's alpha gate for pod-level in-place resize on or off.
    pub fn with_pod_level_resize(mut self, on: bool) -> Self {
        self.pod_level_gate = on;
        self
    }

    /// Pod-level resources can be resized in place: 1.36+, or 1.35 with the alpha gate.
    pub fn pod_level_resize(&self) -> bool {
        resize::pod_level_gate(self.minor, self.pod_level_gate)
    }

    /// The same server with the `InPlacePodVerticalScaling` gate on or off.
    pub fn with_resize_feature(self, on: bool) -> Self {
        Self {
            resize_feature: on,
            ..self
        }
    }

    /// Resizes go through `pods/resize` from 1.32 (registered only with the gate on).
    pub fn uses_subresource(&self) -> bool {
        self.resize_feature && self.minor >= 32
    }

    /// Before 1.32 a pod update may change resources, with the gate on.
    fn resizes_by_update(&self) -> bool {
        self.resize_feature && self.minor < 32
    }

    /// Generation is tracked on pods from 1.33.
    pub fn tracks_generation(&self) -> bool {
        self.minor >= 33
    }

    /// Deletes a pod; returns its last state.
    pub fn delete_pod(&self, namespace: &str, name: &str) -> Result<Entry<Pod>, ApiError> {
        self.store
            .delete::<Pod>(namespace, name)
            .ok_or_else(|| ApiError::not_found("pods", name))
    }

    /// PATCH or PUT on a pod, its `/resize` or its `/status`. Returns the stored (or, with
    /// `dry_run`, the would-be) pod.
    pub fn write_pod(
        &self,
        namespace: &str,
        name: &str,
        target: Target,
        body: Body<'_>,
        dry_run: bool,
        manager: &str,
    ) -> Result<Entry<Pod>, ApiError> {
        if target == Target::Resize && !self.uses_subresource() {
            return Err(ApiError::no_route());
        }
        for _attempt in 0..16 {
            let current = self
                .store
                .get::<Pod>(namespace, name)
                .ok_or_else(|| ApiError::not_found("pods", name))?;
            let old = current.obj.clone();
            let new = self.compute(&old, name, target, body, manager)?;
            if dry_run {
                return Ok(Entry {
                    json: serde_json::to_vec(&new).unwrap_or_default().into(),
                    obj: Arc::new(new),
                });
            }
            let old_rv = old.metadata.resource_version.clone();
            let stored = self.store.update::<Pod, ApiError>(namespace, name, |now| {
                if now.metadata.resource_version != old_rv {
                    return Err(ApiError::conflict("pods", name));
                }
                Ok(Some(new))
            });
            match stored {
                Ok(Some(entry)) if target == Target::Resize => {
                    // The quota plugin writes what it charged once the resize is stored.
                    if let Ok(charges) =
                        super::quota::check(&self.store, namespace, name, Some(&old), &entry.obj)
                    {
                        super::quota::charge(&self.store, namespace, charges);
                    }
                    return Ok(entry);
                }
                Ok(Some(entry)) => return Ok(entry),
                Ok(None) => return Err(ApiError::not_found("pods", name)),
                Err(_) => continue, // changed underneath: retry against the newer object
            }
        }
        Err(ApiError::conflict("pods", name))
    }

    fn compute(
        &self,
        old: &Pod,
        name: &str,
        target: Target,
        body: Body<'_>,
        manager: &str,
    ) -> Result<Pod, ApiError> {
        let old_value =
            serde_json::to_value(old).map_err(|e| ApiError::internal(&e.to_string()))?;
        let (mut value, patch_doc) = match body {
            Body::Patch(kind, bytes) => {
                let doc = if kind == PatchKind::Json {
                    None
                } else {
                    serde_json::from_slice::<Value>(bytes).ok()
                };
                (patch::apply(kind, &old_value, bytes)?, doc)
            }
            Body::Put(bytes) => (
                serde_json::from_slice::<Value>(bytes).map_err(bad_object)?,
                None,
            ),
        };
        if let Err((e, _)) = patch::canonicalize_pod(&mut value) {
            return Err(match (body, patch_doc) {
                (Body::Patch(..), Some(doc)) => ApiError::invalid_patch(&FieldError::invalid(
                    "patch",
                    patch::go_format(&doc),
                    &e.to_string(),
                )),
                _ => ApiError::bad_request(format!(
                    "Pod in version \"v1\" cannot be handled as a Pod: {e}"
                )),
            });
        }
        let requested_rv = value
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(rv) = requested_rv
            && Some(&rv) != old.metadata.resource_version.as_ref()
        {
            return Err(ApiError::conflict("pods", name));
        }
        let req: Pod = serde_json::from_value(value).map_err(bad_object)?;
        if req.metadata.name.as_deref().is_some_and(|n| n != name) {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                req.metadata.name.as_deref().unwrap_or("")
            )));
        }
        match target {
            Target::Status => {
                let mut new = old.clone();
                new.status = req.status;
                if let Some(st) = new.status.as_mut()
                    && st.observed_generation.is_none()
                {
                    st.observed_generation =
                        old.status.as_ref().and_then(|s| s.observed_generation);
                }
                // The QoS class is the server's; a status write without it keeps it (lr-03).
                if let Some(st) = new.status.as_mut()
                    && st.qos_class.is_none()
                {
                    st.qos_class = old.status.as_ref().and_then(|s| s.qos_class.clone());
                }
                set_managed(&mut new, status_entry(manager));
                Ok(new)
            }
            Target::Resize => self.resize(old, req, name, manager),
            Target::Pod => self.update(old, req, name),
        }
    }

    /// QoS class of a pod as computed from its spec.
    pub fn qos(pod: &Pod) -> &'static str {
        qos::compute(&PodView::of(pod))
    }
}

pub use super::rules::resize::FORBIDDEN_UPDATE;
