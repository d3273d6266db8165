//! The client the watch tasks use, and how to build a fresh one. A rotated certificate or a
//! refreshed token only reaches podsize through a re-read kubeconfig, so the watch task that
//! sees the failure rebuilds the client and every task sharing the connector follows.

use super::connect_options::ConnectOptions;
use super::retry::RetryPolicy;
use futures::future::BoxFuture;
use kube::Client;
use std::sync::Arc;
use tokio::sync::watch;

/// Builds a new client (re-reading kubeconfig and CA); `None` when that fails for now.
pub type Rebuild = Arc<dyn Fn() -> BoxFuture<'static, Option<Client>> + Send + Sync>;

#[derive(Clone)]
pub struct Connector {
    current: Arc<watch::Sender<Client>>,
    rebuild: Option<Rebuild>,
    pub policy: RetryPolicy,
    /// The server URL the clients talk to, when known: health checks count its watches.
    pub server: Option<String>,
}

impl From<Client> for Connector {
    /// A fixed client: retried, never rebuilt.
    fn from(client: Client) -> Self {
        Self::new(client, None)
    }
}

impl Connector {
    pub fn new(client: Client, rebuild: Option<Rebuild>) -> Self {
        Self {
            current: Arc::new(watch::Sender::new(client)),
            rebuild,
            policy: RetryPolicy::default(),
            server: None,
        }
    }

    /// Rebuilds from the kubeconfig the options name; read-only stays enforced in
    /// every rebuilt client because it goes through `build_client`.
    pub fn from_kubeconfig(client: Client, options: impl Into<ConnectOptions>) -> Self {
        let options: ConnectOptions = options.into();
        let rebuild: Rebuild = Arc::new(move || {
            let options = options.clone();
            Box::pin(async move {
                let (config, _) = super::client::load_config(&options).await.ok()?;
                super::client::build_client(config, options.readonly).ok()
            })
        });
        Self::new(client, Some(rebuild))
    }

    /// Names the server URL (as `build_client` saw it), so the watch tasks can tell when
    /// that server accepts a watch again.
    pub fn for_server(mut self, server: &str) -> Self {
        self.server = Some(server.to_string());
        self
    }

    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The client to use now.
    pub fn client(&self) -> Client {
        self.current.borrow().clone()
    }

    /// Notified whenever the client is replaced.
    pub fn subscribe(&self) -> watch::Receiver<Client> {
        self.current.subscribe()
    }

    /// Replaces the client with a freshly built one; false when there is no way to, or the
    /// kubeconfig cannot be read right now.
    pub async fn rebuild(&self) -> bool {
        let Some(rebuild) = &self.rebuild else {
            return false;
        };
        match rebuild().await {
            Some(client) => {
                tracing::info!("rebuilt the client from the kubeconfig");
                self.current.send_replace(client);
                true
            }
            None => false,
        }
    }
}
