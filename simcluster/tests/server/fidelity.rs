//! The simulator against the points where real-apiserver-facts.md ("More observations (second
//! round)", "Third round") marked it as differing from a real v1.35.0 server: creation defaults,
//! authentication and RBAC, access reviews, discovery. One test per point, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use serde_json::json;
use sim_common::fidelity::*;
use sim_common::*;
use simcluster::{SimCluster, SimConfig};

// Fact "Creation defaults": enableServiceLinks true, preemptionPolicy PreemptLowerPriority,
// priority 0, securityContext {}, the two NoExecute tolerations for 300 s, and a container
// without requests/limits keeps "resources": {} in every answer.
#[tokio::test]
async fn creation_defaults_match_the_real_server() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare"},
    "spec": {"nodeName": "sim-node-01", "containers": [
        {"name": "plain", "image": "registry.example.com/plain:v1"},
        {"name": "sized", "image": "registry.example.com/sized:v1", "resources": {"requests": {"cpu": "100m"}}}
    ]}});
    let (code, created) = post(&sim, "/api/v1/namespaces/default/pods", ADMIN, &pod).await;
    assert_eq!(code, 201, "{created}");
    let (_, fetched) = get(&sim, "/api/v1/namespaces/default/pods/bare", Some(ADMIN)).await;
    let (_, list) = get(&sim, "/api/v1/namespaces/default/pods", Some(ADMIN)).await;
    let listed = list["items"][0].clone();
    let toleration = |key: &str| json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300});
    for (what, p) in [("create", created), ("get", fetched), ("list", listed)] {
        let spec = &p["spec"];
        assert_eq!(spec["enableServiceLinks"], json!(true), "{what}");
        assert_eq!(spec["preemptionPolicy"], "PreemptLowerPriority", "{what}");
        assert_eq!(spec["priority"], json!(0), "{what}");
        assert_eq!(spec["securityContext"], json!({}), "{what}");
        assert_eq!(
            spec["tolerations"],
            json!([
                toleration("node.kubernetes.io/not-ready"),
                toleration("node.kubernetes.io/unreachable")
            ]),
            "{what}"
        );
        assert_eq!(spec["containers"][0]["resources"], json!({}), "{what}");
        assert_eq!(
            spec["containers"][1]["resources"],
            json!({"requests": {"cpu": "100m"}}),
            "{what}"
        );
    }
    // Once the kubelet has written status, the answer still carries the empty block.
    eventually("running", || async {
        sim.pod("default", "bare").filter(running)
    })
    .await;
    let (_, p) = get(&sim, "/api/v1/namespaces/default/pods/bare", Some(ADMIN)).await;
    assert_eq!(p["spec"]["containers"][0]["resources"], json!({}));
}

// Fact "Authentication and RBAC": no credentials is system:anonymous, 403 with the RBAC text
// and details {"kind":"pods"}; a wrong token is 401 Unauthorized.
#[tokio::test]
async fn anonymous_is_forbidden_and_a_wrong_token_unauthorized() {
    let sim = demo().await;
    let (code, v) = get(&sim, "/api/v1/pods", None).await;
    assert_eq!(code, 403);
    assert_eq!(
        v,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" at the cluster scope",
            "reason": "Forbidden", "details": {"kind": "pods"}, "code": 403})
    );
    let (code, v) = get(&sim, "/api/v1/namespaces/default/pods/resize-demo", None).await;
    assert_eq!(code, 403);
    assert_eq!(
        v["message"],
        "pods \"resize-demo\" is forbidden: User \"system:anonymous\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\""
    );
    assert_eq!(v["details"], json!({"name": "resize-demo", "kind": "pods"}));
    // Discovery is for authenticated users only; /version is public.
    let (code, v) = get(&sim, "/api", None).await;
    assert_eq!(code, 403);
    assert_eq!(
        v["message"],
        "forbidden: User \"system:anonymous\" cannot get path \"/api\""
    );
    assert_eq!(get(&sim, "/version", None).await.0, 200);
    let (code, v) = get(&sim, "/api/v1/pods", Some("wrong")).await;
    assert_eq!(code, 401);
    assert_eq!(
        (v["reason"].as_str(), v["message"].as_str()),
        (Some("Unauthorized"), Some("Unauthorized"))
    );
}

// Fact: the built-in `view` role has no rule for pods/resize, so a viewer's GET of it is 403.
#[tokio::test]
async fn the_viewer_cannot_get_pods_resize() {
    let sim = demo().await;
    let (code, v) = get(&sim, RESIZE, Some(VIEWER)).await;
    assert_eq!(code, 403);
    assert_eq!(
        v["message"],
        "pods \"resize-demo\" is forbidden: User \"viewer\" cannot get resource \"pods/resize\" in API group \"\" in the namespace \"default\""
    );
    assert_eq!(get(&sim, RESIZE, Some(ADMIN)).await.0, 200);
    assert_eq!(
        get(
            &sim,
            "/api/v1/namespaces/default/pods/resize-demo",
            Some(VIEWER)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        get(&sim, "/api/v1/pods?watch=1&timeoutSeconds=1", Some(VIEWER))
            .await
            .0,
        200
    );
}

// Fact (third round) "Access reviews": SSAR is 201 with status.allowed from the identity's rules;
// SSRR is 201 and, for a viewer, no rule covers pods/resize.
#[tokio::test]
async fn access_reviews_follow_the_rules_requests_get() {
    let sim = demo().await;
    let ssar = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    let review = |verb: &str, sub: &str| {
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {"namespace": "default", "verb": verb, "resource": "pods", "subresource": sub}}})
    };
    let cases = [
        ("get", "", true),
        ("list", "", true),
        ("watch", "", true),
        ("patch", "", false),
        ("get", "resize", false),
        ("patch", "resize", false),
    ];
    for (verb, sub, viewer_may) in cases {
        let (code, v) = post(&sim, ssar, VIEWER, &review(verb, sub)).await;
        assert_eq!(code, 201, "{v}");
        assert_eq!(v["kind"], "SelfSubjectAccessReview");
        assert_eq!(v["spec"]["resourceAttributes"]["verb"], verb);
        assert_eq!(
            v["status"]["allowed"],
            json!(viewer_may),
            "viewer {verb} pods/{sub}"
        );
        let (code, v) = post(&sim, ssar, ADMIN, &review(verb, sub)).await;
        assert_eq!((code, v["status"]["allowed"].clone()), (201, json!(true)));
        // The review agrees with what the request itself gets.
        let path = if sub.is_empty() {
            "/api/v1/namespaces/default/pods/resize-demo"
        } else {
            RESIZE
        };
        if verb == "get" {
            assert_eq!(get(&sim, path, Some(VIEWER)).await.0 == 200, viewer_may);
        }
    }
    let ssrr = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    let body = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": {"namespace": "default"}});
    let (code, v) = post(&sim, ssrr, VIEWER, &body).await;
    assert_eq!(code, 201, "{v}");
    let rules = v["status"]["resourceRules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["resources"].as_array().unwrap().contains(&json!("pods")))
    );
    assert!(rules.iter().all(|r| {
        let res = r["resources"].as_array().unwrap();
        !res.contains(&json!("pods/resize")) && !res.contains(&json!("*"))
    }));
    let (_, v) = post(&sim, ssrr, ADMIN, &body).await;
    assert!(
        v["status"]["resourceRules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["resources"] == json!(["*"]))
    );
    // Anonymous may not review at all.
    let (code, _) = raw(
        sim.addr(),
        "POST",
        ssar,
        None,
        Some("application/json"),
        review("get", "").to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 403);
}

// Fact (third round) "Discovery": /apis lists apps and authorization.k8s.io, also in
// aggregated discovery (what kubectl ≥ 1.30 and kube-rs ask for).
#[tokio::test]
async fn discovery_lists_apps_and_authorization_in_both_forms() {
    let sim = demo().await;
    let (_, v) = get(&sim, "/apis", Some(ADMIN)).await;
    let names: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"apps") && names.contains(&"authorization.k8s.io"),
        "{names:?}"
    );
    let (code, v) = get(&sim, "/apis/authorization.k8s.io/v1", Some(ADMIN)).await;
    assert_eq!(code, 200);
    assert!(
        v["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "selfsubjectaccessreviews")
    );
    let accept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    let auth = bearer(ADMIN);
    let (code, head, body) = raw_headers(
        sim.addr(),
        "GET",
        "/apis",
        &[("Authorization", &auth), ("Accept", accept)],
        b"",
    )
    .await;
    assert_eq!(code, 200);
    assert!(
        head.to_ascii_lowercase().contains(
            "content-type: application/json;g=apidiscovery.k8s.io;v=v2;as=apigroupdiscoverylist"
        ),
        "{head}"
    );
    let v = parse(&body);
    assert_eq!(v["kind"], "APIGroupDiscoveryList");
    let apps = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "apps")
        .unwrap();
    let rs = apps["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "replicasets")
        .unwrap();
    // The real server leaves group and version empty for a kind of the group's own version
    // (facts "Still answered differently ... after the third round"; round4 hpa-09).
    assert_eq!(
        rs["responseKind"],
        json!({"group": "", "version": "", "kind": "ReplicaSet"})
    );
    let (_, _, body) = raw_headers(
        sim.addr(),
        "GET",
        "/api",
        &[("Authorization", &auth), ("Accept", accept)],
        b"",
    )
    .await;
    let v = parse(&body);
    let pods = v["items"][0]["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "pods")
        .unwrap();
    assert_eq!(pods["scope"], "Namespaced");
    assert!(
        pods["subresources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["subresource"] == "resize")
    );
}
