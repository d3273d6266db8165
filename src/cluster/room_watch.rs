//! Watches every pod of the cluster for node room alone, while the table is scoped to a
//! namespace or a label selector: every pod on a node takes room whatever is on screen, and
//! a prediction from the table's pods alone promised room the node no longer has. Each pod is
//! sent as a `RoomPod` (node and counted requests), not a row. Where RBAC refuses the
//! cluster-wide list the app is told why, so the prediction can say it counts one namespace.

use super::connector::Connector;
use super::retry::{Failure, classify};
use super::wire::WirePod;
use crate::model::PodRow;
use crate::model::pods::events::ClusterEvent;
use crate::model::pods::room_pods::RoomPod;
use futures::StreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use tokio::sync::mpsc::UnboundedSender;

/// Follows the connector's client until the receiver is gone.
pub async fn watch_room(conn: impl Into<Connector>, tx: UnboundedSender<ClusterEvent>) {
    let conn = conn.into();
    let mut clients = conn.subscribe();
    loop {
        let client = clients.borrow_and_update().clone();
        tokio::select! {
            () = watch_room_with(client, &conn, &tx) => return,
            changed = clients.changed() => if changed.is_err() { return },
        }
    }
}

fn room_pod(p: &WirePod) -> RoomPod {
    RoomPod::of(&PodRow::from_slim(&p.pod))
}

/// Returns only when the receiver is gone.
async fn watch_room_with(client: Client, conn: &Connector, tx: &UnboundedSender<ClusterEvent>) {
    let api: Api<WirePod> = Api::all(client);
    let stream = watcher::watcher(api, watcher::Config::default().page_size(500));
    futures::pin_mut!(stream);
    let mut initial = Vec::new();
    let mut failures = 0;
    // The refusal is told once, not at every retry.
    let mut told_refused = false;
    while let Some(item) = stream.next().await {
        let message = match item {
            Err(err) => {
                failures += 1;
                let failure = classify(&err);
                if failure == Failure::Unauthorized && !told_refused {
                    told_refused = true;
                    let why = super::client::one_line(&err);
                    if tx.send(ClusterEvent::RoomRefused(why)).is_err() {
                        return;
                    }
                }
                tracing::debug!(error = %err, "cluster-wide pod watch for node room failed");
                tokio::time::sleep(conn.policy.delay(failure, failures)).await;
                continue;
            }
            Ok(Event::Init) => {
                initial.clear();
                continue;
            }
            Ok(Event::InitApply(p)) => {
                initial.push(room_pod(&p));
                continue;
            }
            Ok(Event::InitDone) => ClusterEvent::RoomReset(std::mem::take(&mut initial)),
            Ok(Event::Apply(p)) => ClusterEvent::RoomApplied(room_pod(&p)),
            Ok(Event::Delete(p)) => ClusterEvent::RoomDeleted {
                namespace: p.pod.metadata.namespace,
                name: p.pod.metadata.name,
            },
        };
        failures = 0;
        told_refused = false;
        if tx.send(message).is_err() {
            return;
        }
    }
}
