//! The dashboard's side of timed boosts: on each clock tick, reverts the due boosts of the
//! watched pods through the same claim-then-revert path as `podsize boost` (one at a time per
//! pod), sends the `b` form's boosts, and runs the start-up boosts `B` starts for a workload
//! (`boost_rollout::watch_rollout`). A read-only dashboard never builds one of these.

use super::boost_rollout::{Sink, watch_rollout};
use crate::cli::{BoostArgs, ReportFormat};
use crate::cluster::boost::{PlanStore, RevertOutcome, revert_if_due};
use crate::cluster::capabilities::Capabilities;
use crate::model::decide::boost::{BoostPlan, Until};
use crate::model::pods::row::ClusterId;
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
    /// A line to show (start-up boosts report each pod).
    Status(String),
    /// `B`: the selected pod's workload was looked up: (what it is, its selector).
    Workload(Box<WorkloadFound>),
}

pub struct WorkloadFound {
    key: PodKey,
    client: Client,
    caps: Capabilities,
    result: Result<(String, String), String>,
}

/// Start-up boosts running for one workload: a stop signal and the task, which reverts what
/// it still has boosted once stopped.
struct StartupWatch {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

pub struct Reverter {
    in_flight: HashSet<PodKey>,
    /// When each pod's boost was last tried: a refused revert is retried every 30 s, not
    /// every tick.
    tried: HashMap<PodKey, Instant>,
    /// Start-up boosts by (cluster, namespace, selector).
    startup: HashMap<(ClusterId, String, String), StartupWatch>,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
}

impl Default for Reverter {
    fn default() -> Self {
        let (tx, rx) = unbounded_channel();
        Self {
            in_flight: HashSet::new(),
            tried: HashMap::new(),
            startup: HashMap::new(),
            tx,
            rx,
        }
    }
}

/// What `B` starts: x2 CPU until Ready, ten minutes at most, as
/// `podsize boost -l SEL --cpu x2 --until-ready --max 10m --watch`.
fn startup_args() -> BoostArgs {
    BoostArgs {
        pod: None,
        container: None,
        cpu: Some("x2".into()),
        memory: None,
        for_: None,
        until_ready: true,
        max: Some(Duration::from_secs(600)),
        allow_restart: false,
        wait: None,
        dry_run: false,
        revert_due: false,
        output: ReportFormat::Table,
        watch: true,
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

    /// `B`: looks up the selected pod's workload; `finished` then starts or stops its
    /// start-up boosts.
    pub fn startup_boosts(&self, key: PodKey, client: &Client, caps: &Capabilities) {
        let (client, caps, tx) = (client.clone(), caps.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = crate::cluster::workload_selector::workload_selector(
                &client,
                &key.namespace,
                &key.name,
            )
            .await;
            let found = WorkloadFound {
                key,
                client,
                caps,
                result,
            };
            let _ = tx.send(Msg::Workload(Box::new(found)));
        });
    }

    /// Starts the start-up boosts of a workload, or stops them when they run; what to say.
    fn toggle_startup(&mut self, found: WorkloadFound) -> String {
        let (what, selector) = match found.result {
            Ok(found) => found,
            Err(e) => return format!("start-up boosts: {e}"),
        };
        let ns = found.key.namespace.clone();
        let id = (found.key.cluster, ns.clone(), selector.clone());
        if let Some(running) = self.startup.remove(&id) {
            // The task reverts what it still has boosted, then ends.
            let _ = running.stop.send(());
            return format!("start-up boosts for {what} stopped; reverting what is still boosted");
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let tx = self.tx.clone();
        let (client, caps) = (found.client, found.caps);
        let scope = crate::model::pods::events::Scope {
            namespace: Some(ns),
            label_selector: Some(selector.clone()),
        };
        let task = tokio::spawn(async move {
            let (lines, mut rx) = unbounded_channel::<String>();
            let forward = tokio::spawn(async move {
                while let Some(line) = rx.recv().await {
                    let _ = tx.send(Msg::Status(line));
                }
            });
            let args = startup_args();
            let stop = async move {
                let _ = stopped.await;
            };
            let sink = Sink::Status(lines);
            watch_rollout(&client, &caps, &scope, &args, sink, stop).await;
            forward.abort();
        });
        self.startup.insert(id, StartupWatch { stop, task });
        format!(
            "start-up boosts for {what} (-l {selector}): each new pod x2 CPU until Ready, 10m at most; B again stops"
        )
    }

    /// Stops every start-up boost watch and waits (a few seconds at most) until each has
    /// reverted what it still had boosted: quitting the dashboard leaves no boost behind.
    pub async fn shutdown(&mut self) {
        let watches: Vec<StartupWatch> = self.startup.drain().map(|(_, w)| w).collect();
        for w in watches {
            let _ = w.stop.send(());
            let _ = tokio::time::timeout(Duration::from_secs(10), w.task).await;
        }
    }

    /// The next finished task.
    pub async fn finished(&mut self) -> Option<Msg> {
        let msg = self.rx.recv().await?;
        match msg {
            Msg::Reverted(ref key, _) => {
                self.in_flight.remove(key);
                Some(msg)
            }
            Msg::Workload(found) => Some(Msg::Status(self.toggle_startup(*found))),
            other => Some(other),
        }
    }
}

/// Shows what a finished task reports.
pub fn show(state: &mut crate::app::AppState, msg: Msg) {
    match msg {
        Msg::Reverted(_, Some(text)) => state.set_status(text, false),
        Msg::Reverted(_, None) | Msg::Workload(_) => {}
        Msg::Status(text) => state.set_status(text, false),
        Msg::Boosted(answer) => {
            let (plan, result) = *answer;
            crate::app::boost_form::on_result(state, &plan, result, chrono::Utc::now());
        }
    }
}
