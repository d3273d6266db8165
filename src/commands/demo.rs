//! `podsize demo`: the dashboard on an embedded simulated cluster, no cluster needed.

use super::CommandError;
use super::dashboard::{self, Dashboard};
use crate::cli::{CommonArgs, DemoArgs};
use crate::cluster::client::{build_client, load_config};
use crate::model::pods::events::Scope;

/// The demo's usage is simulated and flat: a few readings are as good as a day's, so
/// make-room can be shown within seconds.
const DEMO_MAKE_ROOM_GATE: crate::model::decide::make_room::HistoryGate =
    crate::model::decide::make_room::HistoryGate {
        min_window: chrono::TimeDelta::seconds(5),
        min_samples: 3,
    };

/// How often the demo reads the simulated metrics.
const DEMO_METRICS_POLL: std::time::Duration = std::time::Duration::from_secs(3);

/// `podsize demo --clusters N`: N simulated clusters on one dashboard, each a minor version
/// older than the one before (down to 1.33), as fleets are upgraded one cluster at a time.
async fn run_fleet(common: &CommonArgs, args: &DemoArgs) -> Result<(), CommandError> {
    let base = simcluster::SimConfig {
        pod_level_resize: true,
        ..super::sim::sim_config(
            &args.sim,
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            false,
        )
    };
    let mut sims = Vec::new();
    for i in 1..=usize::from(args.sim.clusters) {
        let mut cfg = simcluster::fleet::member_config(&base, i)
            .map_err(|e| CommandError::Sim(e.to_string()))?;
        let older = u32::try_from(i - 1).unwrap_or(0);
        cfg.minor = base.minor.saturating_sub(older).max(33.min(base.minor));
        sims.push((
            simcluster::fleet::cluster_name(i),
            super::sim::start_config(cfg).await?,
        ));
    }
    if let Some((_, first)) = sims.first() {
        simcluster::startup::add_demo(first);
        simcluster::priority_scene::add(first);
        simcluster::policy_scene::add(first);
    }
    let named: Vec<(&str, &simcluster::SimCluster)> =
        sims.iter().map(|(n, s)| (n.as_str(), s)).collect();
    let kubeconfig = simcluster::fleet::merged_kubeconfig(&named);
    let path = std::env::temp_dir().join(format!("podsize-demo-{}.kubeconfig", std::process::id()));
    let written = serde_yaml::to_string(&kubeconfig)
        .map_err(std::io::Error::other)
        .and_then(|text| std::fs::write(&path, text));
    written.map_err(|e| CommandError::Sim(format!("cannot write {}: {e}", path.display())))?;
    let mut common = common.clone();
    common.kubeconfig = Some(path.clone());
    common.all_contexts = true;
    if common.namespace.is_none() {
        common.all_namespaces = true;
    }
    if common.prefs.metrics_poll == crate::settings::METRICS_POLL_INTERVAL {
        common.prefs.metrics_poll = DEMO_METRICS_POLL;
    }
    let dashboard = async {
        let (clusters, scope) = super::contexts::connect_clusters(&common).await?;
        let mut dash = Dashboard::fleet(clusters, scope, &common, None, None);
        dash.make_room_gate = Some(DEMO_MAKE_ROOM_GATE);
        dashboard::run(dash).await
    };
    let waiting = async {
        if let Some((_, first)) = sims.first() {
            simcluster::priority_scene::start_waiting_resize(first).await;
        }
    };
    let (result, ()) = tokio::join!(dashboard, waiting);
    let _ = std::fs::remove_file(&path);
    for (_, sim) in &sims {
        sim.stop().await;
    }
    result
}

pub async fn run(common: &CommonArgs, args: &DemoArgs) -> Result<(), CommandError> {
    if args.sim.clusters > 1 {
        return run_fleet(common, args).await;
    }
    // Plain HTTP in process: nothing leaves loopback and no certificate is needed.
    // The demo shows every feature: 1.35's alpha gate for pod-level resize is on.
    let sim = super::sim::start_config(simcluster::SimConfig {
        pod_level_resize: true,
        ..super::sim::sim_config(
            &args.sim,
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            false,
        )
    })
    .await?;
    // A JVM-like pod still starting, to show a boost shortening start-up (`b` or podsize boost).
    simcluster::startup::add_demo(&sim);
    // A node where a Deferred resize waits for lower-priority pods to give way (make-room).
    simcluster::priority_scene::add(&sim);
    // What else decides whether a resize lands: an old containerd, a LimitRange, a quota
    // near its limit, an HPA (the dashboard's preflight shows each before sending).
    simcluster::policy_scene::add(&sim);
    // A real kubeconfig file, so `:ctx sim-viewer` works as on a real cluster.
    let path = std::env::temp_dir().join(format!("podsize-demo-{}.kubeconfig", std::process::id()));
    sim.write_kubeconfig(&path)
        .map_err(|e| CommandError::Sim(format!("cannot write {}: {e}", path.display())))?;
    let mut common = common.clone();
    common.kubeconfig = Some(path.clone());
    // The simulated metrics are local and cheap: poll them often, so live-sample
    // recommendations show within half a minute (unless the config file chose an interval).
    if common.prefs.metrics_poll == crate::settings::METRICS_POLL_INTERVAL {
        common.prefs.metrics_poll = DEMO_METRICS_POLL;
    }
    let dashboard = async {
        let (config, target) = load_config(&common).await?;
        let client = build_client(config, common.readonly)?;
        let scope = Scope {
            namespace: common.namespace.clone(),
            label_selector: common.selector.clone(),
        };
        let mut dash = Dashboard::new(client, target.context, scope, &common, None, None);
        dash.make_room_gate = Some(DEMO_MAKE_ROOM_GATE);
        dashboard::run(dash).await
    };
    let (result, ()) = tokio::join!(
        dashboard,
        simcluster::priority_scene::start_waiting_resize(&sim)
    );
    let _ = std::fs::remove_file(&path);
    sim.stop().await;
    result
}
