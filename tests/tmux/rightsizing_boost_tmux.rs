//! A boost does not poison the history (issue #26): in `podsize demo`, `b` boosts the starting
//! `jvm-orders` to 2 CPUs until Ready. Its recommendation is what it was before the boost —
//! none: a starting pod's readings do not count, nor a boosted one's — and once Ready readings
//! have come in, it rests on them alone: no CPU raise from the boosted start-up. Before the
//! rule, the details pane offered `request 250m → 4, limit → 8` for a JVM using 195m.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;
use std::time::Duration;

/// The `jvm-orders` row of the table (the filter leaves it alone).
fn jvm_row(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.starts_with("default ") && l.contains("jvm-orders"))
        .unwrap_or_else(|| panic!("no jvm-orders row:\n{screen}"))
        .to_string()
}

/// The details pane's recommendation line, if it has one.
fn recommendation(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.contains("recommendation ("))
        .map(|l| l.trim().to_string())
}

/// The REC column's CPU figure of the jvm-orders row in millicores (`-` or `held`: 0).
fn cpu_rec_millis(row: &str) -> u64 {
    let Some(cell) = row.split(['▲', '▼']).nth(1) else {
        return 0;
    };
    let figure = cell.split('│').next().unwrap_or("").trim();
    if let Some(m) = figure.strip_suffix('m') {
        return m.parse().unwrap_or(0);
    }
    figure
        .parse::<f64>()
        .map_or(0, |cores| (cores * 1000.0).round() as u64)
}

#[test]
fn boosting_jvm_orders_until_ready_leaves_its_recommendation_as_it_was() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd =
        format!("{bin} demo --pods 20 --seed 3 --kubelet-delay 200ms; echo EXIT=$?; sleep 30");
    let Some(t) = Tmux::start_sized(&cmd, 160, 45) else {
        return;
    };
    t.wait_for("rows", |s| s.contains("● live") && s.contains("jvm-orders"));
    t.keys(&["/"]);
    t.literal("jvm-orders");
    t.keys(&["Enter"]);
    t.wait_for("the filter", |s| s.contains("filter: jvm-orders"));
    t.keys(&["d"]);
    t.wait_for("the details pane", |s| s.contains("default/jvm-orders"));
    // Long enough for a recommendation from live readings (six, 3 s apart), had they counted.
    std::thread::sleep(Duration::from_secs(21));
    let before = t.screen();
    let (row_before, rec_before) = (jvm_row(&before), recommendation(&before));
    assert_eq!(rec_before, None, "a starting pod has none:\n{before}");
    assert!(row_before.contains("-│      -"), "{row_before}");
    t.keys(&["b"]);
    t.wait_for("the boost form", |s| s.contains("boost default/jvm-orders"));
    t.keys(&["Enter"]);
    t.wait_for("the exact patch", |s| s.contains(r#""requests":{"cpu":"#));
    t.keys(&["Enter"]);
    t.wait_for("the badge", |s| s.contains("⇡"));
    let reverted = t.wait_for_within("the revert", Duration::from_secs(120), |s| {
        s.contains("reverted to cpu 250m/500m")
    });
    // Boosted and starting readings were left out: nothing to recommend from yet.
    assert_eq!(recommendation(&reverted), None, "{reverted}");
    assert!(jvm_row(&reverted).contains("-│      -"), "{reverted}");
    // Six Ready readings later: a recommendation from them alone, no raise towards the boost.
    let after = t.wait_for_within("a recommendation", Duration::from_secs(60), |s| {
        recommendation(s).is_some()
    });
    let rec = recommendation(&after).unwrap();
    let row = jvm_row(&after);
    // Ready readings alone: at most a raise by the margin over its steady use (which may sit
    // just under its 250m request), never towards the boost's 2 CPUs — below its own 500m
    // limit. The boosted start-up once gave `request 250m → 4`.
    assert!(
        cpu_rec_millis(&row) < 500,
        "no raise towards the boost: {row}\n{rec}"
    );
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
