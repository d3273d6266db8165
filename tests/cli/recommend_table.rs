//! `podsize recommend` as a table (the walkthrough after issue #30): the CPU REQ and MEM REQ
//! headings stood to the right of their values, and SOURCE ran into REASON with no gap
//! (`(low confidence) cpu:`). Every column now starts under its heading with a gap before it,
//! as kubectl's tabwriter sets a table, with the long REASON last.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_cli::SimCli;
use simcluster::SimConfig;

const HEADINGS: [&str; 7] = [
    "NAMESPACE",
    "POD",
    "CONTAINER",
    "CPU REQ",
    "MEM REQ",
    "SOURCE",
    "REASON",
];

/// Where each heading starts, in characters (`→` and `·` are one each, as on a terminal).
fn heading_starts(heading: &str) -> Vec<usize> {
    let chars: Vec<char> = heading.chars().collect();
    HEADINGS
        .iter()
        .map(|h| {
            let h: Vec<char> = h.chars().collect();
            chars
                .windows(h.len())
                .position(|w| w == h.as_slice())
                .unwrap_or_else(|| panic!("no {h:?} in {heading}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn recommend_columns_start_under_their_headings_with_a_gap_before_each() {
    let cli = SimCli::start(SimConfig {
        pods: 12,
        nodes: 2,
        namespaces: 2,
        ..SimConfig::default()
    })
    .await;
    let run = cli.run(&["recommend", "-A"]).await;
    assert_eq!(run.code, 0, "{}", run.err);
    let mut lines = run.out.lines();
    let heading = lines.next().unwrap();
    let starts = heading_starts(heading);
    let rows: Vec<Vec<char>> = lines.map(|l| l.chars().collect()).collect();
    assert!(rows.len() >= 12, "{}", run.out);
    assert!(
        rows.iter()
            .any(|r| r.iter().collect::<String>().contains("low confidence")),
        "the live source, whose words ran into the reason: {}",
        run.out
    );
    for row in &rows {
        let text: String = row.iter().collect();
        for (&start, name) in starts.iter().zip(HEADINGS).skip(1) {
            assert!(
                row.get(start).is_some_and(|c| !c.is_whitespace()),
                "the {name} cell does not start under its heading:\n{heading}\n{text}"
            );
            assert!(
                row[start - 2..start].iter().all(|c| *c == ' '),
                "no gap before {name}:\n{heading}\n{text}"
            );
        }
    }
}
