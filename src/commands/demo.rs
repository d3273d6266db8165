//! `podsize demo`: the dashboard on an embedded simulated cluster, no cluster needed.

use super::CommandError;
use super::dashboard::{self, Dashboard};
use crate::cli::{CommonArgs, DemoArgs};
use crate::cluster::client::{build_client, load_config};
use crate::model::events::Scope;

/// How often the demo reads the simulated metrics.
const DEMO_METRICS_POLL: std::time::Duration = std::time::Duration::from_secs(3);

pub async fn run(common: &CommonArgs, args: &DemoArgs) -> Result<(), CommandError> {
    // Plain HTTP in process: nothing leaves loopback and no certificate is needed.
    // The demo shows every feature: 1.35's alpha gate for pod-level resize is on.
    let sim = super::sim::start_config(crate::sim::SimConfig {
        pod_level_resize: true,
        ..super::sim::sim_config(
            &args.sim,
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            false,
        )
    })
    .await?;
    // A JVM-like pod still starting, to show a boost shortening start-up (`b` or podsize boost).
    let _ = sim.create_pod(crate::sim::startup::demo_pod());
    // A node where a Deferred resize waits for lower-priority pods to give way (make-room).
    crate::sim::priority_scene::add(&sim);
    // A real kubeconfig file, so `:ctx sim-viewer` works as on a real cluster.
    let path = std::env::temp_dir().join(format!("podsize-demo-{}.kubeconfig", std::process::id()));
    sim.write_kubeconfig(&path)
        .map_err(|e| CommandError::Sim(format!("cannot write {}: {e}", path.display())))?;
    let mut common = common.clone();
    common.kubeconfig = Some(path.clone());
    // The simulated metrics are local and cheap: poll them often, so live-sample
    // recommendations show within half a minute (unless the config file chose an interval).
    if common.prefs.metrics_poll == crate::cluster::metrics::POLL_INTERVAL {
        common.prefs.metrics_poll = DEMO_METRICS_POLL;
    }
    let dashboard = async {
        let (config, target) = load_config(&common).await?;
        let client = build_client(config, common.readonly)?;
        let scope = Scope {
            namespace: common.namespace.clone(),
            label_selector: common.selector.clone(),
        };
        dashboard::run(Dashboard::new(
            client,
            target.context,
            scope,
            &common,
            None,
            None,
        ))
        .await
    };
    let (result, ()) = tokio::join!(
        dashboard,
        crate::sim::priority_scene::start_waiting_resize(&sim)
    );
    let _ = std::fs::remove_file(&path);
    sim.stop().await;
    result
}
