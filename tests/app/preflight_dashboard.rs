//! The dashboard's preflight (issue 27) over the simulated cluster's policy scenery: the
//! policy snapshot is the one `cluster::policy_watch` keeps from the sim over HTTP, the pods
//! the ones it lists. `R` leaves a container whose workload an HPA scales on CPU to the HPA,
//! saying so; the editor refuses an edit over the LimitRange's max with the server's own
//! text (compared with the sim's answer to the same patch) and sends nothing; the pod on
//! the old-containerd node gets its warning in the plan.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::TimeDelta;
use common::screen::now;
use common::sim_http::dashboard_with_policy;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::{Action, AppState, Effect, update};
use podsize::model::decide::evidence::Gate;
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, PodUsage};
use podsize::model::pods::row::PodKey;
use simcluster::policy_scene::*;
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

async fn running(sim: &SimCluster, ns: &str, name: &str) {
    for _ in 0..750 {
        let started = sim.pod(ns, name).is_some_and(|p| {
            p.status
                .and_then(|s| s.container_statuses)
                .is_some_and(|c| !c.is_empty())
        });
        if started {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{ns}/{name} never started");
}

fn reading(ns: &str, name: &str, container: &str, cpu: i64, memory: i64) -> PodUsage {
    PodUsage {
        namespace: ns.into(),
        name: name.into(),
        containers: vec![(
            container.into(),
            CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(memory),
            },
        )],
    }
}

/// The dashboard's state over the scene, with eight minutes of readings and a gate low
/// enough for them to recommend decreases.
async fn scene() -> (SimCluster, AppState) {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    add(&sim);
    for (ns, name) in [
        (HPA_NAMESPACE, HPA_PODS[0]),
        (QUOTA_NAMESPACE, "etl-runner-0"),
        (LIMITED_NAMESPACE, LIMITED_POD),
        (LEGACY_NAMESPACE, LEGACY_POD),
    ] {
        running(&sim, ns, name).await;
    }
    let client = sim.client(Identity::Admin).await.unwrap();
    // The first policy snapshot that has the whole scene.
    let mut s = dashboard_with_policy(&client, |snap| {
        let p = &snap.policy;
        !p.limit_ranges.is_empty()
            && !p.quotas.is_empty()
            && !p.hpas.is_empty()
            && p.runtimes.iter().any(|r| r.node == OLD_RUNTIME_NODE)
            && !snap.rs_owners.is_empty()
    })
    .await;
    s.rightsizing_policy.gate = Gate {
        min_history: TimeDelta::minutes(5),
        min_samples: 5,
    };
    for minute in 0..8 {
        let list = vec![
            reading(HPA_NAMESPACE, HPA_PODS[0], HPA_DEPLOYMENT, 210, 260 << 20),
            reading(
                QUOTA_NAMESPACE,
                "etl-runner-0",
                "etl-runner",
                400,
                300 << 20,
            ),
        ];
        let at = now() + TimeDelta::minutes(minute);
        update(
            &mut s,
            Action::Cluster(ClusterEvent::Usage(Some(list.into()))),
            at,
        );
    }
    podsize::app::rightsizing::refresh_all(&mut s, present());
    s.refresh_index();
    (sim, s)
}

/// The scene's present: the last reading's time. Keys come after the readings, as they do in
/// the app (`r` and `R` judge again from the latest reading at the key's time).
fn present() -> chrono::DateTime<chrono::Utc> {
    now() + TimeDelta::minutes(7)
}

fn press(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    let e = update(
        s,
        Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        present(),
    );
    s.refresh_index();
    e
}

fn type_text(s: &mut AppState, text: &str) {
    for ch in text.chars() {
        press(s, KeyCode::Char(ch));
    }
}

fn select(s: &mut AppState, name: &str) {
    let i = s.visible().iter().position(|r| r.pod.name == name).unwrap();
    s.select(i);
}

fn sends(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::SubmitResizes(_)))
}

#[tokio::test]
async fn capital_r_leaves_the_hpa_scaled_container_to_the_hpa_with_the_reason() {
    let (_sim, mut s) = scene().await;
    for name in ["etl-runner-0", HPA_PODS[0]] {
        select(&mut s, name);
        press(&mut s, KeyCode::Char(' '));
    }
    press(&mut s, KeyCode::Char('R'));
    let editor = s
        .editor
        .as_ref()
        .expect("R opens the plan for etl-runner-0");
    assert_eq!(editor.pod, "etl-runner-0");
    let plans = editor.all_plans();
    assert!(
        plans.iter().all(|p| p.pod != HPA_PODS[0]),
        "nothing planned for the HPA's pod: {plans:?}"
    );
    let skipped = editor
        .batch
        .skipped
        .iter()
        .find(|k| k.pod.starts_with(HPA_PODS[0]))
        .expect("the HPA's pod is listed as skipped");
    assert!(
        skipped.reason.starts_with(
            "left to the HPA: HPA frontend scales on cpu utilisation (target 70%): 21% → "
        ),
        "{}",
        skipped.reason
    );
    assert!(
        skipped.reason.contains("replicas 3 → "),
        "{}",
        skipped.reason
    );
}

#[tokio::test]
async fn the_editor_refuses_an_edit_over_the_limit_range_with_the_servers_text() {
    let (sim, mut s) = scene().await;
    select(&mut s, LIMITED_POD);
    press(&mut s, KeyCode::Char('e'));
    // CPU limit: 1 → 3 (over the max of 2, and 3 / 500m over the ratio of 4).
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "3");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    let refusal = plan
        .errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>();
    // The sim's own answer to the same patch, sent as any client would.
    let client = sim.client(Identity::Admin).await.unwrap();
    let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(client, LIMITED_NAMESPACE);
    let answer = pods
        .patch_subresource(
            "resize",
            LIMITED_POD,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Strategic(plan.patch.clone()),
        )
        .await
        .expect_err("the server refuses it");
    let kube::Error::Api(status) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(status.code, 403);
    assert_eq!(refusal, vec![status.message.clone()]);
    assert!(refusal[0].contains("maximum cpu usage per Container is 2, but limit is 3"));
    // Enter reviews only a sendable plan: twice sends nothing.
    let mut effects = press(&mut s, KeyCode::Enter);
    effects.extend(press(&mut s, KeyCode::Enter));
    assert!(!sends(&effects), "{effects:?}");
    let still = sim.pod(LIMITED_NAMESPACE, LIMITED_POD).unwrap();
    let limit = still.spec.unwrap().containers[0]
        .resources
        .clone()
        .unwrap()
        .limits
        .unwrap()["cpu"]
        .0
        .clone();
    assert_eq!(limit, "1");
}

#[tokio::test]
async fn the_old_runtime_pod_gets_its_warning_in_the_plan() {
    let (_sim, mut s) = scene().await;
    select(&mut s, LEGACY_POD);
    press(&mut s, KeyCode::Char('e'));
    type_text(&mut s, "600m");
    let editor = s.editor.as_ref().unwrap();
    assert!(editor.plan.as_ref().unwrap().is_sendable());
    assert!(
        editor.preflight.iter().any(|l| l.contains(&format!(
            "node {OLD_RUNTIME_NODE} runs {OLD_RUNTIME}: containerd before 1.6.9 never reports resized values"
        ))),
        "{:?}",
        editor.preflight
    );
}

#[tokio::test]
async fn the_editor_shows_the_hpa_effect_of_a_hand_made_request() {
    let (_sim, mut s) = scene().await;
    select(&mut s, HPA_PODS[0]);
    press(&mut s, KeyCode::Char('e'));
    type_text(&mut s, "215m");
    let editor = s.editor.as_ref().unwrap();
    let key = PodKey::new(0, HPA_NAMESPACE, HPA_PODS[0]);
    assert!(s.pods.contains_key(&key));
    assert!(
        editor.preflight.iter().any(|l| l
            == "warning: HPA frontend scales on cpu utilisation (target 70%): 21% → 98%, replicas 3 → 5"),
        "{:?}",
        editor.preflight
    );
}

#[tokio::test]
async fn an_increase_past_the_quota_is_refused_in_the_editor_and_in_a_boost() {
    let (_sim, mut s) = scene().await;
    let refusal = r#"pods "etl-runner-0" is forbidden: exceeded quota: compute, requested: requests.cpu=300m, used: requests.cpu=1800m, limited: requests.cpu=2"#;
    select(&mut s, "etl-runner-0");
    press(&mut s, KeyCode::Char('e'));
    type_text(&mut s, "1200m");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert_eq!(
        plan.errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        vec![refusal]
    );
    let mut effects = press(&mut s, KeyCode::Enter);
    effects.extend(press(&mut s, KeyCode::Enter));
    assert!(!sends(&effects), "{effects:?}");
    press(&mut s, KeyCode::Esc);
    assert!(s.editor.is_none());
    // The same increase as a boost: the form shows the refusal and does not send.
    press(&mut s, KeyCode::Char('b'));
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    update(&mut s, Action::Key(ctrl_u), present());
    type_text(&mut s, "1200m");
    let form = s.boost_form.as_ref().expect("the boost form");
    let errors: Vec<&str> = form
        .resize
        .iter()
        .flat_map(|r| r.errors.iter().map(|e| e.message.as_str()))
        .collect();
    assert_eq!(errors, vec![refusal], "{form:?}");
    assert!(!form.sendable());
    let mut effects = press(&mut s, KeyCode::Enter);
    effects.extend(press(&mut s, KeyCode::Enter));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Boost(_))),
        "{effects:?}"
    );
}
