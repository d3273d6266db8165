//! The dashboard's policy snapshot (issue 27) over HTTP against the simulated cluster: what
//! could not be read is named ("not checked: …" in the plan) until a later list succeeds, and
//! objects created after the first list arrive through the watch, not by polling.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podsize::model::pods::cluster_policy::PolicySnapshot;
use podsize::model::pods::events::{ClusterEvent, Scope};
use simcluster::policy_scene::{LIMIT_RANGE, LIMITED_NAMESPACE};
use simcluster::{FaultCode, Identity, SimCluster, SimConfig};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// The next snapshot that satisfies `want`, within 20 s.
async fn until(
    rx: &mut UnboundedReceiver<ClusterEvent>,
    what: &str,
    want: impl Fn(&PolicySnapshot) -> bool,
) -> PolicySnapshot {
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(event) = rx.recv().await {
            if let ClusterEvent::Policy(snap) = event
                && want(&snap)
            {
                return *snap;
            }
        }
        panic!("the policy watch ended");
    })
    .await;
    found.unwrap_or_else(|_| panic!("no snapshot with {what}"))
}

#[tokio::test]
async fn unreadable_kinds_are_named_until_read_and_new_objects_arrive_by_watch() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    sim.faults()
        .fail_for(FaultCode::Internal, Duration::from_millis(1500));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let scope = Scope {
        namespace: Some(LIMITED_NAMESPACE.into()),
        label_selector: None,
    };
    let task = tokio::spawn(podsize::cluster::policy_watch::feed_app(client, scope, tx));
    let failed = until(&mut rx, "an unreadable kind", |s| {
        !s.policy.unreadable.is_empty()
    })
    .await;
    let named = format!("limitranges in namespace {LIMITED_NAMESPACE}: ");
    assert!(
        failed
            .policy
            .unreadable
            .iter()
            .any(|u| u.starts_with(&named)),
        "{:?}",
        failed.policy.unreadable
    );
    // Once the server answers, the lists succeed and nothing is left unread.
    until(&mut rx, "every kind read", |s| {
        s.policy.unreadable.is_empty()
    })
    .await;
    // Created after the lists: only a watch brings it.
    simcluster::policy_scene::add(&sim);
    let seen = until(&mut rx, "the new LimitRange", |s| {
        !s.policy.limit_ranges.is_empty()
    })
    .await;
    let lr = &seen.policy.limit_ranges[0];
    assert_eq!(
        (lr.namespace.as_str(), lr.name.as_str()),
        (LIMITED_NAMESPACE, LIMIT_RANGE)
    );
    assert_eq!(lr.items[0].max["cpu"], "2");
    assert_eq!(lr.items[0].max_limit_request_ratio["cpu"], "4");
    task.abort();
}
