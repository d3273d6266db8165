//! Right-sizing against a real Prometheus: podsize's figures compared with the server's own
//! answers to the same PromQL, and the app's recommendations.
//! One test binary with a module per file, sharing tests/common.
// Tests fail by panicking; their helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod metrics_listen;
mod prometheus_clusters;
mod recommend_prometheus;
mod recommend_props;
mod rightsizing_app;
mod sim_past_history;
mod workload_history;
