//! Helpers shared by integration tests.
#![allow(dead_code)]

pub mod fleet_wall;
pub mod hpa_scene;
pub mod keys;
pub mod make_room_scene;
pub mod prometheus;
pub mod screen;
pub mod sim_cli;
pub mod sim_http;
pub mod sim_process;
pub mod text_columns;
pub mod tmux;

use podsize::model::{PodRow, SlimPod};

/// Loads a pod fixture from tests/fixtures/pods as a row.
pub fn fixture_row(file: &str) -> PodRow {
    let path = format!("{}/tests/fixtures/pods/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let pod: SlimPod = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    PodRow::from_slim(&pod)
}

/// A fixture cluster with one pod in every resize state, each with a distinct name.
pub fn every_state_rows() -> Vec<PodRow> {
    [
        ("real-1.35-none.json", "web-settled"),
        ("real-1.35-deferred.json", "catalog-deferred"),
        ("real-1.35-infeasible.json", "catalog-infeasible"),
        ("real-1.35-inprogress.json", "cache-in-progress"),
        ("v1.35-error.json", "api-error"),
        ("v1.35-submitted.json", "api-submitted"),
        ("v1.31-proposed.json", "legacy-proposed"),
        ("v1.35-sidecar.json", "shipper-sidecar"),
        ("v1.35-not-started.json", "batch-not-started"),
        ("v1.35-node-unsupported.json", "old-node-unsupported"),
        ("v1.35-applied-rounded.json", "rounded-applied"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (file, name))| {
        let mut row = fixture_row(file);
        row.name = name.to_string();
        row.namespace = if i % 2 == 0 { "shop" } else { "platform" }.to_string();
        row.node = Some(format!("node-{}", i % 3 + 1));
        row.created = chrono::DateTime::from_timestamp(1_764_300_000 - i as i64 * 3_600, 0);
        row
    })
    .collect()
}
