//! One recommendation per workload container in the dashboard (issue #26): two replicas of one
//! Deployment, one busier than the other, show the same recommendation in the REC column and
//! the details pane — sized from both pods' readings — while a pod of another workload keeps
//! its own. Pure state machine: readings in, verdicts out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::TimeDelta;
use common::screen::{admin_header, now};
use podsize::app::{Action, AppState, update};
use podsize::model::PodRow;
use podsize::model::decide::evidence::Gate;
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, PodUsage, Scope};
use podsize::model::pods::row::{Owner, PodKey};

/// A pod of ReplicaSet `replica_set` (the fixture's pod is one of a Deployment's).
fn pod(name: &str, replica_set: &str) -> PodRow {
    let mut row = common::fixture_row("real-1.35-none.json");
    row.namespace = "shop".into();
    row.name = name.into();
    row.owner = Some(Owner {
        kind: "ReplicaSet".into(),
        name: replica_set.into(),
    });
    row
}

fn reading(name: &str, cpu: i64, memory: i64) -> PodUsage {
    PodUsage {
        namespace: "shop".into(),
        name: name.into(),
        containers: vec![(
            "admin-ui".into(),
            CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(memory << 20),
            },
        )],
    }
}

#[test]
fn replicas_of_one_deployment_share_one_recommendation() {
    let mut s = AppState::new(admin_header(), Scope::default());
    s.rightsizing_policy.gate = Gate {
        min_history: TimeDelta::minutes(5),
        min_samples: 5,
    };
    let rows = vec![
        pod("web-7d9fc-x2k4q", "web-7d9fc"),
        pod("web-7d9fc-b8m2z", "web-7d9fc"),
        // Another Deployment whose name starts with `web-`: not a replica of `web`.
        pod("web-api-5c8d7-qx7zt", "web-api-5c8d7"),
    ];
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        now(),
    );
    for minute in 0..8 {
        let list = vec![
            reading("web-7d9fc-x2k4q", 40, 64),
            reading("web-7d9fc-b8m2z", 180, 150),
            reading("web-api-5c8d7-qx7zt", 20, 40),
        ];
        let at = now() + TimeDelta::minutes(minute);
        update(
            &mut s,
            Action::Cluster(ClusterEvent::Usage(Some(list.into()))),
            at,
        );
    }
    let verdict = |name: &str| {
        let key = PodKey::new(0, "shop", name);
        // Worded as the details pane words it, from the verdict's own figures.
        podsize::app::rightsizing::explained(&s, &key, "admin-ui")
            .unwrap_or_else(|| panic!("no verdict for {name}"))
    };
    let (quiet, busy, other) = (
        verdict("web-7d9fc-x2k4q"),
        verdict("web-7d9fc-b8m2z"),
        verdict("web-api-5c8d7-qx7zt"),
    );
    assert_eq!(
        quiet.spec,
        busy.spec,
        "{} / {}",
        quiet.reason(),
        busy.reason()
    );
    assert_eq!(quiet.reason(), busy.reason());
    assert!(quiet.reason().contains("from 2 pods"), "{}", quiet.reason());
    // Sized for the busier replica: never below what it uses.
    let requests = quiet.spec.effective_requests();
    assert!(requests.cpu_millis.unwrap() >= 180, "{}", quiet.reason());
    assert!(
        requests.memory_bytes.unwrap() >= 150 << 20,
        "{}",
        quiet.reason()
    );
    // The other workload rests on its own pod alone.
    assert_ne!(other.spec, quiet.spec, "{}", other.reason());
    assert!(!other.reason().contains("pods"), "{}", other.reason());
}

/// Replicas are judged once per distinct container spec: a replica resized by hand (or an
/// OOM-killed one) gets the verdict the rule gives it, not its neighbours' copy.
#[test]
fn a_replica_with_its_own_spec_gets_its_own_verdict() {
    use podsize::model::decide::rightsizing::{
        judge, recommend_container, recommend_container_figures,
    };
    let mut s = AppState::new(admin_header(), Scope::default());
    s.rightsizing_policy.gate = Gate {
        min_history: TimeDelta::minutes(5),
        min_samples: 5,
    };
    let mut resized = pod("web-7d9fc-r5n8w", "web-7d9fc");
    resized.containers[0].desired.requests.cpu_millis = Some(2_000);
    let mut killed = pod("web-7d9fc-k9p3v", "web-7d9fc");
    killed.containers[0].oom_killed = true;
    let rows = vec![
        pod("web-7d9fc-x2k4q", "web-7d9fc"),
        pod("web-7d9fc-b8m2z", "web-7d9fc"),
        resized,
        killed,
    ];
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows.clone())),
        now(),
    );
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    for minute in 0..8 {
        let list = names.iter().map(|n| reading(n, 120, 100)).collect();
        let at = now() + TimeDelta::minutes(minute);
        update(&mut s, Action::Cluster(ClusterEvent::Usage(Some(list))), at);
    }
    let at = now() + TimeDelta::minutes(7);
    for row in &rows {
        let key = PodKey::new(0, "shop", &row.name);
        let shown = podsize::app::rightsizing::verdict(&s, &key, "admin-ui")
            .unwrap_or_else(|| panic!("no verdict for {}", row.name));
        let usage = podsize::app::rightsizing::usage_for(&s, &key, "admin-ui", at).unwrap();
        let c = &row.containers[0];
        let policy = &s.rightsizing_policy;
        let own = judge(
            c,
            std::sync::Arc::new(usage.clone()),
            recommend_container_figures(c, &usage, 35, policy),
        );
        assert_eq!(*shown, own, "{}", row.name);
        // The words shown for it are the worded rule's on the same figures.
        let words = podsize::app::rightsizing::explained(&s, &key, "admin-ui").unwrap();
        assert_eq!(
            words,
            recommend_container(c, &usage, 35, policy),
            "{}",
            row.name
        );
    }
    let over = |name: &str| {
        let key = PodKey::new(0, "shop", name);
        podsize::app::rightsizing::verdict(&s, &key, "admin-ui")
            .unwrap()
            .over
            .cpu_millis
    };
    // The hand-resized replica is over-requested by more than its neighbours.
    assert!(
        over("web-7d9fc-r5n8w") > over("web-7d9fc-x2k4q"),
        "{} / {}",
        over("web-7d9fc-r5n8w"),
        over("web-7d9fc-x2k4q")
    );
}
