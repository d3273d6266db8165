//! What watchers get from the store: the events of each change, the bounded history a watch
//! resumes from, and subscriptions that replay that history before the live channel.

use super::{Entry, Kind, Store, Stored};
use bytes::Bytes;
use k8s_openapi::api::core::v1::Pod;
use std::sync::Arc;
use tokio::sync::broadcast;

/// Watch event type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// ADDED
    Added,
    /// MODIFIED
    Modified,
    /// DELETED
    Deleted,
}

impl EventType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// A change, as sent to watchers.
#[derive(Clone, Debug)]
pub struct Event {
    /// Collection.
    pub kind: Kind,
    /// ADDED / MODIFIED / DELETED.
    pub etype: EventType,
    /// resourceVersion of the change.
    pub rv: u64,
    /// Namespace ("" for cluster-scoped objects).
    pub namespace: String,
    /// Object name.
    pub name: String,
    /// The pod, for selector filtering (None for other kinds).
    pub pod: Option<Arc<Pod>>,
    /// The full watch line: `{"type":..,"object":..}\n`.
    pub line: Bytes,
}

/// Watch subscription: events to replay, then the live channel.
pub struct Subscription {
    /// Events newer than the requested resourceVersion already in the history.
    pub replay: Vec<Arc<Event>>,
    /// Live events.
    pub rx: broadcast::Receiver<Arc<Event>>,
    /// The store's resourceVersion when subscribed.
    pub rv: u64,
}

/// The watch line of one event: `{"type":..,"object":..}\n` around the object's JSON.
pub(super) fn watch_line(etype: EventType, json: &[u8]) -> Bytes {
    let mut line = Vec::with_capacity(json.len() + 32);
    line.extend_from_slice(b"{\"type\":\"");
    line.extend_from_slice(etype.as_str().as_bytes());
    line.extend_from_slice(b"\",\"object\":");
    line.extend_from_slice(json);
    line.extend_from_slice(b"}\n");
    Bytes::from(line)
}

impl Store {
    /// Subscribes to changes after `from`; `Err(compacted)` when `from` is older than the history.
    pub fn subscribe(&self, from: Option<u64>) -> Result<Subscription, u64> {
        let inner = self.read();
        let rx = self.tx.subscribe();
        let replay = match from {
            Some(rv) if rv < inner.compacted => return Err(inner.compacted),
            Some(rv) => inner
                .history
                .iter()
                .filter(|e| e.rv > rv)
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        Ok(Subscription {
            replay,
            rx,
            rv: inner.rv,
        })
    }

    /// A subscription plus a snapshot of every current object of a type, taken atomically.
    pub fn snapshot_and_subscribe<T: Stored>(&self) -> (Vec<Entry<T>>, Subscription) {
        let inner = self.read();
        let rx = self.tx.subscribe();
        let items = T::table(&inner).items.values().cloned().collect();
        (
            items,
            Subscription {
                replay: Vec::new(),
                rx,
                rv: inner.rv,
            },
        )
    }

    /// Forgets the history so every older resourceVersion is expired (fault injection).
    pub fn compact(&self) {
        let mut inner = self.write();
        inner.history.clear();
        inner.compacted = inner.rv;
    }
}
