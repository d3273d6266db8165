//! The wall of two clusters at 60 columns (issue #30, by hand): the tiles' labels were cut to
//! `↻ IN PROGR` and `✗ INFEASIB`, and each cluster's Infeasible and error counts ran off the
//! edge of its line. At 80 columns and wider nothing changes.

use crate::common;

use common::screen::{render, text};
use podsize::app::AppState;
use podsize::theme::Theme;

/// A wall of two clusters with a pod in every state each; the second reconnecting.
fn wall() -> AppState {
    common::screen::wall_of_two(1, "connection refused", 30)
}

/// A cluster's line: its name, the freshness, then five counts.
fn cluster_line<'a>(screen: &'a str, name: &str) -> &'a str {
    (screen.lines())
        .find(|l| l.starts_with(&format!(" {name} ")))
        .unwrap_or_else(|| panic!("{name}:\n{screen}"))
}

fn counts(line: &str) -> Vec<&str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words[words.len().saturating_sub(5)..].to_vec()
}

#[test]
fn every_count_and_label_of_the_wall_reads_at_60_columns() {
    let s = wall();
    let screen = text(&render(&s, 60, 20, &Theme::default()));
    for label in ["PODS", "↻ PROG", "‖ DEFERRED", "✗ INFEAS", "‼ ERRORS"] {
        assert!(screen.contains(label), "{label:?}:\n{screen}");
    }
    assert!(!screen.contains("↻ IN PROGR│"), "{screen}");
    let title = (screen.lines())
        .find(|l| l.starts_with(" CLUSTER"))
        .unwrap();
    assert!(title.ends_with("‖ DEF  ✗ INF  ‼ ERR"), "{title:?}");
    for (name, fresh) in [("sim-1", "● live"), ("sim-2", "✗ STALE 30s")] {
        let line = cluster_line(&screen, name);
        assert!(line.contains(fresh), "{line:?}");
        assert!(line.chars().count() <= 60, "{line:?}");
        // Pods, in progress, Deferred, Infeasible and errors of the fixture.
        assert_eq!(counts(line), ["11", "2", "1", "1", "1"], "{line:?}");
    }
    // At 80 the version and the titles in words stay.
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    assert!(screen.contains("↻ IN PROGRESS"), "{screen}");
    let title = (screen.lines())
        .find(|l| l.starts_with(" CLUSTER"))
        .unwrap();
    assert!(
        title.contains("VERSION") && title.ends_with("✗ INFEAS ‼ ERRORS"),
        "{title:?}"
    );
    assert!(
        cluster_line(&screen, "sim-1").contains("v1.35.0"),
        "{screen}"
    );
}
