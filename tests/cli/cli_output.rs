//! `podsize get` and `podsize resize` table output (the real binary over HTTP against the
//! simulated cluster): the dashboard's words, the columns the help promises, a missing
//! namespace reported as such, and a resize report that shows the plan and the result.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

struct Setup {
    _sim: SimCluster,
    _dir: tempfile::TempDir,
    kubeconfig: String,
}

async fn setup(pods: usize) -> Setup {
    let sim = SimCluster::start(SimConfig {
        pods,
        nodes: 2,
        namespaces: 2,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let (dir, kubeconfig) = sim_common::kubeconfig_when_running(&sim, "resize-demo").await;
    Setup {
        _sim: sim,
        _dir: dir,
        kubeconfig,
    }
}

async fn podsize(s: &Setup, args: &[&str]) -> (i32, String, String) {
    sim_common::run_podsize(&s.kubeconfig, args).await
}

/// The cell under `header` in the row of `pod`'s container `container`.
fn column(table: &str, header: &str, pod: &str, container: &str) -> String {
    let mut lines = table.lines();
    let head = lines.next().unwrap();
    // Cells hold `·`: count characters, not bytes.
    let start = head[..head.find(header).unwrap()].chars().count();
    let line = lines
        .find(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words.get(1) == Some(&pod) && words.get(2) == Some(&container)
        })
        .unwrap_or_else(|| panic!("no row {pod}/{container}:\n{table}"));
    let rest: String = line.chars().skip(start).collect();
    rest.split("  ").next().unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn get_speaks_the_dashboards_words_and_wide_has_owner() {
    let s = setup(12).await;
    let (code, out, err) = podsize(&s, &["get", "-n", "default"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        column(&out, "RESIZE", "resize-demo", "c1"),
        "ok",
        "the dashboard's word for a settled pod, not None:\n{out}"
    );
    assert!(!out.contains("None"), "{out}");

    let (code, out, err) = podsize(&s, &["get", "-A", "-o", "wide"]).await;
    assert_eq!(code, 0, "{err}");
    let header = out.lines().next().unwrap();
    assert!(header.contains("OWNER"), "{header}");
    // Generated pods are owned by ReplicaSets, StatefulSets, Jobs or DaemonSets.
    assert!(
        out.lines()
            .skip(1)
            .any(|l| l.contains("ReplicaSet/") || l.contains("StatefulSet/")),
        "{out}"
    );

    // JSON keeps the stable machine names.
    let (_, out, _) = podsize(&s, &["get", "-n", "default", "-o", "json"]).await;
    let items: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let demo = items.iter().find(|i| i["pod"] == "resize-demo").unwrap();
    assert_eq!(demo["state"], "None");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_in_a_namespace_that_does_not_exist_fails() {
    let s = setup(4).await;
    let (code, out, err) = podsize(&s, &["get", "-n", "nosuch"]).await;
    assert_eq!(code, 1, "stdout: {out}");
    assert!(err.contains("namespace \"nosuch\" does not exist"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn resize_table_output_shows_the_plan_and_the_result() {
    let s = setup(0).await;
    let args = [
        "resize",
        "resize-demo",
        "-c",
        "c1",
        "--cpu-request",
        "500m",
        "--dry-run",
    ];
    let (code, out, err) = podsize(&s, &args).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "target:          default/resize-demo container c1 via pods/resize-demo/resize"
        ),
        "{out}"
    );
    assert!(out.contains("cpu request:     250m → 500m"), "{out}");
    assert!(out.contains("memory limit:    256Mi (unchanged)"), "{out}");
    assert!(
        out.contains(r#"patch:           {"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"500m"}}}]}}"#),
        "{out}"
    );
    assert!(
        out.contains("result:          accepted by the server's dry run (nothing changed)"),
        "{out}"
    );

    let wide: Vec<&str> = args.iter().copied().chain(["-o", "wide"]).collect();
    let (code, out, err) = podsize(&s, &wide).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("QoS Burstable → Burstable"), "{out}");
    assert!(out.contains("prediction: "), "{out}");
}
