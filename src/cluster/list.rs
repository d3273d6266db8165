//! One LIST of pods, asked for with gzip and decoded item by item while the body arrives:
//! each element of `items` goes straight into the slim type, and rows reach the app in
//! batches, so the first screen comes long before the last byte.

use super::items::ItemScanner;
use super::wire::WirePod;
use crate::model::PodRow;
use crate::model::pods::events::{ClusterEvent, Scope};
use futures::AsyncBufReadExt;
use kube::Client;
use kube::api::ListParams;
use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;

/// Rows per batch sent to the app: enough to keep channel traffic low, few enough that
/// the first screen shows within a few milliseconds of decoding.
const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error(transparent)]
    Kube(#[from] kube::Error),
    #[error("reading the list: {0}")]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Scan(#[from] super::items::ScanError),
    #[error("the app is gone")]
    ReceiverGone,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListMeta {
    #[serde(default)]
    resource_version: String,
}

fn pods_path(scope: &Scope) -> String {
    match &scope.namespace {
        Some(ns) => format!("/api/v1/namespaces/{ns}/pods"),
        None => "/api/v1/pods".into(),
    }
}

/// Lists the pods in `scope`, sending `ListBatch` events as items are decoded; returns the
/// list's resourceVersion, to watch from. The caller sends `ListStarted` and `ListDone`.
pub async fn list_pods(
    client: &Client,
    scope: &Scope,
    tx: &UnboundedSender<ClusterEvent>,
) -> Result<String, ListError> {
    let mut params = ListParams::default();
    if let Some(sel) = &scope.label_selector {
        params = params.labels(sel);
    }
    let mut request = kube::core::Request::new(pods_path(scope))
        .list(&params)
        .map_err(kube::Error::BuildRequest)?;
    // The client's decompression layer inflates the answer as it streams.
    request.headers_mut().insert(
        http::header::ACCEPT_ENCODING,
        http::HeaderValue::from_static("gzip"),
    );
    let body = client.request_stream(request).await?;
    futures::pin_mut!(body);
    let mut scanner = ItemScanner::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut skipped = 0usize;
    loop {
        let chunk = body.fill_buf().await?;
        if chunk.is_empty() {
            break;
        }
        let len = chunk.len();
        scanner.feed(chunk, |item| {
            match serde_json::from_slice::<WirePod>(item) {
                Ok(p) => batch.push(PodRow::from_slim(&p.pod)),
                Err(_) => skipped += 1,
            }
        })?;
        body.consume_unpin(len);
        if batch.len() >= BATCH {
            send(tx, &mut batch)?;
        }
    }
    let meta = scanner.finish()?;
    send(tx, &mut batch)?;
    if skipped > 0 {
        tracing::warn!(skipped, "list items that are not pods were skipped");
    }
    let meta: ListMeta = serde_json::from_slice(meta).map_err(kube::Error::SerdeError)?;
    Ok(meta.resource_version)
}

fn send(tx: &UnboundedSender<ClusterEvent>, batch: &mut Vec<PodRow>) -> Result<(), ListError> {
    if batch.is_empty() {
        return Ok(());
    }
    let rows = std::mem::replace(batch, Vec::with_capacity(BATCH));
    tx.send(ClusterEvent::ListBatch(rows))
        .map_err(|_| ListError::ReceiverGone)
}
