//! kubectl 1.32 against the simulator: get, get -o json, patch --subresource resize (success and
//! every refused case of the facts file), and the viewer context refused with the RBAC text.
//! Skipped with a printed reason when kubectl is absent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use sim_common::*;
use simcluster::{SimCluster, SimConfig};
use std::process::Output;

const KUBECTL: &str = "/usr/bin/kubectl";

async fn kubectl(sim: &SimCluster, kubeconfig: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(KUBECTL);
    cmd.arg("--kubeconfig").arg(kubeconfig).args(args);
    cmd.env("HOME", kubeconfig.parent().unwrap());
    let _ = sim;
    cmd.output().await.unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

async fn setup() -> Option<(SimCluster, tempfile::TempDir, std::path::PathBuf)> {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return None;
    }
    let sim = SimCluster::start(SimConfig {
        pods: 12,
        nodes: 2,
        namespaces: 2,
        tls: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(resize_demo()).unwrap();
    eventually("running", || async {
        sim.pod("default", "resize-demo").filter(running)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&path).unwrap();
    Some((sim, dir, path))
}

#[tokio::test]
async fn kubectl_get_and_patch() {
    let Some((sim, _dir, kc)) = setup().await else {
        return;
    };
    let out = kubectl(&sim, &kc, &["get", "pods", "-A", "-v=8"]).await;
    let (stdout, stderr) = text(&out);
    println!("{stderr}");
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("NAMESPACE"), "{stdout}");
    assert!(
        stdout.contains("resize-demo") && stdout.contains("Running"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 14, "{stdout}");

    // kubectl's STATUS column comes from the node's Ready condition (fixtures/node.json).
    let out = kubectl(&sim, &kc, &["get", "nodes"]).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.lines().skip(1).all(|l| l.contains(" Ready ")),
        "{stdout}"
    );

    let out = kubectl(&sim, &kc, &["get", "pod", "resize-demo", "-o", "json"]).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["kind"], "Pod");

    let out = kubectl(
        &sim,
        &kc,
        &[
            "patch",
            "pod",
            "resize-demo",
            "--subresource",
            "resize",
            "-v=8",
            "-p",
            r#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"800m"}}}]}}"#,
        ],
    )
    .await;
    let (stdout, stderr) = text(&out);
    println!("{stderr}");
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout.trim(), "pod/resize-demo patched");
    // kubectl names itself with fieldManager=kubectl-patch; the resize entry says so.
    let pod = sim.pod("default", "resize-demo").unwrap();
    assert!(
        pod.metadata.managed_fields.iter().flatten().any(|e| {
            e.manager.as_deref() == Some("kubectl-patch")
                && e.subresource.as_deref() == Some("resize")
        }),
        "{:?}",
        pod.metadata.managed_fields
    );
}

#[tokio::test]
async fn kubectl_refusals_show_the_server_messages() {
    let Some((sim, _dir, kc)) = setup().await else {
        return;
    };
    let cases = [
        (
            r#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"2"}}}]}}"#,
            "The Pod \"resize-demo\" is invalid: spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
        ),
        (
            r#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"-1"}}}]}}"#,
            "spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
        ),
        (
            r#"{"spec":{"containers":[{"name":"c2","resources":{"limits":{"cpu":null}}}]}}"#,
            "spec.containers[1].resources.limits: Forbidden: resource limits cannot be removed",
        ),
        (
            r#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"ephemeral-storage":"1Gi"}}}]}}"#,
            "spec: Forbidden: only cpu and memory resources are mutable",
        ),
        (
            r#"{"spec":{"containers":[{"name":"nope","resources":{"requests":{"cpu":"1"}}}]}}"#,
            "spec.containers: Forbidden: containers may not be added or removed on resize",
        ),
        (
            r#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"abc"}}}]}}"#,
            "quantities must match the regular expression",
        ),
        (
            r#"{"metadata":{"resourceVersion":"1"},"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"300m"}}}]}}"#,
            "Operation cannot be fulfilled on pods \"resize-demo\": the object has been modified; please apply your changes to the latest version and try again",
        ),
    ];
    for (patch, want) in cases {
        let out = kubectl(
            &sim,
            &kc,
            &[
                "patch",
                "pod",
                "resize-demo",
                "--subresource",
                "resize",
                "-p",
                patch,
            ],
        )
        .await;
        let (_, stderr) = text(&out);
        assert!(!out.status.success());
        assert!(
            stderr.contains(want),
            "patch {patch}: want {want:?}, got {stderr}"
        );
    }
    let out = kubectl(
        &sim,
        &kc,
        &[
            "patch",
            "pod",
            "nope",
            "--subresource",
            "resize",
            "-p",
            "{}",
        ],
    )
    .await;
    assert!(
        text(&out).1.contains("pods \"nope\" not found"),
        "{:?}",
        text(&out)
    );
    let out = kubectl(
        &sim,
        &kc,
        &[
            "patch",
            "pod",
            "resize-demo",
            "--subresource",
            "resize",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"300m"}}}]}}"#,
        ],
    )
    .await;
    assert!(
        text(&out)
            .1
            .contains("spec.containers[0].image: Required value"),
        "{:?}",
        text(&out)
    );
    let out = kubectl(
        &sim,
        &kc,
        &[
            "--context",
            "sim-viewer",
            "patch",
            "pod",
            "resize-demo",
            "--subresource",
            "resize",
            "-p",
            r#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"300m"}}}]}}"#,
        ],
    )
    .await;
    // The `view` role has no rule for pods/resize, so kubectl fails at its GET of the
    // subresource, before it sends the patch (facts file, second round).
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("pods \"resize-demo\" is forbidden: User \"viewer\" cannot get resource \"pods/resize\" in API group \"\" in the namespace \"default\""),
        "{stderr}"
    );
    assert!(
        !sim.request_log()
            .iter()
            .any(|r| r.method == "PATCH" && r.identity == "viewer"),
        "kubectl must stop at the GET"
    );
    let out = kubectl(&sim, &kc, &["--context", "sim-viewer", "get", "pods"]).await;
    assert!(out.status.success(), "{:?}", text(&out));
}

/// real-apiserver-facts.md "Third round": `/openapi/v2` and `/openapi/v3` answer 200, which
/// kubectl's `create -f` / `apply -f` validation needs; without them kubectl fails with
/// "failed to download openapi" unless `--validate=false`.
#[tokio::test]
async fn kubectl_create_and_apply_validate_against_the_server() {
    let Some((sim, dir, kc)) = setup().await else {
        return;
    };
    let manifest = |name: &str, labels: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: default\n{labels}spec:\n  containers:\n  - name: app\n    image: registry.example.com/app:v1\n    resources:\n      requests: {{cpu: 100m, memory: 64Mi}}\n"
        )
    };
    let write = |file: &str, text: String| {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
    };
    let created = write("created.yaml", manifest("made-by-create", ""));
    let applied = write("applied.yaml", manifest("made-by-apply", ""));
    let relabeled = write(
        "relabeled.yaml",
        manifest("made-by-apply", "  labels: {tier: web}\n"),
    );
    for (args, want) in [
        (
            ["create", "-f", created.as_str()],
            "pod/made-by-create created",
        ),
        (
            ["apply", "-f", applied.as_str()],
            "pod/made-by-apply created",
        ),
        (
            ["apply", "-f", relabeled.as_str()],
            "pod/made-by-apply configured",
        ),
    ] {
        let out = kubectl(&sim, &kc, &args).await;
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(stdout.contains(want), "{args:?}: {stdout}");
        assert!(!stderr.contains("openapi"), "{args:?}: {stderr}");
    }
    let p = sim.pod("default", "made-by-apply").unwrap();
    assert_eq!(p.metadata.labels.unwrap()["tier"], "web");
    assert!(sim.pod("default", "made-by-create").is_some());
}

// Facts, third round: access reviews answer from the identity's rules; `kubectl auth can-i`
// sends a SelfSubjectAccessReview and prints the verdict.
#[tokio::test]
async fn kubectl_auth_can_i_follows_the_roles() {
    let Some((sim, _dir, kc)) = setup().await else {
        return;
    };
    let cases = [
        ("sim-viewer", &["list", "pods"][..], "yes"),
        ("sim-viewer", &["patch", "pods"][..], "no"),
        (
            "sim-viewer",
            &["patch", "pods", "--subresource=resize"][..],
            "no",
        ),
        (
            "sim-viewer",
            &["get", "pods", "--subresource=resize"][..],
            "no",
        ),
        (
            "sim-admin",
            &["patch", "pods", "--subresource=resize"][..],
            "yes",
        ),
    ];
    for (context, args, want) in cases {
        let mut all = vec!["--context", context, "auth", "can-i"];
        all.extend_from_slice(args);
        let out = kubectl(&sim, &kc, &all).await;
        let (stdout, stderr) = text(&out);
        assert_eq!(stdout.trim(), want, "{context} {args:?}: {stderr}");
    }
}
