//! Sends boosts and their reverts. A boost is a resize (through `cluster::resize`) plus its plan
//! written on the pod as the `podsize.dev/boost` annotation (a JSON merge patch of
//! `metadata.annotations`), or in a state file when the identity may not patch pods.
//!
//! A revert is sent once even with several podsize processes: each first claims it with a
//! merge patch of the annotation that carries the `metadata.resourceVersion` it read; the
//! server answers 409 Conflict to every process but the first, and those stand down.

use super::boost_store;
use super::capabilities::Capabilities;
use super::resize::{Accepted, ResizeRejected, get_row, rejected_from_kube, send};
use crate::model::PodRow;
use crate::model::decide::boost::{ANNOTATION, BoostPlan, Claim, Decision, Until, revert_due};
use crate::model::ground::resources::CpuMem;
use crate::model::rules::plan::{Edits, ResizePlan, plan_resize};
use chrono::{DateTime, Utc};
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

/// How one look at a boost ended.
#[derive(Debug)]
pub enum RevertOutcome {
    /// The pod carries no boost.
    NoBoost,
    Wait(String),
    /// Not reverted (a manual change won, already back, container gone): the plan was removed.
    StoodDown(String),
    /// Another podsize claimed the revert first.
    Lost(String),
    /// The revert could not be sent; the plan stays so a later look can retry.
    Refused(String),
    Reverted(Box<Reverted>),
}

/// A revert the server accepted.
#[derive(Debug)]
pub struct Reverted {
    pub accepted: Accepted,
    pub resize: ResizePlan,
    pub boost: BoostPlan,
    pub restarts_before: i32,
}

/// Reads the pod fresh and reverts its boost if due (`force`: now, whatever the condition,
/// e.g. because the boost itself ended Infeasible). Never reverts values changed by hand.
///
/// A 409 on the claim may come from any write to the pod (the kubelet's status updates
/// too), so the pod is read again: if another podsize claimed the revert, that read says so
/// and this one waits; if not, it claims again.
pub async fn revert_if_due(
    client: &Client,
    caps: &Capabilities,
    store: &PlanStore,
    key: (&str, &str),
    now: DateTime<Utc>,
    force: bool,
) -> RevertOutcome {
    let mut last = RevertOutcome::Lost("the pod kept changing".into());
    for _ in 0..3 {
        match revert_once(client, caps, store, key, now, force).await {
            RevertOutcome::Lost(why) => last = RevertOutcome::Lost(why),
            other => return other,
        }
    }
    last
}

async fn revert_once(
    client: &Client,
    caps: &Capabilities,
    store: &PlanStore,
    (namespace, name): (&str, &str),
    now: DateTime<Utc>,
    force: bool,
) -> RevertOutcome {
    let row = match get_row(client, namespace, name).await {
        Ok(row) => row,
        Err(e) => return RevertOutcome::Refused(e.message),
    };
    let mut plan = match load(store, &row) {
        None => return RevertOutcome::NoBoost,
        Some(Err(e)) => return RevertOutcome::Refused(format!("{namespace}/{name}: {e}")),
        Some(Ok(plan)) => plan,
    };
    let mut judged = plan.clone();
    if force {
        judged.until = Until::Deadline(now);
        judged.claim = None;
    }
    let original = match revert_due(&judged, &row, now) {
        Decision::Wait(why) => return RevertOutcome::Wait(why),
        Decision::StandDown(why) => {
            if let Err(e) = remove(client, store, &row).await {
                return RevertOutcome::Refused(format!("{why}; removing the plan failed: {e}"));
            }
            return RevertOutcome::StoodDown(why);
        }
        Decision::Revert(original) => original,
    };
    let resize = plan_resize(
        &row,
        &plan.container,
        Edits::from_spec(&original),
        caps.server(),
        None,
        CpuMem::ZERO,
    );
    if let Some(e) = resize.errors.first() {
        return RevertOutcome::Refused(format!("revert not sent: {}", e.message));
    }
    if let Err(lost) = claim(client, store, &row, &mut plan, now).await {
        return lost;
    }
    let restarts_before = row
        .container(&plan.container)
        .map_or(0, |c| c.restart_count);
    let sent = match send(client, caps, &resize, true).await {
        Ok(_) => send(client, caps, &resize, false).await,
        Err(e) => Err(e),
    };
    let accepted = match sent {
        Ok(a) => a,
        Err(e) => return RevertOutcome::Refused(format!("revert refused: {}", e.message)),
    };
    if let Err(e) = remove(client, store, &row).await {
        tracing::warn!("reverted, but removing the boost plan failed: {e}");
    }
    RevertOutcome::Reverted(Box::new(Reverted {
        accepted,
        resize,
        boost: plan,
        restarts_before,
    }))
}

/// Claims the revert for this process; `Err` with the outcome when another one was first.
async fn claim(
    client: &Client,
    store: &PlanStore,
    row: &PodRow,
    plan: &mut BoostPlan,
    now: DateTime<Utc>,
) -> Result<(), RevertOutcome> {
    plan.claim = Some(Claim {
        by: whoami(),
        at: now,
    });
    match store {
        PlanStore::File(dir) if !boost_store::claim(dir, &row.namespace, &row.name) => Err(
            RevertOutcome::Lost("another podsize on this machine claimed the revert".into()),
        ),
        PlanStore::File(_) => Ok(()),
        PlanStore::Annotation => {
            match save(client, store, row, plan, row.resource_version.as_deref()).await {
                Ok(()) => Ok(()),
                Err(e) if e.code == Some(409) => Err(RevertOutcome::Lost(format!(
                    "another podsize changed the pod first ({}): standing down",
                    e.message
                ))),
                Err(e) => Err(RevertOutcome::Refused(format!(
                    "claiming the revert failed: {}",
                    e.message
                ))),
            }
        }
    }
}
