//! The pod watch's connection state as the header shows it: how many attempts in a row
//! failed, and since when the data has not been current (not reset by each retry).

use super::retry::{Failure, RetryPolicy};
use crate::model::pods::events::{ClusterEvent, Connection};
use chrono::{DateTime, Utc};
use kube::runtime::watcher;
use tokio::sync::mpsc::UnboundedSender;

pub struct Health {
    /// Consecutive failed attempts; 0 while live.
    pub failures: u32,
    /// When the data was last known current: the first failure of this streak.
    since: Option<DateTime<Utc>>,
    tx: UnboundedSender<ClusterEvent>,
    /// `probe::watches_opened(server)` at the last failure: a later watch accepted by the
    /// server means the connection is back, even if no pod changes to say so.
    opened_at_failure: u64,
    /// The server URL the clients were built for; unknown for a fixed client, which then
    /// counts the watches of every server (a fixed client is used by one-cluster callers).
    server: Option<String>,
}

impl Health {
    pub fn new(tx: UnboundedSender<ClusterEvent>, server: Option<String>) -> Self {
        Self {
            failures: 0,
            since: None,
            tx,
            opened_at_failure: 0,
            server,
        }
    }

    fn watches_opened(&self) -> u64 {
        self.server.as_deref().map_or_else(
            super::probe::watches_opened_anywhere,
            super::probe::watches_opened,
        )
    }

    pub fn ok(&mut self) {
        if self.failures > 0 {
            self.failures = 0;
            self.since = None;
            let _ = self
                .tx
                .send(ClusterEvent::Connection(Connection::Connected));
        }
    }

    /// Called while reconnecting: marks the connection back once the server accepted a watch.
    pub fn check_reopened(&mut self) {
        if self.failures > 0 && self.watches_opened() > self.opened_at_failure {
            self.ok();
        }
    }

    pub fn failed(&mut self, err: &watcher::Error, failure: Failure, policy: &RetryPolicy) {
        self.failures += 1;
        self.opened_at_failure = self.watches_opened();
        let since = *self.since.get_or_insert_with(Utc::now);
        tracing::warn!(attempt = self.failures, ?failure, error = %err, "watch failed");
        let _ = self
            .tx
            .send(ClusterEvent::Connection(Connection::Reconnecting {
                attempt: self.failures,
                error: super::retry::describe(failure, err, policy),
                since,
            }));
    }
}
