//! `podsize resize` runs the preflight before sending (issue 27, first Done-when item): a
//! LimitRange max, a LimitRange ratio and a quota case are each refused with the server's own
//! text — the same text the simulated cluster gives kubectl for the same patch — and the
//! request log shows podsize sent no PATCH at all (not even a dry run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_cli::SimCli;
use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use serde_json::json;
use simcluster::{Identity, SimConfig};
use std::time::Duration;

const KUBECTL: &str = "/usr/bin/kubectl";

async fn cluster() -> SimCli {
    let cli = SimCli::start(SimConfig {
        kubelet_delay: Duration::from_millis(50),
        // kubectl talks to TLS sims.
        tls: true,
        ..SimConfig::empty()
    })
    .await;
    cli.sim
        .create_pod(simcluster::testkit::resize_demo())
        .unwrap();
    for _ in 0..200 {
        let pod = cli.sim.pod("default", "resize-demo");
        if pod.is_some_and(|p| simcluster::testkit::running(&p)) {
            return cli;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("resize-demo never ran");
}

/// A Container LimitRange (max cpu 2, ratio 6: resize-demo's c2 at 100m/500m stays within)
/// and quota `q` with 700m of its 1 cpu of requests used.
async fn policies(cli: &SimCli) {
    let client = cli.sim.client(Identity::Admin).await.unwrap();
    let lr: LimitRange = serde_json::from_value(json!({
        "metadata": {"name": "lr", "namespace": "default"},
        "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "maxLimitRequestRatio": {"cpu": "6"}}]}
    }))
    .unwrap();
    let pp = PostParams::default();
    Api::<LimitRange>::namespaced(client.clone(), "default")
        .create(&pp, &lr)
        .await
        .unwrap();
    let quotas = Api::<ResourceQuota>::namespaced(client, "default");
    let q: ResourceQuota = serde_json::from_value(json!({
        "metadata": {"name": "q", "namespace": "default"},
        "spec": {"hard": {"requests.cpu": "1"}}
    }))
    .unwrap();
    let mut q = quotas.create(&pp, &q).await.unwrap();
    q.status = serde_json::from_value(
        json!({"hard": {"requests.cpu": "1"}, "used": {"requests.cpu": "700m"}}),
    )
    .unwrap();
    quotas.replace_status("q", &pp, &q).await.unwrap();
}

/// Runs `podsize resize resize-demo -c c1 ARGS` and kubectl's patch of the same values;
/// returns podsize's stderr and kubectl's message after `Error from server (Forbidden): `.
async fn both(cli: &SimCli, args: &[&str], patch: serde_json::Value) -> (String, String) {
    cli.sim.clear_request_log();
    let mut full = vec!["resize", "resize-demo", "-c", "c1"];
    full.extend_from_slice(args);
    let podsize = cli.run(&full).await;
    assert_eq!(podsize.code, 1, "{}\n{}", podsize.out, podsize.err);
    let patches: Vec<_> = cli
        .sim
        .request_log()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.uri)
        .collect();
    assert!(patches.is_empty(), "podsize sent {patches:?}");
    let body = patch.to_string();
    // Strategic merge, as podsize sends: a JSON merge patch would replace the whole
    // containers list (and be refused as removing c2), on the real server as in the sim.
    let kubectl = cli
        .kubectl(
            KUBECTL,
            &[
                "patch",
                "pod",
                "resize-demo",
                "--subresource",
                "resize",
                "--type",
                "strategic",
                "-p",
                &body,
            ],
        )
        .await;
    assert_ne!(kubectl.code, 0, "kubectl: {}", kubectl.out);
    let server = kubectl
        .err
        .trim()
        .strip_prefix("Error from server (Forbidden): ")
        .unwrap_or_else(|| panic!("kubectl: {}", kubectl.err))
        .to_string();
    (podsize.err, server)
}

fn c1(resources: serde_json::Value) -> serde_json::Value {
    json!({"spec": {"containers": [{"name": "c1", "resources": resources}]}})
}

#[tokio::test(flavor = "multi_thread")]
async fn limit_range_and_quota_refusals_are_the_servers_and_nothing_is_sent() {
    let cli = cluster().await;
    policies(&cli).await;
    let cases = [
        (
            vec!["--cpu-request", "1", "--cpu-limit", "3"],
            c1(json!({"requests": {"cpu": "1"}, "limits": {"cpu": "3"}})),
            r#"pods "resize-demo" is forbidden: maximum cpu usage per Container is 2, but limit is 3"#,
        ),
        (
            vec!["--cpu-request", "125m"],
            c1(json!({"requests": {"cpu": "125m"}})),
            r#"pods "resize-demo" is forbidden: cpu max limit to request ratio per Container is 6, but provided ratio is 8.000000"#,
        ),
        (
            vec!["--cpu-request", "600m"],
            c1(json!({"requests": {"cpu": "600m"}})),
            r#"pods "resize-demo" is forbidden: exceeded quota: q, requested: requests.cpu=350m, used: requests.cpu=700m, limited: requests.cpu=1"#,
        ),
    ];
    for (args, patch, want) in cases {
        let (podsize, server) = both(&cli, &args, patch).await;
        assert_eq!(server, want, "the sim's own answer");
        assert!(
            podsize.contains(&format!("not sent: {server}")),
            "podsize said: {podsize}"
        );
    }
    // Within every bound the same path sends, and the server agrees.
    let ok = cli
        .run(&["resize", "resize-demo", "-c", "c1", "--cpu-request", "300m"])
        .await;
    assert_eq!(ok.code, 0, "{}", ok.err);
}

// The old-runtime node (issue 27, "Runtime"): nodeInfo written through nodes/status, as the
// fourth round did on the real server (node-02); the plan warns before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn an_old_containerd_is_warned_about_before_sending() {
    let cli = cluster().await;
    let node = cli
        .sim
        .pod("default", "resize-demo")
        .unwrap()
        .spec
        .unwrap()
        .node_name
        .unwrap();
    let client = cli.sim.client(Identity::Admin).await.unwrap();
    let patch = json!({"status": {"nodeInfo": {"containerRuntimeVersion": "containerd://1.6.8"}}});
    Api::<Node>::all(client)
        .patch_status(&node, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    let run = cli
        .run(&[
            "resize",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "300m",
            "--dry-run",
        ])
        .await;
    assert_eq!(run.code, 0, "{}", run.err);
    let warning = format!("warning: node {node} runs containerd://1.6.8");
    let at = run
        .err
        .find(&warning)
        .unwrap_or_else(|| panic!("{}", run.err));
    // Printed with the plan, before the patch line and the server's dry run.
    let patch_line = run
        .err
        .find("patch default/resize-demo")
        .unwrap_or(usize::MAX);
    assert!(at < patch_line, "{}", run.err);
}
