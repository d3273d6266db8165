//! `podsize boost` end to end: the real binary and the real kube client against the simulated
//! cluster over HTTP. The sim takes `metadata.resourceVersion` in a merge patch as a
//! precondition and answers 409 Conflict when it is stale (real-apiserver-facts.md, optimistic
//! concurrency), which is what makes two podsize processes revert once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::sim_http as sim_common;

use common::sim_cli::SimCli;
use k8s_openapi::api::core::v1::Pod;
use simcluster::SimConfig;
use std::time::Duration;

pub(crate) const BOOST: &str = "podsize.dev/boost";

/// The cluster, its kubeconfig and the runs' own XDG_STATE_HOME.
pub(crate) type Setup = SimCli;

pub(crate) async fn setup(pod: Pod) -> Setup {
    setup_with(Duration::from_millis(50), pod).await
}

/// `setup` with a kubelet that takes `kubelet_delay` to act on each resize. Served over TLS:
/// kubectl sends its token only there, and the tests use kubectl as the person.
pub(crate) async fn setup_with(kubelet_delay: Duration, pod: Pod) -> Setup {
    let s = SimCli::start(SimConfig {
        kubelet_delay,
        tls: true,
        ..SimConfig::empty()
    })
    .await;
    let name = pod.metadata.name.clone().unwrap();
    s.sim.create_pod(pod).unwrap();
    sim_common::eventually("running", || {
        let ok = s
            .sim
            .pod("default", &name)
            .is_some_and(|p| sim_common::running(&p));
        async move { ok.then_some(()) }
    })
    .await;
    s
}

pub(crate) fn command(s: &Setup, args: &[&str]) -> tokio::process::Command {
    s.command(args)
}

pub(crate) async fn podsize(s: &Setup, args: &[&str]) -> (i32, String, String) {
    let run = s.run(args).await;
    (run.code, run.out, run.err)
}

/// (cpu request, cpu limit, memory request, memory limit) of a container's spec.
pub(crate) fn desired(s: &Setup, pod: &str, container: &str) -> [String; 4] {
    let p = s.sim.pod("default", pod).unwrap();
    let c = p
        .spec
        .unwrap()
        .containers
        .into_iter()
        .find(|c| c.name == container)
        .unwrap();
    let r = c.resources.unwrap();
    let get = |m: &Option<std::collections::BTreeMap<String, _>>, k: &str| {
        m.as_ref()
            .and_then(
                |m: &std::collections::BTreeMap<
                    String,
                    k8s_openapi::apimachinery::pkg::api::resource::Quantity,
                >| m.get(k),
            )
            .map(|q| q.0.clone())
            .unwrap_or_default()
    };
    [
        get(&r.requests, "cpu"),
        get(&r.limits, "cpu"),
        get(&r.requests, "memory"),
        get(&r.limits, "memory"),
    ]
}

pub(crate) fn annotation(s: &Setup, pod: &str) -> Option<String> {
    s.sim
        .pod("default", pod)
        .and_then(|p| p.metadata.annotations)
        .and_then(|a| a.get(BOOST).cloned())
}

pub(crate) fn ready(s: &Setup, pod: &str) -> bool {
    s.sim
        .pod("default", pod)
        .and_then(|p| p.status)
        .and_then(|st| st.conditions)
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Resize PATCHes that changed something (dry runs excluded).
pub(crate) fn resize_patches(s: &Setup, pod: &str) -> usize {
    let path = format!("/pods/{pod}/resize");
    s.sim
        .request_log()
        .iter()
        .filter(|r| r.method == "PATCH" && r.uri.contains(&path) && !r.uri.contains("dryRun"))
        .count()
}

pub(crate) fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn for_5s_reverts_to_the_exact_original_values() {
    let s = setup(sim_common::resize_demo()).await;
    let before = desired(&s, "resize-demo", "c2");
    let started = std::time::Instant::now();
    let (code, out, err) = podsize(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x4",
            "--for",
            "5s",
            "--wait",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["outcome"], "Reverted", "{out}");
    assert_eq!(
        v["patch"]["spec"]["containers"][0]["resources"]["requests"]["cpu"], "400m",
        "the boost's exact patch is printed: {out}"
    );
    // The revert is due at the deadline written in the plan, never before it.
    assert!(started.elapsed() >= Duration::from_secs(5), "{err}");
    assert_eq!(
        desired(&s, "resize-demo", "c2"),
        before,
        "exactly the original values"
    );
    assert_eq!(annotation(&s, "resize-demo"), None, "the plan is removed");
    assert_eq!(
        resize_patches(&s, "resize-demo"),
        2,
        "one boost, one revert"
    );
}

/// A JVM-like pod: 2 CPU-seconds of start-up work, 500m limit (4 s unboosted).
pub(crate) fn jvm() -> Pod {
    let mut p = sim_common::pod(
        "jvm-orders",
        vec![sim_common::container(
            "app",
            &[("cpu", "250m"), ("memory", "256Mi")],
            &[("cpu", "500m"), ("memory", "512Mi")],
            false,
        )],
    );
    p.metadata.annotations = Some(
        [(
            simcluster::startup::STARTUP_ANNOTATION.to_string(),
            "2".to_string(),
        )]
        .into(),
    );
    p
}

#[tokio::test(flavor = "multi_thread")]
async fn until_ready_reverts_when_the_pod_turns_ready() {
    let s = setup(jvm()).await;
    assert!(!ready(&s, "jvm-orders"), "a start-up pod starts not Ready");
    let before = desired(&s, "jvm-orders", "app");
    let (code, out, err) = podsize(
        &s,
        &[
            "boost",
            "jvm-orders",
            "--cpu",
            "2",
            "--until-ready",
            "--wait",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["outcome"], "Reverted", "{out}");
    assert!(ready(&s, "jvm-orders"), "reverted only once Ready");
    assert_eq!(desired(&s, "jvm-orders", "app"), before);
    assert_eq!(annotation(&s, "jvm-orders"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_boost_is_reverted_by_the_next_podsize() {
    let s = setup(sim_common::resize_demo()).await;
    let before = desired(&s, "resize-demo", "c2");
    let mut child = command(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x2",
            "--for",
            "2s",
            "--wait",
        ],
    )
    .spawn()
    .unwrap();
    sim_common::eventually("the boost", || {
        let boosted =
            annotation(&s, "resize-demo").is_some() && desired(&s, "resize-demo", "c2") != before;
        async move { boosted.then_some(()) }
    })
    .await;
    child.kill().await.unwrap();
    assert_ne!(
        desired(&s, "resize-demo", "c2"),
        before,
        "killed while boosted"
    );
    sim_common::eventually("a revert by a new podsize", || async {
        let (code, out, err) = podsize(&s, &["boost", "--revert-due"]).await;
        assert_eq!(code, 0, "{err}");
        out.contains(": reverted: ").then_some(())
    })
    .await;
    assert_eq!(desired(&s, "resize-demo", "c2"), before);
    assert_eq!(annotation(&s, "resize-demo"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manual_resize_during_a_boost_is_not_overwritten() {
    let s = setup(sim_common::resize_demo()).await;
    let before = desired(&s, "resize-demo", "c2");
    let child = command(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x2",
            "--for",
            "3s",
            "--wait",
            "-o",
            "json",
        ],
    )
    .spawn()
    .unwrap();
    sim_common::eventually("the boost", || {
        let boosted = desired(&s, "resize-demo", "c2") != before;
        async move { boosted.then_some(()) }
    })
    .await;
    let (code, _, err) = podsize(
        &s,
        &["resize", "resize-demo", "-c", "c2", "--cpu-request", "150m"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let out = child.wait_with_output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&stdout);
    assert_eq!(v["outcome"], "StoodDown", "{stdout}");
    assert!(
        v["message"].as_str().unwrap().contains("changed by hand"),
        "{stdout}"
    );
    assert_eq!(
        desired(&s, "resize-demo", "c2")[0],
        "150m",
        "the manual value stays"
    );
    assert_eq!(
        annotation(&s, "resize-demo"),
        None,
        "the plan is removed with a note"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_podsize_processes_revert_once() {
    let s = setup(sim_common::resize_demo()).await;
    let before = desired(&s, "resize-demo", "c2");
    let (code, _, err) = podsize(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x2",
            "--for",
            "1s",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(resize_patches(&s, "resize-demo"), 1);
    sim_common::eventually("a revert", || async {
        let (a, b) = tokio::join!(
            podsize(&s, &["boost", "--revert-due"]),
            podsize(&s, &["boost", "--revert-due"])
        );
        assert_eq!((a.0, b.0), (0, 0), "{} {}", a.2, b.2);
        (desired(&s, "resize-demo", "c2") == before).then_some(())
    })
    .await;
    assert_eq!(
        resize_patches(&s, "resize-demo"),
        2,
        "one boost and exactly one revert"
    );
    assert_eq!(annotation(&s, "resize-demo"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_json_shows_the_boost_of_the_boosted_container() {
    let s = setup(sim_common::resize_demo()).await;
    let args = [
        "boost",
        "resize-demo",
        "-c",
        "c2",
        "--cpu",
        "x2",
        "--for",
        "10m",
    ];
    let (code, _, err) = podsize(&s, &args).await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = podsize(&s, &["get", "-o", "json"]).await;
    assert_eq!(code, 0, "{err}");
    let items = json(&out);
    let item = |name: &str| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["container"] == name)
            .cloned()
            .unwrap()
    };
    let c2 = item("c2");
    assert_eq!(c2["boost"]["original"]["cpuRequest"], "100m", "{c2}");
    assert_eq!(c2["boost"]["boosted"]["cpuRequest"], "200m", "{c2}");
    assert!(c2["boost"]["deadline"].is_string(), "{c2}");
    assert!(item("c1")["boost"].is_null(), "only the boosted container");
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_never_reverts() {
    let s = setup(sim_common::resize_demo()).await;
    let (code, _, err) = podsize(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x2",
            "--for",
            "1s",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let boosted = desired(&s, "resize-demo", "c2");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (code, _, err) = podsize(&s, &["--readonly", "boost", "--revert-due"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(desired(&s, "resize-demo", "c2"), boosted, "still boosted");
    assert!(
        annotation(&s, "resize-demo").is_some(),
        "the plan stays for a writer"
    );
    assert_eq!(resize_patches(&s, "resize-demo"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_container_boost_reports_the_restart() {
    let pod = sim_common::pod(
        "restarter",
        vec![sim_common::container(
            "app",
            &[("cpu", "100m"), ("memory", "128Mi")],
            &[("cpu", "200m"), ("memory", "256Mi")],
            true,
        )],
    );
    let s = setup(pod).await;
    let (code, out, err) = podsize(
        &s,
        &[
            "boost",
            "restarter",
            "--memory",
            "x2",
            "--for",
            "1s",
            "--allow-restart",
            "--wait",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("the container will restart twice"),
        "predicted: {err}"
    );
    let v = json(&out);
    assert_eq!(v["outcome"], "Reverted", "{out}");
    assert_eq!(v["restarted"], true, "{out}");
    assert!(
        v["notes"][0].as_str().unwrap().contains("RestartContainer"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_boosts_send_nothing() {
    let s = setup(sim_common::resize_demo()).await;
    let (code, _, err) = podsize(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "50m",
            "--for",
            "1s",
        ],
    )
    .await;
    assert_eq!(code, 1);
    assert!(err.contains("does not raise"), "{err}");
    let (code, _, err) = podsize(&s, &["boost", "resize-demo", "-c", "c2", "--cpu", "x2"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("--for DURATION or --until-ready"), "{err}");
    let (code, _, err) = podsize(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x2",
            "--until-ready",
        ],
    )
    .await;
    assert_eq!(code, 1);
    assert!(err.contains("already Ready"), "{err}");
    assert_eq!(resize_patches(&s, "resize-demo"), 0);
    assert_eq!(annotation(&s, "resize-demo"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_infeasible_boost_fails_and_is_put_back() {
    let s = setup(sim_common::resize_demo()).await;
    let before = desired(&s, "resize-demo", "c2");
    let (code, out, err) = podsize(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "100",
            "--for",
            "10m",
            "--wait",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("prediction: will be Infeasible"),
        "predicted: {err}"
    );
    let v = json(&out);
    assert_eq!(v["outcome"], "Failed", "{out}");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("infeasible") && message.contains("put back"),
        "{message}"
    );
    assert_eq!(
        desired(&s, "resize-demo", "c2"),
        before,
        "the original values are back"
    );
    assert_eq!(annotation(&s, "resize-demo"), None);
}
