//! Reverting a boost so that it can never overwrite a person's change, and is sent once even
//! with several podsize processes watching:
//!
//! 1. Read the pod and decide (`revert_due`): not due, stand down, or revert.
//! 2. Claim the revert with a merge patch of the annotation that carries the
//!    `metadata.resourceVersion` just read: of several processes the server lets one through
//!    and answers 409 Conflict to the others.
//! 3. Read the pod again and send the revert with *that* read's resourceVersion as a
//!    precondition. A change anyone makes after the read (a `kubectl patch` landing while the
//!    revert is on its way) makes the server refuse the revert with 409 instead of letting it
//!    overwrite the change. A 409 is read again: values no longer the boosted ones mean a
//!    person changed them, so podsize stands down and removes the plan with a note; values
//!    still boosted mean some other write (the kubelet's status), so the revert is sent again.

use super::boost::{PlanStore, load, remove, save, whoami};
use super::boost_store;
use super::capabilities::Capabilities;
use super::resize::{Accepted, dry_run_then_send, get_row};
use crate::model::PodRow;
use crate::model::decide::boost::{BoostPlan, Claim, Decision, Until, changed_by_hand, revert_due};
use crate::model::ground::resources::CpuMem;
use crate::model::rules::plan::{Edits, ResizePlan, plan_resize};
use chrono::{DateTime, Utc};

/// How often a revert refused with 409 (while the values are still the boosted ones) is sent
/// again before the look ends; the plan stays for a later look.
const SEND_ATTEMPTS: usize = 4;

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
    /// The revert as sent (its patch carries the resourceVersion precondition).
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
    client: &kube::Client,
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
    client: &kube::Client,
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
        Decision::StandDown(why) => return stand_down(client, store, &row, why).await,
        Decision::Revert(original) => original,
    };
    let resize = plan_resize(
        &row,
        &plan.container,
        // Exactly as the server held them before the boost (`100u` back, not `1m`).
        Edits {
            exact: plan.original_exact,
            ..Edits::from_spec(&original)
        },
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
    send_guarded(client, caps, store, plan, resize).await
}

/// Removes the plan and says why the boost was not reverted.
async fn stand_down(
    client: &kube::Client,
    store: &PlanStore,
    row: &PodRow,
    why: String,
) -> RevertOutcome {
    match remove(client, store, row).await {
        Ok(()) => RevertOutcome::StoodDown(why),
        Err(e) => RevertOutcome::Refused(format!("{why}; removing the plan failed: {e}")),
    }
}

/// `resize` with `metadata.resourceVersion` set: the server refuses it with 409 Conflict if
/// the pod changed after that version.
fn with_precondition(resize: &ResizePlan, resource_version: Option<&str>) -> ResizePlan {
    let mut guarded = resize.clone();
    if let (Some(rv), Some(obj)) = (resource_version, guarded.patch.as_object_mut()) {
        obj.insert(
            "metadata".into(),
            serde_json::json!({ "resourceVersion": rv }),
        );
    }
    guarded
}

/// Step 3: after the claim, reads the pod and sends the revert only against that read.
async fn send_guarded(
    client: &kube::Client,
    caps: &Capabilities,
    store: &PlanStore,
    plan: BoostPlan,
    resize: ResizePlan,
) -> RevertOutcome {
    let (namespace, name) = (resize.namespace.as_str(), resize.pod.as_str());
    for _ in 0..SEND_ATTEMPTS {
        let fresh = match get_row(client, namespace, name).await {
            Ok(row) => row,
            Err(e) => {
                return RevertOutcome::Refused(format!(
                    "revert not sent: reading the pod after the claim failed: {}",
                    e.message
                ));
            }
        };
        if !plan.uid.is_empty() && fresh.uid != plan.uid {
            return RevertOutcome::StoodDown("the pod was replaced during the boost".into());
        }
        if let Some(why) = changed_by_hand(&plan, &fresh) {
            return stand_down(client, store, &fresh, why).await;
        }
        let restarts_before = fresh
            .container(&plan.container)
            .map_or(0, |c| c.restart_count);
        let guarded = with_precondition(&resize, fresh.resource_version.as_deref());
        match dry_run_then_send(client, caps, &guarded).await {
            Ok(accepted) => {
                if let Err(e) = remove(client, store, &accepted.row).await {
                    tracing::warn!("reverted, but removing the boost plan failed: {e}");
                }
                return RevertOutcome::Reverted(Box::new(Reverted {
                    accepted,
                    resize: guarded,
                    boost: plan,
                    restarts_before,
                }));
            }
            // The pod changed after the read: read again and judge again.
            Err(e) if e.code == Some(409) => continue,
            Err(e) => return RevertOutcome::Refused(format!("revert refused: {}", e.message)),
        }
    }
    RevertOutcome::Refused(
        "revert not sent: the pod changed on every try (409 Conflict); the plan stays for a later look"
            .into(),
    )
}

/// Claims the revert for this process; `Err` with the outcome when another one was first.
async fn claim(
    client: &kube::Client,
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
