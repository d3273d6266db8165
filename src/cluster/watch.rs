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
use tokio::sync::mpsc::UnboundedSender;

fn pod_api(client: &Client, scope: &Scope) -> Api<WirePod> {
    match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

fn watcher_config(scope: &Scope) -> watcher::Config {
    let mut cfg = watcher::Config::default().page_size(500);
    if let Some(sel) = &scope.label_selector {
        cfg = cfg.labels(sel);
    }
    cfg
}

/// Tracks failures so the header can say "reconnecting (attempt n)".
struct Health {
    attempt: u32,
    tx: UnboundedSender<ClusterEvent>,
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

    fn failed(&mut self, err: &watcher::Error) {
        self.attempt += 1;
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
pub async fn watch_pods(client: Client, scope: Scope, tx: UnboundedSender<ClusterEvent>) {
    let stream =
        watcher::watcher(pod_api(&client, &scope), watcher_config(&scope)).default_backoff();
    futures::pin_mut!(stream);
    let mut health = Health {
        attempt: 1,
        tx: tx.clone(),
    };
    let mut initial: Vec<PodRow> = Vec::new();
    while let Some(item) = stream.next().await {
        let event = match item {
            Ok(event) => event,
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
                initial.push(PodRow::from_slim(&p.pod));
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
            return;
        }
    }
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
