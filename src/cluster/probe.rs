//! Notices when a watch request is accepted by the server. kube's watcher yields nothing when
//! a watch re-opens after an error and the cluster is quiet, so without this the header would
//! say "reconnecting" until the next pod change.

use http::{Request, Response};
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use tower::{BoxError, Layer, Service};

/// Watch requests the server answered with success, since the process started. One counter
/// per process is enough: podsize talks to one cluster at a time, and any accepted watch
/// (pods or nodes) shows the server is reachable again; a pod watch that still fails reports
/// its error again right away.
static WATCHES_OPENED: AtomicU64 = AtomicU64::new(0);

pub fn watches_opened() -> u64 {
    WATCHES_OPENED.load(Ordering::Relaxed)
}

fn is_watch<B>(req: &Request<B>) -> bool {
    req.uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"))
}

#[derive(Clone, Copy, Debug, Default)]
pub struct WatchProbeLayer;

impl<S> Layer<S> for WatchProbeLayer {
    type Service = WatchProbe<S>;
    fn layer(&self, inner: S) -> Self::Service {
        WatchProbe { inner }
    }
}

#[derive(Clone, Debug)]
pub struct WatchProbe<S> {
    inner: S,
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
        Box::pin(async move {
            let res = fut.await.map_err(Into::into)?;
            if watch && res.status().is_success() {
                WATCHES_OPENED.fetch_add(1, Ordering::Relaxed);
            }
            Ok(res)
        })
    }
}
