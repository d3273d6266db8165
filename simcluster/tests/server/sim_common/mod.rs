//! Helpers shared by the simulated cluster's tests: the crate's test kit, fixtures of the real
//! server, kubectl as an independent client.
#![allow(dead_code)]

pub mod fidelity;
pub mod round4;

pub use simcluster::testkit::*;

/// Reads a fixture from the shared directory if present.
pub fn fixture(rel: &str) -> Option<String> {
    // shared/ lies beside the checkout (CI copies it there); /work/shared is the workplace's.
    let beside = format!(
        "{}/../../shared/fixtures/real-1.35/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(beside)
        .or_else(|_| std::fs::read_to_string(format!("/work/shared/fixtures/real-1.35/{rel}")))
        .ok()
}

/// Exit code and the two streams of one kubectl run, as text.
pub struct KubectlRun {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// `kubectl ARGS` against `sim` with its kubeconfig in a fresh HOME, so no cache of the
/// developer's is used: kubectl as an independent client.
pub async fn kubectl(sim: &simcluster::SimCluster, kubectl: &str, args: &[&str]) -> KubectlRun {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let out = tokio::process::Command::new(kubectl)
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(args)
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap();
    KubectlRun {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
