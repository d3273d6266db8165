//! Issue #30 point 10: errors that said it twice or not at all. Each case runs the binary and
//! reads its stderr and exit code as a person (or a script) would.

use crate::common::sim_cli::SimCli;
use simcluster::SimConfig;
use std::process::Output;

fn podsize(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(args)
        .env("HOME", std::env::temp_dir())
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn an_unknown_context_is_named_once_with_the_contexts_there_are() {
    let cli = SimCli::start(SimConfig::empty()).await;
    let run = cli.run(&["--context", "nosuch", "get"]).await;
    assert_ne!(run.code, 0);
    assert_eq!(run.err.matches("nosuch").count(), 1, "{}", run.err);
    // The sim's kubeconfig has an admin and a viewer context: both are offered.
    assert!(run.err.contains("sim-admin"), "{}", run.err);
    assert!(run.err.contains("sim-viewer"), "{}", run.err);
}

#[test]
fn a_missing_kubeconfig_is_named_once_and_unquoted() {
    let out = podsize(&["--kubeconfig", "x.kc", "get"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("x.kc").count(), 1, "{err}");
    assert!(!err.contains("'\""), "{err}");
    assert!(err.contains("No such file"), "{err}");
}

#[test]
fn a_malformed_kubeconfig_keeps_its_snippet_on_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.kc");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {server: \"http://x\"\ncontexts: []\n",
    )
    .unwrap();
    let out = podsize(&["--kubeconfig", path.to_str().unwrap(), "get"]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0));
    // The caret line points under the column, so the snippet must stay on its own lines.
    assert!(err.lines().count() >= 4, "{err}");
    assert!(
        err.lines().any(|l| l.trim_start().starts_with("| ^")),
        "{err}"
    );
}

#[test]
fn resize_help_offers_no_namespace_wide_or_selector_options() {
    let out = podsize(&["resize", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--cpu-request"), "{help}");
    assert!(!help.contains("--all-namespaces"), "{help}");
    assert!(!help.contains("--selector"), "{help}");
}

#[test]
fn report_commands_refuse_a_wide_output_they_do_not_have() {
    for cmd in ["recommend", "nodes", "make-room", "boost"] {
        let out = podsize(&[cmd, "-o", "wide"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("invalid value 'wide'"), "{cmd}: {err}");
    }
    // `get` has a wide table.
    let out = podsize(&["--kubeconfig", "x.kc", "get", "-o", "wide"]);
    assert!(!stderr(&out).contains("invalid value"));
}
