//! Pod usage from metrics.k8s.io, polled when the server offers it. The only periodic
//! request podsize makes, and only while metrics are served.

use crate::model::pods::events::{ClusterEvent, PodUsage, Scope};
use crate::settings::METRICS_POLL_INTERVAL;
use kube::Client;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

// Reading the answer is its own part, the one that must be fast; declared here so it stays
// private to the poll.
#[path = "metrics_parse.rs"]
mod metrics_parse;
pub use metrics_parse::parse;

/// Whether the server lists the metrics.k8s.io group; an error when it cannot be asked.
pub async fn metrics_served(client: &Client) -> Result<bool, kube::Error> {
    let groups = client.list_api_groups().await?;
    Ok(groups.groups.iter().any(|g| g.name == "metrics.k8s.io"))
}

/// One reading of the scope's pod usage.
pub async fn fetch(client: &Client, scope: &Scope) -> Result<Vec<PodUsage>, kube::Error> {
    let body = fetch_text(client, scope).await?;
    parse(&body).map_err(kube::Error::SerdeError)
}

/// One metrics.k8s.io answer for the scope, as the server sent it.
pub async fn fetch_text(client: &Client, scope: &Scope) -> Result<String, kube::Error> {
    let path = match &scope.namespace {
        Some(ns) => format!("/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"),
        None => "/apis/metrics.k8s.io/v1beta1/pods".to_string(),
    };
    let path = match &scope.label_selector {
        Some(sel) => format!("{path}?labelSelector={}", url_escape(sel)),
        None => path,
    };
    let request = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| kube::Error::BuildRequest(kube::core::request::Error::BuildRequest(e)))?;
    client.request_text(request).await
}

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Polls usage every 15 s while metrics.k8s.io is served; tells the app `None` when it is not.
/// Uses the connector's current client at each poll, so a rebuilt client is picked up.
pub async fn poll_usage(
    conn: impl Into<super::connector::Connector>,
    scope: Scope,
    tx: UnboundedSender<ClusterEvent>,
) {
    poll_usage_every(conn, scope, tx, METRICS_POLL_INTERVAL).await;
}

/// [`poll_usage`] at a chosen interval (the config file's `metrics.poll_interval`).
pub async fn poll_usage_every(
    conn: impl Into<super::connector::Connector>,
    scope: Scope,
    tx: UnboundedSender<ClusterEvent>,
    every: Duration,
) {
    let conn = conn.into();
    let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut served = false;
    loop {
        tick.tick().await;
        // Asked until answered: a server down at start-up may serve metrics once it is up.
        if !served {
            match metrics_served(&conn.client()).await {
                Ok(true) => served = true,
                Ok(false) => {
                    let _ = tx.send(ClusterEvent::Usage(None));
                    return;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "cannot ask for metrics.k8s.io");
                    continue;
                }
            }
        }
        let started = std::time::Instant::now();
        match fetch(&conn.client(), &scope).await {
            Ok(usage) => {
                let fetch_us = started.elapsed().as_micros() as u64;
                tracing::debug!(pods = usage.len(), fetch_us, "metrics reading fetched");
                if tx.send(ClusterEvent::Usage(Some(usage))).is_err() {
                    return;
                }
            }
            Err(e) => tracing::debug!(error = %e, "metrics poll failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ground::resources::CpuMem;

    #[test]
    fn parses_pod_metrics() {
        let usage = parse(
            r#"{"kind":"PodMetricsList","items":[{"metadata":{"name":"p","namespace":"n"},
            "timestamp":"2026-11-28T00:00:00Z","window":"15s",
            "containers":[{"name":"c","usage":{"cpu":"12345678n","memory":"102400Ki"}}]}]}"#,
        )
        .unwrap();
        assert_eq!(usage[0].containers[0].1.cpu_millis, Some(13));
        assert_eq!(usage[0].containers[0].1.memory_bytes, Some(100 << 20));
    }

    #[test]
    fn escaped_names_and_missing_figures_are_read() {
        // A string with an escape cannot be borrowed from the body: it is copied, unescaped.
        let usage = parse(
            r#"{"items":[{"metadata":{"name":"web\u002d1","namespace":"n"},
            "containers":[{"name":"c","usage":{"memory":"1Mi"}},{"name":"d"}]}]}"#,
        )
        .unwrap();
        assert_eq!(usage[0].name, "web-1");
        assert_eq!(usage[0].containers[0].1.cpu_millis, None);
        assert_eq!(usage[0].containers[0].1.memory_bytes, Some(1 << 20));
        assert_eq!(usage[0].containers[1].1, CpuMem::default());
        assert!(parse("{\"items\": 3}").is_err());
    }

    #[test]
    fn selectors_are_escaped() {
        assert_eq!(url_escape("app=web,tier!=db"), "app%3Dweb%2Ctier%21%3Ddb");
    }
}
