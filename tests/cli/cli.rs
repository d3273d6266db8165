//! The command line: every --help prints, and kubeconfig problems give one clear line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn podsize(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

#[test]
fn every_help_prints() {
    for sub in [
        None,
        Some("demo"),
        Some("watch"),
        Some("get"),
        Some("resize"),
        Some("sim"),
        Some("themes"),
        Some("info"),
        Some("completion"),
        Some("man"),
    ] {
        let mut args: Vec<&str> = sub.into_iter().collect();
        args.push("--help");
        let out = podsize(&args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage: podsize"), "{args:?}: {text}");
        // The cluster options are offered where a cluster is reached, and only there.
        let reaches_a_cluster = matches!(sub, None | Some("watch" | "get" | "resize" | "info"));
        assert_eq!(
            text.contains("--kubeconfig <FILE>"),
            reaches_a_cluster,
            "--kubeconfig on {args:?}: {text}"
        );
    }
    let resize = String::from_utf8(podsize(&["resize", "--help"]).stdout).unwrap();
    for flag in [
        "--cpu-request",
        "--cpu-limit",
        "--memory-request",
        "--memory-limit",
        "--dry-run",
        "--wait",
    ] {
        assert!(resize.contains(flag), "{flag}");
    }
}

fn assert_one_line_failure(out: &std::process::Output, needle: &str) {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line, got:\n{err}");
    assert!(err.contains(needle), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("BACKTRACE"),
        "{err}"
    );
}

#[test]
fn missing_kubeconfig_is_one_line() {
    let out = podsize(&["--kubeconfig", "/nonexistent/kubeconfig", "get"]);
    assert_one_line_failure(&out, "/nonexistent/kubeconfig");
}

#[test]
fn garbage_kubeconfig_is_named_on_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage");
    std::fs::write(&path, "clusters: [ {{{ not yaml\n\u{0}\u{1}").unwrap();
    let out = podsize(&["get", "--kubeconfig", path.to_str().unwrap()]);
    // One line says what failed and where; a YAML snippet may follow on its own lines, with
    // the caret under the column (issue #30 point 10: a snippet on one line was unreadable).
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("podsize: cannot read kubeconfig"),
        "{err}"
    );
    assert!(first.contains("garbage"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("BACKTRACE"),
        "{err}"
    );
}

#[test]
fn unreachable_server_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:9\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: secret-token-value\n",
    )
    .unwrap();
    let out = podsize(&["get", "-A", "--kubeconfig", path.to_str().unwrap()]);
    assert_one_line_failure(&out, "127.0.0.1:9");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("secret-token-value"));
}

#[test]
fn bad_version_and_duration_are_refused() {
    let out = podsize(&["demo", "--k8s-version", "1.20"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1.27 to 1.37"));
    let out = podsize(&["resize", "p", "--wait=soon"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid duration"));
}

/// A kubeconfig for `server` with `token`, optionally trusting `ca_pem`.
fn kubeconfig(dir: &std::path::Path, server: &str, token: &str, ca_pem: Option<&str>) -> String {
    let ca = match ca_pem {
        Some(pem) => {
            let path = dir.join("ca.pem");
            std::fs::write(&path, pem).unwrap();
            format!("    certificate-authority: {}\n", path.display())
        }
        None => String::new(),
    };
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters:\n- name: c\n  cluster:\n    server: {server}\n{ca}contexts:\n- name: x\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: {token}\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_token_and_untrusted_certificate_are_one_clear_line() {
    use simcluster::{SimCluster, SimConfig};
    let sim = SimCluster::start(SimConfig {
        tls: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let expired = kubeconfig(
        dir.path(),
        &sim.url(),
        "expired-token",
        sim.ca_pem().as_deref(),
    );
    let out =
        tokio::task::spawn_blocking(move || podsize(&["get", "-A", "--kubeconfig", &expired]))
            .await
            .unwrap();
    assert_one_line_failure(&out, "Unauthorized");
    let dir2 = tempfile::tempdir().unwrap();
    let untrusted = kubeconfig(dir2.path(), &sim.url(), "podsize-admin-token", None);
    let out =
        tokio::task::spawn_blocking(move || podsize(&["get", "-A", "--kubeconfig", &untrusted]))
            .await
            .unwrap();
    assert_one_line_failure(&out, "certificate");
    // TLS verification stayed on: nothing was listed.
    assert!(out.stdout.is_empty());
}

/// Without a terminal the interactive commands say so in one line before touching the
/// terminal (no raw mode, no panic backtrace) and exit 1.
#[test]
fn no_terminal_is_one_line_and_exit_1() {
    for args in [&["demo"][..], &["watch"][..], &[][..]] {
        let out = Command::new(env!("CARGO_BIN_EXE_podsize"))
            .args(args)
            .env_remove("KUBECONFIG")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        assert_one_line_failure(&out, "podsize get");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("terminal"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "no terminal set-up written: {out:?}");
    }
}

fn without_terminal(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(args)
        .env_remove("KUBECONFIG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn page_interval_takes_bare_seconds_and_refuses_below_one_second() {
    use podsize::settings::parse_page_interval;
    use std::time::Duration;
    assert_eq!(parse_page_interval("10"), Ok(Duration::from_secs(10)));
    assert_eq!(parse_page_interval("10s"), Ok(Duration::from_secs(10)));
    assert_eq!(parse_page_interval("2m"), Ok(Duration::from_secs(120)));
    for bad in ["0s", "0", "0.5", "500ms"] {
        let err = parse_page_interval(bad).unwrap_err();
        assert!(err.contains("below 1s"), "{bad}: {err}");
    }
    // Through the binary: a bare number passes parsing (and stops at the missing terminal).
    let out = without_terminal(&["watch", "--page-interval", "10"]);
    assert_one_line_failure(&out, "no terminal");
    let out = without_terminal(&["watch", "--page-interval", "0s"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("below 1s"));
}

#[test]
fn rotating_namespaces_with_one_namespace_is_refused() {
    let out = without_terminal(&["watch", "--rotate-namespaces", "-n", "shop"]);
    assert_eq!(out.status.code(), Some(1));
    assert_one_line_failure(&out, "--rotate-namespaces rotates over all namespaces");
}
