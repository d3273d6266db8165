//! The simulated apiserver over raw HTTP: discovery, errors with the real server's exact
//! Status bodies, RBAC, tables, dry-run, faults and the request log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use serde_json::{Value, json};
use sim_common::*;
use simcluster::{FaultCode, SimCluster, SimConfig};

const RESIZE: &str = "/api/v1/namespaces/default/pods/resize-demo/resize";
const SMP: Option<&str> = Some("application/strategic-merge-patch+json");

async fn demo_cluster(minor: u32) -> SimCluster {
    let sim = SimCluster::start(SimConfig {
        minor,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(resize_demo()).unwrap();
    eventually("pod running", || async {
        sim.pod("default", "resize-demo").filter(running)
    })
    .await;
    sim
}

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Compares a Status body with a fixture file, ignoring nothing.
fn assert_fixture(body: &str, file: &str) {
    let got = parse(body);
    match fixture(&format!("errors/{file}")) {
        Some(want) => assert_eq!(got, parse(&want), "body differs from fixture {file}"),
        None => eprintln!("fixture {file} not available; skipped comparison"),
    }
}

async fn patch(sim: &SimCluster, body: Value) -> (u16, String) {
    raw(
        sim.addr(),
        "PATCH",
        RESIZE,
        Some(ADMIN),
        SMP,
        body.to_string().as_bytes(),
    )
    .await
}

#[tokio::test]
async fn discovery_and_version() {
    let sim = SimCluster::start(SimConfig {
        minor: 35,
        metrics: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let (code, body) = raw(sim.addr(), "GET", "/version", Some(ADMIN), None, b"").await;
    assert_eq!(code, 200);
    let v = parse(&body);
    assert_eq!(
        (
            v["major"].as_str(),
            v["minor"].as_str(),
            v["gitVersion"].as_str()
        ),
        (Some("1"), Some("35"), Some("v1.35.0"))
    );
    let (_, body) = raw(sim.addr(), "GET", "/api/v1", Some(ADMIN), None, b"").await;
    let v = parse(&body);
    let resize = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pods/resize")
        .cloned();
    assert_eq!(resize.unwrap()["verbs"], json!(["get", "patch", "update"]));
    let (_, body) = raw(sim.addr(), "GET", "/apis", Some(ADMIN), None, b"").await;
    let groups = parse(&body)["groups"].clone();
    let names: Vec<&str> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    // Aggregated APIs such as metrics.k8s.io come after the built-in groups, which keep the
    // real server's relative order (round4 hpa-08).
    assert_eq!(
        names,
        [
            "apps",
            "authorization.k8s.io",
            "autoscaling",
            "policy",
            "scheduling.k8s.io",
            "metrics.k8s.io"
        ]
    );

    let old = SimCluster::start(SimConfig {
        minor: 31,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let (_, body) = raw(old.addr(), "GET", "/api/v1", Some(ADMIN), None, b"").await;
    assert!(!body.contains("pods/resize"));
    let (code, _) = raw(old.addr(), "PATCH", RESIZE, Some(ADMIN), SMP, b"{}").await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn auth_and_rbac() {
    let sim = demo_cluster(35).await;
    // No credentials is system:anonymous, refused by RBAC; a wrong token is 401 (facts file).
    let (code, body) = raw(sim.addr(), "GET", "/api/v1/pods", None, None, b"").await;
    assert_eq!(code, 403);
    assert_eq!(parse(&body)["reason"], "Forbidden");
    let (code, body) = raw(sim.addr(), "GET", "/api/v1/pods", Some("wrong"), None, b"").await;
    assert_eq!(code, 401);
    assert_eq!(parse(&body)["reason"], "Unauthorized");
    let (code, _) = raw(sim.addr(), "GET", "/api/v1/pods", Some(VIEWER), None, b"").await;
    assert_eq!(code, 200);
    let p = json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"300m"}}}]}});
    let (code, body) = raw(
        sim.addr(),
        "PATCH",
        RESIZE,
        Some(VIEWER),
        SMP,
        p.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 403);
    assert_fixture(&body, "rbac-viewer-patch.json");
    let (code, body) = raw(
        sim.addr(),
        "DELETE",
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(VIEWER),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 403);
    assert_eq!(
        parse(&body)["message"],
        "pods \"resize-demo\" is forbidden: User \"viewer\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\""
    );
}

#[tokio::test]
async fn resize_errors_match_the_real_server() {
    let sim = demo_cluster(35).await;
    let cases = [
        (
            json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"2"}}}]}}),
            422,
            "request-above-limit.json",
        ),
        (
            json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"2"}}},{"name":"c2","resources":{"requests":{"memory":"1Gi"}}}]}}),
            422,
            "two-errors.json",
        ),
        (
            json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"-1"}}}]}}),
            422,
            "negative.json",
        ),
        (
            json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"abc"}}}]}}),
            422,
            "malformed-quantity.json",
        ),
        (
            json!({"spec":{"containers":[{"name":"c2","resources":{"limits":{"cpu":null}}}]}}),
            422,
            "remove-limit.json",
        ),
        (
            json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"ephemeral-storage":"1Gi"}}}]}}),
            422,
            "other-resource.json",
        ),
        (
            json!({"spec":{"containers":[{"name":"nope","resources":{"requests":{"cpu":"1"}}}]}}),
            422,
            "unknown-container.json",
        ),
        // Burstable resize-demo made Guaranteed: the value is the stored class (facts table).
        (
            json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"1","memory":"256Mi"}}},{"name":"c2","resources":{"requests":{"cpu":"500m","memory":"128Mi"}}}]}}),
            422,
            "qos-change.json",
        ),
        (
            json!({"metadata":{"resourceVersion":"1"},"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"300m"}}}]}}),
            409,
            "stale-resourceversion.json",
        ),
    ];
    for (body, code, file) in cases {
        let (got, text) = patch(&sim, body.clone()).await;
        assert_eq!(got, code, "{file}: {text}");
        assert_fixture(&text, file);
    }
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/nope/resize",
        Some(ADMIN),
        SMP,
        b"{}",
    )
    .await;
    assert_eq!(code, 404);
    assert_fixture(&text, "not-found.json");
    // Merge patch replaces the whole list.
    let one =
        json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"300m"}}}]}});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        RESIZE,
        Some(ADMIN),
        Some("application/merge-patch+json"),
        one.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 422);
    assert_fixture(&text, "merge-patch-one-container.json");
    // QoS change: Guaranteed pod made Burstable.
    sim.create_pod(pod(
        "g",
        vec![container(
            "c1",
            &[("cpu", "1"), ("memory", "1Gi")],
            &[("cpu", "1"), ("memory", "1Gi")],
            false,
        )],
    ))
    .unwrap();
    let q = json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"500m"}}}]}});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/g/resize",
        Some(ADMIN),
        SMP,
        q.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 422);
    assert_eq!(
        parse(&text)["message"],
        "Pod \"g\" is invalid: spec: Invalid value: \"Guaranteed\": Pod QOS Class may not change as a result of resizing"
    );
    // Nothing was stored by any refused request.
    let c1 = &sim
        .pod("default", "resize-demo")
        .unwrap()
        .spec
        .unwrap()
        .containers[0];
    assert_eq!(
        c1.resources.as_ref().unwrap().requests.as_ref().unwrap()["cpu"].0,
        "250m"
    );
}

#[tokio::test]
async fn accepted_resizes_and_generation() {
    let sim = demo_cluster(35).await;
    let (code, text) = patch(&sim, json!({"spec":{"containers":[{"name":"c1","image":"other:v9","resources":{"requests":{"cpu":"0.8"}}}]}})).await;
    assert_eq!(code, 200, "{text}");
    let v = parse(&text);
    assert_eq!(v["metadata"]["generation"], 2);
    assert_eq!(
        v["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "800m"
    );
    assert_eq!(
        v["spec"]["containers"][0]["image"], "registry.example.com/c1:v1",
        "image change is dropped"
    );
    assert!(
        v["metadata"]["managedFields"]
            .as_array()
            .is_some_and(|m| !m.is_empty())
    );
    // Removing a request where a limit exists is re-filled from the limit.
    let (code, text) = patch(
        &sim,
        json!({"spec":{"containers":[{"name":"c2","resources":{"requests":{"memory":null}}}]}}),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    assert_eq!(
        parse(&text)["spec"]["containers"][1]["resources"]["requests"]["memory"],
        "128Mi"
    );
    // dryRun=All answers without storing.
    let before = sim.pod("default", "resize-demo").unwrap();
    let p = json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"900m"}}}]}});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        &format!("{RESIZE}?dryRun=All"),
        Some(ADMIN),
        SMP,
        p.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        parse(&text)["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "900m"
    );
    let after = sim.pod("default", "resize-demo").unwrap();
    assert_eq!(before.spec, after.spec);
    // JSON patch by index.
    let jp = json!([{"op":"test","path":"/spec/containers/0/name","value":"c1"},{"op":"replace","path":"/spec/containers/0/resources/requests/cpu","value":"700m"}]);
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        RESIZE,
        Some(ADMIN),
        Some("application/json-patch+json"),
        jp.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    assert_eq!(
        parse(&text)["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "700m"
    );
    // Pod PATCH changing resources is refused from 1.32.
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(ADMIN),
        SMP,
        p.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 422);
    let msg = parse(&text)["message"].as_str().unwrap().to_string();
    assert!(msg.starts_with("Pod \"resize-demo\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"), "{msg}");
    // PUT on /resize with a full pod; the kubelet may update the pod between GET and PUT,
    // which the server answers with 409 Conflict, so re-read and retry like a client would.
    let (code, text) = eventually("PUT without conflict", || async {
        let mut full = parse(
            &raw(sim.addr(), "GET", RESIZE, Some(ADMIN), None, b"")
                .await
                .1,
        );
        full["spec"]["containers"][0]["resources"]["requests"]["cpu"] = json!("600m");
        let (code, text) = raw(
            sim.addr(),
            "PUT",
            RESIZE,
            Some(ADMIN),
            Some("application/json"),
            full.to_string().as_bytes(),
        )
        .await;
        (code != 409).then_some((code, text))
    })
    .await;
    assert_eq!(code, 200, "{text}");
    assert_eq!(
        parse(&text)["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "600m"
    );
}

#[tokio::test]
async fn version_specific_admission_and_skew() {
    // 1.36+: requests above node allocatable are refused at admission with 403.
    let sim = demo_cluster(36).await;
    let (code, text) = patch(&sim, json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"24"},"limits":{"cpu":"24"}}}]}})).await;
    assert_eq!(code, 403, "{text}");
    assert!(
        parse(&text)["message"]
            .as_str()
            .unwrap()
            .contains("Node didn't have enough allocatable resources: cpu, requested: 24100")
    );
    // 1.33: memory limit decrease refused without RestartContainer.
    let sim = demo_cluster(33).await;
    let (code, text) = patch(
        &sim,
        json!({"spec":{"containers":[{"name":"c1","resources":{"limits":{"memory":"200Mi"}}}]}}),
    )
    .await;
    assert_eq!(code, 422);
    assert!(
        text.contains("memory limits cannot be decreased unless resizePolicy is RestartContainer")
    );
    // Node without resize support: version-skew guard.
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    sim.add_node("old-node", 8000, 32 << 30, false);
    let mut p = resize_demo();
    p.spec.as_mut().unwrap().node_name = Some("old-node".into());
    sim.create_pod(p).unwrap();
    eventually("pod running", || async {
        sim.pod("default", "resize-demo").filter(running)
    })
    .await;
    let (code, text) = patch(
        &sim,
        json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"300m"}}}]}}),
    )
    .await;
    assert_eq!(code, 422);
    assert!(
        text.contains("spec: Forbidden: Pod running on node without support for resize"),
        "{text}"
    );
}

#[tokio::test]
async fn table_list_paging_and_selectors() {
    let sim = SimCluster::start(SimConfig {
        pods: 60,
        nodes: 3,
        namespaces: 3,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    let (code, text) = raw_with(
        sim.addr(),
        "GET",
        "/api/v1/pods?limit=25",
        Some(ADMIN),
        None,
        Some(accept),
        b"",
    )
    .await;
    assert_eq!(code, 200);
    let t = parse(&text);
    assert_eq!(t["kind"], "Table");
    assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(t["rows"].as_array().unwrap().len(), 25);
    assert_eq!(t["columnDefinitions"][0]["name"], "Name");
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    assert!(t["metadata"]["continue"].is_string());
    // Plain pages.
    let mut names = Vec::new();
    let mut cont = String::new();
    loop {
        let (code, text) = raw(
            sim.addr(),
            "GET",
            &format!("/api/v1/pods?limit=7&continue={cont}"),
            Some(ADMIN),
            None,
            b"",
        )
        .await;
        assert_eq!(code, 200, "{text}");
        let v = parse(&text);
        assert_eq!(v["kind"], "PodList");
        names.extend(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["metadata"]["name"].as_str().unwrap().to_string()),
        );
        match v["metadata"]["continue"].as_str() {
            Some(c) => cont = c.to_string(),
            None => break,
        }
    }
    assert_eq!(names.len(), 60);
    // Selectors.
    let (_, text) = raw(
        sim.addr(),
        "GET",
        "/api/v1/pods?fieldSelector=spec.nodeName%3Dsim-node-01",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    let v = parse(&text);
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["spec"]["nodeName"] == "sim-node-01")
    );
    assert_eq!(v["items"].as_array().unwrap().len(), 20);
    let (_, text) = raw(
        sim.addr(),
        "GET",
        "/api/v1/pods?labelSelector=team%20in%20(payments,catalog),app",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    let v = parse(&text);
    assert!(v["items"].as_array().unwrap().iter().all(|p| {
        ["payments", "catalog"].contains(&p["metadata"]["labels"]["team"].as_str().unwrap())
    }));
    let (code, _) = raw(
        sim.addr(),
        "GET",
        "/api/v1/pods?fieldSelector=spec.bogus%3D1",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 400);
}

#[tokio::test]
async fn faults_request_log_and_restart() {
    let sim = demo_cluster(35).await;
    sim.clear_request_log();
    sim.faults().fail_next(FaultCode::TooManyRequests, 2);
    assert_eq!(
        raw(sim.addr(), "GET", "/api/v1/pods", Some(ADMIN), None, b"")
            .await
            .0,
        429
    );
    assert_eq!(
        raw(sim.addr(), "GET", "/api/v1/pods", Some(ADMIN), None, b"")
            .await
            .0,
        429
    );
    assert_eq!(
        raw(sim.addr(), "GET", "/api/v1/pods", Some(ADMIN), None, b"")
            .await
            .0,
        200
    );
    let (code, _) = raw(
        sim.addr(),
        "POST",
        "/_sim/faults/error?code=500&count=1",
        None,
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        raw(sim.addr(), "GET", "/version", Some(ADMIN), None, b"")
            .await
            .0,
        500
    );
    let log = sim.request_log();
    assert_eq!(log.iter().filter(|r| r.status == 429).count(), 2);
    assert!(
        log.iter()
            .any(|r| r.uri == "/api/v1/pods" && r.identity == "admin" && r.status == 200)
    );
    let (_, text) = raw(sim.addr(), "GET", "/_sim/requests", None, None, b"").await;
    assert!(parse(&text).as_array().unwrap().len() >= 4);
    // Restart on the same port keeps state.
    let addr = sim.addr();
    sim.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    sim.restart().await.unwrap();
    let (code, text) = raw(
        addr,
        "GET",
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(parse(&text)["metadata"]["name"], "resize-demo");
}

#[tokio::test]
async fn create_and_delete_over_http() {
    let sim = SimCluster::start(SimConfig {
        metrics: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let body = serde_json::to_vec(&pod(
        "web",
        vec![container("app", &[("cpu", "100m")], &[], false)],
    ))
    .unwrap();
    let (code, text) = raw(
        sim.addr(),
        "POST",
        "/api/v1/namespaces/default/pods",
        Some(ADMIN),
        Some("application/json"),
        &body,
    )
    .await;
    assert_eq!(code, 201, "{text}");
    let v = parse(&text);
    assert_eq!(v["metadata"]["generation"], 1);
    assert_eq!(v["status"]["qosClass"], "Burstable");
    let (code, _) = raw(
        sim.addr(),
        "POST",
        "/api/v1/namespaces/default/pods",
        Some(ADMIN),
        Some("application/json"),
        &body,
    )
    .await;
    assert_eq!(code, 409);
    eventually("web running", || async {
        sim.pod("default", "web").filter(running)
    })
    .await;
    let (code, text) = raw(
        sim.addr(),
        "GET",
        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(parse(&text)["items"][0]["containers"][0]["name"], "app");
    let (code, _) = raw(
        sim.addr(),
        "DELETE",
        "/api/v1/namespaces/default/pods/web",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200);
    assert!(sim.pod("default", "web").is_none());
}

#[tokio::test]
async fn garbage_input_gets_status_errors_not_crashes() {
    let sim = demo_cluster(35).await;
    let pod_path = "/api/v1/namespaces/default/pods/resize-demo";
    type Case<'a> = (&'a str, String, Option<&'a str>, &'a [u8], u16);
    let cases: Vec<Case> = vec![
        ("PATCH", RESIZE.to_string(), SMP, b"not json", 400),
        ("PATCH", RESIZE.to_string(), SMP, b"[1,2]", 400),
        ("PATCH", RESIZE.to_string(), Some("text/plain"), b"{}", 415),
        (
            "PATCH",
            RESIZE.to_string(),
            Some("application/json-patch+json"),
            br#"[{"op":"test","path":"/spec/containers/0/name","value":"zz"}]"#,
            422,
        ),
        (
            "PATCH",
            RESIZE.to_string(),
            SMP,
            br#"{"spec":{"containers":"nope"}}"#,
            400,
        ),
        (
            "PUT",
            RESIZE.to_string(),
            Some("application/json"),
            b"{\"kind\":\"Pod\"}",
            400,
        ),
        (
            "PUT",
            pod_path.to_string(),
            Some("application/json"),
            b"\xff\xfe",
            400,
        ),
        (
            "GET",
            "/api/v1/pods?continue=%%%".to_string(),
            None,
            b"",
            400,
        ),
        (
            "GET",
            "/api/v1/pods?continue=12-zz".to_string(),
            None,
            b"",
            400,
        ),
        (
            "GET",
            "/api/v1/pods?watch=1&resourceVersion=abc".to_string(),
            None,
            b"",
            400,
        ),
        (
            "GET",
            "/api/v1/pods?labelSelector=a%20in%20b".to_string(),
            None,
            b"",
            400,
        ),
        ("GET", "/api/v2/whatever".to_string(), None, b"", 404),
        (
            "POST",
            "/api/v1/namespaces/nope/pods".to_string(),
            Some("application/json"),
            b"{}",
            404,
        ),
        (
            "POST",
            "/api/v1/namespaces/default/pods".to_string(),
            Some("application/json"),
            b"{\"spec\":{\"containers\":[]}}",
            422,
        ),
        ("DELETE", "/version".to_string(), None, b"", 405),
    ];
    for (method, path, ct, body, want) in cases {
        let (code, text) = raw(sim.addr(), method, &path, Some(ADMIN), ct, body).await;
        assert_eq!(code, want, "{method} {path}: {text}");
        let v = parse(&text);
        assert_eq!(v["kind"], "Status", "{method} {path}: {text}");
    }
    // Still serving.
    assert_eq!(
        raw(sim.addr(), "GET", pod_path, Some(ADMIN), None, b"")
            .await
            .0,
        200
    );
}
