//! `podsize make-room --dry-run` changes nothing and prints patches that carry the
//! resourceVersion the plan was made from; once someone else changes a planned pod, that patch
//! is refused with 409 Conflict (real-apiserver-facts.md, "stale resourceVersion in the
//! patch") and the other change stays.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::make_room_scene as make_room_common;

use common::sim_cli::SimCli;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{Patch, PatchParams};
use make_room_common::{Spec, fill, grow_until_deferred, pending_reason, resize};
use serde_json::{Value, json};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

fn requests(sim: &SimCluster, pod: &str) -> Value {
    let p = sim.pod("default", pod).unwrap();
    serde_json::to_value(&p.spec.unwrap().containers[0].resources).unwrap()["requests"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_changes_nothing_and_a_changed_pod_is_not_overwritten() {
    let cli = SimCli::start(SimConfig {
        metrics: true,
        kubelet_delay: Duration::from_millis(40),
        ..SimConfig::empty()
    })
    .await;
    let sim = &cli.sim;
    fill(
        sim,
        &[
            Spec {
                name: "web",
                class: "high",
                cpu: "1",
                usage: "900m",
            },
            Spec {
                name: "batch",
                class: "batch-low",
                cpu: "2500m",
                usage: "100m",
            },
        ],
    )
    .await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "2").await;
    let before = requests(sim, "batch");
    let args = [
        "make-room",
        "--min-history",
        "0s",
        "web",
        "-n",
        "default",
        "--dry-run",
        "-o",
        "json",
    ];
    let (run, v) = cli.json(&args).await;
    let out = &run.out;
    assert_eq!(run.code, 0, "{}\n{out}", run.err);
    assert_eq!(v["outcome"], "DryRunAccepted", "{out}");
    assert_eq!(requests(sim, "batch"), before, "a dry run changes nothing");
    assert_eq!(pending_reason(sim, "web").as_deref(), Some("Deferred"));
    let shrink = &v["plan"]["shrinks"][0];
    assert_eq!(shrink["pod"], "batch");
    let patch = shrink["patch"].clone();
    assert!(patch["metadata"]["resourceVersion"].is_string(), "{patch}");
    // Someone else changes the pod after the plan was made.
    let other = json!({"spec": {"containers": [{"name": "batch", "resources": {"requests": {"memory": "300Mi"}}}]}});
    resize(&client, "batch", other).await;
    let api: Api<Pod> = Api::namespaced(client.clone(), "default");
    let err = api
        .patch_subresource(
            "resize",
            "batch",
            &PatchParams::default(),
            &Patch::Strategic(&patch),
        )
        .await
        .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (status.code, status.reason.as_str()),
        (409, "Conflict"),
        "{}",
        status.message
    );
    let now = requests(sim, "batch");
    assert_eq!(now["memory"], "300Mi", "the other change stays");
    assert_eq!(
        now["cpu"], before["cpu"],
        "the stale shrink was not applied"
    );
}
