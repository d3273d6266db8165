//! `podsize get` over several simulated clusters (issue #15), the real binary over real HTTP.
//! kubectl, reading each context on its own, is the independent client for what each holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use simcluster::SimConfig;
use simcluster::fleet::SimFleet;
use std::collections::BTreeSet;
use std::path::Path;

const KUBECTL: &str = "/usr/bin/kubectl";

type Key = (String, String, String);

async fn fleet() -> (SimFleet, tempfile::TempDir, std::path::PathBuf) {
    let base = SimConfig {
        pods: 15,
        nodes: 2,
        namespaces: 3,
        // As in tests/sim_kubectl.rs, kubectl talks to TLS sims; the failure line names https.
        tls: true,
        ..SimConfig::empty()
    };
    let fleet = SimFleet::start(3, base).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    fleet.write_kubeconfig(&kubeconfig).unwrap();
    (fleet, dir, kubeconfig)
}

async fn podsize(kubeconfig: &Path, args: &[&str]) -> (i32, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_podsize"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// (context, namespace, pod) of every pod kubectl sees through `context`.
async fn kubectl_pods(kubeconfig: &Path, context: &str) -> BTreeSet<Key> {
    let out = tokio::process::Command::new(KUBECTL)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--context", context, "get", "pods", "-A", "-o", "json"])
        .env("HOME", kubeconfig.parent().unwrap())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "kubectl --context {context}: {stderr}"
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let m = &p["metadata"];
            let s = |v: &Value| v.as_str().unwrap().to_string();
            (context.to_string(), s(&m["namespace"]), s(&m["name"]))
        })
        .collect()
}

/// (cluster, namespace, pod) of each item of `podsize get -o json`.
fn json_pods(stdout: &str) -> BTreeSet<Key> {
    let items: Vec<Value> = serde_json::from_str(stdout).unwrap();
    items
        .iter()
        .map(|i| {
            let s = |k: &str| {
                i[k].as_str()
                    .unwrap_or_else(|| panic!("{k}: {i}"))
                    .to_string()
            };
            (s("cluster"), s("namespace"), s("pod"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn all_contexts_is_the_union_of_what_kubectl_sees_in_each() {
    let (_fleet, _dir, kubeconfig) = fleet().await;
    let (code, out, err) =
        podsize(&kubeconfig, &["get", "--all-contexts", "-A", "-o", "json"]).await;
    assert_eq!(code, 0, "{err}");
    let mut want = BTreeSet::new();
    for context in ["sim-1", "sim-2", "sim-3"] {
        let one = kubectl_pods(&kubeconfig, context).await;
        assert!(!one.is_empty(), "{context} has pods");
        want.extend(one);
    }
    assert_eq!(json_pods(&out), want);

    let (code, out, err) = podsize(
        &kubeconfig,
        &[
            "get",
            "--context",
            "sim-1",
            "--context",
            "sim-3",
            "-A",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let two: BTreeSet<Key> = want.into_iter().filter(|k| k.0 != "sim-2").collect();
    assert_eq!(json_pods(&out), two);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_leads_with_a_cluster_column_only_for_several() {
    let (_fleet, _dir, kubeconfig) = fleet().await;
    let (code, out, err) = podsize(&kubeconfig, &["get", "--all-contexts", "-A"]).await;
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("CLUSTER  NAMESPACE"), "{header}");
    let first_cells: BTreeSet<&str> = lines.filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(first_cells, BTreeSet::from(["sim-1", "sim-2", "sim-3"]));

    // One context: the table as it always was, and JSON still names the cluster.
    let (code, out, err) = podsize(&kubeconfig, &["get", "--context", "sim-2", "-A"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("NAMESPACE  "), "{out}");
    let (_, out, _) = podsize(
        &kubeconfig,
        &["get", "--context", "sim-2", "-A", "-o", "json"],
    )
    .await;
    let clusters: BTreeSet<String> = json_pods(&out).into_iter().map(|k| k.0).collect();
    assert_eq!(clusters, BTreeSet::from(["sim-2".to_string()]));
}

#[tokio::test(flavor = "multi_thread")]
async fn one_cluster_down_keeps_the_others_rows_and_exits_1() {
    let (fleet, _dir, kubeconfig) = fleet().await;
    let mut want = BTreeSet::new();
    for context in ["sim-1", "sim-3"] {
        want.extend(kubectl_pods(&kubeconfig, context).await);
    }
    let down = fleet.get("sim-2").unwrap();
    down.stop().await;

    let (code, out, err) =
        podsize(&kubeconfig, &["get", "--all-contexts", "-A", "-o", "json"]).await;
    assert_eq!(code, 1, "partial result: {err}");
    assert_eq!(json_pods(&out), want);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("podsize: context sim-2: cannot list pods from https://"),
        "{err}"
    );

    let (code, out, err) = podsize(&kubeconfig, &["get", "--all-contexts", "-A"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        out.lines().skip(1).any(|l| l.starts_with("sim-1 ")),
        "{out}"
    );
    assert!(
        out.lines().skip(1).any(|l| l.starts_with("sim-3 ")),
        "{out}"
    );
    assert!(!out.contains("sim-2"), "{out}");

    // Every cluster down: nothing printed, one line per context.
    fleet.stop().await;
    let (code, out, err) = podsize(&kubeconfig, &["get", "--all-contexts", "-A"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    for (line, context) in err.lines().zip(["sim-1", "sim-2", "sim-3"]) {
        assert!(
            line.starts_with(&format!("podsize: context {context}: cannot list pods")),
            "{err}"
        );
    }
    assert_eq!(err.lines().count(), 3, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_namespace_is_missing_only_when_no_cluster_has_it() {
    let (_fleet, _dir, kubeconfig) = fleet().await;
    let (code, _, err) = podsize(&kubeconfig, &["get", "--all-contexts", "-n", "nosuch"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "namespace \"nosuch\" does not exist on any of the contexts sim-1, sim-2, sim-3"
        ),
        "{err}"
    );
    let (code, out, err) = podsize(&kubeconfig, &["get", "--all-contexts", "-n", "default"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("CLUSTER"), "{out}");
}
