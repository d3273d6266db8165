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
    let scope = Scope {
        namespace: Some("shop".into()),
        label_selector: None,
    };
    let mut s = AppState::new(HeaderInfo::default(), scope);
    let rows: Vec<_> = common::every_state_rows()
        .into_iter()
        .filter(|r| r.namespace == "shop")
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
