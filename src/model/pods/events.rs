//! What the cluster side tells the app: plain data, so the app stays free of I/O.

use crate::model::ground::resources::CpuMem;
use crate::model::pods::room_pods::RoomPod;
use crate::model::pods::row::{PodKey, PodRow};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What podsize keeps of a node: its name and allocatable cpu/memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeInfo {
    pub name: String,
    pub allocatable: CpuMem,
}

/// State of the connection to the API server, as the header shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Connected,
    /// Retrying with backoff after `attempt` consecutive failures.
    Reconnecting {
        attempt: u32,
        error: String,
        since: DateTime<Utc>,
    },
}

pub use super::usage_reading::{PodUsage, UsageReading};

impl ClusterEvent {
    /// A full list from rows in any order.
    pub fn pods_reset(rows: impl IntoIterator<Item = PodRow>) -> Self {
        Self::PodsReset(rows.into_iter().map(|r| (r.pod_key(), r)).collect())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClusterEvent {
    /// A full (re-)list: replaces every row, so nothing phantom survives a reconnect.
    PodsReset(BTreeMap<PodKey, PodRow>),
    /// A (re-)list began: its rows follow in batches, then `ListDone`.
    ListStarted,
    /// Rows decoded so far from the list in progress.
    ListBatch(Vec<PodRow>),
    /// The list ended: its rows are every pod (rows not in it are gone).
    ListDone,
    /// Boxed: rows are large and most events are small.
    PodApplied(Box<PodRow>),
    PodDeleted {
        namespace: String,
        name: String,
    },
    NodesReset(Vec<NodeInfo>),
    NodeApplied(NodeInfo),
    NodeDeleted(String),
    Connection(Connection),
    /// Latest pod metrics; `None` when metrics.k8s.io is not served.
    Usage(Option<UsageReading>),
    /// Usage over a long window (Prometheus) per pod and container, or why it could not be
    /// read this time (the last figures stay).
    LongUsage(Result<LongUsage, String>),
    /// The server's access review of a resize in the current scope: `Some(reason)` when RBAC
    /// denies it.
    ResizePermission {
        denied: Option<String>,
    },
    /// The VPAs in scope and their namespaces' ReplicaSet owners (sent when they change).
    Vpas(Box<crate::model::pods::vpa_object::VpaSnapshot>),
    /// LimitRanges, quotas, HPAs and node runtimes for the preflight (sent when they change).
    Policy(Box<crate::model::pods::cluster_policy::PolicySnapshot>),
    /// Every pod of the cluster as node room counts it (a full list), sent only when the
    /// table is scoped: the table's rows then miss the other namespaces' pods.
    RoomReset(Vec<RoomPod>),
    RoomApplied(RoomPod),
    RoomDeleted {
        namespace: String,
        name: String,
    },
    /// The cluster-wide pod list for node room was refused: why (usually RBAC).
    RoomRefused(String),
}

/// Usage figures per pod, by container name.
pub type LongUsage =
    std::collections::HashMap<PodKey, Vec<(String, crate::model::pods::usage::Usage)>>;

/// Which pods are watched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// `None`: all namespaces.
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
}

impl Scope {
    pub fn describe(&self) -> String {
        let ns = self.namespace.as_deref().unwrap_or("all namespaces");
        match &self.label_selector {
            Some(sel) => format!("{ns} · -l {sel}"),
            None => ns.to_string(),
        }
    }
}
