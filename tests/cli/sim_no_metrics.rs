//! `podsize sim --no-metrics`: a cluster without metrics-server, as the idle benchmark needs.
//! The real 1.35 server captured in /work/shared/fixtures/real-1.35/apis.json had no
//! metrics-server: `/apis` lists no metrics.k8s.io group, and a path of a group the server does
//! not serve answers 404 NotFound. kubectl is the independent client: `kubectl api-versions`
//! and `kubectl get --raw`.

use crate::common::sim_process::{KUBECTL, kubectl, start_sim};
use std::path::Path;

#[test]
fn a_sim_without_metrics_lists_no_metrics_group_and_answers_its_paths_404() {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipped: {KUBECTL} is not installed");
        return;
    }
    for (args, served) in [(&[][..], true), (&["--no-metrics"][..], false)] {
        let dir = tempfile::tempdir().unwrap();
        let mut with_pods = vec!["--pods", "5"];
        with_pods.extend_from_slice(args);
        let (_sim, kc) = start_sim(dir.path(), &with_pods);
        let kc = Path::new(&kc);
        let versions = kubectl(kc, &["api-versions"]);
        let versions = String::from_utf8_lossy(&versions.stdout);
        assert_eq!(
            versions.lines().any(|l| l == "metrics.k8s.io/v1beta1"),
            served,
            "{args:?}: {versions}"
        );
        let raw = kubectl(kc, &["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods"]);
        let err = String::from_utf8_lossy(&raw.stderr);
        assert_eq!(raw.status.success(), served, "{args:?}: {err}");
        if !served {
            assert!(err.contains("NotFound") || err.contains("404"), "{err}");
        }
        // The pods are there either way.
        let pods = kubectl(kc, &["get", "pods", "-A", "--no-headers"]);
        assert_eq!(String::from_utf8_lossy(&pods.stdout).lines().count(), 5);
    }
}
