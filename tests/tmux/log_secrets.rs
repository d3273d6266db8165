//! Tokens never reach the log file, even at the most verbose level.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::sim_http as sim_common;

use common::tmux::Tmux;
use simcluster::{SimCluster, SimConfig};

#[tokio::test(flavor = "multi_thread")]
async fn a_logged_session_contains_no_token() {
    let sim = SimCluster::start(SimConfig {
        pods: 5,
        tls: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let secret = std::fs::read_to_string(&kubeconfig).unwrap();
    let token = secret
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("a token in the kubeconfig")
        .trim()
        .to_string();
    let log = dir.path().join("podsize.log");
    let bin = env!("CARGO_BIN_EXE_podsize");
    let kc = kubeconfig.to_str().unwrap();
    let lg = log.to_str().unwrap();
    // One-shot commands, including a refused resize, at trace level.
    for args in [
        vec![
            "--kubeconfig",
            kc,
            "--log-file",
            lg,
            "get",
            "-A",
            "-o",
            "wide",
        ],
        vec![
            "--kubeconfig",
            kc,
            "--log-file",
            lg,
            "resize",
            "resize-demo",
            "--cpu-request",
            "1m",
        ],
    ] {
        let _ = tokio::process::Command::new(bin)
            .args(&args)
            .env("PODSIZE_LOG_LEVEL", "trace")
            .output()
            .await
            .unwrap();
    }
    // An interactive session with a resize sent from the editor.
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let cmd = format!(
        "PODSIZE_LOG_LEVEL=trace {bin} --kubeconfig {kc} --log-file {lg} -A; echo EXIT=$?; sleep 20"
    );
    if let Some(t) = Tmux::start(&cmd) {
        t.wait_for("rows", |s| s.contains("resize-demo"));
        t.keys(&["/"]);
        t.literal("resize-demo");
        t.keys(&["Enter", "e"]);
        t.literal("300m");
        t.keys(&["Enter", "Enter"]);
        t.wait_for("the resize", |s| {
            s.contains("accepted") || s.contains("done")
        });
        t.keys(&["q"]);
        t.wait_for("exit", |s| s.contains("EXIT="));
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.len() > 1000,
        "trace logging wrote something: {} bytes",
        text.len()
    );
    assert!(!text.contains(&token), "the bearer token is in the log");
    assert!(!text.contains("BEGIN PRIVATE KEY") && !text.contains("BEGIN RSA PRIVATE KEY"));
    assert!(
        !text.to_lowercase().contains("authorization: bearer"),
        "an Authorization header is in the log"
    );
}
