//! The preflight in `podsize demo` as a person sees it (issue 27): the editor on the pod of
//! the node with an old containerd warns, in the plan, before anything is sent; an edit over
//! the LimitRange's max shows the server's own refusal and Enter does not send it. 80×24, as
//! a small terminal shows the editor. Skipped (with a printed reason) when tmux is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;

/// The editor's text without its frame, lines joined: a long line wraps in the popup.
fn prose(screen: &str) -> String {
    screen
        .replace(['│', '┌', '┐', '└', '┘', '─'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn demo() -> Option<Tmux> {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd =
        format!("{bin} demo --pods 20 --seed 3 --kubelet-delay 200ms; echo EXIT=$?; sleep 30");
    let t = Tmux::start(&cmd)?;
    t.wait_for("rows", |s| s.contains("● live"));
    Some(t)
}

/// Filters the table to `pod` and opens the editor on it.
fn edit(t: &Tmux, pod: &str) {
    t.keys(&["/"]);
    t.literal(pod);
    t.keys(&["Enter"]);
    t.wait_for("the pod alone", |s| {
        s.contains(&format!("filter: {pod}")) && s.contains(pod)
    });
    t.keys(&["e"]);
    t.wait_for("the editor", |s| s.contains("CPU request"));
}

#[test]
fn the_editor_warns_before_sending_on_the_old_containerd_node() {
    let Some(t) = demo() else { return };
    edit(&t, "billing-batch-0");
    t.literal("600m");
    let warning = "warning: node sim-node-legacy runs containerd://1.6.4: containerd before 1.6.9 never reports resized values, so this resize will stay InProgress although it is applied";
    t.wait_for("the runtime warning in the plan", |s| {
        prose(s).contains(warning)
    });
    // The review of the patch still carries it: the warning comes before the send.
    t.keys(&["Enter"]);
    let screen = t.wait_for("the review", |s| s.contains(r#""cpu":"600m""#));
    assert!(prose(&screen).contains(warning), "{screen}");
    t.escape_until("back to editing", |s| {
        !s.contains("patch (strategic merge)")
    });
    t.escape_until("the editor closed", |s| !s.contains("CPU request"));
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}

#[test]
fn an_edit_over_the_limit_range_shows_the_servers_text_and_is_not_sent() {
    let Some(t) = demo() else { return };
    edit(&t, "reports-api-0");
    // CPU limit 1 → 3: over the max of 2, and 3 / 500m over the ratio of 4.
    t.keys(&["Tab"]);
    t.literal("3");
    let refusal = r#"pods "reports-api-0" is forbidden: [maximum cpu usage per Container is 2, but limit is 3, cpu max limit to request ratio per Container is 4, but provided ratio is 6.000000]"#;
    t.wait_for("the server's refusal in the plan", |s| {
        prose(s).contains(refusal)
    });
    // Enter reviews only what can be sent: the editor stays as it is, nothing is sent.
    t.keys(&["Enter"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let screen = t.screen();
    assert!(prose(&screen).contains(refusal), "{screen}");
    assert!(
        !screen.contains("patch (strategic merge)") && !screen.contains("sending…"),
        "no review, nothing sent: {screen}"
    );
    t.escape_until("the editor closed", |s| !s.contains("CPU request"));
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
