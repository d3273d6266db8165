//! podsize keeps every metrics reading per container in bounded rings and shows, in the details
//! pane, what the right-sizing rule makes of them — labelled with since when and how many
//! (issue #12: live samples are never passed off as weeks of history).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{DateTime, TimeDelta, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, PodUsage, Scope};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_310_000, 0).unwrap()
}

fn reading(cpu: i64, mem: i64) -> ClusterEvent {
    ClusterEvent::Usage(Some(
        vec![PodUsage {
            namespace: "bench-ads-prod".into(),
            name: "admin-ui-n8rbtgpq4f-2gf7j".into(),
            containers: vec![(
                "admin-ui".into(),
                CpuMem {
                    cpu_millis: Some(cpu),
                    memory_bytes: Some(mem),
                },
            )],
        }]
        .into(),
    ))
}

#[test]
fn readings_accumulate_and_the_details_show_the_live_recommendation() {
    let header = HeaderInfo {
        context: "t".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
    let row = common::fixture_row("real-1.35-none.json");
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset([row])),
        t0(),
    );
    for i in 0..30 {
        let at = t0() + TimeDelta::seconds(15 * i);
        update(&mut s, Action::Cluster(reading(100 + i, 100 << 20)), at);
    }
    let key =
        podsize::model::pods::row::PodKey::new(0, "bench-ads-prod", "admin-ui-n8rbtgpq4f-2gf7j");
    let rings = &s.usage_history[&key];
    assert_eq!(rings[0].1.samples(), 30);
    s.refresh_index();
    // Keys come after the readings, as in the app: `d` judges the selected pod again from them.
    let present = t0() + TimeDelta::seconds(15 * 29);
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE)),
        present,
    );
    let mut terminal = Terminal::new(TestBackend::new(220, 40)).unwrap();
    let theme = podsize::theme::Theme::default();
    terminal
        .draw(|f| podsize::ui::draw(f, &s, present, &theme))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let text: String = (0..40)
        .map(|y| {
            (0..220)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    let line = text
        .lines()
        .find(|l| l.contains("live since"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("30 samples"), "{line}");
    assert!(line.contains("peak 129m"), "{line}");
    // A Guaranteed 1-cpu / 512Mi container using ~130m and 100Mi is over-requested; the
    // recommendation says where its figures come from and how sure it is.
    let rec = text
        .lines()
        .find(|l| l.contains("recommendation ("))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(rec.contains("(live-samples, low confidence)"), "{rec}");
    // Request = limit, so sized from the peak (129m) plus the 15 % margin; half an hour of
    // samples is too little to shrink on, so the decrease is shown and held (issue #26).
    assert!(rec.contains("1 → 150m"), "{rec}");
    assert!(rec.contains("held: not enough history to shrink"), "{rec}");
    assert!(rec.contains("30 samples"), "{rec}");

    // A deleted pod takes its history with them.
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodDeleted {
            namespace: key.namespace.clone(),
            name: key.name.clone(),
        }),
        t0(),
    );
    assert!(s.usage_history.is_empty());
}
