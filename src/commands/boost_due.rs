//! `podsize boost --revert-due`: reverts every due boost in scope once and exits, through the
//! same claim and precondition as every other podsize.

use super::CommandError;
use crate::cli::ReportFormat;
use crate::cluster::boost::{PlanStore, RevertOutcome, revert_if_due};
use crate::cluster::boost_store;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::wire::WirePod;
use crate::model::pods::events::Scope;
use chrono::Utc;
use kube::api::ListParams;
use kube::{Api, Client};
use serde_json::json;

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
        let words = super::outcome_words::outcome_words(word);
        outln!("{ns}/{pod}: {words}: {message}");
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
