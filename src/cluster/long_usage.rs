//! Usage over a long window for the dashboard (issue #12): Prometheus asked for the whole scope
//! at start and every few minutes (four grouped queries each time, never one per pod), handed to
//! the app as plain figures. A failure is reported and the last figures stay.

use super::prometheus::Prometheus;
use crate::model::pods::events::{ClusterEvent, LongUsage, Scope};
use chrono::TimeDelta;
use tokio::sync::mpsc::UnboundedSender;

/// Weeks of history barely move in minutes; asking more often only loads Prometheus.
pub const REFRESH: std::time::Duration = std::time::Duration::from_secs(300);

/// Groups per-container figures by pod.
pub fn by_pod(
    found: std::collections::HashMap<
        super::prometheus::ContainerKey,
        crate::model::decide::recommend::Usage,
    >,
) -> LongUsage {
    let mut out = LongUsage::new();
    for ((namespace, pod, container), usage) in found {
        out.entry(crate::model::pods::row::PodKey::new(0, namespace, pod))
            .or_default()
            .push((container, usage));
    }
    out
}

pub async fn poll_prometheus(
    prom: Prometheus,
    scope: Scope,
    window: TimeDelta,
    percentile: u8,
    tx: UnboundedSender<ClusterEvent>,
) {
    let mut tick = tokio::time::interval(REFRESH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let answer = prom
            .container_usage(&scope, window, percentile)
            .await
            .map(by_pod)
            .map_err(|e| e.to_string());
        if tx.send(ClusterEvent::LongUsage(answer)).is_err() {
            return;
        }
    }
}
