//! `podsize recommend --verify`: the server as the last word (issue 27, item 7). Each changed
//! record's patch is sent as a server dry run (`dryRun=All`, nothing is stored) and the
//! server's answer replaces podsize's own judgement in `applicable`/`errors`. An HPA finding
//! stays: the server accepts such a patch, the HPA undoes it afterwards.

use super::recommend::ContainerAdvice;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::send;
use crate::model::rules::plan::{Field, PlanError};
use kube::Client;

/// The prefix of the HPA findings `recommend_preflight` adds (`HpaEffect::describe`).
const HPA_FINDING: &str = "HPA ";

pub async fn verify(client: &Client, caps: &Capabilities, advice: &mut ContainerAdvice) {
    let Some(plan) = advice.plan.as_mut().filter(|p| p.changed) else {
        return;
    };
    let kept: Vec<PlanError> = plan
        .errors
        .iter()
        .filter(|e| e.message.starts_with(HPA_FINDING))
        .cloned()
        .collect();
    match send(client, caps, plan, true).await {
        Ok(_) => plan.errors = kept,
        // No answer (read-only client, connection lost): the record cannot be called
        // applicable on the server's word, so it says so rather than keep a guess.
        Err(rejected) if rejected.code.is_none() => plan.errors.push(PlanError {
            field: Field::Whole,
            message: format!("not verified by the server: {}", rejected.message),
        }),
        Err(rejected) => {
            plan.errors = vec![PlanError {
                field: Field::Whole,
                message: rejected.message,
            }];
            plan.errors.extend(kept);
        }
    }
}
