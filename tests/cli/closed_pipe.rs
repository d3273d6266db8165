//! Issue #30 point 1: `podsize recommend -A | head -1` and `podsize themes | head -1` panicked
//! with "failed printing to stdout: Broken pipe" (exit 101). Every command that prints must
//! end quietly when its reader has gone. Each command here runs with the read end of its stdout
//! closed before it starts, so its first write meets a closed pipe, whatever it prints.

use crate::common::sim_cli::SimCli;
use crate::common::sim_http as sim_common;
use simcluster::SimConfig;
use std::process::Stdio;
use std::time::Duration;

/// One invocation of every subcommand that writes to stdout, in its text and JSON forms.
fn printing_commands() -> Vec<Vec<&'static str>> {
    let demo = ["resize-demo", "-n", "default"];
    let mut cases: Vec<Vec<&str>> = vec![
        vec!["get", "-A"],
        vec!["get", "-A", "-o", "wide"],
        vec!["get", "-A", "-o", "json"],
        vec!["recommend", "-A"],
        vec!["recommend", "-A", "-o", "json"],
        vec!["nodes"],
        vec!["nodes", "-o", "json"],
        vec!["info"],
        vec!["themes"],
        vec!["config", "path"],
        vec!["config", "show"],
        vec!["completion", "bash"],
        vec!["man"],
        vec!["--help"],
        vec!["resize", "--help"],
    ];
    let mut resize = vec!["resize"];
    resize.extend(demo);
    resize.extend(["-c", "c1", "--cpu-request", "300m", "--dry-run"]);
    cases.push(resize.clone());
    resize.extend(["-o", "json"]);
    cases.push(resize);
    let mut boost = vec!["boost"];
    boost.extend(demo);
    boost.extend(["-c", "c1", "--cpu", "x2", "--for", "1m", "--dry-run"]);
    cases.push(boost);
    let mut make_room = vec!["make-room"];
    make_room.extend(demo);
    cases.push(make_room);
    cases
}

#[tokio::test]
async fn every_printing_command_ends_quietly_on_a_closed_pipe() {
    let cli = SimCli::start(SimConfig {
        pods: 30,
        nodes: 2,
        namespaces: 2,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await;
    cli.sim.create_pod(sim_common::resize_demo()).unwrap();
    let (_dir, _kc) = sim_common::kubeconfig_when_running(&cli.sim, "resize-demo").await;
    let mut failures = Vec::new();
    for args in printing_commands() {
        let mut cmd = cli.command(&args);
        cmd.stdout(Stdio::piped()).stdin(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        // The reader leaves before the first line: every write from now on is EPIPE.
        drop(child.stdout.take());
        let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("{args:?} did not end"))
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        if code == Some(101) || err.contains("panicked") || err.contains("Broken pipe") {
            failures.push(format!("{args:?}: exit {code:?}, stderr: {err}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
