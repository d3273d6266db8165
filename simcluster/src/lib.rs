//! The embedded simulated cluster: a real HTTP server on loopback speaking the part of the
//! Kubernetes API that podsize and kubectl use, an in-memory store, simulated kubelets, a
//! workload generator and fault injection. Used by `podsize demo` / `podsize sim` and the tests.

pub mod access;
pub mod api;
pub mod auth;
pub mod config;
pub mod container_counters;
pub mod continue_token;
pub mod control;
pub mod cpu_manager;
pub mod diff;
pub mod direct_objects;
pub mod discovery;
pub mod discovery_v2;
pub mod encoding;
pub mod faults;
pub mod fleet;
pub mod hpa;
pub mod internal_spec;
pub mod invariants;
pub mod kinds;
pub mod kstatus;
pub mod kubeconfig;
pub mod kubelet;
pub mod kubelet_pod;
pub mod kubelet_room;
pub mod limitranger;
pub mod list;
pub mod metrics_listen;
pub mod nodes;
pub mod object_routes;
pub mod object_serve;
pub mod objects;
pub mod openapi;
pub mod pacing;
pub mod patch;
pub mod pdb;
pub mod pods;
pub mod podutil;
pub mod policy_scene;
pub mod priority;
pub mod priority_scene;
pub mod proto;
pub mod quota;
pub mod rbac;
pub mod replicasets;
pub mod resources;
pub mod routes;
pub mod rules;
pub mod selector;
pub mod server;
mod serving;
pub mod ssa;
pub mod startup;
pub mod status;
pub mod store;
pub mod tables;
pub mod testkit;
pub mod tls;
pub mod usage_history;
pub mod usage_history_past;
pub mod vpa;
pub mod watch;
pub mod workload;
pub mod workload_pod;

pub use config::SimConfig;
pub use faults::{FaultCode, Faults, LoggedRequest};

use server::Shared;
use serving::{Running, listen, serve_on};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Bearer token of the `admin` identity (may do everything).
pub const ADMIN_TOKEN: &str = "podsize-admin-token";
/// Bearer token of the read-only `viewer` identity.
pub const VIEWER_TOKEN: &str = "podsize-viewer-token";

/// Who a client acts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    /// May do everything.
    Admin,
    /// The built-in `view` role (plus read on nodes): writes and `pods/resize` get 403.
    Viewer,
}

impl Identity {
    /// The kubeconfig context name.
    pub fn context(self) -> &'static str {
        match self {
            Self::Admin => "sim-admin",
            Self::Viewer => "sim-viewer",
        }
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Invalid configuration.
    #[error("invalid simulator config: {0}")]
    Config(String),
    /// Could not build a client.
    #[error("cannot build a client: {0}")]
    Client(String),
    /// Could not listen.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

/// A running simulated cluster; stops its tasks when dropped.
pub struct SimCluster {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: Mutex<Option<Running>>,
    tasks: Vec<JoinHandle<()>>,
    /// Replaced by `restart_with_new_certificate`; fixed whether TLS is on at all.
    tls: Mutex<Option<tls::Tls>>,
}

impl SimCluster {
    /// Generates the workload, starts the kubelets and serves HTTP.
    pub async fn start(cfg: SimConfig) -> Result<SimCluster, SimError> {
        if !(27..=37).contains(&cfg.minor) {
            return Err(SimError::Config(format!(
                "minor version {} not in 27..=37",
                cfg.minor
            )));
        }
        let store = Arc::new(store::Store::new(cfg.history, 100));
        let api = api::ApiServer::new(store.clone(), cfg.minor, cfg.seed)
            .with_resize_feature(cfg.resize_feature)
            .with_pod_level_resize(cfg.pod_level_resize);
        workload::populate(
            &store,
            &api,
            &workload::WorkloadSpec {
                nodes: cfg.nodes,
                pods: cfg.pods,
                namespaces: cfg.namespaces,
                seed: cfg.seed,
                node_prefix: cfg.node_prefix.clone(),
            },
        );
        replicasets::populate(&store);
        nodes::stamp_versions(&store, cfg.minor);
        if cfg.vpa {
            vpa::populate(&store);
        }
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .map_err(|e| SimError::Bind(cfg.listen, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| SimError::Bind(cfg.listen, e))?;
        let tls = if cfg.tls {
            Some(tls::Tls::self_signed().map_err(SimError::Config)?)
        } else {
            None
        };
        let faults = Faults::default();
        faults.set_realistic(cfg.realistic);
        let shared = Arc::new(Shared {
            api,
            faults: Arc::new(faults),
            log: Arc::new(faults::RequestLog::default()),
            metrics: cfg.metrics,
            vpa: cfg.vpa,
            bookmark_interval: cfg.bookmark_interval,
            addr,
        });
        let running = serve_on(shared.clone(), listener, tls.as_ref());
        let mut tasks = vec![tokio::spawn(
            kubelet::Kubelet::new(store.clone(), cfg.minor, cfg.kubelet_delay)
                .with_pod_level_resize(cfg.pod_level_resize)
                .run(),
        )];
        tasks.push(tokio::spawn(startup::run(store.clone())));
        if cfg.churn {
            let churn_api = Arc::new(
                api::ApiServer::new(store, cfg.minor, cfg.seed ^ 0xABCD)
                    .with_resize_feature(cfg.resize_feature)
                    .with_pod_level_resize(cfg.pod_level_resize),
            );
            tasks.push(tokio::spawn(workload::churn(
                churn_api,
                cfg.seed,
                cfg.churn_rate,
            )));
        }
        Ok(SimCluster {
            shared,
            addr,
            server: Mutex::new(Some(running)),
            tasks,
            tls: Mutex::new(tls),
        })
    }

    /// `http://127.0.0.1:PORT` (or `https://` with TLS).
    pub fn url(&self) -> String {
        let scheme = if self.tls().is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// PEM of the self-signed serving certificate when TLS is on.
    pub fn ca_pem(&self) -> Option<String> {
        self.tls().map(|t| t.cert_pem)
    }

    fn tls(&self) -> Option<tls::Tls> {
        self.tls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Kubernetes minor version this cluster behaves like.
    pub fn minor(&self) -> u32 {
        self.shared.api.minor
    }

    /// Requests served so far.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.log.snapshot()
    }

    /// Forgets the request log.
    pub fn clear_request_log(&self) {
        self.shared.log.clear()
    }

    /// Fault injection switches.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Forgets the watch history so any older resourceVersion gets 410 Expired.
    pub fn compact(&self) {
        self.shared.api.store.compact()
    }

    /// Stops serving HTTP (open watches are closed); state and kubelets are kept.
    pub async fn stop(&self) {
        let running = self
            .server
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(r) = running {
            self.shared.faults.set_stopped(true);
            let _ = r.shutdown.send(());
            let mut task = r.task;
            if tokio::time::timeout(Duration::from_secs(3), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }

    /// Serves again on the same port with the same state.
    pub async fn restart(&self) -> Result<(), SimError> {
        self.stop().await;
        let mut last = None;
        for _ in 0..50 {
            match listen(self.shared.clone(), self.addr, self.tls().as_ref()).await {
                Ok(running) => {
                    self.shared.faults.set_stopped(false);
                    *self.server.lock().unwrap_or_else(PoisonError::into_inner) = Some(running);
                    return Ok(());
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(last.unwrap_or_else(|| SimError::Config("restart failed".into())))
    }

    /// Serves again on the same port with a freshly generated certificate (TLS only), as a
    /// rebuilt control plane does: clients must re-read the CA from the kubeconfig.
    pub async fn restart_with_new_certificate(&self) -> Result<(), SimError> {
        self.stop().await;
        if self.tls().is_some() {
            let fresh = tls::Tls::self_signed().map_err(SimError::Config)?;
            *self.tls.lock().unwrap_or_else(PoisonError::into_inner) = Some(fresh);
        }
        self.restart().await
    }

    /// The pod write logic (create, resize, status) without HTTP.
    pub fn api(&self) -> &api::ApiServer {
        &self.shared.api
    }
}

impl Drop for SimCluster {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        self.shared.faults.set_stopped(true);
        if let Some(r) = self
            .server
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = r.shutdown.send(());
            r.task.abort();
        }
    }
}
