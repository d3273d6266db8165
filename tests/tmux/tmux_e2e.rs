//! End-to-end: the real binary in tmux, driven by keys, read from the screen.
//! Skipped (with a printed reason) when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;

/// Table body lines (below the two header lines, the title and the two column-title lines).
fn body(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .skip(5)
        // Not the key-hint line at the foot.
        .filter(|l| !l.trim().is_empty() && !l.starts_with(" e edit"))
        .collect()
}

#[test]
fn demo_filter_sort_namespace_help_quit_restores_the_terminal() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!("{bin} demo --pods 40 --seed 7; echo EXIT=$?; stty -a; sleep 30");
    let Some(t) = Tmux::start(&cmd) else { return };

    let screen = t.wait_for("rows", |s| s.contains("● live") && body(s).len() > 10);
    assert!(screen.contains("all namespaces"));
    assert_eq!(
        t.display("#{alternate_on}"),
        "1",
        "the dashboard uses the alternate screen"
    );

    // Filter.
    t.keys(&["/"]);
    t.literal("istio");
    t.keys(&["Enter"]);
    let screen = t.wait_for("filter applied", |s| s.contains("filter: istio"));
    let rows = body(&screen);
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|l| l.contains("istio")),
        "only istio rows:\n{screen}"
    );
    t.escape_until("filter cleared", |s| !s.contains("filter: istio"));

    // Sort.
    t.keys(&["s"]);
    t.wait_for("sorted by state", |s| s.contains("sort: resize state"));

    // Switch namespace.
    t.keys(&[":"]);
    t.literal("ns default");
    t.keys(&["Enter"]);
    let screen = t.wait_for("namespace switched", |s| {
        s.lines().next().is_some_and(|l| l.contains(" default ")) && !body(s).is_empty()
    });
    assert!(
        !screen.contains("NAMESPACE"),
        "the namespace column is hidden when scoped"
    );

    // Help.
    t.keys(&["?"]);
    t.wait_for("help", |s| {
        s.contains("cycle sort") && s.contains("key closes")
    });
    t.keys(&["x"]);
    t.wait_for("help closed", |s| !s.contains("key closes"));

    // Quit and check the terminal.
    t.keys(&["q"]);
    let screen = t.wait_for("exit and stty", |s| {
        s.contains("EXIT=") && s.contains("icanon")
    });
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_eq!(t.display("#{alternate_on}"), "0", "alternate screen left");
    let modes: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        modes.contains(&"icanon"),
        "canonical mode restored:\n{screen}"
    );
    assert!(modes.contains(&"echo"), "echo restored:\n{screen}");
}

#[test]
fn demo_edits_a_containers_cpu_and_shows_the_new_actual_value() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd =
        format!("{bin} demo --pods 30 --seed 1 --kubelet-delay 300ms; echo EXIT=$?; sleep 30");
    let Some(t) = Tmux::start(&cmd) else { return };
    t.wait_for("rows", |s| s.contains("● live") && body(s).len() > 10);
    t.keys(&["/"]);
    t.literal("orders-x");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the pod", |s| {
        body(s).len() == 1 && s.contains(" 200m│ 200m│ 200m")
    });
    assert!(screen.contains("✓ ok"), "{screen}");
    // Open the editor, set request and limit (Guaranteed stays Guaranteed), review, send.
    t.keys(&["e"]);
    t.wait_for("editor", |s| s.contains("resize catalog-prod/orders-x"));
    t.literal("300m");
    t.keys(&["Tab"]);
    t.literal("300m");
    t.keys(&["Enter"]);
    t.wait_for("the patch to confirm", |s| {
        s.contains(r#""requests":{"cpu":"300m"}"#)
    });
    t.keys(&["Enter"]);
    let screen = t.wait_for("the new actual value", |s| {
        s.contains(" 300m│ 300m│ 300m  300m│ 300m") && s.contains("✓ ok")
    });
    assert!(
        screen.contains("done after"),
        "the status line reports the outcome:\n{screen}"
    );
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}

fn assert_restored(t: &Tmux, screen: &str, what: &str) {
    assert_eq!(
        t.display("#{alternate_on}"),
        "0",
        "{what}: alternate screen left"
    );
    let modes: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        modes.contains(&"icanon") && modes.contains(&"echo"),
        "{what}: terminal modes restored:\n{screen}"
    );
}

#[test]
fn signals_restore_the_terminal() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    for signal in ["TERM", "HUP", "INT"] {
        let cmd = format!("{bin} demo --pods 10; echo EXIT=$?; stty -a; sleep 30");
        let Some(t) = Tmux::start(&cmd) else { return };
        t.wait_for("rows", |s| s.contains("● live") && body(s).len() > 5);
        let pid = t.program_pid("podsize").expect("podsize running");
        std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        let screen = t.wait_for("exit and stty", |s| {
            s.contains("EXIT=") && s.contains("icanon")
        });
        assert_restored(&t, &screen, signal);
    }
}

#[test]
fn tiny_and_resized_terminals_do_not_panic() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!("{bin} demo --pods 10; echo EXIT=$?; stty -a; sleep 30");
    let Some(t) = Tmux::start(&cmd) else { return };
    t.wait_for("rows", |s| s.contains("● live") && body(s).len() > 5);
    for (w, h) in [
        ("20", "5"),
        ("1", "1"),
        ("80", "24"),
        ("3", "40"),
        ("160", "45"),
    ] {
        t.tmux(&["resize-window", "-x", w, "-y", h]);
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            t.program_pid("podsize").is_some(),
            "still running at {w}×{h}"
        );
    }
    t.keys(&["?"]);
    t.tmux(&["resize-window", "-x", "20", "-y", "5"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.tmux(&["resize-window", "-x", "160", "-y", "45"]);
    t.keys(&["x"]);
    t.wait_for("the table again", |s| {
        s.contains(" pods · sort:") && body(s).len() > 5
    });
    t.keys(&["q"]);
    let screen = t.wait_for("exit and stty", |s| {
        s.contains("EXIT=") && s.contains("icanon")
    });
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&t, &screen, "after resizing");
}
