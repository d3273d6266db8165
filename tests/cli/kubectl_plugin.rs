//! podsize as the kubectl plugin `kubectl-podsize`: its help says `kubectl podsize`, it reads
//! the cluster like podsize does, and `kubectl podsize` finds it on PATH.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use simcluster::{SimCluster, SimConfig};
use std::path::{Path, PathBuf};
use std::process::Output;

const KUBECTL: &str = "/usr/bin/kubectl";

struct Setup {
    _sim: SimCluster,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
    plugin: PathBuf,
}

async fn setup() -> Setup {
    let sim = SimCluster::start(SimConfig {
        tls: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let plugin = bin.join("kubectl-podsize");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_podsize"), &plugin).unwrap();
    Setup {
        _sim: sim,
        dir,
        kubeconfig,
        plugin,
    }
}

async fn run(program: &Path, args: &[&str], s: &Setup) -> Output {
    let path = format!(
        "{}:{}",
        s.plugin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    tokio::process::Command::new(program)
        .args(args)
        .env("KUBECONFIG", &s.kubeconfig)
        .env("HOME", s.dir.path())
        .env("PATH", path)
        .output()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn help_names_the_plugin_as_kubectl_calls_it() {
    let s = setup().await;
    let out = run(&s.plugin, &["--help"], &s).await;
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Usage: kubectl podsize"), "{help}");
    let out = run(&s.plugin, &["get", "--help"], &s).await;
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Usage: kubectl podsize get"), "{help}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_plugin_prints_the_table_as_json() {
    let s = setup().await;
    let out = run(&s.plugin, &["get", "-o", "json"], &s).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.to_string().contains("resize-demo"), "{json}");
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_finds_the_plugin_on_path() {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let s = setup().await;
    let out = run(Path::new(KUBECTL), &["podsize", "get"], &s).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("resize-demo"), "{table}");
}
