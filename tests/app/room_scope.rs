//! Node room in a namespace-scoped dashboard: the prediction counts every pod of the cluster
//! once the cluster-wide room list arrives, and says it counts the namespace only where that
//! list is refused (RBAC), instead of promising room other namespaces' pods hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::screen::now;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, NodeInfo, Scope};
use podsize::model::pods::room_pods::RoomPod;
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn event(s: &mut AppState, e: ClusterEvent) {
    update(s, Action::Cluster(e), now());
}

/// The `shop` pods of the fixture cluster, watched with `-n shop`, on 16-cpu nodes.
fn scoped() -> AppState {
    scoped_to("shop")
}

/// The `namespace` pods of the fixture cluster, watched with `-n namespace`, on 16-cpu nodes.
fn scoped_to(namespace: &str) -> AppState {
    let scope = Scope {
        namespace: Some(namespace.into()),
        label_selector: None,
    };
    let mut s = AppState::new(HeaderInfo::default(), scope);
    let rows: Vec<_> = common::every_state_rows()
        .into_iter()
        .filter(|r| r.namespace == namespace)
        .collect();
    event(&mut s, ClusterEvent::pods_reset(rows));
    let nodes = (1..=3)
        .map(|i| NodeInfo {
            name: format!("node-{i}"),
            allocatable: CpuMem {
                cpu_millis: Some(16_000),
                memory_bytes: Some(64 << 30),
            },
        })
        .collect();
    event(&mut s, ClusterEvent::NodesReset(nodes));
    s.refresh_index();
    s
}

fn edit_web_settled(s: &mut AppState) {
    let i = s
        .visible()
        .iter()
        .position(|r| r.pod.name == "web-settled")
        .unwrap();
    s.select(i);
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)),
        now(),
    );
}

fn screen(s: &AppState) -> String {
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).unwrap();
    terminal
        .draw(|f| podsize::ui::draw(f, s, now(), &Theme::default()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn other_namespace_pod(node: &str, cpu: i64) -> RoomPod {
    RoomPod {
        namespace: "platform".into(),
        name: "heavy".into(),
        node: Some(node.into()),
        counted: CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(0),
        },
        admitted: CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(0),
        },
    }
}

#[test]
fn the_room_list_counts_other_namespaces_pods_on_the_node() {
    let mut s = scoped();
    let key = podsize::model::pods::row::PodKey::new(0, "shop", "web-settled");
    let pod = s.pods[&key].clone();
    let node = pod.node.clone().unwrap();
    let before = s.others_on_node(&pod);
    // Every pod of the cluster: the shop pods as watched, and one heavy pod of another
    // namespace on the same node.
    let mut every: Vec<RoomPod> = s.pods.values().map(RoomPod::of).collect();
    every.push(other_namespace_pod(&node, 9_000));
    // The node's free room is the scheduler's count of every pod there; the prediction's
    // neighbours are what the kubelet holds for them (less where a grow waits Deferred).
    let here = every
        .iter()
        .filter(|p| p.node.as_deref() == Some(node.as_str()));
    let scheduler: i64 = here.clone().map(|p| p.counted.cpu_millis.unwrap()).sum();
    let kubelet: i64 = here
        .filter(|p| p.name != pod.name)
        .map(|p| p.admitted.cpu_millis.unwrap())
        .sum();
    event(&mut s, ClusterEvent::RoomReset(every));
    let after = s.others_on_node(&pod);
    assert_eq!(after.cpu_millis, before.cpu_millis.map(|c| c + 9_000));
    assert_eq!(after.cpu_millis, Some(kubelet));
    let free = s.node_free(0, &node).unwrap();
    assert_eq!(free.cpu_millis, Some(16_000 - scheduler));
    // The heavy pod leaves: its room comes back.
    event(
        &mut s,
        ClusterEvent::RoomDeleted {
            namespace: "platform".into(),
            name: "heavy".into(),
        },
    );
    assert_eq!(s.others_on_node(&pod), before);
}

#[test]
fn a_refused_room_list_is_said_with_the_prediction() {
    let mut s = scoped();
    let why = "pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" \
               at the cluster scope";
    event(&mut s, ClusterEvent::RoomRefused(why.into()));
    edit_web_settled(&mut s);
    let text = screen(&s);
    assert!(
        text.contains("node room counted from shop only"),
        "no caveat in\n{text}"
    );
    assert!(
        s.room_caveat(0).unwrap().contains("cannot list resource"),
        "{:?}",
        s.room_caveat(0)
    );
}

/// What the node view says `pod`'s Deferred resize still misses, in cpu millis.
fn missing_cpu(s: &AppState, pod: &str) -> Option<i64> {
    let view = podsize::app::nodes::NodesView::default();
    let rooms = podsize::app::nodes::rooms(s, &view);
    let waiting = rooms.iter().flat_map(|r| &r.pending).find(|p| p.pod == pod);
    waiting.unwrap().missing.cpu_millis
}

#[test]
fn a_deferred_resize_misses_what_the_kubelet_holds_for_every_namespaces_pods() {
    let mut s = scoped_to("platform");
    let key = podsize::model::pods::row::PodKey::new(0, "platform", "catalog-deferred");
    let pod = s.pods[&key].clone();
    let node = pod.node.clone().unwrap();
    assert_eq!(
        missing_cpu(&s, &pod.name),
        Some(0),
        "the watched pods leave room"
    );
    // Every pod of the cluster: the fixture's other namespace and a heavy shop pod on the
    // same node, which the kubelet holds room for as much as for the watched ones.
    let mut every: Vec<RoomPod> = common::every_state_rows().iter().map(RoomPod::of).collect();
    every.push(RoomPod {
        namespace: "shop".into(),
        ..other_namespace_pod(&node, 15_000)
    });
    let kubelet: i64 = every
        .iter()
        .filter(|p| p.node.as_deref() == Some(node.as_str()) && p.name != pod.name)
        .map(|p| p.admitted.cpu_millis.unwrap())
        .sum();
    let wants = podsize::model::decide::node_room::desired_requests(&pod);
    let short = wants.cpu_millis.unwrap() - (16_000 - kubelet);
    assert!(short > 0, "the scene leaves the resize short: {short}");
    event(&mut s, ClusterEvent::RoomReset(every));
    assert_eq!(missing_cpu(&s, &pod.name), Some(short));
}
