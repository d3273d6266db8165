//! End to end in `podsize demo` (tmux): the node view shows the demo's tight node with its
//! Deferred resize, sorts by pending demand, Enter filters the pod table to the node, and `m`
//! on the Deferred container previews a make-room plan that, sent, lets the resize finish.
//! Skipped (with a printed reason) when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;

fn row<'a>(screen: &'a str, pod: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(pod))
}

#[test]
fn node_view_and_make_room_in_the_demo() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd =
        format!("{bin} demo --pods 30 --seed 1 --kubelet-delay 300ms; echo EXIT=$?; sleep 30");
    let Some(t) = Tmux::start_sized(&cmd, 200, 45) else {
        return;
    };
    t.wait_for("rows", |s| s.contains("● live"));
    t.keys(&["N"]);
    let screen = t.wait_for("the node view with the waiting resize", |s| {
        row(s, "sim-node-tight").is_some_and(|l| l.contains("1 waiting"))
    });
    assert!(screen.contains("sorted by free room"), "{screen}");
    t.keys(&["s"]);
    let screen = t.wait_for("pending-demand order", |s| {
        s.contains("sorted by pending demand")
    });
    let first = screen.lines().find(|l| l.contains("sim-node")).unwrap();
    assert!(
        first.contains("sim-node-tight") && first.contains("1 waiting"),
        "{screen}"
    );
    // Enter: the pod table, filtered to the node.
    t.keys(&["Enter"]);
    t.wait_for("pods on the node", |s| {
        s.contains("pods on node sim-node-tight") && row(s, "report-batch-0").is_some()
    });
    // Live usage gives the floors; make-room waits for the first metrics reading.
    t.wait_for("usage of the pods there", |s| {
        row(s, "report-batch-0").is_some_and(|l| l.contains("150m"))
    });
    t.keys(&["m"]);
    let screen = t.wait_for("the plan", |s| {
        s.contains("make room on node sim-node-tight")
    });
    assert!(screen.contains("shrink shop/report-batch-0"), "{screen}");
    assert!(
        !screen.contains("shrink shop/payments-api-0"),
        "equal priority not needed: {screen}"
    );
    t.keys(&["Enter"]);
    t.wait_for("the batch sent", |s| s.contains("shrink(s) sent"));
    t.keys(&["Escape"]);
    let screen = t.wait_for("the resize done", |s| {
        s.lines().any(|l| {
            l.starts_with("shop ")
                && l.contains(" checkout-api-0 ")
                && l.contains("2.5│  2.5│  2.5")
                && l.contains("✓ ok")
        })
    });
    assert!(
        screen.contains("shop/checkout-api-0 checkout-api: done"),
        "{screen}"
    );
    // The equal-priority pod kept its requests.
    assert!(
        row(&screen, "payments-api-0").is_some_and(|l| l.contains("800m│ 800m│ 800m")),
        "{screen}"
    );
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
