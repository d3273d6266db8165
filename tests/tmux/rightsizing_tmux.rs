//! Right-sizing in `podsize demo`, end to end in tmux (issue #12): the REC column and header
//! totals appear, `:sort over-request` puts the most over-requested container first, `r` in
//! the editor fills in its recommendation and sends it, `R` right-sizes marked pods.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;
use std::time::Duration;

/// The table's body rows (below the two header lines, title and column titles).
fn body(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .skip(5)
        // Up to the key-hint line at the foot.
        .take_while(|l| !l.trim().is_empty() && !l.starts_with(" e edit"))
        .collect()
}

fn demo() -> Option<Tmux> {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd =
        format!("{bin} demo --pods 40 --seed 3 --kubelet-delay 200ms; echo EXIT=$?; sleep 30");
    let t = Tmux::start(&cmd)?;
    // Six metrics readings (3 s apart in the demo) before live samples propose anything.
    t.wait_for_within("recommendations", Duration::from_secs(90), |s| {
        s.contains("REC") && s.contains("▼ over-requested")
    });
    t.keys(&[":"]);
    t.literal("sort over-request");
    t.keys(&["Enter"]);
    t.wait_for("sorted by over-request", |s| {
        s.contains("sort: over-request")
    });
    Some(t)
}

#[test]
fn r_marks_the_over_request_but_holds_the_shrink_without_history() {
    let Some(t) = demo() else { return };
    t.keys(&["g"]);
    std::thread::sleep(Duration::from_millis(200));
    let screen = t.wait_for("the table", |s| !body(s).is_empty());
    // At 160 columns the demo's node names read whole, REC column and all (issue #18).
    for row in body(&screen) {
        assert!(row.contains(" sim-node-"), "{row}");
        assert!(
            !row.contains("sim-node…") && !row.contains("sim-node-0…"),
            "{row}"
        );
    }
    let first = body(&screen)[0].to_string();
    assert!(first.contains('▼'), "most over-requested first:\n{screen}");
    // The first container asking for less on both resources: a replica's figures are its
    // workload's (issue #26), so the first row may be raised on one by a busier replica.
    let held = body(&screen)
        .iter()
        .position(|r| r.contains("▼ held│▼  held"))
        .unwrap_or_else(|| panic!("a decrease held on both:\n{screen}"));
    for _ in 0..held {
        t.keys(&["j"]);
    }
    t.keys(&["e"]);
    t.wait_for("editor", |s| s.contains("┌ resize "));
    t.keys(&["r"]);
    // Issue #26: a minute of readings marks the container ▼ but shrinks nothing: the editor
    // keeps its values and says what history a decrease needs.
    let screen = t.wait_for("the decrease held back", |s| {
        s.contains("nothing to change") && s.contains("not enough history to shrink")
    });
    assert!(
        !screen.contains("recommended ("),
        "nothing filled in:\n{screen}"
    );
    t.escape_until("the editor closed", |s| !s.contains("┌ resize "));
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}

#[test]
fn capital_r_holds_every_shrink_of_marked_pods_without_history() {
    let Some(t) = demo() else { return };
    // Mark two pods whose rows are held back on both resources. A replica's figures are its
    // workload's (issue #26), so a row near the top may be raised on one resource by a busier
    // replica, and a raise is not what this test is about.
    t.keys(&["g"]);
    std::thread::sleep(Duration::from_millis(200));
    // The first row of each pod held on both: a second row of a marked pod would unmark it.
    let held = |screen: &str| -> Vec<usize> {
        let mut pods = Vec::new();
        body(screen)
            .iter()
            .enumerate()
            .filter(|(_, r)| r.contains("▼ held│▼  held"))
            .filter(|(_, r)| {
                let pod = r.split_whitespace().nth(1).unwrap_or_default().to_string();
                let new = !pods.contains(&pod);
                pods.push(pod);
                new
            })
            .map(|(i, _)| i)
            .take(2)
            .collect()
    };
    let screen = t.wait_for("two pods held on both", |s| held(s).len() >= 2);
    let held = held(&screen);
    // From the top each time: Space moves on to the next pod, wherever that is.
    for row in held {
        t.keys(&["g"]);
        for _ in 0..row {
            t.keys(&["j"]);
        }
        t.keys(&["Space"]);
    }
    t.wait_for("two marks", |s| s.matches("● ").count() >= 2);
    t.keys(&["R"]);
    // Issue #26: `R` set `profile` to 15m/26Mi from a minute and a half of readings.
    let screen = t.wait_for("nothing to right-size", |s| {
        s.contains("nothing to right-size")
    });
    assert!(screen.contains("not enough history to shrink"), "{screen}");
    assert!(
        !screen.contains("right-sizing: "),
        "no plan opened:\n{screen}"
    );
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
