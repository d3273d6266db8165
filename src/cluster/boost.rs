//! Sends boosts and their reverts. A boost is a resize (through `cluster::resize`) plus its plan
//! written on the pod as the `podsize.dev/boost` annotation (a JSON merge patch of
//! `metadata.annotations`), or in a state file when the identity may not patch pods.
//!
//! Reverts live in `boost_revert` (re-exported here).

use super::boost_store;
use super::capabilities::Capabilities;
use super::resize::{Accepted, ResizeRejected, rejected_from_kube, send};
use crate::model::PodRow;
use crate::model::decide::boost::{ANNOTATION, BoostPlan};
use crate::model::rules::plan::ResizePlan;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client};
use serde_json::json;
use std::path::PathBuf;

/// Where a boost's plan is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanStore {
    /// The pod's `podsize.dev/boost` annotation: every podsize watching the pod sees it.
    Annotation,
    /// A state file (the identity may not patch pods): only this user's podsize sees it.
    File(PathBuf),
}

impl PlanStore {
    pub fn describe(&self) -> String {
        match self {
            Self::Annotation => format!("on the pod as annotation {ANNOTATION}"),
            Self::File(dir) => format!(
                "in {} (this identity may not patch pods, so no annotation; only podsize on this machine can revert it)",
                dir.display()
            ),
        }
    }
}

/// The annotation when the identity may patch pods (or the server cannot say), else the
/// state directory.
pub async fn choose_store(client: &Client, namespace: &str) -> PlanStore {
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: Some("patch".into()),
                group: Some(String::new()),
                resource: Some("pods".into()),
                namespace: Some(namespace.to_string()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let allowed = match api.create(&PostParams::default(), &review).await {
        Ok(answer) => answer.status.is_none_or(|s| s.allowed),
        Err(_) => true,
    };
    match (allowed, boost_store::state_dir()) {
        (false, Some(dir)) => PlanStore::File(dir),
        _ => PlanStore::Annotation,
    }
}

/// Who started or claims a boost: user, host and process, for the annotation.
pub fn whoami() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!("{user}@{host} pid {}", std::process::id())
}

/// Sets (or with `None` removes) the annotation; with `resource_version` the server refuses
/// with 409 Conflict if the pod changed since it was read.
async fn write_annotation(
    client: &Client,
    row: &PodRow,
    value: Option<String>,
    resource_version: Option<&str>,
) -> Result<PodRow, ResizeRejected> {
    let api: Api<Pod> = Api::namespaced(client.clone(), &row.namespace);
    let mut metadata = json!({ "annotations": { ANNOTATION: value } });
    if let Some(rv) = resource_version {
        metadata["resourceVersion"] = json!(rv);
    }
    let params = PatchParams {
        field_manager: Some("podsize".into()),
        ..PatchParams::default()
    };
    let pod = api
        .patch(
            &row.name,
            &params,
            &Patch::Merge(json!({ "metadata": metadata })),
        )
        .await
        .map_err(|e| rejected_from_kube(&e))?;
    let slim = crate::model::SlimPod::from_pod(&pod).unwrap_or_default();
    Ok(PodRow::from_slim(&slim))
}

fn file_error(message: String) -> ResizeRejected {
    ResizeRejected {
        code: None,
        reason: "StateFile".into(),
        message,
    }
}

/// Writes the plan where the store says.
pub async fn save(
    client: &Client,
    store: &PlanStore,
    row: &PodRow,
    plan: &BoostPlan,
    resource_version: Option<&str>,
) -> Result<(), ResizeRejected> {
    match store {
        PlanStore::Annotation => {
            write_annotation(client, row, Some(plan.to_annotation()), resource_version)
                .await
                .map(|_| ())
        }
        PlanStore::File(dir) => boost_store::write(dir, &row.namespace, &row.name, plan)
            .map(|_| ())
            .map_err(file_error),
    }
}

/// Removes the plan; a failure is reported but changes nothing else.
pub async fn remove(client: &Client, store: &PlanStore, row: &PodRow) -> Result<(), String> {
    match store {
        PlanStore::Annotation => write_annotation(client, row, None, None)
            .await
            .map(|_| ())
            .map_err(|e| e.message),
        PlanStore::File(dir) => {
            boost_store::remove(dir, &row.namespace, &row.name);
            Ok(())
        }
    }
}

/// The plan of `row`, if it has one: `Err` when one is there but cannot be read.
pub fn load(store: &PlanStore, row: &PodRow) -> Option<Result<BoostPlan, String>> {
    let text = match store {
        PlanStore::Annotation => row.boost.clone()?,
        PlanStore::File(dir) => boost_store::read(dir, &row.namespace, &row.name)?,
    };
    Some(BoostPlan::from_annotation(&text))
}

/// Applies a boost: the resize is dry-run first, then the plan is written, then the resize is
/// sent. The plan goes first so that no boost is ever on the pod without a way back; if the
/// resize is then refused, the plan is taken off again.
pub async fn apply(
    client: &Client,
    caps: &Capabilities,
    store: &PlanStore,
    row: &PodRow,
    resize: &ResizePlan,
    plan: &BoostPlan,
) -> Result<Accepted, ResizeRejected> {
    send(client, caps, resize, true).await?;
    save(client, store, row, plan, None).await?;
    match send(client, caps, resize, false).await {
        Ok(accepted) => Ok(accepted),
        Err(e) => {
            let _ = remove(client, store, row).await;
            Err(e)
        }
    }
}

pub use super::boost_revert::{RevertOutcome, Reverted, revert_if_due};
