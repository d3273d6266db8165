//! The dashboard predicts an HPA's answer as `recommend` does (issues 26/27, "one answer per
//! workload"): over real HTTP, the policy watch reads an HPA with a `Resource` and a
//! `ContainerResource` metric and no figure of its own, the dashboard holds the pod's reading
//! of metrics.k8s.io, and the editor given the request `recommend` proposes shows exactly the
//! predictions `recommend -o json` gives for the same container.

use crate::common::hpa_scene::{POD, cluster, line, recommended_app};
use crate::common::keys::{key_at, typed_at};
use crate::common::screen::now;
use crate::common::sim_http::dashboard_with_policy;
use crossterm::event::KeyCode;
use podsize::app::{Action, update};
use podsize::model::pods::events::{ClusterEvent, Scope};

#[tokio::test(flavor = "multi_thread")]
async fn the_editor_predicts_the_hpas_answer_as_recommend_does() {
    let (sim, _dir, kubeconfig) = cluster().await;
    let (record, new) = recommended_app(&kubeconfig).await;
    let effects = record["hpa"].as_array().unwrap();
    assert_eq!(effects.len(), 2, "{record:#}");

    let client = sim.client(simcluster::Identity::Admin).await.unwrap();
    // The policy snapshot holding the HPA and the ReplicaSet's owner.
    let mut s = dashboard_with_policy(&client, |snap| {
        !snap.policy.hpas.is_empty() && !snap.rs_owners.is_empty()
    })
    .await;
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
