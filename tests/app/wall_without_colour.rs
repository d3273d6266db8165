//! The wall read without colour (issue #30): a stale cluster's rows say so in text, the banner
//! says whether any cluster is live, and why a cluster is stale reads whole at 80 columns.

use crate::common;

use common::screen::{render, text};
use podsize::app::AppState;
use podsize::theme::Theme;

/// The kube client's error for a refused connection, as the watch reports it.
const REFUSED: &str = "failed to perform initial object list: ServiceError: client error \
                       (Connect): tcp connect error: Connection refused (os error 111)";

/// A wall of two clusters, `down` of them (from the last) reconnecting for 80 s.
fn wall(down: u16) -> AppState {
    common::screen::wall_of_two(down, REFUSED, 80)
}

/// The screen as text: what a terminal without colour shows.
fn colourless(s: &AppState) -> String {
    text(&render(s, 80, 40, &Theme::default()))
}

/// The table's body rows: those that start with a cluster's name (marked or not).
fn table_rows(screen: &str) -> Vec<&str> {
    let start = screen
        .lines()
        .position(|l| l.starts_with("CLUSTER"))
        .unwrap();
    screen
        .lines()
        .skip(start + 2)
        .take_while(|l| !l.trim_start().starts_with("page "))
        .filter(|l| !l.trim().is_empty())
        .collect()
}

#[test]
fn a_stale_clusters_rows_are_marked_in_text() {
    let screen = colourless(&wall(1));
    let rows = table_rows(&screen);
    assert!(!rows.is_empty(), "{screen}");
    for row in rows {
        match row.split_whitespace().next() {
            Some("✗") => assert!(row.starts_with("✗ sim-2"), "{row}\n{screen}"),
            Some("sim-1") => {}
            other => panic!("row of no cluster {other:?}: {row}\n{screen}"),
        }
    }
    assert!(screen.contains("✗ sim-2"), "{screen}");
}

#[test]
fn with_every_cluster_down_the_banner_says_none_is_live() {
    let screen = colourless(&wall(2));
    let banner = screen.lines().find(|l| l.contains("DATA STALE")).unwrap();
    assert!(!banner.contains("other clusters are live"), "{banner}");
    assert!(banner.contains("no cluster is live"), "{banner}");
    let one = colourless(&wall(1));
    let banner = one.lines().find(|l| l.contains("DATA STALE")).unwrap();
    assert!(banner.contains("the other clusters are live"), "{banner}");
}

#[test]
fn why_a_cluster_is_stale_reads_whole_at_80_columns() {
    let screen = colourless(&wall(1));
    let why = "tcp connect error: Connection refused (os error 111)";
    assert!(screen.contains(why), "{screen}");
    assert!(!screen.contains("ServiceError"), "{screen}");
    // Under its cluster's line, with the attempt.
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines.iter().position(|l| l.starts_with(" sim-2 ")).unwrap();
    assert!(lines[at + 1].contains(why), "{screen}");
    assert!(lines[at + 1].contains("attempt 3"), "{screen}");
}
