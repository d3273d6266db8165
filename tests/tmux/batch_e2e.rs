//! End-to-end batch resize: `podsize sim` in the background, the dashboard in tmux, kubectl as
//! the judge. Mark two pods, edit one's CPU limit with `x2`, send: the other marked pod must get
//! its own CPU limit doubled and keep every other value.
//! Skipped (with a printed reason) when tmux or kubectl is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::sim_process::start_sim;
use common::tmux::Tmux;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn kubectl() -> Option<PathBuf> {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    found.then(|| PathBuf::from("kubectl"))
}

fn get_json(kubectl: &Path, kubeconfig: &Path, args: &[&str]) -> Value {
    let out = Command::new(kubectl)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .args(["-o", "json"])
        .env("HOME", kubeconfig.parent().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Millicores of a CPU quantity as the apiserver writes it (`400m`, `2`).
fn millis(q: &Value) -> i64 {
    let text = q.as_str().unwrap();
    match text.strip_suffix('m') {
        Some(m) => m.parse().unwrap(),
        None => text.parse::<i64>().unwrap() * 1000,
    }
}

fn first_container(pod: &Value) -> &Value {
    &pod["spec"]["containers"][0]
}

/// A resizable Burstable pod: running, with a CPU limit and actual resources reported.
fn resizable(pod: &Value) -> bool {
    let c = first_container(pod);
    // Pod-level resources make a pod unresizable on 1.35 with its default gates.
    pod["spec"]["resources"].is_null()
        && pod["status"]["qosClass"] == "Burstable"
        && pod["status"]["phase"] == "Running"
        && c["resources"]["limits"]["cpu"].is_string()
        && pod["status"]["containerStatuses"][0]["resources"].is_object()
        && pod["metadata"]["deletionTimestamp"].is_null()
}

/// Two resizable pods in one namespace whose first containers share a name but not their
/// memory values, so a batch that copies the edited pod's values shows.
fn pick_pair(pods: &[Value]) -> Option<(Value, Value)> {
    let candidates: Vec<&Value> = pods.iter().filter(|p| resizable(p)).collect();
    for a in &candidates {
        for b in &candidates {
            let (ca, cb) = (first_container(a), first_container(b));
            if a["metadata"]["name"] != b["metadata"]["name"]
                && a["metadata"]["namespace"] == b["metadata"]["namespace"]
                && ca["name"] == cb["name"]
                && ca["resources"]["requests"]["memory"] != cb["resources"]["requests"]["memory"]
            {
                return Some(((*a).clone(), (*b).clone()));
            }
        }
    }
    None
}

fn name(pod: &Value) -> &str {
    pod["metadata"]["name"].as_str().unwrap()
}

#[test]
fn a_batch_changes_only_the_edited_field_of_each_marked_pod() {
    let Some(kubectl) = kubectl() else {
        eprintln!("skipped: kubectl is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_sim, kubeconfig) = start_sim(dir.path(), &["--kubelet-delay", "100ms"]);
    let kubeconfig = PathBuf::from(kubeconfig);
    let list = get_json(&kubectl, &kubeconfig, &["get", "pods", "-A"]);
    let (marked, edited) = pick_pair(list["items"].as_array().unwrap()).expect("a pair of pods");
    let namespace = marked["metadata"]["namespace"].as_str().unwrap();
    let container = first_container(&marked)["name"].as_str().unwrap();

    let cmd = format!(
        "{} --kubeconfig {} -n {namespace}; sleep 30",
        env!("CARGO_BIN_EXE_podsize"),
        kubeconfig.display()
    );
    // Wide enough for whole pod names beside the REC column the sim's VPAs fill at once.
    let Some(t) = Tmux::start_sized(&cmd, 220, 45) else {
        return;
    };
    t.wait_for("live table", |s| {
        s.contains("● live") && s.contains(name(&marked))
    });

    // The batch is the marked pods: both are marked, then `e` (at the top of the edited pod's
    // rows, since Space moves down) opens the editor on the edited one.
    let keys: [(&str, &[&str]); 2] = [
        (name(&marked), &["Space"]),
        (name(&edited), &["Space", "g", "e"]),
    ];
    for (pod, keys) in keys {
        // Esc in the table clears a filter (and only the filter while one is set).
        if t.screen().contains("filter: ") {
            t.escape_until("filter cleared", |s| !s.contains("filter: "));
        }
        t.keys(&["/"]);
        t.literal(pod);
        t.keys(&["Enter"]);
        t.wait_for("filtered", |s| s.contains(&format!("filter: {pod}")));
        t.keys(keys);
    }
    t.wait_for("editor", |s| {
        s.contains(&format!("resize {namespace}/{}", name(&edited)))
            && s.contains(&format!("· {container} "))
    });
    t.keys(&["Tab"]);
    t.literal("x2");
    t.keys(&["Enter"]);
    let review = t.wait_for("review", |s| s.contains("patch (strategic merge"));
    assert!(
        review.contains(&format!("{}: {{\"limits\":{{\"cpu\":", name(&marked))),
        "the marked pod's own patch is previewed:\n{review}"
    );
    t.keys(&["Enter"]);
    // With a fast kubelet the "accepted" message may give way to "done" between two looks.
    t.wait_for("accepted", |s| {
        s.contains("accepted for 2 pods") || s.contains(": done after")
    });

    let after = get_json(
        &kubectl,
        &kubeconfig,
        &["get", "pod", "-n", namespace, name(&marked)],
    );
    let (old, new) = (
        &first_container(&marked)["resources"],
        &first_container(&after)["resources"],
    );
    assert_eq!(
        millis(&new["limits"]["cpu"]),
        2 * millis(&old["limits"]["cpu"]),
        "x2 applies to the marked pod's own CPU limit"
    );
    assert_eq!(new["requests"], old["requests"], "requests untouched");
    assert_eq!(
        new["limits"]["memory"], old["limits"]["memory"],
        "memory limit untouched"
    );
}
