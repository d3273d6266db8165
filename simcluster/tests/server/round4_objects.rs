//! The other objects of the real server's fourth round, replayed over HTTP: HPAs
//! (autoscaling/v2 and v1, viewer RBAC), Deployments and ReplicaSets (writes, scale,
//! propagation policies), PodDisruptionBudgets and evictions, node status
//! (fixtures/real-1.35/round4/{hpa,dep,rs,pdb,node}-*.json; round4 README §3, §6, §7, §8;
//! facts file "Fourth round": HPA, PodDisruptionBudget, Node nodeInfo, Deployments and
//! ReplicaSets).

use crate::sim_common::fidelity::bearer;
use crate::sim_common::round4::*;
use crate::sim_common::*;
use serde_json::{Value, json};

// hpa-01..hpa-07: defaults (minReplicas 1, CPU 80 without metrics), stored status with an
// explicit null, no generation, the v1 view; hpa-12..hpa-16: the viewer may get/list/watch
// HPAs and read deployments/scale, not create or patch (403 texts and details).
#[tokio::test]
async fn hpas_as_stored_and_as_the_viewer_sees_them() {
    let sim = cluster().await;
    if !replay(
        &sim,
        &[
            "hpa-01-create-deployment-web",
            "hpa-02-get-deployment-web",
            "hpa-03-create-hpa",
            "hpa-04-get-hpa",
            "hpa-05-create-hpa-minimal-no-metrics",
            "hpa-06-list-hpa-all-namespaces",
            "hpa-07-get-hpa-via-v1",
            "hpa-12-viewer-list-hpa",
            "hpa-13-viewer-list-hpa-all-ns",
            "hpa-14-viewer-create-hpa",
            "hpa-15-viewer-patch-hpa",
            "hpa-16-viewer-get-deployment-scale",
        ],
    )
    .await
    {
        return;
    }
    let (_, got) = send(&sim, &load("hpa-04-get-hpa").unwrap()).await;
    assert!(got["metadata"].get("generation").is_none(), "{got}");
    assert!(got["status"]["currentMetrics"].is_null());
    assert!(
        got["status"]
            .as_object()
            .unwrap()
            .contains_key("currentMetrics")
    );
}

fn without_hash(v: &Value) -> Value {
    let mut v = v.clone();
    for r in v["resources"].as_array_mut().into_iter().flatten() {
        r.as_object_mut().unwrap().remove("storageVersionHash");
    }
    v
}

// hpa-08..hpa-11: /apis lists autoscaling [v2, v1] with v2 preferred; the aggregated list has
// both versions of autoscaling and the apps and policy groups exactly as the real server
// (responseKind with empty group and version; deployments/scale and replicasets/scale as
// autoscaling/v1 Scale: facts "Still answered differently", discovery points).
#[tokio::test]
async fn discovery_of_autoscaling_apps_and_policy() {
    let sim = cluster().await;
    let Some(legacy) = load("hpa-08-discovery-apis") else {
        return;
    };
    let (_, got) = send(&sim, &legacy).await;
    let group = |v: &Value, name: &str| {
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .cloned()
    };
    for name in ["autoscaling", "apps", "policy"] {
        assert_eq!(group(&got, name), group(&legacy.response, name), "{name}");
    }
    let aggregated = load("hpa-09-discovery-apis-aggregated-v2").unwrap();
    let auth = bearer(ADMIN);
    let accept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    let (code, _, body) = raw_headers(
        sim.addr(),
        "GET",
        "/apis",
        &[("Authorization", &auth), ("Accept", accept)],
        b"",
    )
    .await;
    assert_eq!(code, 200);
    let got = crate::sim_common::fidelity::parse(&body);
    let item = |v: &Value, name: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["metadata"]["name"] == name)
            .map(|g| g["versions"].clone())
    };
    for name in ["autoscaling", "apps", "policy"] {
        assert_eq!(item(&got, name), item(&aggregated.response, name), "{name}");
    }
    let v2 = load("hpa-10-discovery-autoscaling-v2").unwrap();
    let (code, got) = send(&sim, &v2).await;
    assert_eq!(
        (code, without_hash(&got)),
        (200, without_hash(&v2.response))
    );
    let g = load("hpa-11-discovery-autoscaling-group").unwrap();
    let (code, got) = send(&sim, &g).await;
    assert_eq!((code, got), (200, g.response));
}

// dep-01..dep-11 and rs-01..rs-08: a template change raises generation, replicas too, a label
// alone does not; /scale is an autoscaling/v1 Scale; Background delete answers a Success
// Status naming the plural resource, then 404 `deployments.apps "dep1" not found`; Foreground
// keeps the object with `foregroundDeletion` (generation raised) until the finalizer goes.
#[tokio::test]
async fn deployment_and_replicaset_writes() {
    let sim = cluster().await;
    if !replay(
        &sim,
        &[
            "dep-01-create",
            "dep-02-get",
            "dep-03-patch-template-cpu-request",
            "dep-04-patch-replicas-2",
            "dep-05-patch-label-only",
            "dep-06-get-scale",
            "dep-07-delete-background",
            "dep-08-get-after-delete",
            "dep-09-create-with-propagation-body-delete",
            "dep-10-delete-foreground-body",
            "dep-11-get-after-foreground-delete",
            "rs-01-create",
            "rs-02-get",
            "rs-03-patch-template-cpu-request",
            "rs-04-patch-replicas-2",
            "rs-05-patch-label-only",
            "rs-06-get-scale",
            "rs-07-delete-background",
            "rs-08-get-after-delete",
        ],
    )
    .await
    {
        return;
    }
    // Removing the finalizer ends the foreground deletion.
    let path = "/apis/apps/v1/namespaces/facts-misc/deployments/dep2";
    let body = json!({"metadata": {"finalizers": null}}).to_string();
    let (code, _) = raw(
        sim.addr(),
        "PATCH",
        path,
        Some(ADMIN),
        Some("application/merge-patch+json"),
        body.as_bytes(),
    )
    .await;
    assert_eq!(code, 200);
    let (code, _) = raw(sim.addr(), "GET", path, Some(ADMIN), None, b"").await;
    assert_eq!(code, 404);
}

// pdb-01..pdb-06: a PDB is served with its initial status; a resize of a covered pod is 200
// (a resize is not an eviction); an eviction of it is 429 with the budget's cause.
#[tokio::test]
async fn pdbs_do_not_apply_to_resizes_but_to_evictions() {
    let sim = cluster().await;
    if !replay(
        &sim,
        &["pdb-01-create-pod", "pdb-02-create-pdb", "pdb-03-get-pdb"],
    )
    .await
    {
        return;
    }
    write_status_as_in(&sim, "pdb-04-resize-with-pdb").await;
    replay(
        &sim,
        &[
            "pdb-04-resize-with-pdb",
            "pdb-05-eviction-dryrun",
            "pdb-06-get-pdb-after",
        ],
    )
    .await;
    assert!(sim.pod("facts-misc", "pdb-target").is_some());
}

// node-01..node-06: nodeInfo is written through nodes/status without checks; a patch of the
// node itself ignores status; the viewer may not patch nodes/status.
#[tokio::test]
async fn node_runtime_version_is_written_through_status() {
    let sim = cluster().await;
    let Some(first) = load("node-01-get-node-a") else {
        return;
    };
    let (code, got) = send(&sim, &first).await;
    assert_eq!(code, 200);
    let info = &got["status"]["nodeInfo"];
    for key in [
        "containerRuntimeVersion",
        "kubeletVersion",
        "operatingSystem",
        "architecture",
    ] {
        assert!(info[key].is_string(), "{key}: {info}");
    }
    assert_eq!(info["kubeletVersion"], "v1.35.0");
    let runtime = |v: &Value| v["status"]["nodeInfo"]["containerRuntimeVersion"].clone();
    for name in [
        "node-02-patch-status-runtime-1.6.8",
        "node-03-get-node-a-after",
        "node-04-patch-node-main-nodeinfo-ignored",
        "node-06-restore-runtime",
    ] {
        let f = load(name).unwrap();
        let (code, got) = send(&sim, &f).await;
        assert_eq!(
            (code, runtime(&got)),
            (f.status, runtime(&f.response)),
            "{name}"
        );
    }
    let f = load("node-05-viewer-patch-node-status").unwrap();
    let (code, got) = send(&sim, &f).await;
    assert_same(&f, code, &got);
}
