//! The first-minute walk (issue #30, second round): the details pane's live line read
//! "1 samples", and its figures were written as quantities (`1500m`, `251584Ki`) where every
//! other computed figure reads in the one form (`1.5`, `246Mi`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::keys::key_at;
use crate::common::screen::{admin_header, now, render, text};
use crossterm::event::KeyCode;
use podsize::app::{Action, AppState, update};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, PodUsage, Scope};
use podsize::theme::Theme;

/// The fixture pod's container after one metrics reading of 1.5 cores and 251584Ki.
fn one_reading() -> AppState {
    let mut s = AppState::new(admin_header(), Scope::default());
    let row = common::fixture_row("real-1.35-none.json");
    let (namespace, name) = (row.namespace.clone(), row.name.clone());
    let container = row.containers[0].name.clone();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset([row])),
        now(),
    );
    let reading = ClusterEvent::Usage(Some(
        vec![PodUsage {
            namespace,
            name,
            containers: vec![(
                container,
                CpuMem {
                    cpu_millis: Some(1500),
                    memory_bytes: Some(251_584 << 10),
                },
            )],
        }]
        .into(),
    ));
    update(&mut s, Action::Cluster(reading), now());
    s.refresh_index();
    key_at(&mut s, KeyCode::Char('d'), now());
    s
}

#[test]
fn the_live_usage_line_counts_in_words_and_reads_in_the_one_form() {
    let s = one_reading();
    let screen = text(&render(&s, 220, 40, &Theme::default()));
    let line = screen
        .lines()
        .find(|l| l.contains("live since"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains(" · 1 sample · "), "{line}");
    assert!(line.contains("peak 1.5 "), "{line}");
    assert!(line.contains("memory peak 246Mi"), "{line}");
    assert!(!line.contains("1500m") && !line.contains("Ki"), "{line}");
}
