//! `podsize sim`: the simulated cluster, headless, for kubectl and other clients.

use super::CommandError;
use crate::cli::{SimArgs, SimOptions};
use crate::sim::{SimCluster, SimConfig};
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
    crate::sim::usage_history::write_openmetrics(
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
    let sim = start(&args.sim, args.listen, !args.plain_http).await?;
    println!(
        "simulated cluster v1.{} listening on {}",
        args.sim.minor,
        sim.url()
    );
    if let Some(path) = &args.kubeconfig_out {
        sim.write_kubeconfig(path)
            .map_err(|e| CommandError::Sim(format!("cannot write {}: {e}", path.display())))?;
        println!(
            "kubeconfig written to {} (contexts sim-admin, sim-viewer)",
            path.display()
        );
        println!("try: kubectl --kubeconfig {} get pods -A", path.display());
    }
    if let (Some(window), Some(path)) = (args.usage_history, &args.openmetrics_out) {
        write_history(&sim, window, path)?;
        println!(
            "usage history written to {}; backfill with: promtool tsdb create-blocks-from openmetrics {} DATA_DIR",
            path.display(),
            path.display()
        );
    }
    if let Some(addr) = args.metrics_listen {
        let bound = crate::sim::metrics_listen::serve(sim.api().store.clone(), addr)
            .await
            .map_err(|e| CommandError::Sim(format!("cannot listen on {addr} for metrics: {e}")))?;
        println!("metrics served at http://{bound}/metrics");
    }
    println!("stop with Ctrl-C");
    super::terminal::stop_signal().await;
    sim.stop().await;
    Ok(())
}
