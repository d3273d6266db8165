//! Watch tasks: list+watch pods and nodes with kube's watcher and default backoff,
//! project each object on arrival, and send plain events to the app. Never ends on an error.

use super::connector::Connector;
use super::health::Health;
use super::retry::{Failure, classify};
use super::wire::{WirePod, node_info};
use crate::model::PodRow;
use crate::model::pods::events::{ClusterEvent, Scope};
use crate::settings::InitialList;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Node;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use tokio::sync::mpsc::UnboundedSender;

fn pod_api(client: &Client, scope: &Scope) -> Api<WirePod> {
    match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
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

/// Watches pods in `scope` until the receiver is dropped. Never ends on an error: a failed
/// first connection is retried like any other, and the client is rebuilt from the kubeconfig
/// when credentials are refused or the server stays unreachable.
pub async fn watch_pods(
    conn: impl Into<Connector>,
    scope: Scope,
    initial_list: InitialList,
    tx: UnboundedSender<ClusterEvent>,
) {
    let conn = conn.into();
    let mut mode = initial_list;
    let mut health = Health::new(tx.clone(), conn.server.clone());
    loop {
        let client = conn.client();
        let ended = if mode == InitialList::List {
            super::listwatch::list_then_watch(&client, &conn, &scope, &mut health, &tx).await
        } else {
            watch_pods_with(&client, &conn, &scope, mode, &mut health, &tx).await
        };
        match ended {
            Ended::ReceiverGone => return,
            Ended::NewClient => {}
            Ended::StreamingRefused | Ended::ListRefused => {
                tracing::info!(?mode, "the server refused this kind of list; using pages");
                mode = InitialList::Paged;
            }
        }
    }
}

pub(super) enum Ended {
    ReceiverGone,
    StreamingRefused,
    /// One unpaged LIST was refused or failed on the server's side.
    ListRefused,
    /// The client was rebuilt: start over with it.
    NewClient,
}

/// Waits out the backoff for a failure; true when the client was rebuilt meanwhile.
pub(super) async fn back_off(conn: &Connector, failure: Failure, failures: u32) -> bool {
    let rebuilt = conn.policy.rebuild(failure, failures) && conn.rebuild().await;
    tokio::time::sleep(conn.policy.delay(failure, failures)).await;
    rebuilt
}

async fn watch_pods_with(
    client: &Client,
    conn: &Connector,
    scope: &Scope,
    mode: InitialList,
    health: &mut Health,
    tx: &UnboundedSender<ClusterEvent>,
) -> Ended {
    // No backoff inside the stream: `back_off` paces the retries, per kind of failure.
    let stream = watcher::watcher(pod_api(client, scope), watcher_config(scope, mode));
    futures::pin_mut!(stream);
    // Rows go to the app in batches while the list arrives.
    let mut batch = Vec::new();
    // Polled only while reconnecting, so an idle healthy watch causes no wake-ups.
    let mut reopened_probe = tokio::time::interval(std::time::Duration::from_millis(500));
    loop {
        let item = tokio::select! {
            item = stream.next() => match item {
                Some(item) => item,
                None => return Ended::NewClient,
            },
            _ = reopened_probe.tick(), if health.failures > 0 => {
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
                let failure = classify(&err);
                health.failed(&err, failure, &conn.policy);
                if tx.is_closed() {
                    return Ended::ReceiverGone;
                }
                if back_off(conn, failure, health.failures).await {
                    return Ended::NewClient;
                }
                continue;
            }
        };
        if !matches!(event, Event::Init) {
            health.ok();
        }
        let message = match event {
            // Not a sign of health: after a failed list the watcher yields `Init` again
            // before it has asked the server anything. Counting it reset the attempt count
            // and the stale age at every retry.
            Event::Init => {
                batch.clear();
                ClusterEvent::ListStarted
            }
            Event::InitApply(p) => {
                batch.push(PodRow::from_slim(&p.pod));
                if batch.len() < 500 {
                    continue;
                }
                ClusterEvent::ListBatch(std::mem::take(&mut batch))
            }
            Event::InitDone => {
                if tx
                    .send(ClusterEvent::ListBatch(std::mem::take(&mut batch)))
                    .is_err()
                {
                    return Ended::ReceiverGone;
                }
                ClusterEvent::ListDone
            }
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
}

/// Watches nodes (for allocatable and headroom), following the connector's client. Failures
/// here are quiet: pods carry the connection state.
pub async fn watch_nodes(conn: impl Into<Connector>, tx: UnboundedSender<ClusterEvent>) {
    let conn = conn.into();
    let mut clients = conn.subscribe();
    loop {
        let client = clients.borrow_and_update().clone();
        tokio::select! {
            () = watch_nodes_with(client, &conn, &tx) => return,
            changed = clients.changed() => if changed.is_err() { return },
        }
    }
}

/// Returns only when the receiver is gone.
async fn watch_nodes_with(client: Client, conn: &Connector, tx: &UnboundedSender<ClusterEvent>) {
    let api: Api<Node> = Api::all(client);
    let stream = watcher::watcher(api, watcher::Config::default());
    futures::pin_mut!(stream);
    let mut initial = Vec::new();
    let mut failures = 0;
    while let Some(item) = stream.next().await {
        let message = match item {
            Err(err) => {
                failures += 1;
                tracing::debug!(error = %err, "node watch failed");
                let delay = conn.policy.delay(classify(&err), failures);
                tokio::time::sleep(delay).await;
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
        failures = 0;
        if tx.send(message).is_err() {
            return;
        }
    }
}
