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
        churn: opts.churn,
        metrics: true,
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
    SimCluster::start(sim_config(opts, listen, tls))
        .await
        .map_err(|e| CommandError::Sim(format!("cannot start the simulated cluster: {e}")))
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
    println!("stop with Ctrl-C");
    super::terminal::stop_signal().await;
    sim.stop().await;
    Ok(())
}
