//! The table's column layout with long real-world names (issue #18): a cut value always ends in
//! `…`, spare width goes to the name columns up to their longest value (node names first), and
//! the REC column with the header's right-sizing totals (issue #12). Snapshots at 60, 80, 120,
//! 160 and 200 columns; every row says which row it is at each (issue #30).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::screen::{admin_header, now, render, text};
use podsize::app::{Action, AppState, update};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, PodUsage, Scope};
use podsize::theme::Theme;

/// Pod names as Deployments make them at the 63-character limit, nodes as cloud providers name
/// them, a sidecar with a long name.
fn long_named_rows() -> Vec<podsize::model::PodRow> {
    let pods = [
        (
            "payments-settlement-reconciliation-worker-7d9f8b6c5d-x2k9p",
            "ip-10-12-134-201.eu-west-1.compute.internal",
            "v1.35-sidecar.json",
        ),
        (
            "catalog-search-indexer-elasticsearch-bulk-loader-5f6d7c8b9a-q",
            "bench-node-12",
            "real-1.35-deferred.json",
        ),
        ("web-7c9f-x2", "bench-node-3", "real-1.35-none.json"),
    ];
    pods.iter()
        .map(|(name, node, fixture)| {
            let mut row = common::fixture_row(fixture);
            row.name = name.to_string();
            row.namespace = "payments-platform-production".to_string();
            row.node = Some(node.to_string());
            row.created = chrono::DateTime::from_timestamp(1_764_300_000, 0);
            row
        })
        .collect()
}

fn state(rows: Vec<podsize::model::PodRow>) -> AppState {
    let mut s = AppState::new(admin_header(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        now(),
    );
    s.refresh_index();
    s
}

fn screen(s: &AppState, width: u16) -> String {
    text(&render(s, width, 14, &Theme::default()))
}

/// Every line of the table body that shows `name` cut ends the cut with `…`.
fn assert_cut_with_ellipsis(screen: &str, name: &str) {
    let rows: Vec<&str> = screen
        .lines()
        .skip(5)
        .filter(|l| !l.trim().is_empty())
        .collect();
    for line in rows {
        let shown_whole = line.contains(name);
        let prefix = &name[..name.len().min(12)];
        if line.contains(prefix) && !shown_whole {
            let at = line.find(prefix).unwrap();
            let cell: String = line[at..].split(' ').next().unwrap().to_string();
            assert!(cell.ends_with('…'), "cut without …: {cell:?} in\n{screen}");
        }
    }
}

#[test]
fn long_names_at_80_120_160_and_200_columns() {
    let s = state(long_named_rows());
    for width in [60u16, 80, 120, 160, 200] {
        let screen = screen(&s, width);
        for line in screen.lines() {
            assert!(line.chars().count() <= usize::from(width), "{line}");
        }
        for pod in long_named_rows() {
            assert_cut_with_ellipsis(&screen, &pod.name);
        }
        insta::assert_snapshot!(format!("long_names_{width}"), screen);
    }
}

#[test]
fn node_names_are_whole_as_soon_as_the_width_allows() {
    let s = state(long_named_rows());
    let screen = screen(&s, 160);
    assert!(screen.contains("NODE"), "{screen}");
    assert!(screen.contains(" bench-node-12"), "{screen}");
    // A 43-character cloud node name is cut at 160 (with …) and whole at 200.
    assert!(screen.contains("ip-10-12-134-201.eu-west-1.c…"), "{screen}");
    let wide = text(&render(&s, 200, 14, &Theme::default()));
    assert!(
        wide.contains("ip-10-12-134-201.eu-west-1.compute.internal"),
        "{wide}"
    );
    // The title counts rows and pods plainly.
    assert!(screen.contains(" 7 rows · 3 pods "), "{screen}");
}

fn usage(pod: &str, container: &str, cpu: i64, memory: i64) -> PodUsage {
    PodUsage {
        namespace: "payments-platform-production".into(),
        name: pod.into(),
        containers: vec![(
            container.into(),
            CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(memory),
            },
        )],
    }
}

#[test]
fn recommendations_show_with_markers_and_header_totals() {
    let mut s = state(long_named_rows());
    let minutes = |m: i64| now() + chrono::TimeDelta::minutes(m);
    // The settled web pod asks for 1 CPU and 512Mi and uses a fraction; the deferred one uses
    // more CPU than it requests.
    let settled = &long_named_rows()[2];
    let deferred = &long_named_rows()[1];
    let (web, web_c) = (settled.name.clone(), settled.containers[0].name.clone());
    let (busy, busy_c) = (deferred.name.clone(), deferred.containers[0].name.clone());
    let busy_request = deferred.containers[0].desired.requests.cpu_millis.unwrap();
    for m in 0..5 {
        let list = vec![
            usage(&web, &web_c, 50, 100 << 20),
            usage(&busy, &busy_c, busy_request * 3, 100 << 20),
        ];
        update(
            &mut s,
            Action::Cluster(ClusterEvent::Usage(Some(list.into()))),
            minutes(m),
        );
    }
    s.refresh_index();
    // Five readings are too few to propose anything.
    assert!(!screen(&s, 200).contains("REC"), "{}", screen(&s, 200));
    let list = vec![
        usage(&web, &web_c, 50, 100 << 20),
        usage(&busy, &busy_c, busy_request * 3, 100 << 20),
    ];
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Usage(Some(list.into()))),
        minutes(6),
    );
    s.refresh_index();
    let wide = screen(&s, 200);
    assert!(wide.contains("REC"), "{wide}");
    let web_line = wide.lines().find(|l| l.contains("web-7c9f-x2")).unwrap();
    // Over-requested on both (a 50m p95, a 100Mi peak): ▼ on both, held at today's values
    // until the history is long enough to shrink on (issue #26).
    assert_eq!(web_line.matches('▼').count(), 2, "{web_line}");
    // A held decrease reads as held, never as today's value to shrink to.
    assert_eq!(web_line.matches("held").count(), 2, "{web_line}");
    let busy_line = wide
        .lines()
        .find(|l| l.contains(&busy_c) && l.contains("catalog"))
        .unwrap();
    assert!(busy_line.contains('▲'), "{busy_line}");
    let header = wide.lines().nth(1).unwrap();
    assert!(header.contains("▼ over-requested"), "{header}");
    assert!(header.contains("▲ under-requested"), "{header}");
    // At 80 columns the labels shorten before a figure loses its unit (issue #30 point 6).
    let narrow = screen(&s, 80);
    let header = narrow.lines().nth(1).unwrap();
    assert!(
        header.contains("▼ over ") && header.contains(" cpu"),
        "{header}"
    );
    insta::assert_snapshot!("recommendations_200", wide);
}

#[test]
fn sorting_by_over_request_and_risk_puts_the_right_pod_first() {
    use podsize::settings::SortKey;
    let mut s = state(long_named_rows());
    let rows = long_named_rows();
    let (web, web_c) = (rows[2].name.clone(), rows[2].containers[0].name.clone());
    let (busy, busy_c) = (rows[1].name.clone(), rows[1].containers[0].name.clone());
    let busy_request = rows[1].containers[0].desired.requests.cpu_millis.unwrap();
    for m in 0..6 {
        let list = vec![
            usage(&web, &web_c, 50, 100 << 20),
            usage(&busy, &busy_c, busy_request * 3, 100 << 20),
        ];
        let at = now() + chrono::TimeDelta::minutes(m);
        update(
            &mut s,
            Action::Cluster(ClusterEvent::Usage(Some(list.into()))),
            at,
        );
    }
    let first_pod = |s: &mut AppState, key: SortKey| {
        s.sort = key;
        s.invalidate_index();
        s.refresh_index();
        s.visible()[0].pod.name.clone()
    };
    assert_eq!(first_pod(&mut s, SortKey::Waste), web);
    assert_eq!(first_pod(&mut s, SortKey::Risk), busy);
}

#[test]
fn every_cluster_is_named_in_the_header_at_any_width_and_rows_name_their_cluster() {
    let names = ["prod-eu-west-1", "prod-us-east-1", "staging-ap-south-1"];
    let headers = names
        .iter()
        .map(|n| podsize::app::state::HeaderInfo {
            context: (*n).into(),
            ..admin_header()
        })
        .collect();
    let mut s = AppState::with_clusters(headers, Scope::default());
    for cluster in 0..3 {
        let rows = common::every_state_rows();
        let event = ClusterEvent::pods_reset(rows);
        update(&mut s, Action::ClusterOf(cluster, event), now());
    }
    s.refresh_index();
    let theme = Theme::default();
    for width in [80, 120, 200] {
        let screen = text(&render(&s, width, 30, &theme));
        let header = screen.lines().next().unwrap_or_default();
        // Whole where they fit; else each cut to an equal share, never one lost.
        for name in names {
            let cut: String = name.chars().take(9).collect();
            let shown = header.contains(name) || (width < 120 && header.contains(&cut));
            assert!(shown, "{width} columns: {name} in {header:?}");
        }
        if width >= 120 {
            assert!(names.iter().all(|n| header.contains(n)), "{header}");
        }
        assert!(screen.contains("CLUSTER"), "{width} columns:\n{screen}");
    }
}

#[test]
fn the_walls_cluster_lines_keep_freshness_and_every_count_in_80_columns() {
    let s = common::screen::wall_of_two(1, "connection refused", 80);
    let screen = text(&render(&s, 80, 30, &Theme::default()));
    let title = screen
        .lines()
        .find(|l| l.contains("CLUSTER VERSION"))
        .unwrap();
    assert!(title.ends_with("‼ ERRORS"), "{title}");
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.starts_with(&format!(" {name} ")))
            .unwrap()
    };
    assert!(line("sim-1").contains("● live"), "{screen}");
    assert!(line("sim-2").contains("✗ STALE 80s"), "{screen}");
    // The five counts follow the freshness: the last is the errors count.
    let last = line("sim-1").split_whitespace().last().unwrap().to_string();
    assert!(last.parse::<usize>().is_ok(), "{screen}");
}

/// Issue #30: at any width from 60 columns every row shows its cluster (with several), its
/// namespace (with `-A`), pod, container and resize state; the figures give way first.
#[test]
fn every_row_says_which_row_it_is_at_60_80_120_and_160_columns() {
    let clusters = ["sim-1", "prod-eu-west-1"];
    let headers = clusters
        .iter()
        .map(|n| podsize::app::state::HeaderInfo {
            context: (*n).into(),
            ..admin_header()
        })
        .collect();
    let mut s = AppState::with_clusters(headers, Scope::default());
    for cluster in 0..2 {
        let event = ClusterEvent::pods_reset(long_named_rows());
        update(&mut s, Action::ClusterOf(cluster, event), now());
    }
    s.refresh_index();
    let pods = ["catalog-sear", "payments-set", "web-7c9f-x2"];
    let containers = ["admin-", "istio-", "migrat", "log-sh"];
    let states = ["↻ in progress", "‖ deferred", "✓ ok"];
    for width in [60u16, 80, 120, 160] {
        let screen = text(&render(&s, width, 24, &Theme::default()));
        let titles = screen.lines().nth(3).unwrap();
        for title in ["CLUSTER", "NAMESPACE", "POD", "CONTAINER", "RESIZE"] {
            assert!(titles.contains(title), "{width}: {title} in\n{screen}");
        }
        // Body rows start with their cluster; the key hints below start with a space.
        let rows: Vec<&str> = (screen.lines().skip(5))
            .filter(|l| !l.is_empty() && !l.starts_with(' '))
            .collect();
        assert_eq!(rows.len(), 14, "{width}:\n{screen}");
        for row in rows {
            let words: Vec<&str> = row.split_whitespace().collect();
            let cluster_shown = clusters.iter().any(|c| words[0].starts_with(&c[..5]));
            assert!(cluster_shown, "{width}: cluster in {row:?}");
            assert!(
                words[1].starts_with("payments"),
                "{width}: namespace in {row:?}"
            );
            let pod_shown = pods.iter().any(|p| words[2].starts_with(&p[..8]));
            assert!(pod_shown, "{width}: pod in {row:?}");
            let container_shown = containers.iter().any(|c| words[3].starts_with(&c[..5]));
            assert!(container_shown, "{width}: container in {row:?}");
            assert!(
                states.iter().any(|st| row.contains(st)),
                "{width}: state in {row:?}"
            );
        }
        insta::assert_snapshot!(format!("identity_{width}"), screen);
    }
}
