//! Watch streams: initial events, replay from the history ring, live events, bookmarks,
//! timeouts, 410 Expired and fault-injected drops.

use super::faults::Faults;
use super::selector::{FieldSelector, LabelSelector};
use super::status::ApiError;
use super::store::{Event, Kind, Store, Stored, Subscription};
use bytes::{Bytes, BytesMut};
use k8s_openapi::api::core::v1::Pod;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// What a watch request asked for.
#[derive(Clone, Debug)]
pub struct WatchRequest {
    /// Collection.
    pub kind: Kind,
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Label selector.
    pub labels: LabelSelector,
    /// Field selector.
    pub fields: FieldSelector,
    /// `resourceVersion` (None or "0" = start with the current state).
    pub rv: Option<u64>,
    /// `allowWatchBookmarks`.
    pub bookmarks: bool,
    /// `sendInitialEvents`.
    pub initial_events: bool,
    /// `timeoutSeconds`.
    pub timeout: Option<Duration>,
    /// Interval between bookmarks.
    pub bookmark_interval: Duration,
    /// Answer with a 410 ERROR regardless of the resourceVersion (fault injection).
    pub force_expired: bool,
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Pod => "Pod",
        Kind::Node => "Node",
        Kind::Namespace => "Namespace",
        Kind::ReplicaSet => "ReplicaSet",
        Kind::Vpa => "VerticalPodAutoscaler",
        Kind::LimitRange => "LimitRange",
        Kind::ResourceQuota => "ResourceQuota",
        Kind::Hpa => "HorizontalPodAutoscaler",
        Kind::Deployment => "Deployment",
        Kind::Pdb => "PodDisruptionBudget",
    }
}

/// The apiVersion objects of a collection carry.
pub fn api_version(kind: Kind) -> &'static str {
    match kind {
        Kind::ReplicaSet | Kind::Deployment => "apps/v1",
        Kind::Vpa => "autoscaling.k8s.io/v1",
        Kind::Hpa => "autoscaling/v2",
        Kind::Pdb => "policy/v1",
        _ => "v1",
    }
}

/// A BOOKMARK line; `initial_end` adds the `k8s.io/initial-events-end` annotation.
pub fn bookmark_line(kind: Kind, rv: u64, initial_end: bool) -> Bytes {
    let annotations = if initial_end {
        r#","annotations":{"k8s.io/initial-events-end":"true"}"#
    } else {
        ""
    };
    let tail = match kind {
        Kind::Pod => r#","spec":{"containers":null},"status":{}"#,
        _ => "",
    };
    Bytes::from(format!(
        "{{\"type\":\"BOOKMARK\",\"object\":{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":{{\"resourceVersion\":\"{rv}\"{annotations}}}{tail}}}}}\n",
        kind_name(kind),
        api_version(kind)
    ))
}

/// An ERROR line carrying a Status.
pub fn error_line(err: &ApiError) -> Bytes {
    let mut line = b"{\"type\":\"ERROR\",\"object\":".to_vec();
    line.extend_from_slice(&err.bytes());
    line.extend_from_slice(b"}\n");
    Bytes::from(line)
}

impl WatchRequest {
    fn matches(&self, ev: &Event) -> bool {
        if ev.kind != self.kind
            || self
                .namespace
                .as_ref()
                .is_some_and(|ns| *ns != ev.namespace)
        {
            return false;
        }
        match &ev.pod {
            Some(pod) => self.matches_pod(pod),
            None => self.labels.is_empty() && self.fields.matches_meta(&ev.namespace, &ev.name),
        }
    }

    fn matches_pod(&self, pod: &Pod) -> bool {
        self.labels.matches(pod.metadata.labels.as_ref()) && self.fields.matches_pod(pod)
    }
}

/// Starts a watch; returns the channel its body is read from.
pub fn start<T: Stored>(
    store: Arc<Store>,
    faults: Arc<Faults>,
    req: WatchRequest,
) -> mpsc::Receiver<Bytes> {
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        run::<T>(store, faults, req, tx).await;
    });
    rx
}

async fn run<T: Stored>(
    store: Arc<Store>,
    faults: Arc<Faults>,
    req: WatchRequest,
    tx: mpsc::Sender<Bytes>,
) {
    let mut drop_rx = faults.drop_signal();
    drop_rx.borrow_and_update();
    // Checked after subscribing: a stop either is seen here or changes `drop_rx` later.
    if faults.stopped() {
        return;
    }
    let initial = req.initial_events || req.rv.is_none_or(|rv| rv == 0);
    let sub = if req.force_expired {
        let compacted = store.compacted().max(1);
        let _ = tx
            .send(error_line(&ApiError::expired(
                req.rv.unwrap_or(0).min(compacted - 1),
                compacted,
            )))
            .await;
        return;
    } else if initial {
        let (items, sub) = store.snapshot_and_subscribe::<T>();
        // Realistic mode: a real server encodes each initial object as its own event.
        let pacer = faults
            .realistic()
            .then(|| super::pacing::Pacer::start(super::pacing::ListPath::WatchEvents));
        let mut sent = 0;
        let mut chunk = BytesMut::new();
        for entry in items {
            let (ns, name) = {
                let m = entry.obj.meta();
                (
                    m.namespace.clone().unwrap_or_default(),
                    m.name.clone().unwrap_or_default(),
                )
            };
            let pod = T::as_pod(&entry.obj);
            let keep = match &pod {
                Some(p) => {
                    req.namespace.as_ref().is_none_or(|want| *want == ns) && req.matches_pod(p)
                }
                None => {
                    req.namespace.as_ref().is_none_or(|want| *want == ns)
                        && req.fields.matches_meta(&ns, &name)
                }
            };
            if keep {
                chunk.extend_from_slice(b"{\"type\":\"ADDED\",\"object\":");
                chunk.extend_from_slice(&entry.json);
                chunk.extend_from_slice(b"}\n");
                sent += 1;
                let full = chunk.len() > if pacer.is_some() { 16 } else { 256 } * 1024;
                if full {
                    if let Some(p) = &pacer {
                        p.until(sent).await;
                    }
                    if tx.send(chunk.split().freeze()).await.is_err() {
                        return;
                    }
                }
            }
        }
        if let Some(p) = &pacer {
            p.until(sent).await;
        }
        if req.initial_events && req.bookmarks {
            chunk.extend_from_slice(&bookmark_line(req.kind, sub.rv, true));
        }
        if !chunk.is_empty() && tx.send(chunk.freeze()).await.is_err() {
            return;
        }
        sub
    } else {
        match store.subscribe(req.rv) {
            Ok(sub) => sub,
            Err(compacted) => {
                let _ = tx
                    .send(error_line(&ApiError::expired(
                        req.rv.unwrap_or(0),
                        compacted,
                    )))
                    .await;
                return;
            }
        }
    };
    stream(sub, req, tx, &mut drop_rx).await;
}

async fn stream(
    sub: Subscription,
    req: WatchRequest,
    tx: mpsc::Sender<Bytes>,
    drop_rx: &mut tokio::sync::watch::Receiver<u64>,
) {
    let Subscription { replay, mut rx, rv } = sub;
    let mut last = rv;
    let mut chunk = BytesMut::new();
    for ev in replay {
        last = last.max(ev.rv);
        if req.matches(&ev) {
            chunk.extend_from_slice(&ev.line);
        }
    }
    if !chunk.is_empty() && tx.send(chunk.split().freeze()).await.is_err() {
        return;
    }
    let deadline = req.timeout.map(|t| tokio::time::Instant::now() + t);
    // A real server sends one last bookmark ~2 s before it ends a watch at its timeout, so the
    // client resumes from a fresh resourceVersion (for short timeouts: just before the end).
    let last_call = req
        .timeout
        .zip(deadline)
        .map(|(t, d)| d - (t / 4).min(Duration::from_secs(2)));
    let mut last_call_sent = !req.bookmarks || last_call.is_none();
    let mut bookmark = tokio::time::interval(req.bookmark_interval.max(Duration::from_millis(10)));
    bookmark.tick().await;
    loop {
        let timeout = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        let final_bookmark = async {
            match last_call {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ev = rx.recv() => {
                match ev {
                    Ok(ev) => {
                        push(&req, &ev, &mut last, &mut chunk);
                        // Coalesce whatever is already queued into one write.
                        while chunk.len() < 512 * 1024 {
                            match rx.try_recv() {
                                Ok(ev) => push(&req, &ev, &mut last, &mut chunk),
                                Err(broadcast::error::TryRecvError::Lagged(_)) => return,
                                Err(_) => break,
                            }
                        }
                        if !chunk.is_empty() && tx.send(chunk.split().freeze()).await.is_err() {
                            return;
                        }
                    }
                    Err(_) => return, // lagged or closed: the client re-watches from its last rv
                }
            }
            _ = bookmark.tick(), if req.bookmarks => {
                if tx.send(bookmark_line(req.kind, last, false)).await.is_err() {
                    return;
                }
            }
            _ = final_bookmark, if !last_call_sent => {
                last_call_sent = true;
                if tx.send(bookmark_line(req.kind, last, false)).await.is_err() {
                    return;
                }
            }
            _ = timeout => return,
            _ = drop_rx.changed() => return,
            _ = tx.closed() => return,
        }
    }
}

fn push(req: &WatchRequest, ev: &Event, last: &mut u64, chunk: &mut BytesMut) {
    if ev.rv <= *last {
        return;
    }
    *last = ev.rv;
    if req.matches(ev) {
        chunk.extend_from_slice(&ev.line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pods_from_now() -> WatchRequest {
        WatchRequest {
            kind: Kind::Pod,
            namespace: None,
            labels: Default::default(),
            fields: Default::default(),
            rv: None,
            bookmarks: true,
            initial_events: false,
            timeout: Some(Duration::from_secs(30)),
            bookmark_interval: Duration::from_millis(50),
            force_expired: false,
        }
    }

    /// Waits for the stream to end; the bytes it sent before.
    async fn until_closed(mut rx: mpsc::Receiver<Bytes>) -> Result<usize, &'static str> {
        let mut sent = 0;
        loop {
            match tokio::time::timeout(Duration::from_secs(2), rx.recv()).await {
                Ok(Some(bytes)) => sent += bytes.len(),
                Ok(None) => return Ok(sent),
                Err(_) => return Err("the watch is still streaming"),
            }
        }
    }

    #[tokio::test]
    async fn a_watch_whose_handler_runs_after_the_stop_ends_at_once() {
        // The race a stop must win: the request was accepted before the listener closed and
        // its handler subscribes only after the stop dropped the open watches.
        let store = Arc::new(Store::new(100, 100));
        let faults = Arc::new(Faults::default());
        faults.set_stopped(true);
        let rx = start::<Pod>(store.clone(), faults.clone(), pods_from_now());
        assert_eq!(until_closed(rx).await, Ok(0));

        // Serving again, a watch streams (bookmarks) until it is dropped.
        faults.set_stopped(false);
        let mut rx = start::<Pod>(store, faults.clone(), pods_from_now());
        let first = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await;
        assert!(
            matches!(first, Ok(Some(_))),
            "a bookmark arrives: {first:?}"
        );
        faults.set_stopped(true);
        assert!(until_closed(rx).await.is_ok());
    }
}
