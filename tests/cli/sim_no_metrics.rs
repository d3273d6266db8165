//! `podsize sim --no-metrics`: a cluster without metrics-server, as the idle benchmark needs.
//! The real 1.35 server captured in /work/shared/fixtures/real-1.35/apis.json had no
//! metrics-server: `/apis` lists no metrics.k8s.io group, and a path of a group the server does
//! not serve answers 404 NotFound. kubectl is the independent client: `kubectl api-versions`
//! and `kubectl get --raw`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const KUBECTL: &str = "/usr/bin/kubectl";

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `podsize sim --pods 5 ARGS --kubeconfig-out DIR/kubeconfig`, running until dropped.
fn start_sim(dir: &Path, args: &[&str]) -> (Running, String) {
    let kc = dir.join("kubeconfig").to_str().unwrap().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(["sim", "--pods", "5"])
        .args(args)
        .args(["--kubeconfig-out", &kc])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("kubeconfig written to") {
            // Keep reading: a closed pipe would end the simulator at its next line.
            std::thread::spawn(move || lines.for_each(drop));
            return (running, kc);
        }
    }
    panic!("podsize sim ended before writing its kubeconfig");
}

fn kubectl(kubeconfig: &str, args: &[&str]) -> std::process::Output {
    Command::new(KUBECTL)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env("HOME", Path::new(kubeconfig).parent().unwrap())
        .output()
        .unwrap()
}

#[test]
fn a_sim_without_metrics_lists_no_metrics_group_and_answers_its_paths_404() {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipped: {KUBECTL} is not installed");
        return;
    }
    for (args, served) in [(&[][..], true), (&["--no-metrics"][..], false)] {
        let dir = tempfile::tempdir().unwrap();
        let (_sim, kc) = start_sim(dir.path(), args);
        let versions = kubectl(&kc, &["api-versions"]);
        let versions = String::from_utf8_lossy(&versions.stdout);
        assert_eq!(
            versions.lines().any(|l| l == "metrics.k8s.io/v1beta1"),
            served,
            "{args:?}: {versions}"
        );
        let raw = kubectl(&kc, &["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods"]);
        let err = String::from_utf8_lossy(&raw.stderr);
        assert_eq!(raw.status.success(), served, "{args:?}: {err}");
        if !served {
            assert!(err.contains("NotFound") || err.contains("404"), "{err}");
        }
        // The pods are there either way.
        let pods = kubectl(&kc, &["get", "pods", "-A", "--no-headers"]);
        assert_eq!(String::from_utf8_lossy(&pods.stdout).lines().count(), 5);
    }
}
