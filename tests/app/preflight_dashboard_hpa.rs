//! The dashboard predicts an HPA's answer as `recommend` does (issues 26/27, "one answer per
//! workload"): over real HTTP, the policy watch reads an HPA with a `Resource` and a
//! `ContainerResource` metric and no figure of its own, the dashboard holds the pod's reading
//! of metrics.k8s.io, and the editor given the request `recommend` proposes shows exactly the
//! predictions `recommend -o json` gives for the same container.

use crate::common::hpa_scene::{POD, cluster, line, recommended_app};
use crate::common::keys::{key_at, typed_at};
use crate::common::screen::{admin_header, now};
use crate::common::sim_http::listed_rows;
use crossterm::event::KeyCode;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::cluster_policy::PolicySnapshot;
use podsize::model::pods::events::{ClusterEvent, Scope};
use std::time::Duration;

/// The first snapshot of the policy watch holding the HPA and the ReplicaSet's owner.
async fn snapshot(client: &kube::Client) -> PolicySnapshot {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(podsize::cluster::policy_watch::feed_app(
        client.clone(),
        Scope::default(),
        tx,
    ));
    let found = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(event) = rx.recv().await {
            if let ClusterEvent::Policy(snap) = event
                && !snap.policy.hpas.is_empty()
                && !snap.rs_owners.is_empty()
            {
                return *snap;
            }
        }
        panic!("the policy watch ended");
    })
    .await
    .expect("a policy snapshot with the HPA within 15 s");
    task.abort();
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn the_editor_predicts_the_hpas_answer_as_recommend_does() {
    let (sim, _dir, kubeconfig) = cluster().await;
    let (record, new) = recommended_app(&kubeconfig).await;
    let effects = record["hpa"].as_array().unwrap();
    assert_eq!(effects.len(), 2, "{record:#}");

    let client = sim.client(simcluster::Identity::Admin).await.unwrap();
    let mut s = AppState::new(admin_header(), Scope::default());
    let rows = listed_rows(&client).await;
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        now(),
    );
    let snap = snapshot(&client).await;
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Policy(Box::new(snap))),
        now(),
    );
    let reading = podsize::cluster::metrics::fetch(&client, &Scope::default())
        .await
        .unwrap();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Usage(Some(reading.into()))),
        now(),
    );
    s.refresh_index();

    let i = (s.visible().iter())
        .position(|r| r.pod.name == POD)
        .unwrap();
    s.select(i);
    key_at(&mut s, KeyCode::Char('e'), now());
    typed_at(&mut s, &format!("{new}m"), now());
    let editor = s.editor.as_ref().expect("the editor is open");
    assert_eq!(editor.container, "app");
    let plan = editor.plan.as_ref().expect("a plan");
    assert_eq!(plan.new_spec.requests.cpu_millis, Some(new as i64));
    for e in effects {
        let want = format!("warning: {}", line(e));
        assert!(
            editor.preflight.contains(&want),
            "want {want:?} in {:?}",
            editor.preflight
        );
    }
}
