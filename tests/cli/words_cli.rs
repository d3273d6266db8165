//! Issue #30 points 9 and 10: words a person uses in the table output (the JSON keeps its
//! outcome names, an interface), a message said once, and `--wait POD` doing what was meant
//! instead of a usage error whose exit code 2 reads as Infeasible.

use crate::common::sim_http as sim;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

async fn demo() -> (SimCluster, tempfile::TempDir, String) {
    let cluster = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    cluster.create_pod(sim::resize_demo()).unwrap();
    let (dir, kubeconfig) = sim::kubeconfig_when_running(&cluster, "resize-demo").await;
    (cluster, dir, kubeconfig)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_reads_as_words_and_its_json_keeps_the_outcome_name() {
    let (_cluster, _dir, kubeconfig) = demo().await;
    let args = ["resize", "resize-demo", "-c", "c1", "--cpu-request", "300m"];
    let (code, out, err) =
        sim::run_podsize(&kubeconfig, &[&args[..], &["--dry-run"]].concat()).await;
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("DryRunAccepted"), "{out}");
    assert!(
        out.contains("result:          accepted by the server's dry run (nothing changed)"),
        "{out}"
    );
    let (code, out, err) = sim::run_podsize(
        &kubeconfig,
        &[&args[..], &["--dry-run", "-o", "json"]].concat(),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "DryRunAccepted");
}

#[tokio::test(flavor = "multi_thread")]
async fn make_room_says_once_and_in_words_that_nothing_waits() {
    let (_cluster, _dir, kubeconfig) = demo().await;
    let (code, out, err) =
        sim::run_podsize(&kubeconfig, &["make-room", "resize-demo", "-c", "c1"]).await;
    assert_ne!(code, 0, "{out}{err}");
    let both = format!("{out}{err}");
    assert_eq!(both.matches("nothing waits").count(), 1, "{both}");
    assert!(!both.contains("NoPlan") && !both.contains("None"), "{both}");
    assert!(both.contains("no resize pending"), "{both}");
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_followed_by_the_pod_waits_for_that_pod() {
    let (_cluster, _dir, kubeconfig) = demo().await;
    let (code, out, err) = sim::run_podsize(
        &kubeconfig,
        &[
            "resize",
            "--wait",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "+50m",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "Done", "{out}");
}

/// Issue #30 point 6: a node's figures in one form, cores with up to three significant
/// digits and binary units, as every other screen shows them.
#[tokio::test(flavor = "multi_thread")]
async fn the_node_table_reads_in_cores_and_binary_units() {
    let (cluster, _dir, kubeconfig) = demo().await;
    cluster.add_node("odd-node", 15_850, 61_966_352_384, true);
    let (code, out, err) = sim::run_podsize(&kubeconfig, &["nodes"]).await;
    assert_eq!(code, 0, "{err}");
    let row = out
        .lines()
        .find(|l| l.starts_with("odd-node"))
        .unwrap_or_default();
    assert!(row.contains("0/15.9"), "{out}");
    assert!(row.contains("/57.7Gi"), "{out}");
    assert!(!row.contains("15850m"), "{row}");
}
