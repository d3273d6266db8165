//! The dashboard's side of timed boosts: on each clock tick, reverts the due boosts of the
//! watched pods through the same claim-then-revert path as `podsize boost` (one at a time per
//! pod). A read-only dashboard never builds one of these.

use crate::cluster::boost::{PlanStore, RevertOutcome, revert_if_due};
use crate::cluster::capabilities::Capabilities;
use crate::model::row::PodKey;
use kube::Client;
use std::collections::HashSet;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub struct Reverter {
    in_flight: HashSet<PodKey>,
    tx: UnboundedSender<(PodKey, Option<String>)>,
    rx: UnboundedReceiver<(PodKey, Option<String>)>,
}

impl Default for Reverter {
    fn default() -> Self {
        let (tx, rx) = unbounded_channel();
        Self {
            in_flight: HashSet::new(),
            tx,
            rx,
        }
    }
}

/// The status line for an outcome; `None` when there is nothing to say.
fn status_of((ns, pod): &PodKey, outcome: RevertOutcome) -> Option<String> {
    match outcome {
        RevertOutcome::Reverted(r) => Some(format!(
            "boost of {ns}/{pod} {} reverted to {}",
            r.boost.container,
            crate::model::boost::values_text(&r.boost.original)
        )),
        RevertOutcome::StoodDown(why) => Some(format!("boost of {ns}/{pod}: {why}")),
        RevertOutcome::Refused(why) => Some(format!("boost of {ns}/{pod}: {why}")),
        RevertOutcome::NoBoost | RevertOutcome::Wait(_) | RevertOutcome::Lost(_) => None,
    }
}

impl Reverter {
    /// Starts a revert for each due pod not already being handled.
    pub fn start(&mut self, due: Vec<PodKey>, client: &Client, caps: &Capabilities) {
        for key in due {
            if !self.in_flight.insert(key.clone()) {
                continue;
            }
            let (client, caps, tx) = (client.clone(), caps.clone(), self.tx.clone());
            tokio::spawn(async move {
                let now = chrono::Utc::now();
                let (ns, pod) = (key.0.as_str(), key.1.as_str());
                let outcome = revert_if_due(
                    &client,
                    &caps,
                    &PlanStore::Annotation,
                    (ns, pod),
                    now,
                    false,
                )
                .await;
                tracing::info!("boost {ns}/{pod}: {outcome:?}");
                let status = status_of(&key, outcome);
                let _ = tx.send((key, status));
            });
        }
    }

    /// The next finished revert: its pod and what to show.
    pub async fn finished(&mut self) -> Option<String> {
        let (key, status) = self.rx.recv().await?;
        self.in_flight.remove(&key);
        status
    }
}
