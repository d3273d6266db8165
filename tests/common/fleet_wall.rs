//! The dashboard's clusters driven as `podsize watch --all-contexts` drives them, without a
//! terminal: one kubeconfig with a context per simulated cluster, a client per context
//! (read-only), each cluster's watch tasks tagging their events into an `AppState`.

use chrono::Utc;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cli::CommonArgs;
use podsize::commands::contexts::connect_clusters;
use podsize::commands::dashboard_fleet::{Fleet, Tagged, WatchOptions, capabilities_of};
use podsize::config::Prefs;
use simcluster::fleet::SimFleet;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Wall {
    pub state: AppState,
    rx: UnboundedReceiver<Tagged>,
    pub fleet: Fleet,
    pub opts: WatchOptions,
    _dir: tempfile::TempDir,
}

/// (cluster, namespace, name) of every pod.
pub type Keys = BTreeSet<(String, String, String)>;

impl Wall {
    pub async fn start(sims: &SimFleet) -> Self {
        Self::start_with(sims, Prefs::default()).await
    }

    /// With the config file's dashboard values `prefs` (e.g. where Prometheus is).
    pub async fn start_with(sims: &SimFleet, prefs: Prefs) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        sims.write_kubeconfig(&path).unwrap();
        let common = CommonArgs {
            kubeconfig: Some(path),
            all_contexts: true,
            all_namespaces: true,
            readonly: true,
            prefs,
            ..CommonArgs::default()
        };
        let (targets, scope) = connect_clusters(&common).await.unwrap();
        let caps = capabilities_of(&targets).await;
        let headers = (targets.iter().zip(&caps))
            .map(|(t, c)| HeaderInfo {
                context: t.target.context.clone(),
                server_version: c.git_version.clone(),
                minor: c.minor,
                readonly: true,
                ..HeaderInfo::default()
            })
            .collect();
        let state = AppState::with_clusters(headers, scope.clone());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let opts = WatchOptions::from_options(&common, true);
        let fleet = Fleet::start(targets, caps, &common, &scope, &tx, &opts);
        Self {
            state,
            rx,
            fleet,
            opts,
            _dir: dir,
        }
    }

    pub fn drain(&mut self) {
        while let Ok((cluster, event)) = self.rx.try_recv() {
            update(
                &mut self.state,
                Action::ClusterOf(cluster, event),
                Utc::now(),
            );
        }
    }

    pub fn keys(&self) -> Keys {
        (self.state.pods.values())
            .map(|p| {
                let cluster = self.state.cluster(p.cluster).header.context.clone();
                (cluster, p.namespace.clone(), p.name.clone())
            })
            .collect()
    }

    /// Polls until `done` holds, failing with `what` after the deadline.
    pub async fn until(&mut self, what: &str, mut done: impl FnMut(&Self) -> bool) {
        let start = Instant::now();
        loop {
            self.drain();
            if done(self) {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{what}: not after {DEADLINE:?}; connections {:?}",
                (self.state.clusters.iter())
                    .map(|c| (&c.header.context, &c.connection))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
