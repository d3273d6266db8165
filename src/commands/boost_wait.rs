//! The staying half of `podsize boost`: `--wait` follows the boost, reverts it when due
//! (through the same claim as every other podsize) and follows the revert until the kubelet
//! has applied the original values — exit 0 then, 2 when the revert ends Infeasible or Error,
//! 3 when it takes longer than the `--wait` duration.
//!
//! Everything it learns comes from one watch of the pod: whether another podsize (a
//! dashboard) claimed or made the revert, and how far the revert got. It wakes at the
//! deadline itself so that it is among the first to claim a due revert.

use super::CommandError;
use super::boost::{Planned, report};
use crate::cli::ReportFormat;
use crate::cluster::boost::{RevertOutcome, load, revert_if_due};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::Accepted;
use crate::cluster::wire::WirePod;
use crate::model::PodRow;
use crate::model::decide::boost::{BoostPlan, Decision, changed_by_hand, revert_due, values_text};
use crate::model::pods::tracking::{Stage, Tracker};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use kube::runtime::watcher;
use kube::{Api, Client};
use serde_json::{Value, json};
use std::time::Duration;

/// Where a followed boost is.
enum Phase {
    /// The boost resize is under way.
    Boosting(Tracker),
    /// Boosted; waiting for the condition.
    Boosted,
    /// The revert was accepted (by this process, or another one when `by` says so).
    Reverting {
        tracker: Tracker,
        by: Option<String>,
    },
}

/// Ends the command with `code` (2 failed, 3 timed out), after the report.
fn ended(p: &Planned, output: ReportFormat, outcome: &str, code: u8, extra: Value) -> CommandError {
    let message = extra
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    report(output, p, outcome, extra);
    CommandError::Resize { code, message }
}

fn failed(output: ReportFormat, p: &Planned, message: String) -> Result<(), CommandError> {
    Err(ended(p, output, "Failed", 2, json!({ "message": message })))
}

fn restart_note(t: &Tracker, what: &str) -> Option<String> {
    t.restarted.then(|| {
        let note = format!(
            "container {} restarted during the {what} (its resizePolicy is RestartContainer)",
            t.container
        );
        eprintln!("{note}");
        note
    })
}

/// The revert's state for `-o json`: its stage, the server's message, the values it restores.
fn revert_state(t: &Tracker, p: &Planned, now: DateTime<Utc>) -> Value {
    let (stage, message) = match &t.stage {
        Stage::Submitted => ("Submitted", None),
        Stage::Observed => ("Observed", None),
        Stage::InProgress => ("InProgress", None),
        Stage::Deferred(m) => ("Deferred", Some(m.clone())),
        Stage::Infeasible(m) => ("Infeasible", Some(m.clone())),
        Stage::Error(m) => ("Error", Some(m.clone())),
        Stage::Done => ("Done", None),
        Stage::Gone => ("Gone", None),
    };
    json!({
        "stage": stage, "message": message, "values": values_text(&p.boost.original),
        "seconds": (now - t.started).num_milliseconds() as f64 / 1000.0,
    })
}

/// The plan as the pod carries it now (with any claim), `None` once it is gone.
fn current_plan(p: &Planned, latest: &PodRow) -> Option<BoostPlan> {
    match load(&p.store, latest) {
        Some(Ok(plan)) => Some(plan),
        // An unreadable plan is judged as the one this process wrote.
        Some(Err(_)) => Some(p.boost.clone()),
        None => None,
    }
}

/// What to do when the plan disappeared from the pod while this process was waiting:
/// another podsize reverted the boost (follow its revert), or stood down.
fn plan_gone(p: &Planned, latest: &PodRow, now: DateTime<Utc>) -> Result<Phase, String> {
    if let Some(why) = changed_by_hand(&p.boost, latest) {
        return Err(why);
    }
    let c = latest.container(&p.boost.container);
    if c.is_none_or(|c| c.desired != p.boost.original) {
        return Err(
            "the plan was removed by someone else; the container keeps the boosted values".into(),
        );
    }
    let restarts = c.map_or(0, |c| c.restart_count);
    let tracker = Tracker::new(latest, &p.boost.container, latest.generation, restarts, now);
    eprintln!("another podsize reverted the boost; following its revert");
    Ok(Phase::Reverting {
        tracker,
        by: Some("reverted by another podsize".into()),
    })
}

/// Follows the pod until the revert is applied (exit 0), stood down (exit 0, with the note)
/// or something failed (exit 2) or took longer than `timeout` (exit 3).
pub async fn follow_to_revert(
    client: &Client,
    caps: &Capabilities,
    p: &Planned,
    accepted: Accepted,
    output: ReportFormat,
    timeout: Duration,
) -> Result<(), CommandError> {
    let key = (p.row.namespace.as_str(), p.row.name.as_str());
    let restarts = p
        .row
        .container(&p.boost.container)
        .map_or(0, |c| c.restart_count);
    let mut latest = accepted.row.clone();
    let tracker = Tracker::new(
        &latest,
        &p.boost.container,
        accepted.generation,
        restarts,
        Utc::now(),
    );
    let mut phase = Phase::Boosting(tracker);
    let mut notes: Vec<String> = Vec::new();
    let api: Api<WirePod> = Api::namespaced(client.clone(), key.0);
    let cfg = watcher::Config::default().fields(&format!("metadata.name={}", key.1));
    let stream = watcher::watcher(api, cfg);
    futures::pin_mut!(stream);
    // Claims time out and conditions change without an event for this pod: look again now
    // and then, and exactly at the deadline.
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let deadline = p.boost.until.bound().map(|t| {
        let left = (t - Utc::now()).to_std().unwrap_or_default();
        tokio::time::Instant::now() + left
    });
    let at_deadline = async move {
        match deadline {
            Some(t) => tokio::time::sleep_until(t).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(at_deadline);
    let mut deadline_seen = false;
    loop {
        tokio::select! {
            ev = stream.next() => match ev {
                Some(Ok(watcher::Event::Apply(w) | watcher::Event::InitApply(w))) => {
                    latest = PodRow::from_slim(&w.pod);
                }
                Some(Ok(watcher::Event::Delete(_))) | None => {
                    return failed(output, p, "the pod was deleted during the boost".into());
                }
                _ => {}
            },
            _ = tick.tick() => {}
            _ = &mut at_deadline, if !deadline_seen => deadline_seen = true,
        }
        let now = Utc::now();
        match &mut phase {
            Phase::Boosting(t) => {
                if t.observe(&latest, now) {
                    eprintln!("boost: {}", t.summary(now));
                }
                if matches!(t.stage, Stage::Infeasible(_) | Stage::Error(_)) {
                    let why = t.stage.describe();
                    let back = revert_if_due(client, caps, &p.store, key, now, true).await;
                    let undo = match back {
                        RevertOutcome::Reverted(_) => "the original values were put back",
                        _ => {
                            "putting the original values back failed; run podsize boost --revert-due"
                        }
                    };
                    return failed(output, p, format!("the boost ended {why}; {undo}"));
                }
                // A boost still Deferred when its time is up is reverted all the same.
                let due = !matches!(revert_due(&p.boost, &latest, now), Decision::Wait(_));
                if t.stage.is_final() || due {
                    notes.extend(restart_note(t, "boost"));
                    phase = Phase::Boosted;
                }
            }
            Phase::Boosted => {
                let Some(plan) = current_plan(p, &latest) else {
                    phase = match plan_gone(p, &latest, now) {
                        Ok(next) => next,
                        Err(why) => return stood_down(output, p, why, &notes),
                    };
                    continue;
                };
                // Not due, or another podsize holds the claim: the watch will say more.
                if let Decision::Wait(_) = revert_due(&plan, &latest, now) {
                    continue;
                }
                match revert_if_due(client, caps, &p.store, key, now, false).await {
                    RevertOutcome::Reverted(r) => {
                        eprintln!(
                            "revert accepted: back to {}",
                            values_text(&p.boost.original)
                        );
                        let tracker = Tracker::new(
                            &r.accepted.row,
                            &p.boost.container,
                            r.accepted.generation,
                            r.restarts_before,
                            now,
                        );
                        phase = Phase::Reverting { tracker, by: None };
                    }
                    RevertOutcome::StoodDown(why) => return stood_down(output, p, why, &notes),
                    RevertOutcome::Refused(why) => return failed(output, p, why),
                    // Another podsize reverted it between the watch event and the read.
                    RevertOutcome::NoBoost | RevertOutcome::Wait(_) | RevertOutcome::Lost(_) => {}
                }
            }
            Phase::Reverting { tracker: t, by } => {
                // The watch may still deliver versions from before the revert: only one
                // that asks for the original values says how the revert goes.
                let asks_original = latest
                    .container(&p.boost.container)
                    .is_some_and(|c| c.desired == p.boost.original);
                if asks_original && t.observe(&latest, now) {
                    eprintln!("revert: {}", t.summary(now));
                }
                let state = revert_state(t, p, now);
                if t.stage == Stage::Done {
                    notes.extend(restart_note(t, "revert"));
                    let restarted = !notes.is_empty();
                    let extra = json!({
                        "message": by, "restarted": restarted, "notes": notes, "revert": state,
                    });
                    report(output, p, "Reverted", extra);
                    return Ok(());
                }
                if t.stage.is_final() {
                    let message = format!("the revert ended {}", t.stage.describe());
                    let extra = json!({ "message": message, "notes": notes, "revert": state });
                    return Err(ended(p, output, "Failed", 2, extra));
                }
                if (now - t.started).to_std().unwrap_or_default() > timeout {
                    let message = format!(
                        "timed out after {}s: the revert is {}",
                        timeout.as_secs(),
                        t.stage.describe()
                    );
                    let extra = json!({ "message": message, "notes": notes, "revert": state });
                    return Err(ended(p, output, "Timeout", 3, extra));
                }
            }
        }
    }
}

fn stood_down(
    output: ReportFormat,
    p: &Planned,
    why: String,
    notes: &[String],
) -> Result<(), CommandError> {
    eprintln!("{why}");
    report(
        output,
        p,
        "StoodDown",
        json!({ "message": why, "notes": notes }),
    );
    Ok(())
}
