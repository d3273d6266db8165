//! `podsize recommend` as a table (the walkthrough after issue #30): the CPU REQ and MEM REQ
//! headings stood to the right of their values, and SOURCE ran into REASON with no gap
//! (`(low confidence) cpu:`). Every column now starts under its heading with a gap before it,
//! as kubectl's tabwriter sets a table, with the long REASON last.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_cli::SimCli;
use crate::common::text_columns::assert_columns_start_under_headings;
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
    let rows = assert_columns_start_under_headings(&HEADINGS, &run.out, 12);
    assert!(
        rows.iter().any(|r| r.contains("low confidence")),
        "the live source, whose words ran into the reason: {}",
        run.out
    );
}
