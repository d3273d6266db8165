//! `podsize sim`: the simulated cluster, headless, for kubectl and other clients.

use super::CommandError;
use crate::cli::{SimArgs, SimOptions};
use simcluster::fleet::SimFleet;
use simcluster::{SimCluster, SimConfig};
use std::net::SocketAddr;

/// Turns the command-line options into a simulator configuration.
pub fn sim_config(opts: &SimOptions, listen: SocketAddr, tls: bool) -> SimConfig {
    SimConfig {
        minor: opts.minor,
        nodes: opts.nodes,
        pods: opts.pods,
        namespaces: opts.namespaces,
        seed: opts.seed,
        kubelet_delay: opts.kubelet_delay,
        realistic: opts.realistic,
        churn: opts.churn,
        metrics: true,
        vpa: true,
        listen,
        tls,
        ..SimConfig::default()
    }
}

pub async fn start(
    opts: &SimOptions,
    listen: SocketAddr,
    tls: bool,
) -> Result<SimCluster, CommandError> {
    start_config(sim_config(opts, listen, tls)).await
}

/// The configuration `podsize sim` starts from: the options, and metrics unless refused.
fn headless_config(args: &SimArgs) -> SimConfig {
    SimConfig {
        metrics: !args.no_metrics,
        ..sim_config(&args.sim, args.listen, !args.plain_http)
    }
}

/// Starts a simulated cluster from a full configuration.
pub async fn start_config(cfg: SimConfig) -> Result<SimCluster, CommandError> {
    SimCluster::start(cfg)
        .await
        .map_err(|e| CommandError::Sim(format!("cannot start the simulated cluster: {e}")))
}

/// Seconds between samples of the written history: enough for PromQL's `rate(...[5m])`.
pub const HISTORY_STEP_SECS: i64 = 60;

/// Writes `window` of the generated pods' usage, ending now, as OpenMetrics.
pub fn write_history(
    sim: &SimCluster,
    window: std::time::Duration,
    path: &std::path::Path,
) -> Result<(), CommandError> {
    let fail =
        |e: std::io::Error| CommandError::Sim(format!("cannot write {}: {e}", path.display()));
    let file = std::fs::File::create(path).map_err(fail)?;
    let mut out = std::io::BufWriter::new(file);
    let end = chrono::Utc::now().timestamp() - HISTORY_STEP_SECS;
    let window = i64::try_from(window.as_secs()).unwrap_or(i64::MAX / 2);
    simcluster::usage_history::write_openmetrics(
        &sim.api().store,
        window,
        HISTORY_STEP_SECS,
        end,
        &mut out,
    )
    .and_then(|()| std::io::Write::flush(&mut out))
    .map_err(fail)
}

pub async fn run(args: &SimArgs) -> Result<(), CommandError> {
    if args.sim.clusters > 1 {
        return run_fleet(args).await;
    }
    let sim = start_config(headless_config(args)).await?;
    announce!(
        "simulated cluster v1.{} listening on {}",
        args.sim.minor,
        sim.url()
    );
    if let Some(path) = &args.kubeconfig_out {
        sim.write_kubeconfig(path)
            .map_err(|e| CommandError::Sim(format!("cannot write {}: {e}", path.display())))?;
        announce!(
            "kubeconfig written to {} (contexts sim-admin, sim-viewer)",
            path.display()
        );
        announce!("try: kubectl --kubeconfig {} get pods -A", path.display());
    }
    if let (Some(window), Some(path)) = (args.usage_history, &args.openmetrics_out) {
        write_history(&sim, window, path)?;
        announce!(
            "usage history written to {}; backfill with: promtool tsdb create-blocks-from openmetrics {} DATA_DIR",
            path.display(),
            path.display()
        );
    }
    if let Some(addr) = args.metrics_listen {
        let bound = simcluster::metrics_listen::serve(sim.api().store.clone(), addr)
            .await
            .map_err(|e| CommandError::Sim(format!("cannot listen on {addr} for metrics: {e}")))?;
        announce!("metrics served at http://{bound}/metrics");
    }
    announce!("stop with Ctrl-C");
    super::terminal::stop_signal().await;
    sim.stop().await;
    Ok(())
}

/// `podsize sim --clusters N` (N > 1): N clusters and one kubeconfig with a context each.
async fn run_fleet(args: &SimArgs) -> Result<(), CommandError> {
    // Both describe one cluster's usage; several clusters would need several files and ports.
    if args.metrics_listen.is_some() {
        return Err(CommandError::Sim(
            "--metrics-listen serves one cluster's usage: use it without --clusters".into(),
        ));
    }
    if args.openmetrics_out.is_some() {
        return Err(CommandError::Sim(
            "--openmetrics-out writes one cluster's usage history: use it without --clusters"
                .into(),
        ));
    }
    let base = headless_config(args);
    let fleet = SimFleet::start(usize::from(args.sim.clusters), base)
        .await
        .map_err(|e| CommandError::Sim(format!("cannot start the simulated clusters: {e}")))?;
    for (name, sim) in fleet.clusters() {
        announce!(
            "simulated cluster {name} v1.{} listening on {}",
            sim.minor(),
            sim.url()
        );
    }
    if let Some(path) = &args.kubeconfig_out {
        fleet
            .write_kubeconfig(path)
            .map_err(|e| CommandError::Sim(format!("cannot write {}: {e}", path.display())))?;
        announce!(
            "kubeconfig written to {} (contexts {})",
            path.display(),
            fleet.names().join(", ")
        );
        announce!(
            "try: kubectl --kubeconfig {} --context sim-2 get pods -A",
            path.display()
        );
    }
    announce!("stop with Ctrl-C");
    super::terminal::stop_signal().await;
    fleet.stop().await;
    Ok(())
}
