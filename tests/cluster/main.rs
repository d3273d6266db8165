//! podsize's cluster layer with the real kube client against the simulated cluster: listing,
//! watching, reconnecting, resizing and following a resize to its end.
//! One test binary with a module per file, sharing tests/common.
// Tests fail by panicking; their helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod boost_sim;
mod editor_admission;
mod list_strategies;
mod live_usage;
mod metrics_stream;
mod multi_cluster;
mod node_room_scope;
mod paging;
mod pod_level;
mod pod_level_recommend;
mod policy_watch;
mod reconnect;
mod reliability;
mod resize_flow;
mod resize_semantics_sim;
mod table_live;
mod workload_selector_sim;
