//! The read-only guarantee: a tower layer in the kube client that refuses every
//! method but GET before the request reaches the network. Lists and watches are GETs.

use http::{Method, Request};
use std::task::{Context, Poll};
use tower::{BoxError, Layer, Service};

#[derive(Debug, thiserror::Error)]
#[error("read-only mode is on: refused {method} {path} before sending it")]
pub struct ReadOnlyRefusal {
    pub method: Method,
    pub path: String,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOnlyLayer;

impl<S> Layer<S> for ReadOnlyLayer {
    type Service = ReadOnlyService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        ReadOnlyService { inner }
    }
}

#[derive(Clone, Debug)]
pub struct ReadOnlyService<S> {
    inner: S,
}

impl<S, B> Service<Request<B>> for ReadOnlyService<S>
where
    S: Service<Request<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = futures::future::BoxFuture<'static, Result<S::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        if req.method() != Method::GET {
            let refusal = ReadOnlyRefusal {
                method: req.method().clone(),
                path: req.uri().path().to_string(),
            };
            tracing::warn!(%refusal, "read-only guard");
            return Box::pin(async move { Err(Box::new(refusal) as BoxError) });
        }
        let fut = self.inner.call(req);
        Box::pin(async move { fut.await.map_err(Into::into) })
    }
}
