//! `podsize info` against the simulated cluster: every line it promises, the viewer told it
//! may not resize, and `--check` exit codes for scripts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use simcluster::{SimCluster, SimConfig};
use std::path::{Path, PathBuf};

async fn sim(minor: u32) -> (SimCluster, tempfile::TempDir, PathBuf) {
    let sim = SimCluster::start(SimConfig {
        minor,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&path).unwrap();
    (sim, dir, path)
}

async fn podsize(kubeconfig: &Path, args: &[&str]) -> (i32, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_podsize"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .await
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn line<'a>(text: &'a str, label: &str) -> &'a str {
    let prefix = format!("{label}:");
    text.lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {label} line in:\n{text}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_sees_every_item_and_check_passes() {
    let (sim, _dir, kc) = sim(35).await;
    let (code, text) = podsize(&kc, &["info"]).await;
    assert_eq!(code, 0, "{text}");
    assert!(line(&text, "context").ends_with("sim-admin"));
    assert!(line(&text, "server").contains(&sim.url()), "{text}");
    assert!(line(&text, "server version").contains("v1.35"), "{text}");
    assert!(line(&text, "pods/resize").contains("served"));
    assert!(
        line(&text, "list strategy").contains("one LIST with gzip"),
        "{text}"
    );
    assert!(line(&text, "may resize").contains("yes"));
    assert!(line(&text, "latency").contains("ms"));
    line(&text, "metrics API");
    line(&text, "VPA API");
    assert!(!text.contains("prometheus:"), "not asked for: {text}");
    let (code, text) = podsize(&kc, &["info", "--check"]).await;
    assert_eq!((code, text.as_str()), (0, ""));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_old_server_and_the_chosen_list_strategy() {
    let (_sim, _dir, kc) = sim(30).await;
    let (_, text) = podsize(&kc, &["--initial-list", "pages", "info"]).await;
    assert!(line(&text, "list strategy").contains("paged"), "{text}");
    assert!(
        line(&text, "pods/resize").contains("patch the pod"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_viewer_is_told_it_may_not_resize() {
    let (_sim, _dir, kc) = sim(35).await;
    let (code, text) = podsize(&kc, &["--context", "sim-viewer", "info"]).await;
    let may = line(&text, "may resize");
    assert!(may.contains("no:") && may.contains("pods/resize"), "{may}");
    assert_eq!(code, 1);
    let (code, text) = podsize(&kc, &["--context", "sim-viewer", "info", "--check"]).await;
    assert_eq!((code, text.as_str()), (1, ""));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_fails_the_check() {
    let (sim, dir, kc) = sim(35).await;
    sim.stop().await;
    drop(sim);
    let (code, text) = podsize(&kc, &["info", "--check"]).await;
    assert_eq!((code, text.as_str()), (1, ""));
    let (code, text) = podsize(&kc, &["info"]).await;
    assert_eq!(code, 1);
    assert!(
        line(&text, "server version").contains("unreachable"),
        "{text}"
    );
    let missing = dir.path().join("none");
    let (code, text) = podsize(&missing, &["info"]).await;
    assert_eq!(code, 1);
    assert!(line(&text, "kubeconfig").contains("--kubeconfig"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_prometheus_fails_with_what_to_do() {
    let (_sim, _dir, kc) = sim(35).await;
    let args = ["info", "--prometheus", "http://127.0.0.1:9"];
    let (code, text) = podsize(&kc, &args).await;
    assert_eq!(code, 1);
    let prom = line(&text, "prometheus");
    assert!(
        prom.contains("did not answer") && prom.contains("port-forward"),
        "{prom}"
    );
}
