//! The staying half of `podsize boost`: `--wait` follows the boost to its end, reverts it when
//! due (through the same claim as every other podsize) and follows the revert; `--revert-due`
//! reverts every due boost in scope once and exits.

use super::CommandError;
use super::boost::{Planned, report};
use crate::cli::ReportFormat;
use crate::cluster::boost::{PlanStore, RevertOutcome, revert_if_due};
use crate::cluster::boost_store;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::Accepted;
use crate::cluster::wire::WirePod;
use crate::model::PodRow;
use crate::model::decide::boost::{Decision, revert_due};
use crate::model::pods::events::Scope;
use crate::model::pods::tracking::{Stage, Tracker};
use chrono::Utc;
use futures::StreamExt;
use kube::api::ListParams;
use kube::runtime::watcher;
use kube::{Api, Client};
use serde_json::json;
use std::time::Duration;

/// Where a followed boost is.
enum Phase {
    /// The boost resize is under way.
    Boosting(Tracker),
    /// Boosted; waiting for the condition.
    Boosted,
    /// The revert was sent; following it.
    Reverting(Tracker),
}

fn failed(output: ReportFormat, p: &Planned, message: String) -> Result<(), CommandError> {
    report(output, p, "Failed", json!({ "message": message }));
    Err(CommandError::Resize { code: 2, message })
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

/// Follows the pod until the boost is reverted (exit 0), stood down (exit 0, with the note)
/// or something failed (exit 2).
pub async fn follow_to_revert(
    client: &Client,
    caps: &Capabilities,
    p: &Planned,
    accepted: Accepted,
    output: ReportFormat,
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
    let mut tick = tokio::time::interval(Duration::from_millis(500));
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
                if let Decision::Wait(_) = revert_due(&p.boost, &latest, now) {
                    continue;
                }
                match revert_if_due(client, caps, &p.store, key, now, false).await {
                    RevertOutcome::Reverted(r) => {
                        let (accepted, restarts_before) = (&r.accepted, r.restarts_before);
                        eprintln!(
                            "revert accepted: back to {}",
                            crate::model::decide::boost::values_text(&p.boost.original)
                        );
                        let t = Tracker::new(
                            &accepted.row,
                            &p.boost.container,
                            accepted.generation,
                            restarts_before,
                            now,
                        );
                        phase = Phase::Reverting(t);
                    }
                    RevertOutcome::StoodDown(why) => {
                        eprintln!("{why}");
                        report(
                            output,
                            p,
                            "StoodDown",
                            json!({ "message": why, "notes": notes }),
                        );
                        return Ok(());
                    }
                    RevertOutcome::NoBoost => {
                        let message = "reverted by another podsize".to_string();
                        report(
                            output,
                            p,
                            "Reverted",
                            json!({ "message": message, "notes": notes }),
                        );
                        return Ok(());
                    }
                    RevertOutcome::Refused(why) => return failed(output, p, why),
                    RevertOutcome::Wait(_) | RevertOutcome::Lost(_) => {}
                }
            }
            Phase::Reverting(t) => {
                t.observe(&latest, now);
                if t.stage == Stage::Done {
                    notes.extend(restart_note(t, "revert"));
                    let restarted = !notes.is_empty();
                    report(
                        output,
                        p,
                        "Reverted",
                        json!({ "restarted": restarted, "notes": notes }),
                    );
                    return Ok(());
                }
                if t.stage.is_final() {
                    let why = format!("the revert ended {}", t.stage.describe());
                    return failed(output, p, why);
                }
            }
        }
    }
}

/// One line per boost looked at.
fn print_outcome(output: ReportFormat, ns: &str, pod: &str, outcome: &RevertOutcome) {
    let (word, message) = match outcome {
        RevertOutcome::NoBoost => return,
        RevertOutcome::Wait(m) => ("Waiting", m.clone()),
        RevertOutcome::StoodDown(m) => ("StoodDown", m.clone()),
        RevertOutcome::Lost(m) => ("Lost", m.clone()),
        RevertOutcome::Refused(m) => ("Refused", m.clone()),
        RevertOutcome::Reverted(r) => (
            "Reverted",
            serde_json::to_string(&r.resize.patch).unwrap_or_default(),
        ),
    };
    if output == ReportFormat::Json {
        let v = json!({ "namespace": ns, "pod": pod, "outcome": word, "message": message });
        outln!("{v}");
    } else {
        outln!("{ns}/{pod}: {word}: {message}");
    }
}

/// `podsize boost --revert-due`: every boosted pod in scope, annotation or state file.
pub async fn revert_due_in_scope(
    client: &Client,
    caps: &Capabilities,
    scope: &Scope,
    output: ReportFormat,
) -> Result<(), CommandError> {
    let api: Api<WirePod> = match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let mut params = ListParams::default();
    if let Some(sel) = &scope.label_selector {
        params = params.labels(sel);
    }
    let list = api
        .list(&params)
        .await
        .map_err(|e| CommandError::Api(crate::cluster::client::one_line(&e)))?;
    let mut targets: Vec<(String, String, PlanStore)> = list
        .items
        .iter()
        .filter(|w| w.pod.metadata.annotations.boost.is_some())
        .map(|w| {
            let m = &w.pod.metadata;
            (m.namespace.clone(), m.name.clone(), PlanStore::Annotation)
        })
        .collect();
    if let Some(dir) = boost_store::state_dir() {
        let in_scope = |ns: &str| scope.namespace.as_deref().is_none_or(|want| want == ns);
        for (ns, pod) in boost_store::list(&dir)
            .into_iter()
            .filter(|(ns, _)| in_scope(ns))
        {
            targets.push((ns, pod, PlanStore::File(dir.clone())));
        }
    }
    let mut refused = Vec::new();
    for (ns, pod, store) in targets {
        let outcome = revert_if_due(client, caps, &store, (&ns, &pod), Utc::now(), false).await;
        print_outcome(output, &ns, &pod, &outcome);
        if let RevertOutcome::Refused(m) = outcome {
            refused.push(format!("{ns}/{pod}: {m}"));
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Resize {
            code: 2,
            message: refused.join("; "),
        })
    }
}
