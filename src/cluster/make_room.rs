//! Sends a make-room plan all or nothing, and gives lent room back.
//!
//! Every shrink is dry-run before any is sent. Each victim then gets its `podsize.dev/lent`
//! record first (carrying the plan's resourceVersion, so a pod changed since the plan is
//! refused) and its one resize patch second (carrying the record's resourceVersion): a shrink
//! is never on a pod without its way back. When a later shrink is refused, the ones already
//! sent are put back, each only if it still holds the values this plan gave it.

use super::capabilities::Capabilities;
use super::resize::{ResizeRejected, get_row, rejected_from_kube, send_patch};
use crate::model::PodRow;
use crate::model::decide::lent::{ANNOTATION, GiveBack, Lent, give_back, give_back_prediction};
use crate::model::decide::make_room::{Plan, Report, Shrink};
use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::NodeInfo;
use crate::model::rules::patch::{ContainerChange, pod_patch};
use crate::model::rules::plan::Prediction;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client};
use serde_json::{Value, json};

fn who(s: &Shrink) -> String {
    format!("{}/{}", s.namespace, s.pod)
}

/// Why a shrink was refused, in words that say what to do.
pub fn refusal_text(s: &Shrink, e: &ResizeRejected) -> String {
    if e.code == Some(409) {
        format!(
            "{} changed since the plan was made (409 Conflict): nothing of it was overwritten; run make-room again ({})",
            who(s),
            e.message
        )
    } else {
        format!("{}: {}", who(s), e.message)
    }
}

/// Sets (or with `None` removes) the lent record; `rv` makes it conditional.
async fn write_lent(
    client: &Client,
    (namespace, name): (&str, &str),
    value: Option<String>,
    rv: Option<&str>,
) -> Result<PodRow, ResizeRejected> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let mut metadata = json!({ "annotations": { ANNOTATION: value } });
    if let Some(rv) = rv {
        metadata["resourceVersion"] = json!(rv);
    }
    let params = PatchParams {
        field_manager: Some("podsize".into()),
        ..PatchParams::default()
    };
    let patch = Patch::Merge(json!({ "metadata": metadata }));
    let pod = api
        .patch(name, &params, &patch)
        .await
        .map_err(|e| rejected_from_kube(&e))?;
    let slim = crate::model::SlimPod::from_pod(&pod).unwrap_or_default();
    Ok(PodRow::from_slim(&slim))
}

fn with_rv(patch: &Value, rv: Option<&str>) -> Value {
    let mut p = patch.clone();
    if let (Some(rv), Some(obj)) = (rv, p.as_object_mut()) {
        obj.insert("metadata".into(), json!({ "resourceVersion": rv }));
    }
    p
}

/// Dry-runs every shrink; the first refusal stops the plan before anything is sent.
pub async fn dry_run(client: &Client, caps: &Capabilities, plan: &Plan) -> Result<(), String> {
    for s in &plan.shrinks {
        send_patch(client, caps, (&s.namespace, &s.pod), &s.patch, true)
            .await
            .map_err(|e| format!("dry run refused, nothing sent: {}", refusal_text(s, &e)))?;
    }
    Ok(())
}

/// Records and sends one shrink: the record carries the plan's resourceVersion, the resize
/// the record's answer's.
async fn send_one(
    client: &Client,
    caps: &Capabilities,
    plan: &Plan,
    s: &Shrink,
    by: &str,
) -> Result<crate::model::rules::plan::Accepted, String> {
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let record = Lent::of(plan, s, plan.needs, by, &at).to_annotation();
    let key = (s.namespace.as_str(), s.pod.as_str());
    let recorded = write_lent(client, key, Some(record), s.resource_version.as_deref())
        .await
        .map_err(|e| refusal_text(s, &e))?;
    let patch = with_rv(&s.patch, recorded.resource_version.as_deref());
    match send_patch(client, caps, key, &patch, false).await {
        Ok(accepted) => Ok(accepted),
        Err(e) => {
            // The shrink did not happen: its record must not claim it did.
            let _ = write_lent(client, key, None, None).await;
            Err(refusal_text(s, &e))
        }
    }
}

/// Sends every shrink of `plan` (after dry-running them all); on a refusal puts back the ones
/// already sent. `Err` only when the dry run refused (nothing was sent).
pub async fn apply(
    client: &Client,
    caps: &Capabilities,
    plan: &Plan,
    by: &str,
) -> Result<Report, String> {
    dry_run(client, caps, plan).await?;
    let mut report = Report::default();
    for (i, s) in plan.shrinks.iter().enumerate() {
        match send_one(client, caps, plan, s, by).await {
            Ok(accepted) => report.sent.push((i, accepted)),
            Err(why) => {
                report.refused = Some(format!(
                    "stopped at shrink {} of {}: {why}",
                    i + 1,
                    plan.shrinks.len()
                ));
                break;
            }
        }
    }
    if report.refused.is_some() {
        put_back_sent(client, caps, plan, &mut report).await;
    }
    Ok(report)
}

async fn put_back_sent(client: &Client, caps: &Capabilities, plan: &Plan, report: &mut Report) {
    for (i, _) in std::mem::take(&mut report.sent).into_iter().rev() {
        let s = &plan.shrinks[i];
        match give_back_one(client, caps, (&s.namespace, &s.pod), None).await {
            GiveBackOutcome::Restored(_) => report.put_back.push(who(s)),
            other => report.kept.push(format!(
                "{} keeps {}: {}",
                who(s),
                kept_values(s),
                other.describe()
            )),
        }
    }
}

fn kept_values(s: &Shrink) -> String {
    let mut parts: Vec<String> = s
        .containers
        .iter()
        .map(|c| {
            format!(
                "{} requests {}",
                c.container,
                crate::model::decide::boost::values_text(&c.after)
            )
        })
        .collect();
    if let Some((_, after)) = &s.pod_level {
        parts.push(format!(
            "pod-level {}",
            crate::model::decide::boost::values_text(after)
        ));
    }
    parts.join(", ")
}

/// How giving one victim's room back ended.
#[derive(Debug)]
pub enum GiveBackOutcome {
    /// The pod carries no lent record.
    NothingLent,
    Restored(Box<PodRow>),
    /// Changed since the room was lent: its values stay, its record is gone.
    LeftAsSet(String),
    /// The node lacks the room to give back now; the record stays for later.
    NoRoom(String),
    Failed(String),
}

impl GiveBackOutcome {
    pub fn describe(&self) -> String {
        match self {
            Self::NothingLent => "nothing lent".into(),
            Self::Restored(_) => "original values restored".into(),
            Self::LeftAsSet(w) => format!("left as set: {w}"),
            Self::NoRoom(w) => format!("not yet: {w}"),
            Self::Failed(w) => format!("failed: {w}"),
        }
    }
}

/// Why the kubelet would not admit the restore now, in its own figures (resize-api.md §4.8).
fn shortfall(prediction: &Prediction) -> String {
    let short = |need: Option<i64>, free: Option<i64>| match (need, free) {
        (Some(n), Some(f)) if n > f => Some((n, f.max(0))),
        _ => None,
    };
    match prediction {
        Prediction::Deferred { free, needs } => {
            let mut parts = Vec::new();
            if let Some((n, f)) = short(needs.cpu_millis, free.cpu_millis) {
                parts.push(format!(
                    "cpu {} of {} free",
                    cpu_canonical(n),
                    cpu_canonical(f)
                ));
            }
            if let Some((n, f)) = short(needs.memory_bytes, free.memory_bytes) {
                let (n, f) = (memory_canonical(n), memory_canonical(f));
                parts.push(format!("memory {n} of {f} free"));
            }
            format!(
                ": the kubelet would defer it (it asks for {})",
                parts.join(", ")
            )
        }
        Prediction::Infeasible { .. } => ": its original values are larger than the node".into(),
        Prediction::FitsNow | Prediction::Unknown => String::new(),
    }
}

/// The patch that gives `values` back to `row`, with `row`'s resourceVersion.
fn restore_patch(row: &PodRow, values: &[crate::model::decide::lent::LentValues]) -> Value {
    let kind = |n: &str| {
        row.container(n)
            .map_or(crate::model::ContainerKind::Regular, |c| c.kind)
    };
    let changes: Vec<ContainerChange> = values
        .iter()
        .filter(|v| !v.container.is_empty())
        .map(|v| ContainerChange {
            kind: kind(&v.container),
            name: &v.container,
            new: &v.original,
            old: &v.lent,
        })
        .collect();
    let level = values
        .iter()
        .find(|v| v.container.is_empty())
        .map(|v| (&v.original, &v.lent));
    pod_patch(&changes, level, row.resource_version.as_deref())
}

/// A victim's node and what the kubelet holds there for the other pods (`others_of`, plus
/// what restores sent before this one take): what giving the room back is admitted against.
pub struct KubeletRoom<'a> {
    pub node: &'a NodeInfo,
    pub others: CpuMem,
}

/// Gives one victim its original values back if it still holds the lent ones and (with
/// `room`) the kubelet would admit the restore now; a 409 from another write in between is
/// read again.
pub async fn give_back_one(
    client: &Client,
    caps: &Capabilities,
    key: (&str, &str),
    room: Option<KubeletRoom<'_>>,
) -> GiveBackOutcome {
    let mut last = String::new();
    for _ in 0..3 {
        let row = match get_row(client, key.0, key.1).await {
            Ok(r) => r,
            Err(e) => return GiveBackOutcome::Failed(e.message),
        };
        let Some(text) = row.lent.clone() else {
            return GiveBackOutcome::NothingLent;
        };
        let lent = match Lent::from_annotation(&text) {
            Ok(l) => l,
            Err(e) => return GiveBackOutcome::Failed(e),
        };
        let values = match give_back(&lent, &row) {
            GiveBack::Changed(note) => {
                let _ = write_lent(client, key, None, row.resource_version.as_deref()).await;
                return GiveBackOutcome::LeftAsSet(note);
            }
            GiveBack::Restore(values) => values,
        };
        if let Some(room) = &room {
            let prediction = give_back_prediction(&row, &values, room.node, room.others);
            if prediction != Prediction::FitsNow {
                return GiveBackOutcome::NoRoom(format!(
                    "node {} has not the room to give it back yet{}",
                    lent.node,
                    shortfall(&prediction)
                ));
            }
        }
        let patch = restore_patch(&row, &values);
        match send_patch(client, caps, key, &patch, false).await {
            Ok(accepted) => {
                let _ = write_lent(client, key, None, None).await;
                return GiveBackOutcome::Restored(Box::new(accepted.row));
            }
            Err(e) if e.code == Some(409) => last = e.message,
            Err(e) => return GiveBackOutcome::Failed(e.message),
        }
    }
    GiveBackOutcome::Failed(format!("the pod kept changing: {last}"))
}
