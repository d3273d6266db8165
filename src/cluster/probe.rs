//! Notices when a watch request is accepted by the server. kube's watcher yields nothing when
//! a watch re-opens after an error and the cluster is quiet, so without this the header would
//! say "reconnecting" until the next pod change.

use http::{Request, Response};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::task::{Context, Poll};
use tower::{BoxError, Layer, Service};

/// Watch requests each server answered with success, since the process started, by the
/// server URL its clients were built for. Any accepted watch (pods or nodes) shows that
/// server is reachable again; a pod watch that still fails reports its error again right
/// away. Counted per server, not per process: on a wall of several clusters a watch that
/// another cluster accepted says nothing about this one.
static WATCHES_OPENED: LazyLock<Mutex<HashMap<String, Arc<AtomicU64>>>> =
    LazyLock::new(Default::default);

fn counter(server: &str) -> Arc<AtomicU64> {
    let mut all = WATCHES_OPENED
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    all.entry(server.to_string()).or_default().clone()
}

/// Watches `server` accepted so far.
pub fn watches_opened(server: &str) -> u64 {
    counter(server).load(Ordering::Relaxed)
}

/// Watches every server accepted so far: for a client whose server is not known, which
/// only a one-cluster process uses.
pub fn watches_opened_anywhere() -> u64 {
    let all = WATCHES_OPENED
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    all.values().map(|c| c.load(Ordering::Relaxed)).sum()
}

fn is_watch<B>(req: &Request<B>) -> bool {
    req.uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"))
}

/// Counts the watches a client's server accepts, under that server's URL.
#[derive(Clone, Debug)]
pub struct WatchProbeLayer {
    opened: Arc<AtomicU64>,
}

impl WatchProbeLayer {
    pub fn for_server(server: &str) -> Self {
        Self {
            opened: counter(server),
        }
    }
}

impl<S> Layer<S> for WatchProbeLayer {
    type Service = WatchProbe<S>;
    fn layer(&self, inner: S) -> Self::Service {
        WatchProbe {
            inner,
            opened: self.opened.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct WatchProbe<S> {
    inner: S,
    opened: Arc<AtomicU64>,
}

impl<S, B, RB> Service<Request<B>> for WatchProbe<S>
where
    S: Service<Request<B>, Response = Response<RB>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<RB>;
    type Error = BoxError;
    type Future = futures::future::BoxFuture<'static, Result<Response<RB>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let watch = is_watch(&req);
        let fut = self.inner.call(req);
        let opened = self.opened.clone();
        Box::pin(async move {
            let res = fut.await.map_err(Into::into)?;
            if watch && res.status().is_success() {
                opened.fetch_add(1, Ordering::Relaxed);
            }
            Ok(res)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    async fn answer(server: &str, uri: &str, status: u16) {
        let ok = tower::service_fn(move |_req: Request<()>| async move {
            Ok::<_, BoxError>(Response::builder().status(status).body(()).unwrap())
        });
        let probe = WatchProbeLayer::for_server(server).layer(ok);
        let req = Request::get(uri).body(()).unwrap();
        probe.oneshot(req).await.unwrap();
    }

    #[tokio::test]
    async fn a_watch_accepted_by_one_server_does_not_count_for_another() {
        let (a, b) = ("https://probe-a.test:6443/", "https://probe-b.test:6443/");
        answer(a, "/api/v1/pods?watch=true&resourceVersion=5", 200).await;
        answer(a, "/api/v1/nodes?watch=1", 200).await;
        assert_eq!(watches_opened(a), 2);
        assert_eq!(watches_opened(b), 0, "server b accepted nothing");
        // Neither a list nor a refused watch shows the server accepting a watch.
        answer(b, "/api/v1/pods?limit=500", 200).await;
        answer(b, "/api/v1/pods?watch=true", 503).await;
        assert_eq!(watches_opened(b), 0);
        answer(b, "/api/v1/pods?watch=true", 200).await;
        assert_eq!((watches_opened(a), watches_opened(b)), (2, 1));
    }
}
