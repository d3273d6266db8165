//! The simulator against the facts file's remaining (sim differs) points — lists, bookmarks,
//! managedFields, force delete, namespaces, 415 — and the fixtures' other shapes. Over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use serde_json::{Value, json};
use sim_common::fidelity::*;
use sim_common::*;
use simcluster::{SimCluster, SimConfig};
use std::time::{Duration, Instant};

// Fact "Lists": with a selector there is `continue` but no remainingItemCount; without one the
// count is present; a malformed continue token is 400 BadRequest.
#[tokio::test]
async fn remaining_count_only_without_selectors() {
    let sim = SimCluster::start(SimConfig {
        pods: 30,
        namespaces: 2,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let (_, v) = get(&sim, "/api/v1/pods?limit=5", Some(ADMIN)).await;
    assert!(v["metadata"]["continue"].is_string());
    assert!(
        v["metadata"]["remainingItemCount"].is_u64(),
        "{}",
        v["metadata"]
    );
    for sel in [
        "labelSelector=app",
        "fieldSelector=metadata.namespace%3Ddefault",
    ] {
        let (_, v) = get(&sim, &format!("/api/v1/pods?limit=2&{sel}"), Some(ADMIN)).await;
        assert!(
            v["metadata"]["continue"].is_string(),
            "{sel}: {}",
            v["metadata"]
        );
        assert!(
            v["metadata"].get("remainingItemCount").is_none(),
            "{sel}: {}",
            v["metadata"]
        );
    }
    let (code, v) = get(
        &sim,
        "/api/v1/pods?limit=5&continue=not-a-token",
        Some(ADMIN),
    )
    .await;
    assert_eq!((code, v["reason"].as_str()), (400, Some("BadRequest")));
}

// Fact "Watch and bookmarks": with allowWatchBookmarks=true&timeoutSeconds=N a BOOKMARK comes
// shortly before the watch closes at the timeout.
#[tokio::test]
async fn a_bookmark_precedes_the_timeout() {
    let sim = SimCluster::start(SimConfig {
        bookmark_interval: Duration::from_secs(600),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let (_, list) = get(&sim, "/api/v1/pods", Some(ADMIN)).await;
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let started = Instant::now();
    let mut rx = watch_lines(
        sim.addr(),
        &format!(
            "/api/v1/pods?watch=1&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=3"
        ),
        ADMIN,
    )
    .await;
    let line = next_line(&mut rx).await.expect("a bookmark before the end");
    let at = started.elapsed();
    let v = parse(&line);
    assert_eq!(v["type"], "BOOKMARK");
    assert!(
        at >= Duration::from_millis(1500) && at < Duration::from_secs(3),
        "{at:?}"
    );
    assert!(
        next_line(&mut rx).await.is_none(),
        "the watch ends at its timeout"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    // Long watches: about one bookmark a minute.
    assert_eq!(
        SimConfig::default().bookmark_interval,
        Duration::from_secs(60)
    );
}

// Fact "managedFields": the manager is fieldManager when given, else the User-Agent's part
// before `/`; writes through pods/status and pods/resize add entries with their subresource;
// the kubelet appears as `kubelet`.
#[tokio::test]
async fn managed_fields_name_the_manager_and_subresource() {
    let sim = demo().await;
    let auth = bearer(ADMIN);
    let managers = |p: &Value| -> Vec<(String, String)> {
        p["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["manager"].as_str().unwrap_or("").to_string(),
                    e["subresource"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let pod =
        json!({"metadata": {"name": "m1"}, "spec": {"containers": [{"name": "c", "image": "i"}]}});
    let (code, _, body) = raw_headers(
        sim.addr(),
        "POST",
        "/api/v1/namespaces/default/pods?fieldManager=kubectl-create",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        pod.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 201);
    assert_eq!(
        managers(&parse(&body)),
        vec![("kubectl-create".to_string(), String::new())]
    );
    let pod =
        json!({"metadata": {"name": "m2"}, "spec": {"containers": [{"name": "c", "image": "i"}]}});
    let (_, _, body) = raw_headers(
        sim.addr(),
        "POST",
        "/api/v1/namespaces/default/pods",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
            ("User-Agent", "podsize/0.1.0 (linux)"),
        ],
        pod.to_string().as_bytes(),
    )
    .await;
    assert_eq!(
        managers(&parse(&body)),
        vec![("podsize".to_string(), String::new())]
    );
    // The kubelet's status writes.
    let p = eventually("kubelet status entry", || async {
        let (_, p) = get(&sim, "/api/v1/namespaces/default/pods/m1", Some(ADMIN)).await;
        managers(&p)
            .contains(&("kubelet".into(), "status".into()))
            .then_some(p)
    })
    .await;
    assert_eq!(
        p["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["manager"] == "kubelet")
            .unwrap()["operation"],
        "Update"
    );
    // A write through pods/status by someone else.
    let status = json!({"status": {"conditions": [{"type": "Example", "status": "True"}]}});
    let (code, _, body) = raw_headers(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/m1/status",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/merge-patch+json"),
            ("User-Agent", "status-writer/1.0"),
        ],
        status.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert!(managers(&parse(&body)).contains(&("status-writer".into(), "status".into())));
    // A resize through pods/resize.
    let patch = json!({"spec": {"containers": [{"name": "c1", "resources": {"requests": {"cpu": "300m"}}}]}});
    let (code, _, body) = raw_headers(
        sim.addr(),
        "PATCH",
        &format!("{RESIZE}?fieldManager=kubectl-patch"),
        &[("Authorization", &auth), ("Content-Type", SMP)],
        patch.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert!(managers(&parse(&body)).contains(&("kubectl-patch".into(), "resize".into())));
}

// Fact "Force delete": gracePeriodSeconds=0 answers 200 with the pod carrying
// metadata.deletionTimestamp and deletionGracePeriodSeconds 0.
#[tokio::test]
async fn force_delete_answers_with_the_deletion_marks() {
    let sim = demo().await;
    for (path, body) in [(
        "/api/v1/namespaces/default/pods/resize-demo?gracePeriodSeconds=0",
        String::new(),
    )] {
        let (code, text) = raw(
            sim.addr(),
            "DELETE",
            path,
            Some(ADMIN),
            Some("application/json"),
            body.as_bytes(),
        )
        .await;
        assert_eq!(code, 200);
        let v = parse(&text);
        assert_eq!(v["kind"], "Pod");
        assert!(
            v["metadata"]["deletionTimestamp"].is_string(),
            "{}",
            v["metadata"]
        );
        assert_eq!(v["metadata"]["deletionGracePeriodSeconds"], json!(0));
    }
    // kubectl's form: a DeleteOptions body.
    sim.create_pod(resize_demo()).unwrap();
    let opts = json!({"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0, "propagationPolicy": "Background"});
    let (code, text) = raw(
        sim.addr(),
        "DELETE",
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(ADMIN),
        Some("application/json"),
        opts.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        parse(&text)["metadata"]["deletionGracePeriodSeconds"],
        json!(0)
    );
    assert!(sim.pod("default", "resize-demo").is_none());
}

// Fact "Namespaces": POST /api/v1/namespaces (and with dryRun=All) is 201.
#[tokio::test]
async fn namespaces_can_be_created() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}});
    let (code, v) = post(&sim, "/api/v1/namespaces?dryRun=All", ADMIN, &ns).await;
    assert_eq!(code, 201, "{v}");
    assert_eq!(
        get(&sim, "/api/v1/namespaces/team-a", Some(ADMIN)).await.0,
        404
    );
    let (code, v) = post(&sim, "/api/v1/namespaces", ADMIN, &ns).await;
    assert_eq!(code, 201, "{v}");
    assert_eq!(
        v["metadata"]["labels"]["kubernetes.io/metadata.name"],
        "team-a"
    );
    assert_eq!(v["status"]["phase"], "Active");
    assert!(v["metadata"]["uid"].is_string() && v["metadata"]["resourceVersion"].is_string());
    let (_, list) = get(&sim, "/api/v1/namespaces", Some(ADMIN)).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["metadata"]["name"] == "team-a")
    );
    let (code, v) = post(&sim, "/api/v1/namespaces", ADMIN, &ns).await;
    assert_eq!((code, v["reason"].as_str()), (409, Some("AlreadyExists")));
    // Pods can now be created in it.
    let pod =
        json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}});
    assert_eq!(
        post(&sim, "/api/v1/namespaces/team-a/pods", ADMIN, &pod)
            .await
            .0,
        201
    );
    let (code, _) = post(&sim, "/api/v1/namespaces", VIEWER, &ns).await;
    assert_eq!(code, 403);
}

// Fact "415": a PATCH with an unsupported Content-Type is 415 `415: Unsupported Media Type`
// with details {}.
#[tokio::test]
async fn unsupported_patch_type_is_415() {
    let sim = demo().await;
    let (code, body) = raw(
        sim.addr(),
        "PATCH",
        RESIZE,
        Some(ADMIN),
        Some("text/plain"),
        b"{}",
    )
    .await;
    assert_eq!(code, 415);
    assert_eq!(
        parse(&body),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "415: Unsupported Media Type", "reason": "UnsupportedMediaType", "details": {}, "code": 415})
    );
}

// Fixtures (podlist-page.json, node.json, pod-state-*.json) and real response headers: the
// shapes podsize and kubectl read, beyond the points the facts file marks.
#[tokio::test]
async fn other_answers_have_the_real_shapes() {
    let sim = demo().await;
    let auth = bearer(ADMIN);
    // Every answer carries Audit-Id and Cache-Control, errors included.
    for path in ["/api/v1/pods", "/api/v1/namespaces/default/pods/nope"] {
        let (_, head, _) =
            raw_headers(sim.addr(), "GET", path, &[("Authorization", &auth)], b"").await;
        let head = head.to_ascii_lowercase();
        assert!(head.contains("cache-control: no-cache, private"), "{head}");
        assert!(head.contains("audit-id: "), "{head}");
    }
    // Continue tokens are base64url JSON like the real server's (`{"v":"meta.k8s.io/v1",...`).
    let want = fixture("podlist-page.json")
        .map(|f| parse(&f)["metadata"]["continue"].as_str().unwrap()[..8].to_string());
    sim.create_pod(pod("second", vec![container("c", &[], &[], false)]))
        .unwrap();
    let (_, v) = get(&sim, "/api/v1/pods?limit=1", Some(ADMIN)).await;
    let token = v["metadata"]["continue"].as_str().unwrap();
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{token}"
    );
    assert_eq!(&token[..8], want.as_deref().unwrap_or("eyJ2Ijoi"));
    let (code, next) = get(
        &sim,
        &format!("/api/v1/pods?limit=1&continue={token}"),
        Some(ADMIN),
    )
    .await;
    assert_eq!(code, 200);
    assert_ne!(
        next["items"][0]["metadata"]["name"],
        v["items"][0]["metadata"]["name"]
    );
    // Nodes: spec.podCIDR, the four conditions with Ready, addresses, daemonEndpoints.
    let (_, node) = get(&sim, "/api/v1/nodes/sim-node-01", Some(ADMIN)).await;
    if let Some(real) = fixture("node.json").map(|f| parse(&f)) {
        for key in ["spec", "status"] {
            let keys = |v: &Value| -> Vec<String> {
                let mut k: Vec<String> = v[key].as_object().unwrap().keys().cloned().collect();
                k.sort();
                k
            };
            assert_eq!(keys(&node), keys(&real), "node.{key}");
        }
    }
    let ready = node["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap();
    assert_eq!(
        (ready["status"].as_str(), ready["reason"].as_str()),
        (Some("True"), Some("KubeletReady"))
    );
    // A running pod reports hostIPs/podIPs next to hostIP/podIP.
    let (_, p) = get(
        &sim,
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(ADMIN),
    )
    .await;
    assert_eq!(p["status"]["podIPs"], json!([{"ip": p["status"]["podIP"]}]));
    assert_eq!(
        p["status"]["hostIPs"],
        json!([{"ip": p["status"]["hostIP"]}])
    );
}
