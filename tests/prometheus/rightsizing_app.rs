//! Applying right-sizing from the dashboard (issue #12): `r` in the editor fills the fields with
//! the container's recommendation, `R` plans every marked pod's containers to their own, and
//! what is sent is exactly what the rule recommends. Pure state machine: keys in, effects out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::TimeDelta;
use common::screen::{admin_header, now};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::{Action, AppState, Effect, update};
use podsize::model::PodRow;
use podsize::model::decide::evidence::Gate;
use podsize::model::decide::recommend::Policy;
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, NodeInfo, PodUsage, Scope};

fn pod(name: &str) -> PodRow {
    let mut row = common::fixture_row("real-1.35-none.json");
    row.namespace = "shop".into();
    row.name = name.into();
    row.node = Some("node-1".into());
    row
}

/// Three pods; `idle-*` use a fraction of what they request, `fit` uses about what it asks.
/// Eight minutes of readings are far from the day a decrease needs, so these tests of how `r`
/// and `R` apply a recommendation lower the gate; `the_default_gate_holds_…` keeps it.
fn state() -> AppState {
    let mut s = thin_state();
    s.rightsizing_policy.gate = Gate {
        min_history: TimeDelta::minutes(5),
        min_samples: 5,
    };
    podsize::app::rightsizing::refresh_all(&mut s, present());
    s
}

fn thin_state() -> AppState {
    let mut s = AppState::new(admin_header(), Scope::default());
    let rows = vec![pod("idle-a"), pod("idle-b"), pod("fit")];
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        now(),
    );
    let node = NodeInfo {
        name: "node-1".into(),
        allocatable: CpuMem {
            cpu_millis: Some(16_000),
            memory_bytes: Some(64 << 30),
        },
    };
    update(
        &mut s,
        Action::Cluster(ClusterEvent::NodesReset(vec![node])),
        now(),
    );
    let requested = s.pods.values().next().unwrap().containers[0].desired;
    let reading = |name: &str, cpu: i64, memory: i64| PodUsage {
        namespace: "shop".into(),
        name: name.into(),
        containers: vec![(
            "admin-ui".into(),
            CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(memory),
            },
        )],
    };
    let (cpu, memory) = (
        requested.requests.cpu_millis.unwrap(),
        requested.requests.memory_bytes.unwrap(),
    );
    for minute in 0..8 {
        let list = vec![
            reading("idle-a", 40, 64 << 20),
            reading("idle-b", 90, 100 << 20),
            reading("fit", cpu * 85 / 100, memory * 85 / 100),
        ];
        let at = now() + TimeDelta::minutes(minute);
        update(
            &mut s,
            Action::Cluster(ClusterEvent::Usage(Some(list.into()))),
            at,
        );
    }
    s.refresh_index();
    s
}

/// The scene's present: the last reading's time. Keys come after the readings, as they do in
/// the app (`r` and `R` judge again from the latest reading at the key's time).
fn present() -> chrono::DateTime<chrono::Utc> {
    now() + TimeDelta::minutes(7)
}

fn key(s: &mut AppState, ch: char) -> Vec<Effect> {
    let e = update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE)),
        present(),
    );
    s.refresh_index();
    e
}

fn enter(s: &mut AppState) -> Vec<Effect> {
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        present(),
    )
}

fn select(s: &mut AppState, name: &str) {
    let i = s.visible().iter().position(|r| r.pod.name == name).unwrap();
    s.select(i);
}

/// The recommendation the rule itself gives for `name`'s container.
fn recommended(s: &AppState, name: &str) -> podsize::model::ground::resources::ResourceSpec {
    let key = podsize::model::pods::row::PodKey::new(0, "shop", name);
    let c = &s.pods[&key].containers[0];
    let usage = podsize::app::rightsizing::usage_for(s, &key, &c.name, present()).unwrap();
    let policy = Policy::on_server(s.rightsizing_policy, 35, false);
    podsize::model::decide::recommend::recommend(&c.desired, &usage, None, &policy).spec
}

fn sent(effects: Vec<Effect>) -> Vec<podsize::model::rules::plan::ResizePlan> {
    effects
        .into_iter()
        .find_map(|e| match e {
            Effect::SubmitResizes(plans) => Some(plans),
            _ => None,
        })
        .expect("a submit effect")
}

#[test]
fn r_fills_the_editor_with_the_recommendation_and_sends_exactly_it() {
    let mut s = state();
    select(&mut s, "idle-a");
    key(&mut s, 'e');
    key(&mut s, 'r');
    let editor = s.editor.as_ref().expect("editor open");
    let note = editor.recommendation_note.clone().unwrap();
    assert!(note.contains("live-samples"), "{note}");
    assert!(note.contains("8 samples"), "{note}");
    assert!(enter(&mut s).is_empty(), "first Enter reviews");
    let plans = sent(enter(&mut s));
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].pod, "idle-a");
    assert_eq!(plans[0].new_spec, recommended(&s, "idle-a"));
    assert!(plans[0].errors.is_empty());
}

#[test]
fn r_on_a_container_that_fits_changes_nothing_and_says_so() {
    let mut s = state();
    select(&mut s, "fit");
    key(&mut s, 'e');
    let before = s.editor.clone();
    key(&mut s, 'r');
    assert_eq!(s.editor.as_ref().unwrap().inputs, before.unwrap().inputs);
    let status = s.status.clone().unwrap();
    assert!(
        status.text.starts_with("nothing to change"),
        "{}",
        status.text
    );
}

#[test]
fn capital_r_right_sizes_each_marked_pod_to_its_own_recommendation() {
    let mut s = state();
    for name in ["idle-a", "idle-b", "fit"] {
        select(&mut s, name);
        key(&mut s, ' ');
    }
    key(&mut s, 'R');
    let editor = s.editor.as_ref().expect("right-sizing plan open");
    assert!(editor.rightsize.is_some());
    // `fit` has nothing to change, so it is not in the plan at all.
    let plans = editor.all_plans();
    let pods: Vec<&str> = plans.iter().map(|p| p.pod.as_str()).collect();
    assert_eq!(pods, ["idle-a", "idle-b"]);
    enter(&mut s);
    let plans = sent(enter(&mut s));
    assert_eq!(plans.len(), 2);
    for plan in &plans {
        assert_eq!(plan.new_spec, recommended(&s, &plan.pod), "{}", plan.pod);
    }
    // The two idle pods get different values: each its own recommendation, not one copied.
    assert_ne!(plans[0].new_spec, plans[1].new_spec);
}

#[test]
fn the_default_gate_holds_a_shrink_from_minutes_of_readings() {
    // Issue #26: R set `profile` to 15m/26Mi from a minute and a half of readings.
    let mut s = thin_state();
    for name in ["idle-a", "idle-b"] {
        select(&mut s, name);
        key(&mut s, ' ');
    }
    key(&mut s, 'R');
    assert!(s.editor.is_none(), "nothing to send");
    let status = s.status.clone().unwrap().text;
    assert!(status.starts_with("nothing to right-size"), "{status}");
    let key = podsize::model::pods::row::PodKey::new(0, "shop", "idle-a");
    let verdict = podsize::app::rightsizing::verdict(&s, &key, "admin-ui").unwrap();
    assert!(verdict.recommendation.held);
    // Worded as the details pane words it, from the verdict's own figures.
    let worded = podsize::app::rightsizing::explained(&s, &key, "admin-ui").unwrap();
    assert!(
        worded
            .reason()
            .contains("not enough history to shrink (covers 7m of 24h"),
        "{}",
        worded.reason()
    );
}

#[test]
fn capital_r_is_refused_read_only() {
    let mut s = state();
    s.clusters[0].header.readonly = true;
    key(&mut s, 'R');
    assert!(s.editor.is_none());
    assert!(s.status.unwrap().error);
}

#[test]
fn prometheus_figures_win_over_live_samples_and_a_failure_keeps_them() {
    use podsize::model::decide::recommend::{Source, Usage};
    let mut s = state();
    let key = podsize::model::pods::row::PodKey::new(0, "shop", "idle-a");
    let window = TimeDelta::days(14);
    let long = Usage {
        cpu_percentile: Some(300),
        cpu_p50: Some(200),
        cpu_peak: Some(400),
        memory_peak: Some(200 << 20),
        samples: 4032,
        window,
        ..Usage::new(Source::Prometheus { window })
    };
    let found = [(key.clone(), vec![("admin-ui".to_string(), long)])]
        .into_iter()
        .collect();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::LongUsage(Ok(found))),
        now(),
    );
    let verdict = podsize::app::rightsizing::verdict(&s, &key, "admin-ui").unwrap();
    assert_eq!(verdict.recommendation.source.name(), "prometheus");
    let worded = podsize::app::rightsizing::explained(&s, &key, "admin-ui").unwrap();
    assert!(
        worded.reason().contains("4,032 samples"),
        "{}",
        worded.reason()
    );
    // The other pods keep their live-sample verdicts.
    let other = podsize::model::pods::row::PodKey::new(0, "shop", "idle-b");
    let live = podsize::app::rightsizing::verdict(&s, &other, "admin-ui").unwrap();
    assert_eq!(live.recommendation.source.name(), "live-samples");
    let failure = ClusterEvent::LongUsage(Err("connection refused".into()));
    update(&mut s, Action::Cluster(failure), now());
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("connection refused")
    );
    let kept = podsize::app::rightsizing::verdict(&s, &key, "admin-ui").unwrap();
    assert_eq!(kept.recommendation.source.name(), "prometheus");
}

#[test]
fn a_vpa_target_wins_in_the_table_and_follows_the_owner_chain() {
    use podsize::model::decide::vpa::{TargetRef, Vpa, VpaContainer, VpaSnapshot};
    use podsize::model::pods::row::Owner;
    let mut s = state();
    let owner = |kind: &str, name: &str| Owner {
        kind: kind.into(),
        name: name.into(),
    };
    // idle-a belongs to ReplicaSet idle-7d9f of Deployment idle; the VPA targets the Deployment.
    let key = podsize::model::pods::row::PodKey::new(0, "shop", "idle-a");
    let mut pod = s.pods[&key].clone();
    pod.owner = Some(owner("ReplicaSet", "idle-7d9f"));
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(pod))),
        now(),
    );
    let target = CpuMem {
        cpu_millis: Some(600),
        memory_bytes: Some(300 << 20),
    };
    let vpa = Vpa {
        namespace: "shop".into(),
        name: "idle-vpa".into(),
        target: TargetRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: "idle".into(),
        },
        update_mode: "Off".into(),
        containers: vec![VpaContainer {
            name: "admin-ui".into(),
            target,
            ..Default::default()
        }],
    };
    let snapshot = VpaSnapshot {
        vpas: vec![vpa],
        rs_owners: vec![(
            "shop".into(),
            "idle-7d9f".into(),
            owner("Deployment", "idle"),
        )],
    };
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Vpas(Box::new(snapshot))),
        now(),
    );
    let verdict = podsize::app::rightsizing::verdict(&s, &key, "admin-ui").unwrap();
    assert_eq!(verdict.recommendation.source.name(), "vpa");
    assert_eq!(verdict.recommendation.target, target);
    // idle-b has no owner the VPA covers: still its live samples.
    let other = podsize::model::pods::row::PodKey::new(0, "shop", "idle-b");
    let live = podsize::app::rightsizing::verdict(&s, &other, "admin-ui").unwrap();
    assert_eq!(live.recommendation.source.name(), "live-samples");
}

#[test]
fn readings_while_boosted_or_before_ready_leave_the_recommendation_as_it_was() {
    // Issue #26: after a boost to 2 CPU until Ready, the details pane recommended 4 CPUs for a
    // container using 195m. Readings taken while the boost annotation is on do not count.
    let mut s = state();
    let key = podsize::model::pods::row::PodKey::new(0, "shop", "idle-a");
    let before = podsize::app::rightsizing::verdict(&s, &key, "admin-ui")
        .unwrap()
        .recommendation
        .clone();
    for (boost, ready) in [(Some("{}".to_string()), true), (None, false)] {
        let mut pod = s.pods[&key].clone();
        pod.boost = boost;
        pod.ready = ready;
        update(
            &mut s,
            Action::Cluster(ClusterEvent::PodApplied(Box::new(pod))),
            now(),
        );
        let spike = PodUsage {
            namespace: "shop".into(),
            name: "idle-a".into(),
            containers: vec![(
                "admin-ui".into(),
                CpuMem {
                    cpu_millis: Some(4000),
                    memory_bytes: Some(900 << 20),
                },
            )],
        };
        for minute in 8..20 {
            let at = now() + TimeDelta::minutes(minute);
            update(
                &mut s,
                Action::Cluster(ClusterEvent::Usage(Some(vec![spike.clone()].into()))),
                at,
            );
        }
    }
    let ring = &s.usage_history[&key][0].1;
    assert_eq!(ring.samples(), 8, "only the readings before the boost");
    let after = podsize::app::rightsizing::verdict(&s, &key, "admin-ui").unwrap();
    assert_eq!(after.recommendation.spec, before.spec);
}
