//! The dashboard's clusters at run time (issue #15): each has its own connector (rebuilt from
//! its own kubeconfig context), capabilities and watch tasks, and its events reach the app
//! tagged with its place. A cluster down or slow only delays its own events.

use super::contexts::ClusterTarget;
use super::dashboard::Dashboard;
use crate::cli::CommonArgs;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::connector::Connector;
use crate::cluster::metrics::poll_usage_every;
use crate::cluster::prometheus::Prometheus;
use crate::cluster::watch::{watch_nodes, watch_pods};
use crate::config::PromAddress;
use crate::model::pods::events::{ClusterEvent, Scope};
use crate::model::pods::row::ClusterId;
use crate::settings::InitialList;
use crate::settings::PromTarget;
use kube::Client;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

/// Events from every cluster, each with the cluster it came from.
pub type Tagged = (ClusterId, ClusterEvent);

/// Watch tasks of the current client; aborted on drop so switching scope leaves nothing behind.
struct Watches {
    pods: JoinHandle<()>,
    nodes: JoinHandle<()>,
    usage: JoinHandle<()>,
    /// VPAs, when the cluster has the CRD (for the editor's warning).
    vpa: JoinHandle<()>,
    /// LimitRanges, quotas, HPAs and node runtimes, for the preflight of every change.
    policy: JoinHandle<()>,
    /// The one-shot access review of resizes in the scope (not in read-only mode, which sends
    /// no POST at all).
    access: Option<JoinHandle<()>>,
    /// Long-window usage from Prometheus, when the config names one.
    prometheus: Option<JoinHandle<()>>,
    /// Every pod of the cluster for node room, when the table is scoped (its rows miss pods).
    room: Option<JoinHandle<()>>,
}

/// What the watch tasks are started with, besides the client and the scope.
pub struct WatchOptions {
    readonly: bool,
    initial: InitialList,
    metrics_poll: std::time::Duration,
    /// Where each context's recommendations read Prometheus (`Prefs::prometheus_for`).
    prefs: crate::config::Prefs,
    /// The history window of the recommendations.
    window: Option<chrono::TimeDelta>,
}

impl WatchOptions {
    pub fn new(dash: &Dashboard) -> Self {
        Self::from_options(&dash.common, dash.readonly)
    }

    /// The options of a dashboard started with `common` (read-only as `readonly` says).
    pub fn from_options(common: &CommonArgs, readonly: bool) -> Self {
        let prefs = &common.prefs;
        Self {
            readonly,
            initial: common
                .initial_list
                .as_deref()
                .and_then(InitialList::parse)
                .unwrap_or_default(),
            metrics_poll: prefs.metrics_poll,
            prefs: prefs.clone(),
            window: chrono::TimeDelta::from_std(prefs.history).ok(),
        }
    }

    /// The Prometheus context `context` reads, with `clusters` clusters on show.
    fn prometheus_for(&self, context: &str, clusters: usize) -> Option<PromTarget> {
        match self.prefs.prometheus_for(context, clusters)? {
            PromAddress::Url(url) => Some(PromTarget::Url(url)),
            // Checked when the config was read; a bad one is skipped here.
            PromAddress::Service(service) => PromTarget::parse_service(&service).ok(),
        }
    }

    /// A notice when a Prometheus URL is not read for some of these contexts.
    pub fn prometheus_notice(&self, contexts: &[&str]) -> Option<String> {
        let skipped = self.prefs.prometheus_skipped(contexts);
        (!skipped.is_empty()).then(|| {
            format!(
                "Prometheus URL read for one cluster only: name each context under \
                 [prometheus.contexts] (live samples for {})",
                skipped.join(", ")
            )
        })
    }
}

fn start_prometheus(
    conn: &Connector,
    scope: &Scope,
    tx: &UnboundedSender<ClusterEvent>,
    opts: &WatchOptions,
    target: PromTarget,
) -> Option<JoinHandle<()>> {
    let window = opts.window?;
    match Prometheus::new(&target, &conn.client(), opts.readonly) {
        Ok(prom) => Some(tokio::spawn(crate::cluster::long_usage::poll_prometheus(
            prom,
            scope.clone(),
            window,
            crate::app::rightsizing::PERCENTILE,
            tx.clone(),
        ))),
        Err(e) => {
            let _ = tx.send(ClusterEvent::LongUsage(Err(e.to_string())));
            None
        }
    }
}

impl Watches {
    /// The tasks share `conn`: when the pod watch rebuilds the client, the others follow.
    /// Prometheus is read when `prometheus` names this cluster's.
    fn start(
        conn: &Connector,
        caps: &Capabilities,
        scope: &Scope,
        tx: &UnboundedSender<ClusterEvent>,
        opts: &WatchOptions,
        prometheus: Option<PromTarget>,
    ) -> Self {
        let (readonly, initial, metrics_poll) = (opts.readonly, opts.initial, opts.metrics_poll);
        let access = (!readonly).then(|| {
            tokio::spawn(crate::cluster::access::review_resize(
                conn.client(),
                caps.clone(),
                scope.namespace.clone(),
                tx.clone(),
            ))
        });
        Self {
            pods: tokio::spawn(watch_pods(conn.clone(), scope.clone(), initial, tx.clone())),
            nodes: tokio::spawn(watch_nodes(conn.clone(), tx.clone())),
            usage: tokio::spawn(poll_usage_every(
                conn.clone(),
                scope.clone(),
                tx.clone(),
                metrics_poll,
            )),
            vpa: tokio::spawn(crate::cluster::vpa::feed_app(
                conn.client(),
                scope.clone(),
                tx.clone(),
            )),
            policy: tokio::spawn(crate::cluster::policy_watch::feed_app(
                conn.client(),
                scope.clone(),
                tx.clone(),
            )),
            access,
            prometheus: prometheus.and_then(|p| start_prometheus(conn, scope, tx, opts, p)),
            room: (scope.namespace.is_some() || scope.label_selector.is_some()).then(|| {
                tokio::spawn(crate::cluster::room_watch::watch_room(
                    conn.clone(),
                    tx.clone(),
                ))
            }),
        }
    }
}

impl Drop for Watches {
    fn drop(&mut self) {
        self.pods.abort();
        self.nodes.abort();
        self.usage.abort();
        self.vpa.abort();
        self.policy.abort();
        if let Some(prometheus) = &self.prometheus {
            prometheus.abort();
        }
        if let Some(access) = &self.access {
            access.abort();
        }
        if let Some(room) = &self.room {
            room.abort();
        }
    }
}

/// How long start-up waits for one cluster's version and discovery: an unreachable cluster
/// starts as "version unknown" and is asked again once its watch connects.
const DETECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

pub async fn capabilities(client: &Client) -> Capabilities {
    let detected = tokio::time::timeout(DETECT_TIMEOUT, Capabilities::detect(client)).await;
    match detected {
        Ok(Ok(caps)) => caps,
        _ => Capabilities {
            git_version: UNKNOWN_VERSION.into(),
            ..Capabilities::default()
        },
    }
}

pub const UNKNOWN_VERSION: &str = "version unknown";

/// Every cluster's capabilities, asked at once.
pub async fn capabilities_of(clients: &[ClusterTarget]) -> Vec<Capabilities> {
    futures::future::join_all(clients.iter().map(|c| capabilities(&c.client))).await
}

/// One cluster's connection and tasks.
pub struct ClusterRuntime {
    pub conn: Connector,
    pub caps: Capabilities,
    /// The command-line options with this cluster's context, for rebuilding its client.
    pub common: CommonArgs,
    /// Its kubeconfig context (empty when the kubeconfig names none).
    pub context: String,
    watches: Watches,
    /// Tags this cluster's events on their way to the app.
    forward: JoinHandle<()>,
    /// Its capabilities are being asked again (it was unreachable at start).
    pub redetecting: bool,
    /// When they were last asked again.
    pub last_detect: Option<std::time::Instant>,
}

impl Drop for ClusterRuntime {
    fn drop(&mut self) {
        self.forward.abort();
    }
}

pub struct Fleet {
    pub clusters: Vec<ClusterRuntime>,
}

/// A sender for cluster `id`'s watch tasks and the task that tags what they send on its way
/// to the app.
fn tagging(
    id: ClusterId,
    tx: &UnboundedSender<Tagged>,
) -> (UnboundedSender<ClusterEvent>, JoinHandle<()>) {
    let (own_tx, mut own_rx) = unbounded_channel();
    let to_app = tx.clone();
    let forward = tokio::spawn(async move {
        while let Some(event) = own_rx.recv().await {
            if to_app.send((id, event)).is_err() {
                break;
            }
        }
    });
    (own_tx, forward)
}

/// The options of `common` narrowed to one context.
fn for_context(common: &CommonArgs, context: &str) -> CommonArgs {
    let mut one = common.clone();
    one.context = vec![context.to_string()];
    one.all_contexts = false;
    one
}

impl Fleet {
    /// Starts every cluster's tasks; `caps[i]` belongs to `targets[i]`.
    pub fn start(
        targets: Vec<ClusterTarget>,
        caps: Vec<Capabilities>,
        common: &CommonArgs,
        scope: &Scope,
        tx: &UnboundedSender<Tagged>,
        opts: &WatchOptions,
    ) -> Self {
        let count = targets.len();
        let clusters = targets
            .into_iter()
            .zip(caps)
            .enumerate()
            .map(|(i, (target, caps))| {
                let id = ClusterId::try_from(i).unwrap_or(ClusterId::MAX);
                // Rebuilt clients re-read this cluster's own context (a kubeconfig without a
                // current-context name keeps the options as given).
                let common = if target.target.context.is_empty() {
                    common.clone()
                } else {
                    for_context(common, &target.target.context)
                };
                let conn = Connector::from_kubeconfig(target.client, &common)
                    .for_server(&target.target.server);
                let (own_tx, forward) = tagging(id, tx);
                let context = target.target.context.clone();
                let prometheus = opts.prometheus_for(&context, count);
                let watches = Watches::start(&conn, &caps, scope, &own_tx, opts, prometheus);
                ClusterRuntime {
                    conn,
                    caps,
                    common,
                    context,
                    watches,
                    forward,
                    redetecting: false,
                    last_detect: None,
                }
            })
            .collect();
        Self { clusters }
    }

    /// Restarts every cluster's watches on another scope.
    pub fn rewatch(&mut self, scope: &Scope, tx: &UnboundedSender<Tagged>, opts: &WatchOptions) {
        let count = self.clusters.len();
        for (i, cluster) in self.clusters.iter_mut().enumerate() {
            let id = ClusterId::try_from(i).unwrap_or(ClusterId::MAX);
            let (own_tx, forward) = tagging(id, tx);
            cluster.forward.abort();
            cluster.forward = forward;
            let prometheus = opts.prometheus_for(&cluster.context, count);
            cluster.watches = Watches::start(
                &cluster.conn,
                &cluster.caps,
                scope,
                &own_tx,
                opts,
                prometheus,
            );
        }
    }

    /// The notice of `WatchOptions::prometheus_notice` for these clusters.
    pub fn prometheus_notice(&self, opts: &WatchOptions) -> Option<String> {
        let contexts: Vec<&str> = self.clusters.iter().map(|c| c.context.as_str()).collect();
        opts.prometheus_notice(&contexts)
    }

    pub fn get(&self, id: ClusterId) -> Option<&ClusterRuntime> {
        self.clusters.get(usize::from(id))
    }

    /// Each cluster's current client and capabilities, by cluster number.
    pub fn clients(&self) -> Vec<(Client, Capabilities)> {
        (self.clusters.iter())
            .map(|c| (c.conn.client(), c.caps.clone()))
            .collect()
    }
}
