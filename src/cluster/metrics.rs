//! Pod usage from metrics.k8s.io, polled when the server offers it. The only periodic
//! request podsize makes, and only while metrics are served.

use crate::model::pods::events::{ClusterEvent, PodUsage, Scope};
use crate::model::pods::usage_reading::UsageReading;
use crate::settings::METRICS_POLL_INTERVAL;
use futures::{AsyncBufRead, AsyncBufReadExt};
use kube::Client;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

// Reading the answer is its own part, the one that must be fast; declared here so it stays
// private to the poll. The list is split into items as it arrives by its own part.
#[path = "metrics_items.rs"]
mod metrics_items;
#[path = "metrics_parse.rs"]
mod metrics_parse;
pub use metrics_parse::{UsageReader, parse, parse_reading};

/// Whether the server lists the metrics.k8s.io group; an error when it cannot be asked.
pub async fn metrics_served(client: &Client) -> Result<bool, kube::Error> {
    let groups = client.list_api_groups().await?;
    Ok(groups.groups.iter().any(|g| g.name == "metrics.k8s.io"))
}

/// One reading of the scope's pod usage, read frame by frame as the answer arrives: the ~4.7 MB
/// answer at 10,000 pods is never held whole, only the one item a frame's end cuts.
pub async fn fetch(client: &Client, scope: &Scope) -> Result<Vec<PodUsage>, kube::Error> {
    Ok(fetch_reading(client, scope).await?.to_pods())
}

/// [`fetch`] as the app keeps it: one [`UsageReading`], its names in one text.
pub async fn fetch_reading(client: &Client, scope: &Scope) -> Result<UsageReading, kube::Error> {
    // `request_stream` sends through the client's own service stack (the read-only guard
    // included) and turns a non-2xx answer into the same `kube::Error::Api` as `request_text`.
    let body = client.request_stream(request(scope)?).await?;
    let mut body = std::pin::pin!(body);
    let mut reader = UsageReader::default();
    loop {
        // One frame as hyper hands it over, read where it lies.
        let frame = body.fill_buf().await.map_err(body_error)?;
        if frame.is_empty() {
            break;
        }
        let read = frame.len();
        reader.feed(frame).map_err(kube::Error::SerdeError)?;
        body.as_mut().consume(read);
    }
    reader.finish().map_err(kube::Error::SerdeError)
}

/// The GET of one metrics.k8s.io reading of the scope.
pub fn request(scope: &Scope) -> Result<http::Request<Vec<u8>>, kube::Error> {
    let path = match &scope.namespace {
        Some(ns) => format!("/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"),
        None => "/apis/metrics.k8s.io/v1beta1/pods".to_string(),
    };
    let path = match &scope.label_selector {
        Some(sel) => format!("{path}?labelSelector={}", url_escape(sel)),
        None => path,
    };
    http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| kube::Error::BuildRequest(kube::core::request::Error::BuildRequest(e)))
}

/// A failure while the body arrives. `request_stream` wraps the client's own error in an
/// `io::Error`; it is unwrapped so callers see what `request_text` gave them.
fn body_error(e: std::io::Error) -> kube::Error {
    if !e.get_ref().is_some_and(|inner| inner.is::<kube::Error>()) {
        return kube::Error::ReadEvents(e);
    }
    match e.into_inner().map(|inner| inner.downcast::<kube::Error>()) {
        Some(Ok(inner)) => *inner,
        Some(Err(other)) => kube::Error::ReadEvents(std::io::Error::other(other)),
        None => kube::Error::ReadEvents(std::io::Error::other("the body failed")),
    }
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
        match fetch_reading(&conn.client(), &scope).await {
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
