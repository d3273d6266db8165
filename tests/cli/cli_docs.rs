//! Generated documents: completion scripts a shell accepts, a man page `man` renders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

fn podsize(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn bash_sources_the_completion_script() {
    let script = format!(
        "source <({} completion bash) && complete -p podsize",
        env!("CARGO_BIN_EXE_podsize")
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "bash complained: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("podsize"), "{stdout}");
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = podsize(&["completion", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["resize", "info", "kubeconfig"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    assert!(!podsize(&["completion", "tcsh"]).status.success());
}

#[test]
fn man_renders_the_page() {
    let out = podsize(&["man"]);
    assert!(out.status.success());
    let page = out.stdout;
    assert!(
        String::from_utf8_lossy(&page).contains(".TH podsize"),
        "not roff"
    );
    if Command::new("man").arg("--version").output().is_err() {
        eprintln!("skipping the rendering: man is not installed");
        return;
    }
    let mut man = Command::new("man")
        .args(["-l", "-"])
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    man.stdin.take().unwrap().write_all(&page).unwrap();
    let rendered = man.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    for word in ["NAME", "SYNOPSIS", "podsize", "--kubeconfig", "resize"] {
        assert!(text.contains(word), "rendered page lacks {word}:\n{text}");
    }
}

#[test]
fn a_subcommand_offers_only_the_common_options_that_mean_something_there() {
    let help = |sub: &str| String::from_utf8(podsize(&[sub, "--help"]).stdout).unwrap();
    let sim = help("sim");
    for flag in [
        "--theme",
        "--readonly",
        "--context",
        "--namespace ",
        "--initial-list",
    ] {
        assert!(!sim.contains(flag), "sim offers {flag}:\n{sim}");
    }
    assert!(sim.contains("--kubeconfig-out"), "{sim}");
    let get = help("get");
    assert!(!get.contains("--theme"), "{get}");
    assert!(
        get.contains("--context") && get.contains("--namespace"),
        "{get}"
    );
    let watch = help("watch");
    assert!(
        watch.contains("--theme") && watch.contains("--context"),
        "{watch}"
    );
    // Given anyway, before or after the subcommand: refused with the reason, nothing run.
    for args in [
        &["sim", "--theme", "mono"][..],
        &["--theme", "mono", "sim"][..],
    ] {
        let out = podsize(args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--theme means nothing for `podsize sim`"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn several_clusters_are_offered_where_they_mean_something_and_refused_elsewhere() {
    let help = |sub: &str| String::from_utf8(podsize(&[sub, "--help"]).stdout).unwrap();
    for name in ["watch", "get"] {
        let text = help(name);
        assert!(
            text.contains("--all-contexts"),
            "{name} offers --all-contexts:\n{text}"
        );
    }
    for name in ["resize", "boost", "make-room", "recommend", "nodes", "info"] {
        let text = help(name);
        assert!(
            !text.contains("--all-contexts"),
            "{name} offers --all-contexts:\n{text}"
        );
    }
    // A command of one cluster given two contexts: refused before anything is read.
    let out = podsize(&[
        "resize",
        "web",
        "--cpu-request",
        "1",
        "--context",
        "a",
        "--context",
        "b",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`podsize resize` works on one cluster"),
        "{err}"
    );
    let out = podsize(&["--all-contexts", "nodes"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--all-contexts means nothing for `podsize nodes`"),
        "{err}"
    );
    // --context and --all-contexts together are a contradiction clap names.
    let out = podsize(&["--all-contexts", "--context", "a", "get"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--all-contexts") && err.contains("--context"),
        "{err}"
    );
}
