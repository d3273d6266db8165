//! The embedded simulated cluster: a real HTTP server on loopback speaking the part of the
//! Kubernetes API that podsize and kubectl use, an in-memory store, simulated kubelets, a
//! workload generator and fault injection. Used by `podsize demo` / `podsize sim` and the tests.

pub mod access;
pub mod api;
pub mod auth;
pub mod container_counters;
pub mod continue_token;
pub mod control;
pub mod cpu_manager;
pub mod diff;
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

pub use faults::{FaultCode, Faults, LoggedRequest};

use k8s_openapi::api::core::v1::{Node, Pod};
use server::Shared;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Bearer token of the `admin` identity (may do everything).
pub const ADMIN_TOKEN: &str = "podsize-admin-token";
/// Bearer token of the read-only `viewer` identity.
pub const VIEWER_TOKEN: &str = "podsize-viewer-token";

/// How to build a simulated cluster.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Kubernetes minor version to behave like (27..=37).
    pub minor: u32,
    /// Number of nodes.
    pub nodes: usize,
    /// Number of generated pods.
    pub pods: usize,
    /// Number of namespaces (the first is `default`).
    pub namespaces: usize,
    /// Seed of the workload generator.
    pub seed: u64,
    /// How long the simulated kubelet waits before acting on a change.
    pub kubelet_delay: Duration,
    /// Create/delete pods and resize them as an autoscaler would.
    pub churn: bool,
    /// Churn actions per second.
    pub churn_rate: f64,
    /// Serve metrics.k8s.io PodMetrics.
    pub metrics: bool,
    /// Address to listen on (port 0 = random).
    pub listen: SocketAddr,
    /// Interval between watch bookmarks.
    pub bookmark_interval: Duration,
    /// Events kept for watch resumption; older resourceVersions get 410 Expired.
    pub history: usize,
    /// Feature gate `InPlacePodVerticalScaling` (on by default; off imitates a cluster that has
    /// in-place resize disabled: no `pods/resize` from 1.32, resource changes refused).
    pub resize_feature: bool,
    /// Serve HTTPS with a self-signed certificate (needed by kubectl, which sends bearer
    /// tokens only over TLS); the kubeconfig then carries the certificate as its CA.
    pub tls: bool,
    /// 1.35's alpha gate `InPlacePodLevelResourcesVerticalScaling` (off by default there, as on
    /// a real 1.35; beta and on from 1.36 whatever this says).
    pub pod_level_resize: bool,
    /// Serve VerticalPodAutoscalers (autoscaling.k8s.io/v1) for part of the Deployments.
    pub vpa: bool,
    /// Spend server time per object as a real apiserver does (`pacing.rs`); off by default so
    /// tests pay nothing unless they ask.
    pub realistic: bool,
    /// Prefix of the generated nodes' names (`sim-node` gives `sim-node-01`…); a fleet gives
    /// each cluster its own, so a wall of clusters does not repeat the same node names.
    pub node_prefix: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            minor: 35,
            nodes: 8,
            pods: 200,
            namespaces: 6,
            seed: 1,
            kubelet_delay: Duration::from_secs(1),
            churn: false,
            churn_rate: 5.0,
            metrics: true,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            // A real server bookmarks long watches about once a minute.
            bookmark_interval: Duration::from_secs(60),
            history: 10_000,
            tls: false,
            resize_feature: true,
            pod_level_resize: false,
            vpa: false,
            realistic: false,
            node_prefix: workload::NODE_PREFIX.into(),
        }
    }
}

impl SimConfig {
    /// One node (16 cpu, 64Gi), namespace `default`, no pods, fast kubelet: for tests.
    pub fn empty() -> Self {
        Self {
            nodes: 1,
            pods: 0,
            namespaces: 1,
            kubelet_delay: Duration::from_millis(20),
            metrics: false,
            bookmark_interval: Duration::from_millis(200),
            ..Self::default()
        }
    }
}

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

struct Running {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
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

fn serve_on(
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

async fn listen(
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls: Option<&tls::Tls>,
) -> Result<Running, SimError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| SimError::Bind(addr, e))?;
    Ok(serve_on(shared, listener, tls))
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

    /// A kubeconfig with contexts `sim-admin` (current) and `sim-viewer`.
    pub fn kubeconfig(&self) -> kube::config::Kubeconfig {
        let cluster = self.kubeconfig_cluster();
        let value = serde_json::json!({
            "apiVersion": "v1", "kind": "Config", "current-context": "sim-admin",
            "clusters": [{"name": "podsize-sim", "cluster": cluster}],
            "users": [
                {"name": "admin", "user": {"token": ADMIN_TOKEN}},
                {"name": "viewer", "user": {"token": VIEWER_TOKEN}}
            ],
            "contexts": [
                {"name": "sim-admin", "context": {"cluster": "podsize-sim", "user": "admin", "namespace": "default"}},
                {"name": "sim-viewer", "context": {"cluster": "podsize-sim", "user": "viewer", "namespace": "default"}}
            ]
        });
        serde_json::from_value(value).unwrap_or_default()
    }

    /// The kubeconfig `cluster` entry: server URL, and the CA when serving TLS.
    fn kubeconfig_cluster(&self) -> serde_json::Value {
        let mut cluster = serde_json::json!({"server": self.url()});
        if let (Some(tls), Some(map)) = (self.tls(), cluster.as_object_mut()) {
            map.insert(
                "certificate-authority-data".into(),
                serde_json::json!(tls.ca_data()),
            );
        }
        cluster
    }

    /// Writes the kubeconfig as YAML.
    pub fn write_kubeconfig(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        let text = serde_yaml::to_string(&self.kubeconfig()).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }

    /// A kube client acting as `identity`.
    pub async fn client(&self, identity: Identity) -> Result<kube::Client, SimError> {
        let options = kube::config::KubeConfigOptions {
            context: Some(identity.context().into()),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(self.kubeconfig(), &options)
            .await
            .map_err(|e| SimError::Client(e.to_string()))?;
        kube::Client::try_from(config).map_err(|e| SimError::Client(e.to_string()))
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

    /// Adds a pod (apiserver defaulting applied); the kubelet binds and starts it.
    pub fn create_pod(&self, mut pod: Pod) -> Result<Pod, status::ApiError> {
        let ns = pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        pod.metadata.namespace = Some(ns.clone());
        if self
            .shared
            .api
            .store
            .get::<k8s_openapi::api::core::v1::Namespace>("", &ns)
            .is_none()
        {
            self.shared.api.store.upsert(workload::namespace(&ns));
        }
        self.shared.api.prepare_new_pod(&mut pod, "podsize-sim");
        let name = pod.metadata.name.clone().unwrap_or_default();
        self.shared
            .api
            .store
            .create(pod)
            .map(|e| (*e.obj).clone())
            .map_err(|_| status::ApiError::already_exists("pods", &name))
    }

    /// Deletes a pod; true when it existed.
    pub fn delete_pod(&self, namespace: &str, name: &str) -> bool {
        self.shared.api.delete_pod(namespace, name).is_ok()
    }

    /// Every pod.
    pub fn pods(&self) -> Vec<Pod> {
        self.shared
            .api
            .store
            .all::<Pod>(None)
            .iter()
            .map(|p| (**p).clone())
            .collect()
    }

    /// One pod.
    pub fn pod(&self, namespace: &str, name: &str) -> Option<Pod> {
        self.shared
            .api
            .store
            .get::<Pod>(namespace, name)
            .map(|e| (*e.obj).clone())
    }

    /// Adds (or replaces) a node with allocatable cpu (millicores) and memory (bytes).
    pub fn add_node(&self, name: &str, cpu_millis: i64, memory_bytes: i64, resize_support: bool) {
        self.shared.api.store.upsert(workload::node(
            name,
            cpu_millis,
            memory_bytes,
            resize_support,
        ));
        nodes::stamp_versions(&self.shared.api.store, self.shared.api.minor);
    }

    /// Adds a node whose kubelet runs the static CPU manager policy (`cpu_manager`).
    pub fn add_static_cpu_node(&self, name: &str, cpu_millis: i64, memory_bytes: i64) {
        let mut node = workload::node(name, cpu_millis, memory_bytes, true);
        node.metadata.labels.get_or_insert_default().insert(
            cpu_manager::STATIC_CPU_MANAGER_LABEL.to_string(),
            "true".to_string(),
        );
        self.shared.api.store.upsert(node);
        nodes::stamp_versions(&self.shared.api.store, self.shared.api.minor);
    }

    /// Every node.
    pub fn nodes(&self) -> Vec<Node> {
        self.shared
            .api
            .store
            .all::<Node>(None)
            .iter()
            .map(|n| (**n).clone())
            .collect()
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
