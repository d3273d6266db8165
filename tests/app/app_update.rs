//! The pure update function: selection, filter, sort, scope and context commands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::keys::key;

use chrono::Utc;
use crossterm::event::KeyCode;
use podsize::app::state::{HeaderInfo, InputMode};
use podsize::app::update::ContextSet;
use podsize::app::{Action, AppState, Effect, update};
use podsize::model::pods::events::{ClusterEvent, Connection, Scope};
use podsize::settings::SortKey;

fn state_with_rows() -> AppState {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(common::every_state_rows())),
        Utc::now(),
    );
    s.refresh_index();
    s
}

fn type_text(s: &mut AppState, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(key(s, KeyCode::Char(c)));
    }
    effects
}

fn selected_pod(s: &AppState) -> String {
    s.selected_pod().map(|p| p.name.clone()).unwrap_or_default()
}

#[test]
fn reset_marks_connected_and_builds_one_row_per_container() {
    let s = state_with_rows();
    assert!(s.synced());
    assert_eq!(s.clusters[0].connection, Connection::Connected);
    let containers: usize = s.pods.values().map(|p| p.containers.len()).sum();
    assert_eq!(s.visible().len(), containers);
}

#[test]
fn per_pod_mode_has_one_row_per_pod() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char('p'));
    assert_eq!(s.visible().len(), s.pods.len());
}

#[test]
fn selection_stays_on_the_same_pod_when_rows_move() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char('G'));
    let chosen = selected_pod(&s);
    // A new pod sorting before everything arrives; the selection must follow its pod.
    let mut newcomer = common::fixture_row("real-1.35-none.json");
    newcomer.namespace = "aaa".into();
    newcomer.name = "aaa-first".into();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(newcomer))),
        Utc::now(),
    );
    s.refresh_index();
    assert_eq!(selected_pod(&s), chosen);
    // Deleting the selected pod moves the selection to a neighbour, never out of range.
    let (ns, name) = s
        .selected_pod()
        .map(|p| (p.namespace.clone(), p.name.clone()))
        .unwrap();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodDeleted {
            namespace: ns,
            name: name.clone(),
        }),
        Utc::now(),
    );
    s.refresh_index();
    assert!(s.selected_index() < s.visible().len());
    assert_ne!(selected_pod(&s), name);
}

#[test]
fn filter_matches_namespace_pod_container_and_node_and_negates() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "deferred");
    assert!(matches!(s.input, InputMode::Filter(_)));
    assert!(s.visible().iter().all(|r| r.pod.name == "catalog-deferred"));
    assert_eq!(s.visible().len(), 2);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.input, InputMode::Normal);
    assert_eq!(s.filter.text, "deferred");

    key(&mut s, KeyCode::Char('/'));
    for _ in 0.."deferred".len() {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "istio");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.visible()
            .iter()
            .all(|r| s.row(r).unwrap().1.unwrap().name == "istio-proxy")
    );

    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "!node-1");
    key(&mut s, KeyCode::Enter);
    assert!(!s.visible().is_empty());
    assert!(
        s.visible()
            .iter()
            .all(|r| s.pods[&r.pod].node.as_deref() != Some("node-1"))
    );
}

#[test]
fn esc_clears_the_filter() {
    let mut s = state_with_rows();
    let all = s.visible().len();
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "zzz-nothing");
    assert_eq!(s.visible().len(), 0);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.visible().len(), all);
}

#[test]
fn sort_cycles_and_state_sort_puts_the_worst_first() {
    let mut s = state_with_rows();
    assert_eq!(s.sort, SortKey::Name);
    key(&mut s, KeyCode::Char('s'));
    assert_eq!(s.sort, SortKey::ResizeState);
    let first = s.row(&s.visible()[0]).unwrap().1.unwrap();
    assert_eq!(first.state.name(), "Error");
    for _ in 0..SortKey::ALL.len() - 1 {
        key(&mut s, KeyCode::Char('s'));
    }
    assert_eq!(s.sort, SortKey::Name);
}

#[test]
fn sort_by_cpu_desired_is_numeric() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "sort cpu");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.sort, SortKey::CpuDesired);
    let cpus: Vec<i64> = s
        .visible()
        .iter()
        .map(|r| {
            s.row(r)
                .unwrap()
                .1
                .unwrap()
                .desired
                .requests
                .cpu_millis
                .unwrap_or(0)
        })
        .collect();
    assert!(cpus.windows(2).all(|w| w[0] >= w[1]), "{cpus:?}");
    assert_eq!(cpus[0], 24_000);
}

#[test]
fn namespace_command_checks_then_rewatches_with_the_new_scope() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char(':'));
    let mut effects = type_text(&mut s, "ns shop");
    effects.extend(key(&mut s, KeyCode::Enter));
    assert_eq!(effects, vec![Effect::CheckNamespace("shop".into())]);
    assert_eq!(
        s.scope,
        Scope::default(),
        "nothing changes before the answer"
    );
    assert!(!s.pods.is_empty());
    let effects = update(
        &mut s,
        Action::NamespaceChecked {
            namespace: "shop".into(),
            exists: Ok(true),
        },
        Utc::now(),
    );
    let want = Scope {
        namespace: Some("shop".into()),
        label_selector: None,
    };
    assert_eq!(effects, vec![Effect::Rewatch(want.clone())]);
    assert_eq!(s.scope, want);
    assert!(
        s.pods.is_empty(),
        "old rows are dropped until the new list arrives"
    );
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "ns all");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::Rewatch(Scope::default())]);
}

#[test]
fn an_unknown_namespace_is_an_error_and_the_scope_stays() {
    let mut s = state_with_rows();
    let rows = s.pods.len();
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "ns nosuchns");
    key(&mut s, KeyCode::Enter);
    let effects = update(
        &mut s,
        Action::NamespaceChecked {
            namespace: "nosuchns".into(),
            exists: Ok(false),
        },
        Utc::now(),
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(s.scope, Scope::default());
    assert_eq!(s.pods.len(), rows, "the table is kept");
    let status = s.status.clone().unwrap();
    assert!(status.error);
    assert!(status.text.contains("does not exist"), "{}", status.text);
    assert!(
        !status.text.contains("watching nosuchns"),
        "{}",
        status.text
    );
}

#[test]
fn context_command_asks_for_a_new_client_and_switches_only_when_it_works() {
    let mut s = state_with_rows();
    s.clusters[0].header.context = "sim-admin".into();
    let rows = s.pods.len();
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "ctx sim-viewr");
    let effects = key(&mut s, KeyCode::Enter);
    let wanted = ContextSet::Named(vec!["sim-viewr".into()]);
    assert_eq!(effects, vec![Effect::SwitchContext(wanted.clone())]);
    assert_eq!(
        s.pods.len(),
        rows,
        "the working connection's rows stay meanwhile"
    );
    update(
        &mut s,
        Action::ContextSwitched {
            wanted,
            result: Err("no context named sim-viewr".into()),
        },
        Utc::now(),
    );
    assert_eq!(
        s.clusters[0].header.context, "sim-admin",
        "the current context stays"
    );
    assert_eq!(s.pods.len(), rows);
    assert!(s.synced());
    let status = s.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("still on context sim-admin"),
        "{}",
        status.text
    );
    update(
        &mut s,
        Action::ContextSwitched {
            wanted: ContextSet::Named(vec!["sim-viewer".into()]),
            result: Ok(vec![HeaderInfo {
                context: "sim-viewer".into(),
                ..HeaderInfo::default()
            }]),
        },
        Utc::now(),
    );
    assert_eq!(s.clusters[0].header.context, "sim-viewer");
    assert!(
        s.pods.is_empty() && !s.synced(),
        "rows of the old context are gone"
    );
}

#[test]
fn context_command_names_several_clusters_or_all_and_the_set_replaces_the_current_one() {
    let mut s = state_with_rows();
    s.marked.insert(s.pods.keys().next().cloned().unwrap());
    for (typed, wanted) in [
        (
            "ctx prod-eu prod-us",
            ContextSet::Named(vec!["prod-eu".into(), "prod-us".into()]),
        ),
        (
            "ctx prod-eu,prod-us",
            ContextSet::Named(vec!["prod-eu".into(), "prod-us".into()]),
        ),
        ("ctx all", ContextSet::All),
    ] {
        key(&mut s, KeyCode::Char(':'));
        type_text(&mut s, typed);
        assert_eq!(
            key(&mut s, KeyCode::Enter),
            vec![Effect::SwitchContext(wanted)],
            "{typed}"
        );
    }
    let header = |name: &str| HeaderInfo {
        context: name.into(),
        ..HeaderInfo::default()
    };
    update(
        &mut s,
        Action::ContextSwitched {
            wanted: ContextSet::All,
            result: Ok(vec![header("prod-eu"), header("prod-us")]),
        },
        Utc::now(),
    );
    let names: Vec<&str> = s
        .clusters
        .iter()
        .map(|c| c.header.context.as_str())
        .collect();
    assert_eq!(names, ["prod-eu", "prod-us"]);
    assert!(
        s.pods.is_empty() && s.marked.is_empty(),
        "nothing keyed by the old cluster numbers stays"
    );
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("2 clusters: prod-eu, prod-us")
    );
}

#[test]
fn unknown_sort_key_lists_the_valid_ones_and_clears_on_the_next_key() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "sort bogus");
    key(&mut s, KeyCode::Enter);
    let status = s.status.clone().unwrap();
    assert!(
        status.text.contains("unknown sort key \"bogus\""),
        "{}",
        status.text
    );
    for valid in [
        "namespace/name",
        "resize-state",
        "cpu-desired",
        "age",
        "over-request",
        "risk",
    ] {
        assert!(status.text.contains(valid), "{valid} in {}", status.text);
        assert!(SortKey::parse(valid).is_some(), "{valid} is accepted");
    }
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.status, None, "the message answered the last action only");
}

#[test]
fn unknown_command_is_reported() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "frobnicate");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(s.status.as_ref().unwrap().error);
}

#[test]
fn help_swallows_the_next_key() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char('?'));
    assert!(s.show_help);
    key(&mut s, KeyCode::Char('q'));
    assert!(!s.show_help);
    assert!(!s.quit, "the key that closes help does not act");
    key(&mut s, KeyCode::Char('q'));
    assert!(s.quit);
}

#[test]
fn navigation_stays_in_bounds() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Up);
    assert_eq!(s.selected_index(), 0);
    key(&mut s, KeyCode::Char('G'));
    let last = s.visible().len() - 1;
    assert_eq!(s.selected_index(), last);
    key(&mut s, KeyCode::Down);
    assert_eq!(s.selected_index(), last);
    key(&mut s, KeyCode::PageUp);
    key(&mut s, KeyCode::Char('g'));
    assert_eq!(s.selected_index(), 0);
}

#[test]
fn connection_changes_are_kept() {
    let mut s = state_with_rows();
    let lost = Connection::Reconnecting {
        attempt: 3,
        error: "connection refused".into(),
        since: Utc::now(),
    };
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Connection(lost.clone())),
        Utc::now(),
    );
    assert_eq!(s.clusters[0].connection, lost);
}

#[test]
fn a_narrowing_filter_still_sees_pods_that_arrived_meanwhile() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "cat");
    let before = s.visible().len();
    let mut newcomer = common::fixture_row("real-1.35-none.json");
    newcomer.namespace = "shop".into();
    newcomer.name = "catalog-new".into();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(newcomer))),
        Utc::now(),
    );
    type_text(&mut s, "alog-n");
    assert_eq!(
        s.visible().len(),
        1,
        "the pod that arrived is found by the longer filter"
    );
    assert_eq!(s.visible()[0].pod.name, "catalog-new");
    for _ in 0.."alog-n".len() {
        key(&mut s, KeyCode::Backspace);
    }
    assert_eq!(
        s.visible().len(),
        before + 1,
        "widening rebuilds from all pods"
    );
    assert_eq!(
        s.state_counts().values().sum::<usize>(),
        s.pods.len(),
        "counts follow the pods"
    );
}

/// Search keys are kept across status-only updates (issue #17: rebuilding them after each
/// watch event cost 40 ms at 50k pods) but must follow a pod that moved to another node or
/// changed its containers: the filter always gives what it would give from scratch.
#[test]
fn the_filter_follows_updates_that_change_what_it_searches_and_only_those() {
    let mut s = state_with_rows();
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "node-9");
    assert_eq!(s.visible().len(), 0, "no pod is on node-9 yet");
    let mut moved = s
        .pods
        .values()
        .find(|p| p.name == "web-settled")
        .unwrap()
        .clone();
    // A status-only change: still not on node-9, still shown by a filter on its name.
    moved.restart_policy_never = !moved.restart_policy_never;
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(moved.clone()))),
        Utc::now(),
    );
    s.refresh_index();
    assert_eq!(s.visible().len(), 0);
    // Rescheduled onto node-9 (a new node name in the same pod): found.
    moved.node = Some("node-9".into());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(moved.clone()))),
        Utc::now(),
    );
    s.refresh_index();
    let names: Vec<&str> = s.visible().iter().map(|r| r.pod.name.as_str()).collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| *n == "web-settled"),
        "{names:?}"
    );
    // A container renamed (a new pod of the same name): the filter on its name finds it.
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "sidecar-renamed");
    assert_eq!(s.visible().len(), 0);
    moved.containers[0].name = "sidecar-renamed".into();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(moved))),
        Utc::now(),
    );
    s.refresh_index();
    assert_eq!(s.visible().len(), 1);
    assert_eq!(s.visible()[0].pod.name, "web-settled");
}

#[test]
fn the_clock_redraws_only_when_a_shown_time_changes() {
    let mut s = state_with_rows(); // every pod is hours old: ages read in minutes or more
    let t0 = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(); // a whole minute
    update(&mut s, Action::Tick, t0);
    s.dirty = false;
    for second in 1..60 {
        update(
            &mut s,
            Action::Tick,
            t0 + chrono::TimeDelta::seconds(second),
        );
        assert!(
            !s.dirty,
            "no redraw at +{second}s when nothing on screen shows seconds"
        );
    }
    update(&mut s, Action::Tick, t0 + chrono::TimeDelta::seconds(60));
    assert!(s.dirty, "a new minute can change ages on screen");
    // A stale-data banner counts seconds: redraw every second.
    s.dirty = false;
    let lost = Connection::Reconnecting {
        attempt: 1,
        error: "refused".into(),
        since: t0,
    };
    update(&mut s, Action::Cluster(ClusterEvent::Connection(lost)), t0);
    s.dirty = false;
    update(&mut s, Action::Tick, t0 + chrono::TimeDelta::seconds(61));
    assert!(s.dirty);
}

#[test]
fn a_young_pod_arriving_on_screen_ticks_the_clock_each_second_until_it_is_two_minutes_old() {
    let mut s = state_with_rows();
    s.page_rows = 50;
    let t0 = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    update(&mut s, Action::Tick, t0);
    s.dirty = false;
    update(&mut s, Action::Tick, t0 + chrono::TimeDelta::seconds(1));
    assert!(!s.dirty, "old pods only: the clock waits for the minute");
    // A new pod, ten seconds old, among the rows on screen: its age reads in seconds.
    let mut young = common::every_state_rows().remove(0);
    young.name = "aaa-young".into();
    young.created = Some(t0 - chrono::TimeDelta::seconds(10));
    let applied = ClusterEvent::PodApplied(Box::new(young));
    update(
        &mut s,
        Action::Cluster(applied),
        t0 + chrono::TimeDelta::seconds(1),
    );
    s.refresh_index(); // as the draw after it does
    for second in 2..110 {
        s.dirty = false;
        update(
            &mut s,
            Action::Tick,
            t0 + chrono::TimeDelta::seconds(second),
        );
        assert!(s.dirty, "the young pod's age moves at +{second}s");
    }
    // Two minutes after its creation it reads in minutes: back to once a minute.
    update(&mut s, Action::Tick, t0 + chrono::TimeDelta::seconds(111));
    s.dirty = false;
    update(&mut s, Action::Tick, t0 + chrono::TimeDelta::seconds(112));
    assert!(!s.dirty, "no young pod on screen any more");
}

#[test]
fn a_new_sort_shows_the_rows_that_moved_above_the_selection() {
    let mut s = state_with_rows();
    s.page_rows = 50;
    // Sorted by resize state, the worst states come first; the selection (the first row by
    // name) moves down, and the rows now above it must stay in sight.
    let selected = s.selected_row().map(|(p, _)| p.name.clone());
    key(&mut s, KeyCode::Char('s'));
    assert_eq!(s.selected_row().map(|(p, _)| p.name.clone()), selected);
    assert!(s.selected_index() > 0, "the selection moved down");
    assert_eq!(s.scroll(), 0, "the view starts at the top when it fits");
}
