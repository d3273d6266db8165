//! The HTTP listener's lifecycle: bind, serve (plain or TLS) and stop on a signal, so that
//! `SimCluster` can stop and restart serving on the same port while keeping its state.

use crate::server::{self, Shared};
use crate::{SimError, tls};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A serving task and the signal that stops it.
pub(crate) struct Running {
    pub(crate) shutdown: oneshot::Sender<()>,
    pub(crate) task: JoinHandle<()>,
}

pub(crate) fn serve_on(
    shared: Arc<Shared>,
    listener: tokio::net::TcpListener,
    tls: Option<&tls::Tls>,
) -> Running {
    let (tx, rx) = oneshot::channel::<()>();
    let router = server::router(shared);
    let stop = async move {
        let _ = rx.await;
    };
    let task = match tls {
        Some(tls) => {
            let listener = tls.listener(listener);
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(stop)
                    .await;
            })
        }
        None => {
            // Without TCP_NODELAY, Nagle plus delayed ACKs stall the tail of every large
            // response by ~40 ms.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(stop)
                    .await;
            })
        }
    };
    Running { shutdown: tx, task }
}

pub(crate) async fn listen(
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls: Option<&tls::Tls>,
) -> Result<Running, SimError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| SimError::Bind(addr, e))?;
    Ok(serve_on(shared, listener, tls))
}
