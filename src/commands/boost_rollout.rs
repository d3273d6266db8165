//! `podsize boost -l SEL --cpu x2 --until-ready [--max 10m] --watch`: start-up boosts for the
//! pods a rollout creates, without installing anything in the cluster. Watches the matching
//! pods, boosts each one that starts (not Ready yet, never handled before) within seconds of
//! its scheduling, and reverts it at Ready or at the bound — through the same plan,
//! validation, claim and precondition as a single `podsize boost`, so a dashboard or
//! `--revert-due` elsewhere may do the revert as well. Prints one line per pod and event; on
//! Ctrl-C or SIGTERM it reverts what it still has boosted before it exits.

use super::CommandError;
use super::boost::{Planned, plan_container};
use super::resize::refused;
use crate::cli::{BoostArgs, ReportFormat};
use crate::cluster::boost::{PlanStore, RevertOutcome, apply, load, revert_if_due};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::wire::WirePod;
use crate::model::PodRow;
use crate::model::decide::boost::{Decision, revert_due, values_text};
use crate::model::decide::boost_rollout::{Pick, pick};
use crate::model::pods::events::Scope;
use chrono::Utc;
use futures::StreamExt;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

type Key = (String, String);

/// What a finished task reports.
enum Done {
    Boosted(Key, Result<Box<Planned>, String>),
    Reverted(Key, RevertOutcome),
}

/// Where the lines of a rollout watch go: stdout (the command), or a channel (the
/// dashboard's status line).
#[derive(Clone)]
pub enum Sink {
    Stdout(ReportFormat),
    Status(UnboundedSender<String>),
}

impl Sink {
    /// One line: `ns/pod container: event: message`, or one JSON object on stdout.
    fn line(&self, key: &Key, container: &str, event: &str, message: &str) {
        let (ns, pod) = key;
        let container = if container.is_empty() {
            String::new()
        } else {
            format!(" {container}")
        };
        let text = format!("{ns}/{pod}{container}: {event}: {message}");
        match self {
            Self::Stdout(ReportFormat::Json) => {
                let v = json!({ "namespace": ns, "pod": pod, "container": container.trim(),
                    "event": event, "message": message, "time": Utc::now().to_rfc3339() });
                outln!("{v}");
            }
            Self::Stdout(_) => outln!("{text}"),
            Self::Status(tx) => {
                let _ = tx.send(format!("start-up boost: {text}"));
            }
        }
    }
}

/// The watch's state: which pods were handled, which boosts this process made.
struct Rollout<'a> {
    client: &'a Client,
    caps: &'a Capabilities,
    args: &'a BoostArgs,
    sink: Sink,
    /// Uids already boosted or skipped: each pod is boosted at most once.
    handled: HashSet<String>,
    /// Boosts this process sent and has not seen ended, by pod: their container and where
    /// their plan is kept.
    ours: HashMap<Key, (String, PlanStore)>,
    /// Pods with a boost or revert on its way.
    busy: HashSet<Key>,
    tx: UnboundedSender<Done>,
}

impl Rollout<'_> {
    /// A new version of a matching pod: boost it, or revert our boost when it is due.
    fn on_pod(&mut self, row: &PodRow) {
        let key: Key = (row.namespace.clone(), row.name.clone());
        if self.busy.contains(&key) {
            return;
        }
        if let Some((container, store)) = self.ours.get(&key).cloned() {
            self.judge(row, key, container, &store);
            return;
        }
        let handled = self.handled.contains(&row.uid);
        match pick(row, handled, self.args.container.as_deref()) {
            Pick::Pass => {}
            Pick::Skip(why) => {
                self.handled.insert(row.uid.clone());
                self.sink.line(&key, "", "skipped", &why);
            }
            Pick::Boost(container) => {
                self.handled.insert(row.uid.clone());
                self.busy.insert(key.clone());
                let (client, caps) = (self.client.clone(), self.caps.clone());
                let (args, tx, row) = (self.args.clone(), self.tx.clone(), row.clone());
                tokio::spawn(async move {
                    let result = boost_one(&client, &caps, row, container, &args).await;
                    let _ = tx.send(Done::Boosted(key, result));
                });
            }
        }
    }

    /// Our boost on `row`: revert it when due; note when someone else ended it.
    fn judge(&mut self, row: &PodRow, key: Key, container: String, store: &PlanStore) {
        let now = Utc::now();
        let due = match load(store, row) {
            Some(Ok(plan)) => !matches!(revert_due(&plan, row, now), Decision::Wait(_)),
            Some(Err(_)) => false,
            None => {
                self.ours.remove(&key);
                let message = "ended by another podsize (or by hand)";
                self.sink.line(&key, &container, "reverted", message);
                return;
            }
        };
        if due {
            self.revert(key, store.clone(), false);
        }
    }

    /// Sends the revert of one of our boosts (`force`: now, whatever its condition).
    fn revert(&mut self, key: Key, store: PlanStore, force: bool) {
        self.busy.insert(key.clone());
        let (client, caps, tx) = (self.client.clone(), self.caps.clone(), self.tx.clone());
        tokio::spawn(async move {
            let (ns, pod) = (key.0.as_str(), key.1.as_str());
            let outcome = revert_if_due(&client, &caps, &store, (ns, pod), Utc::now(), force).await;
            let _ = tx.send(Done::Reverted(key, outcome));
        });
    }

    /// A finished task: one line, and the bookkeeping.
    fn on_done(&mut self, done: Done) {
        let sink = self.sink.clone();
        match done {
            Done::Boosted(key, Ok(p)) => {
                self.busy.remove(&key);
                let b = &p.boost;
                let message = format!(
                    "{} → {} until {}",
                    values_text(&b.original),
                    values_text(&b.boosted),
                    b.until.describe()
                );
                sink.line(&key, &b.container, "boosted", &message);
                self.ours
                    .insert(key, (b.container.clone(), p.store.clone()));
            }
            Done::Boosted(key, Err(why)) => {
                self.busy.remove(&key);
                sink.line(&key, "", "skipped", &why);
            }
            Done::Reverted(key, outcome) => {
                self.busy.remove(&key);
                let container = self.ours.get(&key).map(|o| o.0.clone()).unwrap_or_default();
                let (event, message) = match outcome {
                    RevertOutcome::Reverted(r) => (
                        "reverted",
                        format!("back to {}", values_text(&r.boost.original)),
                    ),
                    RevertOutcome::StoodDown(why) => ("stood down", why),
                    RevertOutcome::NoBoost => ("reverted", "by another podsize".into()),
                    // Not ended: the pod's next event or the clock looks again.
                    RevertOutcome::Wait(_) | RevertOutcome::Lost(_) => return,
                    RevertOutcome::Refused(why) => {
                        sink.line(&key, &container, "revert refused", &why);
                        return;
                    }
                };
                self.ours.remove(&key);
                sink.line(&key, &container, event, &message);
            }
        }
    }
}

/// Plans and sends one start-up boost; `Err` says why the pod is skipped.
async fn boost_one(
    client: &Client,
    caps: &Capabilities,
    row: PodRow,
    container: String,
    args: &BoostArgs,
) -> Result<Box<Planned>, String> {
    let planned = plan_container(client, caps, row, container, args)
        .await
        .map_err(|e| e.to_string())?;
    apply(
        client,
        caps,
        &planned.store,
        &planned.row,
        &planned.resize,
        &planned.boost,
    )
    .await
    .map_err(|e| format!("boost refused: {}", e.message))?;
    Ok(Box::new(planned))
}

pub async fn run(
    client: &Client,
    caps: &Capabilities,
    scope: &Scope,
    args: &BoostArgs,
) -> Result<(), CommandError> {
    let Some(selector) = scope.label_selector.as_deref() else {
        return Err(refused(
            "--watch boosts the pods of a workload: say which with -l SELECTOR",
        ));
    };
    if let Ok(Some(denied)) =
        crate::cluster::access::resize_denial(client, caps, scope.namespace.as_deref()).await
    {
        return Err(refused(format!("not started: {denied}")));
    }
    eprintln!(
        "watching pods -l {selector} in {}: each pod that starts is boosted until it is Ready{}; Ctrl-C stops and reverts what is still boosted",
        scope.namespace.as_deref().unwrap_or("all namespaces"),
        args.max
            .map(|m| format!(", {}s at most", m.as_secs()))
            .unwrap_or_default()
    );
    let sink = Sink::Stdout(args.output);
    watch_rollout(
        client,
        caps,
        scope,
        args,
        sink,
        super::terminal::stop_signal(),
    )
    .await;
    Ok(())
}

/// Boosts each matching pod that starts until `stop` resolves, then reverts what it still
/// has boosted. `scope` must carry a label selector (without one it watches every pod).
pub async fn watch_rollout(
    client: &Client,
    caps: &Capabilities,
    scope: &Scope,
    args: &BoostArgs,
    sink: Sink,
    stop: impl std::future::Future<Output = ()>,
) {
    let api: Api<WirePod> = match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let mut cfg = watcher::Config::default();
    if let Some(selector) = &scope.label_selector {
        cfg = cfg.labels(selector);
    }
    // kube's backoff re-lists after a dropped connection or a 410, so the watch survives a
    // reconnect; each error is reported and the loop goes on.
    let stream = watcher::watcher(api, cfg).default_backoff();
    futures::pin_mut!(stream);
    let (tx, mut rx) = unbounded_channel();
    let mut r = Rollout {
        client,
        caps,
        args,
        sink,
        handled: HashSet::new(),
        ours: HashMap::new(),
        busy: HashSet::new(),
        tx,
    };
    let mut rows: HashMap<Key, PodRow> = HashMap::new();
    // A bound passes without an event for the pod: look at our boosts once a second.
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tokio::pin!(stop);
    loop {
        tokio::select! {
            ev = stream.next() => match ev {
                Some(Ok(watcher::Event::Apply(w) | watcher::Event::InitApply(w))) => {
                    let row = PodRow::from_slim(&w.pod);
                    r.on_pod(&row);
                    rows.insert((row.namespace.clone(), row.name.clone()), row);
                }
                Some(Ok(watcher::Event::Delete(w))) => {
                    let row = PodRow::from_slim(&w.pod);
                    let key = (row.namespace.clone(), row.name.clone());
                    if let Some((container, _)) = r.ours.remove(&key) {
                        r.sink.line(&key, &container, "gone", "the pod was deleted while boosted");
                    }
                    rows.remove(&key);
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => tracing::warn!("start-up boost watch: {e}; reconnecting"),
                None => break,
            },
            Some(done) = rx.recv() => r.on_done(done),
            _ = tick.tick() => {
                let keys: Vec<Key> = r.ours.keys().cloned().collect();
                for key in keys {
                    if let Some(row) = rows.get(&key) {
                        r.on_pod(row);
                    }
                }
            }
            _ = &mut stop => break,
        }
    }
    stop_and_revert(&mut r, &mut rx).await;
}

/// Leaves no boost behind: reverts every boost this process made that is still on, and waits
/// for those already on their way.
async fn stop_and_revert(r: &mut Rollout<'_>, rx: &mut tokio::sync::mpsc::UnboundedReceiver<Done>) {
    let waiting: Vec<(Key, PlanStore)> = r
        .ours
        .iter()
        .filter(|(k, _)| !r.busy.contains(*k))
        .map(|(k, (_, store))| (k.clone(), store.clone()))
        .collect();
    if !r.ours.is_empty() || !r.busy.is_empty() {
        eprintln!("stopping: reverting what is still boosted");
    }
    for (key, store) in waiting {
        r.revert(key, store, true);
    }
    while !r.busy.is_empty() {
        let Some(done) = rx.recv().await else { break };
        // A boost that landed while stopping is reverted at once too.
        let landed = match &done {
            Done::Boosted(k, Ok(p)) => Some((k.clone(), p.store.clone())),
            _ => None,
        };
        r.on_done(done);
        if let Some((key, store)) = landed {
            r.revert(key, store, true);
        }
    }
}
