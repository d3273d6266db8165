//! Completion with live names (issue #30): `podsize __complete` offers the kubeconfig's
//! contexts and the cluster's namespaces and pods (kubectl, reading the same simulated cluster
//! over real HTTP, says which there are); `podsize completion bash` uses it; and kubectl itself
//! completes `kubectl podsize` through the `kubectl_complete-podsize` script.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use simcluster::{SimCluster, SimConfig};
use std::path::{Path, PathBuf};

const KUBECTL: &str = "/usr/bin/kubectl";

struct Setup {
    _sim: SimCluster,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
    bin: PathBuf,
}

/// A cluster with the resize demo pod, and a PATH with `podsize`, `kubectl-podsize` and the
/// `kubectl_complete-podsize` script `podsize completion kubectl` prints.
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
    for name in ["podsize", "kubectl-podsize"] {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_podsize"), bin.join(name)).unwrap();
    }
    let script = std::process::Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(["completion", "kubectl"])
        .output()
        .unwrap();
    assert!(script.status.success());
    let complete = bin.join("kubectl_complete-podsize");
    std::fs::write(&complete, &script.stdout).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&complete, std::fs::Permissions::from_mode(0o755)).unwrap();
    Setup {
        _sim: sim,
        dir,
        kubeconfig,
        bin,
    }
}

async fn run(s: &Setup, program: &Path, args: &[&str]) -> (String, String) {
    let path = format!(
        "{}:{}",
        s.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = tokio::process::Command::new(program)
        .args(args)
        .env("KUBECONFIG", &s.kubeconfig)
        .env("HOME", s.dir.path())
        .env("PATH", path)
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{program:?} {args:?}: {err}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), err)
}

/// `podsize __complete WORDS…`: the candidates and the directive line.
async fn complete(s: &Setup, words: &[&str]) -> (Vec<String>, String) {
    let mut args = vec!["__complete"];
    args.extend_from_slice(words);
    let (out, _) = run(s, Path::new(env!("CARGO_BIN_EXE_podsize")), &args).await;
    let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
    let directive = lines.pop().unwrap_or_default();
    (lines, directive)
}

/// kubectl's names of a kind (`kubectl get KIND -o name`, `kubectl config get-contexts`).
async fn kubectl_names(s: &Setup, args: &[&str]) -> Vec<String> {
    let (out, _) = run(s, Path::new(KUBECTL), args).await;
    let mut names: Vec<String> = out
        .lines()
        .map(|l| l.rsplit('/').next().unwrap_or(l).to_string())
        .collect();
    names.sort();
    names
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn contexts_namespaces_and_pods_are_the_ones_kubectl_sees() {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let s = setup().await;
    let contexts = kubectl_names(&s, &["config", "get-contexts", "-o", "name"]).await;
    let (offered, directive) = complete(&s, &["get", "--context", ""]).await;
    assert_eq!(sorted(offered), contexts);
    assert_eq!(directive, ":4", "no file names for a context");
    let namespaces = kubectl_names(&s, &["get", "namespaces", "-o", "name"]).await;
    let (offered, _) = complete(&s, &["-n", ""]).await;
    assert_eq!(sorted(offered), namespaces);
    let pods = kubectl_names(&s, &["get", "pods", "-n", "default", "-o", "name"]).await;
    assert!(pods.contains(&"resize-demo".to_string()), "{pods:?}");
    let (offered, _) = complete(&s, &["-n", "default", "resize", ""]).await;
    assert_eq!(sorted(offered), pods);
    // What is typed narrows the list; the kubeconfig named on the line is the one read.
    let kubeconfig = s.kubeconfig.display().to_string();
    let (offered, _) = complete(&s, &["--kubeconfig", &kubeconfig, "boost", "resize-d"]).await;
    assert_eq!(offered, ["resize-demo"]);
    let (offered, _) = complete(&s, &["resize", "nosuch"]).await;
    assert!(offered.is_empty(), "{offered:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_completes_kubectl_podsize_through_the_script() {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let s = setup().await;
    let (out, err) = run(
        &s,
        Path::new(KUBECTL),
        &["__complete", "podsize", "resize", ""],
    )
    .await;
    assert!(out.lines().any(|l| l == "resize-demo"), "{out}\n{err}");
    assert!(
        out.lines().last().unwrap_or_default().starts_with(':'),
        "{out}"
    );
    let (out, _) = run(&s, Path::new(KUBECTL), &["__complete", "podsize", "res"]).await;
    assert!(out.lines().any(|l| l == "resize"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bash_completes_pod_names() {
    let s = setup().await;
    let script = "source <(podsize completion bash) && COMP_WORDS=(podsize resize r) && \
                  COMP_CWORD=2 && _podsize_names && printf '%s\\n' \"${COMPREPLY[@]}\"";
    let (out, err) = run(&s, Path::new("bash"), &["-c", script]).await;
    assert!(err.is_empty(), "bash complained: {err}");
    assert_eq!(out.trim(), "resize-demo");
}
