//! `podsize resize --wait` exit codes, running the real binary against the simulated cluster.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

struct Setup {
    sim: SimCluster,
    _dir: tempfile::TempDir,
    kubeconfig: String,
}

async fn setup() -> Setup {
    let sim = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let (dir, kubeconfig) = sim_common::kubeconfig_when_running(&sim, "resize-demo").await;
    Setup {
        sim,
        _dir: dir,
        kubeconfig,
    }
}

async fn podsize(s: &Setup, args: &[&str]) -> (i32, String, String) {
    sim_common::run_podsize(&s.kubeconfig, args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_exits_0_on_done() {
    let s = setup().await;
    let (code, out, err) = podsize(
        &s,
        &[
            "resize",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "+100m",
            "--wait",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "Done");
    assert_eq!(
        v["patch"]["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "350m"
    );
    assert!(err.contains("resize accepted"), "{err}");
    let pod = s.sim.pod("default", "resize-demo").unwrap();
    let status = pod.status.unwrap().container_statuses.unwrap();
    let c1 = status.iter().find(|c| c.name == "c1").unwrap();
    assert_eq!(
        c1.resources.as_ref().unwrap().requests.as_ref().unwrap()["cpu"].0,
        "350m"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_exits_2_on_infeasible() {
    let s = setup().await;
    let (code, _out, err) = podsize(
        &s,
        &[
            "resize",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "64",
            "--cpu-limit",
            "64",
            "--wait=20s",
        ],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("infeasible"), "{err}");
    assert!(
        err.contains("prediction: will be Infeasible"),
        "the prediction warned first: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_exits_3_on_timeout() {
    let s = setup().await;
    s.sim
        .create_pod(sim_common::pod(
            "big",
            vec![sim_common::container(
                "big",
                &[("cpu", "12"), ("memory", "1Gi")],
                &[("cpu", "12"), ("memory", "2Gi")],
                false,
            )],
        ))
        .unwrap();
    sim_common::eventually("big running", || {
        let ok = s
            .sim
            .pod("default", "big")
            .is_some_and(|p| sim_common::running(&p));
        async move { ok.then_some(()) }
    })
    .await;
    let (code, _out, err) = podsize(
        &s,
        &[
            "resize",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "6",
            "--cpu-limit",
            "6",
            "--wait=2s",
        ],
    )
    .await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("timed out after 2s: deferred"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_requests_exit_1_and_send_nothing() {
    let s = setup().await;
    s.sim.clear_request_log();
    let (code, _out, err) = podsize(
        &s,
        &["resize", "resize-demo", "-c", "c1", "--cpu-request", "lots"],
    )
    .await;
    assert_eq!(code, 1);
    assert!(
        err.contains("--cpu-request") && err.contains("\"lots\""),
        "{err}"
    );
    let (code, _out, err) = podsize(
        &s,
        &["resize", "resize-demo", "-c", "c1", "--cpu-request", "5"],
    )
    .await;
    assert_eq!(code, 1);
    assert!(
        err.contains("must be less than or equal to cpu limit of 1"),
        "{err}"
    );
    let (code, _out, err) = podsize(
        &s,
        &[
            "--readonly",
            "resize",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "300m",
        ],
    )
    .await;
    assert_eq!(code, 1);
    assert!(err.contains("read-only"), "{err}");
    // Nothing that changes the cluster; an access review (a POST that changes nothing) may ask.
    assert!(
        s.sim
            .request_log()
            .iter()
            .all(|r| r.method == "GET" || r.uri.contains("selfsubjectaccessreviews")),
        "{:?}",
        s.sim.request_log()
    );
    let (code, _out, err) = podsize(
        &s,
        &[
            "--context",
            "sim-viewer",
            "resize",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "300m",
        ],
    )
    .await;
    // The viewer is told before anything is sent (issue #16.2): the access review says no.
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "read-only (RBAC): this identity may not patch pods/resize in the namespace \"default\""
        ),
        "{err}"
    );
    let viewer_writes: Vec<_> = s
        .sim
        .request_log()
        .into_iter()
        .filter(|r| r.identity == "viewer" && r.method != "GET")
        .filter(|r| !r.uri.contains("selfsubjectaccessreviews"))
        .collect();
    assert!(viewer_writes.is_empty(), "nothing sent: {viewer_writes:?}");
}

/// The cpu request `c1` holds on the simulated cluster, as stored.
fn stored_cpu_request(s: &Setup) -> String {
    let pod = s.sim.pod("default", "resize-demo").unwrap();
    let resources = pod.spec.unwrap().containers[0].resources.clone().unwrap();
    resources.requests.unwrap()["cpu"].0.clone()
}

/// Issue #30, second round: `+25%` of 250m is sent as the next whole millicore, `313m`, not
/// `312500u` (Kubernetes allows nothing finer than 1m); a typed `500u` is refused unsent.
#[tokio::test(flavor = "multi_thread")]
async fn a_percentage_is_sent_in_whole_millicores_and_a_finer_value_is_refused() {
    let s = setup().await;
    s.sim.clear_request_log();
    let (code, _out, err) = podsize(
        &s,
        &["resize", "resize-demo", "-c", "c1", "--cpu-request", "500u"],
    )
    .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("--cpu-request: \"500u\" is finer than 1m")
            && err.contains("did you mean 1m?"),
        "{err}"
    );
    let writes: Vec<_> = s
        .sim
        .request_log()
        .into_iter()
        .filter(|r| r.method != "GET" && !r.uri.contains("selfsubjectaccessreviews"))
        .collect();
    assert!(writes.is_empty(), "nothing sent: {writes:?}");
    assert_eq!(stored_cpu_request(&s), "250m");

    let (code, out, err) = podsize(
        &s,
        &[
            "resize",
            "resize-demo",
            "-c",
            "c1",
            "--cpu-request",
            "+25%",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["patch"]["spec"]["containers"][0]["resources"]["requests"]["cpu"], "313m",
        "{out}"
    );
    // The server stores what it was sent, in its canonical form: 312500u would stay 312500u.
    assert_eq!(stored_cpu_request(&s), "313m");
}
