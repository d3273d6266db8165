//! `podsize nodes` as a table (the walkthrough after issue #30): a Deferred resize that misses
//! only CPU read `missing cpu 250m, memory 0`. Only what is missing is named, in the one form
//! of figures (issue #30 point 6).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::make_room_scene::{NODE, Spec, fill, grow_until_deferred};
use crate::common::sim_cli::SimCli;
use crate::common::text_columns::assert_columns_start_under_headings;
use simcluster::{Identity, SimConfig};

#[tokio::test(flavor = "multi_thread")]
async fn a_deferred_resize_short_of_cpu_only_names_cpu() {
    let cli = SimCli::start(SimConfig::empty()).await;
    let sim = &cli.sim;
    let spec = |name, cpu| Spec {
        name,
        class: "",
        cpu,
        usage: "100m",
    };
    // 3 of the node's 4 cores asked; web's growth to 2250m needs 250m more than is free.
    fill(sim, &[spec("web", "1"), spec("batch", "2")]).await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "2250m").await;
    let run = cli.run(&["nodes"]).await;
    assert_eq!(run.code, 0, "{}", run.err);
    let line = run
        .out
        .lines()
        .find(|l| l.starts_with(NODE))
        .unwrap_or_else(|| panic!("no {NODE} in\n{}", run.out));
    assert!(line.ends_with("1 (missing cpu 250m)"), "{}", run.out);
}

/// The headings in order; REQ/ALLOC and FREE come once for CPU and once for memory.
const HEADINGS: [&str; 9] = [
    "NODE",
    "CPU",
    "REQ/ALLOC",
    "FREE",
    "MEMORY",
    "REQ/ALLOC",
    "FREE",
    "PODS",
    "DEFERRED",
];

/// The figures stood right-aligned under left-aligned headings (`REQ/ALLOC` over the end of
/// `1.1/4`) and a long node name pushed its line out of step: each column now starts under its
/// heading with a gap before it, set as `get` and `recommend` set theirs.
#[tokio::test(flavor = "multi_thread")]
async fn nodes_columns_start_under_their_headings_with_a_gap_before_each() {
    let cli = SimCli::start(SimConfig {
        pods: 12,
        nodes: 3,
        namespaces: 2,
        ..SimConfig::default()
    })
    .await;
    let run = cli.run(&["nodes"]).await;
    assert_eq!(run.code, 0, "{}", run.err);
    assert_columns_start_under_headings(&HEADINGS, &run.out, 3);
}
