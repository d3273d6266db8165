//! The dashboard's side of timed boosts: on each clock tick, reverts the due boosts of the
//! watched pods through the same claim-then-revert path as `podsize boost` (one at a time per
//! pod). A read-only dashboard never builds one of these.

use crate::cluster::boost::{PlanStore, RevertOutcome, revert_if_due};
use crate::cluster::capabilities::Capabilities;
use crate::model::decide::boost::{BoostPlan, Until};
use crate::model::pods::row::PodKey;
use crate::model::rules::plan::{Accepted, ResizePlan, ResizeRejected};
use kube::Client;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

const RETRY: Duration = Duration::from_secs(30);
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// What a finished task reports.
pub enum Msg {
    /// A revert ended; what to show, if anything.
    Reverted(PodKey, Option<String>),
    /// A boost from the `b` form was answered.
    Boosted(Box<(ResizePlan, Result<Accepted, ResizeRejected>)>),
}

pub struct Reverter {
    in_flight: HashSet<PodKey>,
    /// When each pod's boost was last tried: a refused revert is retried every 30 s, not
    /// every tick.
    tried: HashMap<PodKey, Instant>,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
}

impl Default for Reverter {
    fn default() -> Self {
        let (tx, rx) = unbounded_channel();
        Self {
            in_flight: HashSet::new(),
            tried: HashMap::new(),
            tx,
            rx,
        }
    }
}

/// The status line for an outcome; `None` when there is nothing to say.
fn status_of(key: &PodKey, outcome: RevertOutcome) -> Option<String> {
    let (ns, pod) = (&key.namespace, &key.name);
    match outcome {
        RevertOutcome::Reverted(r) => Some(format!(
            "boost of {ns}/{pod} {} reverted to {}",
            r.boost.container,
            crate::model::decide::boost::values_text(&r.boost.original)
        )),
        RevertOutcome::StoodDown(why) => Some(format!("boost of {ns}/{pod}: {why}")),
        RevertOutcome::Refused(why) => Some(format!("boost of {ns}/{pod}: {why}")),
        RevertOutcome::NoBoost | RevertOutcome::Wait(_) | RevertOutcome::Lost(_) => None,
    }
}

impl Reverter {
    /// Starts a revert for each due pod not already being handled, through its own cluster's
    /// client (`clients[key.cluster]`).
    pub fn start(&mut self, due: Vec<PodKey>, clients: &[(Client, Capabilities)]) {
        let now = Instant::now();
        self.tried.retain(|_, at| now.duration_since(*at) < RETRY);
        for key in due {
            let Some((client, caps)) = clients.get(usize::from(key.cluster)) else {
                continue;
            };
            if self.tried.contains_key(&key) || !self.in_flight.insert(key.clone()) {
                continue;
            }
            self.tried.insert(key.clone(), now);
            let (client, caps, tx) = (client.clone(), caps.clone(), self.tx.clone());
            tokio::spawn(async move {
                let now = chrono::Utc::now();
                let (ns, pod) = (key.namespace.as_str(), key.name.as_str());
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
                let _ = tx.send(Msg::Reverted(key, status));
            });
        }
    }

    /// Sends a boost from the `b` form: dry run, plan, resize (`cluster::boost::apply`).
    pub fn boost(&self, plans: (ResizePlan, BoostPlan), client: &Client, caps: &Capabilities) {
        let (client, caps, tx) = (client.clone(), caps.clone(), self.tx.clone());
        tokio::spawn(async move {
            let (resize, mut boost) = plans;
            boost.started_by = crate::cluster::boost::whoami();
            // The deadline counts from sending, not from when the form was filled in.
            let (planned_at, now) = (boost.started_at, chrono::Utc::now());
            match boost.until {
                Until::Deadline(t) => boost.until = Until::Deadline(now + (t - planned_at)),
                Until::ReadyBy(t) => boost.until = Until::ReadyBy(now + (t - planned_at)),
                Until::Ready => {}
            }
            boost.started_at = now;
            let ns = resize.namespace.clone();
            let store = crate::cluster::boost::choose_store(&client, &ns).await;
            let pod = crate::cluster::resize::get_row(&client, &ns, &resize.pod).await;
            let result = match pod {
                Ok(row) => {
                    crate::cluster::boost::apply(&client, &caps, &store, &row, &resize, &boost)
                        .await
                }
                Err(e) => Err(e),
            };
            let _ = tx.send(Msg::Boosted(Box::new((resize, result))));
        });
    }

    /// The next finished task.
    pub async fn finished(&mut self) -> Option<Msg> {
        let msg = self.rx.recv().await?;
        if let Msg::Reverted(key, _) = &msg {
            self.in_flight.remove(key);
        }
        Some(msg)
    }
}

/// Shows what a finished task reports.
pub fn show(state: &mut crate::app::AppState, msg: Msg) {
    match msg {
        Msg::Reverted(_, Some(text)) => state.set_status(text, false),
        Msg::Reverted(_, None) => {}
        Msg::Boosted(answer) => {
            let (plan, result) = *answer;
            crate::app::boost_form::on_result(state, &plan, result, chrono::Utc::now());
        }
    }
}
