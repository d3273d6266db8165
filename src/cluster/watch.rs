//! Watch tasks: list+watch pods and nodes with kube's watcher and default backoff,
//! project each object on arrival, and send plain events to the app. Never ends on an error.

use super::wire::{WirePod, node_info};
use crate::model::PodRow;
use crate::model::events::{ClusterEvent, Connection, Scope};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Node;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use std::collections::BTreeMap;
use tokio::sync::mpsc::UnboundedSender;

fn pod_api(client: &Client, scope: &Scope) -> Api<WirePod> {
    match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// How the initial state is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitialList {
    /// Paged LIST then WATCH (every server).
    Paged,
    /// One WATCH with `sendInitialEvents`: objects are decoded while the rest still arrive
    /// (WatchList is on by default from 1.34; 1.33 ships it off).
    Streaming,
}

impl InitialList {
    pub fn for_minor(minor: Option<u32>) -> Self {
        if minor.is_some_and(|m| m >= 34) {
            Self::Streaming
        } else {
            Self::Paged
        }
    }
}

fn watcher_config(scope: &Scope, initial: InitialList) -> watcher::Config {
    let mut cfg = watcher::Config::default().page_size(500);
    if initial == InitialList::Streaming {
        cfg = cfg.streaming_lists();
    }
    if let Some(sel) = &scope.label_selector {
        cfg = cfg.labels(sel);
    }
    cfg
}

/// The server refused a streaming list (WatchList disabled): use paged lists instead.
fn refuses_streaming(err: &watcher::Error) -> bool {
    let code = match err {
        watcher::Error::WatchStartFailed(kube::Error::Api(status)) => status.code,
        watcher::Error::WatchError(status) => status.code,
        _ => return false,
    };
    matches!(code, 400 | 403 | 422)
}

/// Tracks failures so the header can say "reconnecting (attempt n)".
struct Health {
    attempt: u32,
    tx: UnboundedSender<ClusterEvent>,
    /// `probe::watches_opened()` at the last failure: a later watch accepted by the server
    /// means the connection is back, even if no pod changes to say so.
    opened_at_failure: u64,
}

impl Health {
    fn ok(&mut self) {
        if self.attempt > 0 {
            self.attempt = 0;
            let _ = self
                .tx
                .send(ClusterEvent::Connection(Connection::Connected));
        }
    }

    /// Called while reconnecting: marks the connection back once the server accepted a watch.
    fn check_reopened(&mut self) {
        if self.attempt > 0 && super::probe::watches_opened() > self.opened_at_failure {
            self.ok();
        }
    }

    fn failed(&mut self, err: &watcher::Error) {
        self.attempt += 1;
        self.opened_at_failure = super::probe::watches_opened();
        tracing::warn!(attempt = self.attempt, error = %err, "watch failed");
        let _ = self
            .tx
            .send(ClusterEvent::Connection(Connection::Reconnecting {
                attempt: self.attempt,
                error: super::client::one_line(err),
                since: chrono::Utc::now(),
            }));
    }
}

/// Watches pods in `scope` until the receiver is dropped.
pub async fn watch_pods(
    client: Client,
    scope: Scope,
    initial_list: InitialList,
    tx: UnboundedSender<ClusterEvent>,
) {
    let mut mode = initial_list;
    let mut health = Health {
        attempt: 1,
        tx: tx.clone(),
        opened_at_failure: 0,
    };
    loop {
        match watch_pods_with(&client, &scope, mode, &mut health, &tx).await {
            Ended::ReceiverGone => return,
            Ended::StreamingRefused => {
                tracing::info!("the server refused a streaming list; using paged lists");
                mode = InitialList::Paged;
            }
        }
    }
}

enum Ended {
    ReceiverGone,
    StreamingRefused,
}

async fn watch_pods_with(
    client: &Client,
    scope: &Scope,
    mode: InitialList,
    health: &mut Health,
    tx: &UnboundedSender<ClusterEvent>,
) -> Ended {
    let stream =
        watcher::watcher(pod_api(client, scope), watcher_config(scope, mode)).default_backoff();
    futures::pin_mut!(stream);
    // Built as a map while objects arrive, so a reset never holds the rows twice.
    let mut initial = BTreeMap::new();
    // Polled only while reconnecting, so an idle healthy watch causes no wake-ups.
    let mut reopened_probe = tokio::time::interval(std::time::Duration::from_millis(500));
    loop {
        let item = tokio::select! {
            item = stream.next() => match item {
                Some(item) => item,
                None => break,
            },
            _ = reopened_probe.tick(), if health.attempt > 0 => {
                health.check_reopened();
                continue;
            }
        };
        let event = match item {
            Ok(event) => event,
            Err(err) if mode == InitialList::Streaming && refuses_streaming(&err) => {
                return Ended::StreamingRefused;
            }
            Err(err) => {
                health.failed(&err);
                continue;
            }
        };
        health.ok();
        let message = match event {
            Event::Init => {
                initial.clear();
                continue;
            }
            Event::InitApply(p) => {
                let row = PodRow::from_slim(&p.pod);
                initial.insert((row.namespace.clone(), row.name.clone()), row);
                continue;
            }
            Event::InitDone => ClusterEvent::PodsReset(std::mem::take(&mut initial)),
            Event::Apply(p) => ClusterEvent::PodApplied(Box::new(PodRow::from_slim(&p.pod))),
            Event::Delete(p) => ClusterEvent::PodDeleted {
                namespace: p.pod.metadata.namespace,
                name: p.pod.metadata.name,
            },
        };
        if tx.send(message).is_err() {
            return Ended::ReceiverGone;
        }
    }
    Ended::ReceiverGone
}

/// Watches nodes (for allocatable and headroom). Failures here are quiet: pods carry the state.
pub async fn watch_nodes(client: Client, tx: UnboundedSender<ClusterEvent>) {
    let api: Api<Node> = Api::all(client);
    let stream = watcher::watcher(api, watcher::Config::default()).default_backoff();
    futures::pin_mut!(stream);
    let mut initial = Vec::new();
    while let Some(item) = stream.next().await {
        let message = match item {
            Err(err) => {
                tracing::debug!(error = %err, "node watch failed");
                continue;
            }
            Ok(Event::Init) => {
                initial.clear();
                continue;
            }
            Ok(Event::InitApply(n)) => {
                initial.push(node_info(&n));
                continue;
            }
            Ok(Event::InitDone) => ClusterEvent::NodesReset(std::mem::take(&mut initial)),
            Ok(Event::Apply(n)) => ClusterEvent::NodeApplied(node_info(&n)),
            Ok(Event::Delete(n)) => ClusterEvent::NodeDeleted(n.metadata.name.unwrap_or_default()),
        };
        if tx.send(message).is_err() {
            return;
        }
    }
}
