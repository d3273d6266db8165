//! Two contexts on one cluster (the sim writes `sim-admin` and `sim-viewer`: one server, two
//! users) are one cluster to `--all-contexts`: the walk of issue #30 saw 120 pods where
//! kubectl counts 60. The real binary over real HTTP; kubectl is the independent count.

use crate::common::sim_cli::SimCli;
use simcluster::SimConfig;

const KUBECTL: &str = "/usr/bin/kubectl";

#[tokio::test(flavor = "multi_thread")]
async fn all_contexts_counts_a_cluster_with_two_contexts_once() {
    let s = SimCli::start(SimConfig {
        pods: 60,
        nodes: 3,
        namespaces: 3,
        tls: true,
        ..SimConfig::empty()
    })
    .await;
    let kubectl = s
        .kubectl(KUBECTL, &["get", "pods", "-A", "-o", "name"])
        .await;
    assert_eq!(kubectl.code, 0, "{}", kubectl.err);
    let want = kubectl.out.lines().count();
    assert_eq!(want, 60, "{}", kubectl.out);

    let (run, items) = s.json(&["get", "--all-contexts", "-A", "-o", "json"]).await;
    assert_eq!(run.code, 0, "{}", run.err);
    let items = items.as_array().cloned().unwrap_or_default();
    // Each pod once (a row per container), under the current context's name.
    let pods: std::collections::BTreeSet<(String, String, String)> = (items.iter())
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap_or_default().to_string();
            (s("cluster"), s("namespace"), s("pod"))
        })
        .collect();
    assert_eq!(pods.len(), want, "each pod once, not once per context");
    assert!(pods.iter().all(|(c, _, _)| c == "sim-admin"), "{pods:?}");
}
