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

/// The make-room overlay's frame is gone (its title sits on the top border).
fn overlay_closed(screen: &str) -> bool {
    !screen.contains("┌ make room ")
}

/// Presses `keys` until the overlay shows a plan: the demo's make-room needs a few seconds of
/// usage history per victim first (its evidence gate), so an early press says so and is retried.
fn until_plan(t: &Tmux, keys: &[&str]) -> String {
    for _ in 0..20 {
        t.keys(keys);
        let screen = t.wait_for("the make-room overlay", |s| s.contains("make room"));
        if screen.contains("make room on node") {
            return screen;
        }
        // Too early: the resize not yet Deferred, or too few readings for the evidence gate.
        assert!(
            screen.contains("no usage figures") || screen.contains("nothing waits"),
            "{screen}"
        );
        t.escape_until("the overlay closed", overlay_closed);
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    panic!("no plan after 20 tries");
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
    // Live usage gives the floors once a few readings are in.
    let screen = until_plan(&t, &["m"]);
    assert!(
        screen.contains("make room on node sim-node-tight"),
        "{screen}"
    );
    assert!(screen.contains("shrink shop/report-batch-0"), "{screen}");
    assert!(
        !screen.contains("shrink shop/payments-api-0"),
        "equal priority not needed: {screen}"
    );
    t.keys(&["Enter"]);
    t.wait_for("the batch sent", |s| {
        s.contains("shrink sent") || s.contains("shrinks sent")
    });
    t.escape_until("the overlay closed", overlay_closed);
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

#[test]
fn m_on_an_edit_predicted_deferred_makes_room_and_the_edit_reaches_done() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd =
        format!("{bin} demo --pods 30 --seed 1 --kubelet-delay 300ms; echo EXIT=$?; sleep 30");
    let Some(t) = Tmux::start_sized(&cmd, 200, 45) else {
        return;
    };
    t.wait_for("rows", |s| s.contains("● live"));
    t.keys(&["/"]);
    t.keys(&["checkout-api-0", "Enter"]);
    t.wait_for("the waiting pod alone", |s| {
        s.contains("filter: checkout-api-0") && row(s, "report-batch-0").is_none()
    });
    // The victims need a few readings first: a plan for the waiting pod itself shows when.
    until_plan(&t, &["m"]);
    t.escape_until("the overlay closed", overlay_closed);
    // It waits for 2.5 cpu holding 1; an edit to 2 cpu is still growth: predicted Deferred.
    t.keys(&["e"]);
    t.wait_for("the editor", |s| s.contains("CPU request"));
    t.keys(&["2"]);
    // The unchanged values were predicted Deferred too: let the keystroke's plan land first.
    std::thread::sleep(std::time::Duration::from_millis(500));
    t.wait_for("the Deferred prediction", |s| {
        s.contains("will be Deferred")
    });
    t.keys(&["Enter"]);
    t.wait_for("the review", |s| s.contains("patch (strategic merge)"));
    t.keys(&["m"]);
    let screen = t.wait_for("the plan for the edit", |s| s.contains("make room on node"));
    // 2 cpu beside the others' 2.8 on a 4-cpu node: 800m missing, not the 1300m of 2.5 cpu.
    assert!(screen.contains("missing cpu 800m"), "{screen}");
    assert!(screen.contains("shrink shop/report-batch-0"), "{screen}");
    t.keys(&["Enter"]);
    t.wait_for("the room made, then the edit", |s| {
        s.contains("then the edit")
    });
    t.escape_until("the overlay closed", overlay_closed);
    t.wait_for("the edit done", |s| {
        s.lines().any(|l| {
            l.contains(" checkout-api-0 ") && l.contains("2│    2│    2") && l.contains("✓ ok")
        })
    });
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
