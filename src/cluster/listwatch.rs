//! The `list` strategy: one LIST decoded while it arrives, then a WATCH from its
//! resourceVersion; a 410 on the watch lists again the same way. A server that will not
//! answer an unpaged list (410, 429, 5xx, or a refusal) makes the caller switch to pages.

use super::connector::Connector;
use super::health::Health;
use super::list::{ListError, list_pods};
use super::retry::classify;
use super::watch::{Ended, back_off};
use super::wire::WirePod;
use crate::model::PodRow;
use crate::model::pods::events::{ClusterEvent, Scope};
use futures::StreamExt;
use kube::api::{WatchEvent, WatchParams};
use kube::runtime::watcher;
use kube::{Api, Client};
use tokio::sync::mpsc::UnboundedSender;

/// Answers to an unpaged list that pages may get past.
fn pages_may_help(err: &ListError) -> bool {
    matches!(err, ListError::Kube(kube::Error::Api(s))
        if matches!(s.code, 400 | 410 | 413 | 422 | 429 | 500..=599))
}

fn as_watcher_error(err: ListError) -> watcher::Error {
    watcher::Error::InitialListFailed(match err {
        ListError::Kube(e) => e,
        ListError::Read(e) => kube::Error::ReadEvents(e),
        other => kube::Error::ReadEvents(std::io::Error::other(other.to_string())),
    })
}

/// Why a watch stopped.
enum WatchEnd {
    /// The resourceVersion is too old: list again.
    Expired,
    Gone(Ended),
}

pub(super) async fn list_then_watch(
    client: &Client,
    conn: &Connector,
    scope: &Scope,
    health: &mut Health,
    tx: &UnboundedSender<ClusterEvent>,
) -> Ended {
    loop {
        if tx.send(ClusterEvent::ListStarted).is_err() {
            return Ended::ReceiverGone;
        }
        let rv = match list_pods(client, scope, tx).await {
            Ok(rv) => rv,
            Err(ListError::ReceiverGone) => return Ended::ReceiverGone,
            Err(err) if pages_may_help(&err) => {
                tracing::info!(error = %err, "the server did not answer one list; using pages");
                return Ended::ListRefused;
            }
            Err(err) => {
                let err = as_watcher_error(err);
                let failure = classify(&err);
                health.failed(&err, failure, &conn.policy);
                if back_off(conn, failure, health.failures).await {
                    return Ended::NewClient;
                }
                continue;
            }
        };
        health.ok();
        if tx.send(ClusterEvent::ListDone).is_err() {
            return Ended::ReceiverGone;
        }
        match watch_from(client, conn, scope, rv, health, tx).await {
            WatchEnd::Expired => tracing::info!("watch expired (410); listing again"),
            WatchEnd::Gone(ended) => return ended,
        }
    }
}

/// Watches from `rv`, re-opening after errors and timeouts, until the version expires.
async fn watch_from(
    client: &Client,
    conn: &Connector,
    scope: &Scope,
    mut rv: String,
    health: &mut Health,
    tx: &UnboundedSender<ClusterEvent>,
) -> WatchEnd {
    let api: Api<WirePod> = match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let mut params = WatchParams::default().timeout(290);
    if let Some(sel) = &scope.label_selector {
        params = params.labels(sel);
    }
    loop {
        let err = match api.watch(&params, &rv).await {
            Err(e) => watcher::Error::WatchStartFailed(e),
            Ok(stream) => {
                health.ok();
                futures::pin_mut!(stream);
                match follow(&mut stream, &mut rv, tx).await {
                    Ok(()) => continue,
                    Err(Some(status)) if status.code == 410 => return WatchEnd::Expired,
                    Err(Some(status)) => watcher::Error::WatchError(status),
                    Err(None) => return WatchEnd::Gone(Ended::ReceiverGone),
                }
            }
        };
        if matches!(&err, watcher::Error::WatchStartFailed(kube::Error::Api(s)) if s.code == 410) {
            return WatchEnd::Expired;
        }
        let failure = classify(&err);
        health.failed(&err, failure, &conn.policy);
        if back_off(conn, failure, health.failures).await {
            return WatchEnd::Gone(Ended::NewClient);
        }
    }
}

/// Sends the stream's events; `Ok` when it ended (a timeout or a dropped connection: re-open
/// from `rv`), `Err(Some)` on an error event, `Err(None)` when the app is gone.
async fn follow(
    stream: &mut (impl futures::Stream<Item = kube::Result<WatchEvent<WirePod>>> + Unpin),
    rv: &mut String,
    tx: &UnboundedSender<ClusterEvent>,
) -> Result<(), Option<Box<kube::core::Status>>> {
    while let Some(item) = stream.next().await {
        let message = match item {
            Err(e) => {
                tracing::debug!(error = %e, "watch stream ended with an error");
                return Ok(());
            }
            Ok(WatchEvent::Error(status)) => return Err(Some(status)),
            Ok(WatchEvent::Bookmark(b)) => {
                *rv = b.metadata.resource_version;
                continue;
            }
            Ok(WatchEvent::Added(p) | WatchEvent::Modified(p)) => {
                remember(rv, &p);
                ClusterEvent::PodApplied(Box::new(PodRow::from_slim(&p.pod)))
            }
            Ok(WatchEvent::Deleted(p)) => {
                remember(rv, &p);
                ClusterEvent::PodDeleted {
                    namespace: p.pod.metadata.namespace,
                    name: p.pod.metadata.name,
                }
            }
        };
        if tx.send(message).is_err() {
            return Err(None);
        }
    }
    Ok(())
}

fn remember(rv: &mut String, pod: &WirePod) {
    if let Some(v) = &pod.pod.metadata.resource_version {
        rv.clone_from(v);
    }
}
