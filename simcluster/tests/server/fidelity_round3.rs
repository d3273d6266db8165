//! The points real-apiserver-facts.md lists under "Still answered differently by the simulated
//! cluster after the third round", each checked over real HTTP against the facts' verbatim
//! text: the bad continue token, the OpenAPI v3 index, a failed JSON-patch `test`, a malformed
//! quantity in a PUT, and `/apis/apps/v1`'s scale subresources (responseKind of the aggregated
//! form is checked in round4_objects.rs against hpa-09).

use crate::sim_common::fidelity::*;
use crate::sim_common::*;
use serde_json::json;

// Facts "Still answered differently": a bad continue token.
#[tokio::test]
async fn bad_continue_token_is_worded_as_the_real_server() {
    let sim = demo().await;
    let (code, v) = get(
        &sim,
        "/api/v1/pods?limit=5&continue=not-a-token",
        Some(ADMIN),
    )
    .await;
    assert_eq!(code, 400);
    assert_eq!(
        v["message"],
        "invalid continue token: continue key is not valid: invalid character '\\u009e' looking for beginning of value"
    );
}

// Facts "Still answered differently": `/openapi/v3` is text/plain and lists apps/v1 and
// authorization.k8s.io/v1; the listed documents are served.
#[tokio::test]
async fn openapi_v3_index_as_the_real_server() {
    let sim = demo().await;
    let auth = bearer(ADMIN);
    let (code, head, body) = raw_headers(
        sim.addr(),
        "GET",
        "/openapi/v3",
        &[("Authorization", &auth)],
        b"",
    )
    .await;
    assert_eq!(code, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain; charset=utf-8"),
        "{head}"
    );
    let v = parse(&body);
    for p in ["api/v1", "apis/apps/v1", "apis/authorization.k8s.io/v1"] {
        let url = v["paths"][p]["serverRelativeURL"].as_str().expect(p);
        let (code, _) = get(&sim, url, Some(ADMIN)).await;
        assert_eq!(code, 200, "{url}");
    }
}

// Facts "Still answered differently": a JSON patch whose `test` fails is 422 with this message
// and nothing more.
#[tokio::test]
async fn failed_json_patch_test_is_the_bare_sentence() {
    let sim = demo().await;
    let (code, body) = raw(
        sim.addr(),
        "PATCH",
        RESIZE,
        Some(ADMIN),
        Some("application/json-patch+json"),
        br#"[{"op":"test","path":"/spec/containers/0/name","value":"zz"}]"#,
    )
    .await;
    let v = parse(&body);
    assert_eq!((code, v["reason"].as_str()), (422, Some("Invalid")));
    assert_eq!(
        v["message"],
        "the server rejected our request due to an error in our request"
    );
}

// Facts "Still answered differently": a malformed quantity in a PUT of /resize gives the
// regular-expression message without the value appended.
#[tokio::test]
async fn malformed_quantity_in_a_put_names_no_value() {
    let sim = demo().await;
    let (_, pod) = get(
        &sim,
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(ADMIN),
    )
    .await;
    let mut pod = pod;
    pod["spec"]["containers"][0]["resources"]["requests"]["cpu"] = json!("abc");
    let (code, body) = raw(
        sim.addr(),
        "PUT",
        RESIZE,
        Some(ADMIN),
        Some("application/json"),
        pod.to_string().as_bytes(),
    )
    .await;
    let v = parse(&body);
    assert_eq!(code, 400, "{v}");
    assert_eq!(
        v["message"],
        "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

// Facts "Still answered differently": `GET /apis/apps/v1` marks deployments/scale and
// replicasets/scale as group autoscaling, version v1.
#[tokio::test]
async fn apps_scale_subresources_name_autoscaling_v1() {
    let sim = demo().await;
    let (_, v) = get(&sim, "/apis/apps/v1", Some(ADMIN)).await;
    for name in ["deployments/scale", "replicasets/scale"] {
        let r = v["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .expect(name);
        assert_eq!(
            (
                r["group"].as_str(),
                r["version"].as_str(),
                r["kind"].as_str()
            ),
            (Some("autoscaling"), Some("v1"), Some("Scale"))
        );
    }
}

// Facts "Fourth round", pod-level resources and resizePolicy at create (round4 README §5):
// the exact 422 texts and cause orders, and the defaults of limits-only pods.
#[tokio::test]
async fn pod_level_and_resize_policy_validation_at_create() {
    use crate::sim_common::round4::*;
    let sim = cluster().await;
    replay(
        &sim,
        &[
            "plr-01-create-pod-level-requests-above-limits",
            "plr-02-create-pod-level-limits-only",
            "plr-03-create-pod-level-limits-only-ctr-requests",
            "plr-04-create-ctr-limit-above-pod-limit",
            "plr-05-create-ctr-requests-sum-above-pod-requests",
            "plr-06-create-pod-level-hugepages-storage",
            "plr-07-resize-pod-level-resources",
            "plr-08-resize-container-in-pod-level-pod",
            "rp-01-create-restartpolicy-never-resizepolicy-restartcontainer",
            "rp-02-create-restartpolicy-onfailure-resizepolicy-restartcontainer",
            "rp-03-create-resizepolicy-storage",
            "rp-04-create-resizepolicy-duplicate-cpu",
            "rp-05-create-resizepolicy-bad-restartpolicy",
            "rp-06-create-resizepolicy-storage-and-never",
        ],
    )
    .await;
}

// Facts "Still answered differently": a resource change through a plain pod patch (1.32+) is
// refused with a diff of the internal (capitalised, `Requests`) form, hunk `@@ -17,7 +17,7 @@`.
// The pod is fixtures/real-1.35/pod-resize-demo.json's spec; the patch lowers c1's cpu request
// from 800m to 700m; the whole answer must be errors/resources-via-pod-patch.json.
#[tokio::test]
async fn pod_patch_diff_is_the_internal_form() {
    let (Some(pod), Some(want)) = (
        fixture("pod-resize-demo.json"),
        fixture("errors/resources-via-pod-patch.json"),
    ) else {
        eprintln!("skipped: the real server's fixtures are not beside the checkout");
        return;
    };
    let sim = simcluster::SimCluster::start(simcluster::SimConfig::empty())
        .await
        .unwrap();
    let spec = parse(&pod)["spec"].clone();
    let body = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "resize-demo", "namespace": "default"}, "spec": spec});
    let (code, v) = post(&sim, "/api/v1/namespaces/default/pods", ADMIN, &body).await;
    assert_eq!(code, 201, "{v}");
    let (code, body) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(ADMIN),
        Some(SMP),
        br#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"700m"}}}]}}"#,
    )
    .await;
    let (got, want) = (parse(&body), parse(&want));
    assert_eq!(code, 422, "{got}");
    assert_eq!(got["message"], want["message"], "\n{}", got["message"]);
    assert_eq!(got, want);
}
