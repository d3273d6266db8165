//! The table while a list arrives: rows show as they are decoded, nothing says complete or
//! live before the list has ended, and a re-list keeps the old rows until it is done.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Utc;
use podsize::app::loading::pod_count_text;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::PodRow;
use podsize::model::pods::events::{ClusterEvent, Scope};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn send(s: &mut AppState, event: ClusterEvent) {
    update(s, Action::Cluster(event), Utc::now());
}

fn header(s: &AppState) -> String {
    let mut terminal = Terminal::new(TestBackend::new(160, 30)).unwrap();
    let theme = podsize::theme::Theme::default();
    terminal
        .draw(|f| podsize::ui::draw(f, s, Utc::now(), &theme))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..2)
        .map(|y| {
            (0..160)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn rows() -> Vec<PodRow> {
    common::every_state_rows()
}

#[test]
fn rows_show_while_the_first_list_arrives_and_nothing_says_live() {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    send(&mut s, ClusterEvent::ListStarted);
    assert_eq!(pod_count_text(&s), "loading 0 pods…");
    let all = rows();
    let (first, rest) = all.split_at(2);
    send(&mut s, ClusterEvent::ListBatch(first.to_vec()));
    assert_eq!(s.pods.len(), 2, "decoded rows are shown at once");
    assert!(!s.synced());
    assert_eq!(pod_count_text(&s), "loading 2 pods…");
    let text = header(&s);
    assert!(text.contains("loading 2 pods…"), "{text}");
    assert!(!text.contains("live"), "{text}");
    assert!(text.contains("so far (list incomplete)"), "{text}");
    assert!(!text.contains("no resize pending"), "{text}");

    send(&mut s, ClusterEvent::ListBatch(rest.to_vec()));
    send(&mut s, ClusterEvent::ListDone);
    assert!(s.synced() && s.clusters[0].loading.is_none());
    assert_eq!(s.pods.len(), all.len());
    let text = header(&s);
    assert!(text.contains(&format!("{} pods", all.len())), "{text}");
    assert!(text.contains("● live"), "{text}");
    assert!(!text.contains("so far"), "{text}");
}

#[test]
fn a_relist_keeps_the_old_rows_marked_refreshing_until_it_ends() {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    let all = rows();
    send(&mut s, ClusterEvent::ListStarted);
    send(&mut s, ClusterEvent::ListBatch(all.clone()));
    send(&mut s, ClusterEvent::ListDone);

    send(&mut s, ClusterEvent::ListStarted);
    send(&mut s, ClusterEvent::ListBatch(all[..1].to_vec()));
    assert_eq!(
        s.pods.len(),
        all.len(),
        "the old rows stay during a re-list"
    );
    let count = pod_count_text(&s);
    assert!(count.contains("refreshing (1 so far…)"), "{count}");
    assert!(!header(&s).contains("live"));

    send(&mut s, ClusterEvent::ListDone);
    let names: Vec<_> = s.pods.values().map(|r| r.name.clone()).collect();
    assert_eq!(
        names,
        vec![all[0].name.clone()],
        "pods not in the new list are gone"
    );
    assert!(header(&s).contains("● live"));
}

#[test]
fn a_first_list_that_starts_over_drops_its_partial_rows() {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    let all = rows();
    send(&mut s, ClusterEvent::ListStarted);
    send(&mut s, ClusterEvent::ListBatch(all[..3].to_vec()));
    send(&mut s, ClusterEvent::ListStarted);
    assert!(s.pods.is_empty());
    send(&mut s, ClusterEvent::ListBatch(all[3..4].to_vec()));
    send(&mut s, ClusterEvent::ListDone);
    assert_eq!(s.pods.len(), 1);
}

#[test]
fn a_batch_outside_a_list_is_ignored() {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    send(&mut s, ClusterEvent::ListBatch(rows()));
    assert!(s.pods.is_empty());
}
