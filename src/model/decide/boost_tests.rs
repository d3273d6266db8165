#![allow(clippy::unwrap_used, clippy::panic)]

use super::*;
use crate::model::pods::slim::SlimPod;
use crate::model::rules::plan::{Edits, plan_resize};

/// The real 1.35 resize-demo pod: c1 cpu 800m/1 memory 128Mi/256Mi, c2 cpu 250m/500m.
fn demo() -> PodRow {
    let text = include_str!("../../../tests/fixtures/pods/real-1.35-resize-demo.json");
    let pod: SlimPod = serde_json::from_str(text).unwrap_or_default();
    PodRow::from_slim(&pod)
}

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
}

fn plan_for(pod: &PodRow, until: Until) -> BoostPlan {
    let original = pod.container("c2").map(|c| c.desired).unwrap_or_default();
    BoostPlan {
        container: "c2".into(),
        uid: pod.uid.clone(),
        original,
        original_exact: Default::default(),
        boosted: boosted_spec(&original, Some("x4"), None).unwrap_or_default(),
        until,
        started_at: t(0),
        started_by: "alice@host".into(),
        claim: None,
    }
}

/// `pod` with c2's desired values set to `spec`.
fn with_c2(mut pod: PodRow, spec: ResourceSpec) -> PodRow {
    for c in pod.containers.iter_mut().filter(|c| c.name == "c2") {
        c.desired = spec;
    }
    pod
}

#[test]
fn original_values_in_the_servers_own_form_round_trip_as_written() {
    use crate::model::ground::quantity::Quantity;
    let pod = demo();
    let mut plan = plan_for(&pod, Until::Deadline(t(300)));
    plan.original.requests.memory_bytes = Some(512_000_000);
    plan.original_exact[2] = Quantity::parse("512M").ok();
    let text = plan.to_annotation();
    assert!(text.contains(r#""memoryRequest":"512M""#), "{text}");
    assert_eq!(BoostPlan::from_annotation(&text), Ok(plan));
}

#[test]
fn the_annotation_round_trips_exactly() {
    let pod = demo();
    let mut plan = plan_for(&pod, Until::Deadline(t(300)));
    assert_eq!(
        BoostPlan::from_annotation(&plan.to_annotation()),
        Ok(plan.clone())
    );
    plan.until = Until::Ready;
    plan.claim = Some(Claim {
        by: "bob@h2".into(),
        at: t(5),
    });
    let text = plan.to_annotation();
    assert!(text.contains("\"untilReady\":true"), "{text}");
    assert!(
        text.contains("\"cpuLimit\":\"2\""),
        "quantities as the API writes them: {text}"
    );
    assert_eq!(BoostPlan::from_annotation(&text), Ok(plan));
}

#[test]
fn foreign_or_old_annotations_are_reported_not_panicked_on() {
    for text in [
        "",
        "null",
        "[1]",
        "{\"version\":1}",
        "not json",
        "{\"a\":1}",
    ] {
        let err = BoostPlan::from_annotation(text).unwrap_err();
        assert!(err.contains(ANNOTATION), "{text}: {err}");
    }
    let pod = demo();
    let good = plan_for(&pod, Until::Ready).to_annotation();
    let old = good.replace("\"version\":1", "\"version\":0");
    assert!(
        BoostPlan::from_annotation(&old)
            .unwrap_err()
            .contains("format version 0")
    );
    let bad_q = good.replace("\"cpuRequest\":\"1\"", "\"cpuRequest\":\"lots\"");
    assert!(BoostPlan::from_annotation(&bad_q).is_err());
    let both = good.replace(
        "\"untilReady\":true",
        "\"untilReady\":true,\"deadline\":\"x\"",
    );
    assert!(BoostPlan::from_annotation(&both).is_err());
}

#[test]
fn boosting_scales_the_limit_with_the_request() {
    let spec = demo()
        .container("c2")
        .map(|c| c.desired)
        .unwrap_or_default();
    let up = boosted_spec(&spec, Some("x4"), None).unwrap();
    assert_eq!(up.requests.cpu_millis, Some(1000));
    assert_eq!(up.limits.cpu_millis, Some(2000), "ratio 1:2 kept");
    assert_eq!(up.requests.memory_bytes, spec.requests.memory_bytes);
    let abs = boosted_spec(&spec, Some("2"), Some("+50%")).unwrap();
    assert_eq!(
        (abs.requests.cpu_millis, abs.limits.cpu_millis),
        (Some(2000), Some(4000))
    );
    assert_eq!(abs.requests.memory_bytes, Some(96 << 20));
    assert_eq!(abs.limits.memory_bytes, Some(192 << 20));
    // c2 holds 250m/500m: +25% is 312.5m, up to 313m, and the limit by the same ratio, up.
    let pct = boosted_spec(&spec, Some("+25%"), None).unwrap();
    assert_eq!(
        (pct.requests.cpu_millis, pct.limits.cpu_millis),
        (Some(313), Some(626))
    );
    // A value finer than Kubernetes allows is refused, not rounded into one nobody typed.
    let err = boosted_spec(&spec, Some("200.5m"), None).unwrap_err();
    assert!(
        err.starts_with("--cpu: \"200.5m\" is finer than 1m"),
        "{err}"
    );
}

#[test]
fn a_boost_only_raises_and_needs_a_request() {
    let spec = demo()
        .container("c2")
        .map(|c| c.desired)
        .unwrap_or_default();
    assert!(
        boosted_spec(&spec, Some("100m"), None)
            .unwrap_err()
            .contains("does not raise")
    );
    assert!(boosted_spec(&spec, None, None).is_err());
    assert!(
        boosted_spec(&spec, Some("lots"), None)
            .unwrap_err()
            .contains("--cpu")
    );
    let best_effort = ResourceSpec::default();
    assert!(
        boosted_spec(&best_effort, Some("1"), None)
            .unwrap_err()
            .contains("QoS")
    );
}

#[test]
fn every_boost_passes_the_editors_validation_and_keeps_qos() {
    let pod = demo();
    for (cpu, memory) in [
        (Some("x2"), None),
        (Some("3"), Some("x2")),
        (None, Some("+1Gi")),
    ] {
        let plan = plan_for(&pod, Until::Ready);
        let boosted = boosted_spec(&plan.original, cpu, memory).unwrap();
        let p = plan_resize(
            &pod,
            "c2",
            Edits::from_spec(&boosted),
            35,
            None,
            CpuMem::ZERO,
        );
        assert!(p.errors.is_empty(), "{cpu:?} {memory:?}: {:?}", p.errors);
        assert_eq!(p.qos_before, p.qos_after);
        let back = with_c2(pod.clone(), boosted);
        let r = plan_resize(
            &back,
            "c2",
            Edits::from_spec(&plan.original),
            35,
            None,
            CpuMem::ZERO,
        );
        assert!(r.errors.is_empty(), "revert: {:?}", r.errors);
    }
}

#[test]
fn a_timed_boost_reverts_after_its_deadline_only() {
    let pod = demo();
    let plan = plan_for(&pod, Until::Deadline(t(300)));
    let boosted = with_c2(pod, plan.boosted);
    assert!(matches!(
        revert_due(&plan, &boosted, t(299)),
        Decision::Wait(_)
    ));
    assert_eq!(
        revert_due(&plan, &boosted, t(300)),
        Decision::Revert(plan.original)
    );
}

#[test]
fn until_ready_reverts_when_ready() {
    let pod = demo();
    let plan = plan_for(&pod, Until::Ready);
    let mut boosted = with_c2(pod, plan.boosted);
    boosted.ready = false;
    assert!(matches!(
        revert_due(&plan, &boosted, t(1_000)),
        Decision::Wait(_)
    ));
    boosted.ready = true;
    assert_eq!(
        revert_due(&plan, &boosted, t(1)),
        Decision::Revert(plan.original)
    );
}

#[test]
fn a_manual_change_wins() {
    let pod = demo();
    let plan = plan_for(&pod, Until::Deadline(t(10)));
    let mut manual = plan.boosted;
    manual.requests.cpu_millis = Some(700);
    let row = with_c2(pod, manual);
    let Decision::StandDown(why) = revert_due(&plan, &row, t(20)) else {
        panic!("expected a stand-down");
    };
    assert!(why.contains("changed by hand"), "{why}");
}

#[test]
fn a_fresh_claim_makes_others_wait_and_an_old_one_is_taken_over() {
    let pod = demo();
    let mut plan = plan_for(&pod, Until::Deadline(t(10)));
    let row = with_c2(pod, plan.boosted);
    plan.claim = Some(Claim {
        by: "other".into(),
        at: t(15),
    });
    assert!(matches!(revert_due(&plan, &row, t(20)), Decision::Wait(w) if w.contains("other")));
    assert!(matches!(
        revert_due(&plan, &row, t(100)),
        Decision::Revert(_)
    ));
}

#[test]
fn already_reverted_or_another_pod_stands_down() {
    let pod = demo();
    let plan = plan_for(&pod, Until::Deadline(t(10)));
    assert!(
        matches!(revert_due(&plan, &pod, t(5)), Decision::Wait(_)),
        "not landed yet"
    );
    assert!(matches!(
        revert_due(&plan, &pod, t(100)),
        Decision::StandDown(_)
    ));
    let mut other = with_c2(pod, plan.boosted);
    other.uid = "another".into();
    assert!(matches!(
        revert_due(&plan, &other, t(100)),
        Decision::StandDown(_)
    ));
}

#[test]
fn badges_say_time_left_or_until_ready() {
    let pod = demo();
    assert_eq!(
        plan_for(&pod, Until::Deadline(t(125))).badge(t(0)),
        "⇡ boost 2m05s"
    );
    assert_eq!(
        plan_for(&pod, Until::Deadline(t(5))).badge(t(9)),
        "⇡ boost due"
    );
    assert_eq!(
        plan_for(&pod, Until::Ready).badge(t(0)),
        "⇡ boost until ready"
    );
}

#[test]
fn until_ready_with_a_bound_reverts_at_ready_or_at_the_bound() {
    let pod = demo();
    let plan = plan_for(&pod, Until::ReadyBy(t(600)));
    let text = plan.to_annotation();
    assert!(
        text.contains("\"untilReady\":true") && text.contains("\"deadline\""),
        "both written: {text}"
    );
    assert_eq!(BoostPlan::from_annotation(&text), Ok(plan.clone()));
    let mut boosted = with_c2(pod, plan.boosted);
    boosted.ready = false;
    assert!(matches!(
        revert_due(&plan, &boosted, t(599)),
        Decision::Wait(_)
    ));
    assert_eq!(
        revert_due(&plan, &boosted, t(600)),
        Decision::Revert(plan.original),
        "a pod that never turns Ready is reverted at the bound"
    );
    boosted.ready = true;
    assert_eq!(
        revert_due(&plan, &boosted, t(70)),
        Decision::Revert(plan.original),
        "Ready first"
    );
    assert!(plan.until.waits_for_ready());
    assert_eq!(plan.until.bound(), Some(t(600)));
    let none = text.replace("\"untilReady\":true", "\"untilReady\":false");
    let none = none.replace(&format!(",\"deadline\":\"{}\"", time_text(t(600))), "");
    assert!(BoostPlan::from_annotation(&none).is_err(), "{none}");
}

#[test]
fn a_container_that_restarts_on_resize_is_refused_unless_allowed() {
    let pod = demo();
    let plan = plan_for(&pod, Until::Deadline(t(10)));
    let mut r = plan_resize(
        &pod,
        "c2",
        Edits::from_spec(&plan.boosted),
        35,
        None,
        CpuMem::ZERO,
    );
    r.restarts = false;
    assert_eq!(restart_refusal(&r, false), None);
    r.restarts = true;
    let why = restart_refusal(&r, false).unwrap();
    assert!(
        why.contains("RestartContainer")
            && why.contains("twice")
            && why.contains("--allow-restart"),
        "{why}"
    );
    assert_eq!(restart_refusal(&r, true), None);
}

#[test]
fn a_revert_sent_by_the_claimer_is_left_to_it() {
    let pod = demo();
    let mut plan = plan_for(&pod, Until::Deadline(t(10)));
    plan.claim = Some(Claim {
        by: "dashboard".into(),
        at: t(10),
    });
    // The claimer's revert landed; its removal of the plan has not yet.
    assert!(
        matches!(revert_due(&plan, &pod, t(11)), Decision::Wait(w) if w.contains("dashboard")),
        "not a stand-down of someone else's revert"
    );
    assert!(matches!(
        revert_due(&plan, &pod, t(100)),
        Decision::StandDown(_)
    ));
}

#[test]
fn a_deadline_is_never_written_earlier_than_asked() {
    let t = DateTime::parse_from_rfc3339("2026-12-07T02:00:00.830Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    assert_eq!(super::time_text(t), "2026-12-07T02:00:01Z");
    let whole = DateTime::parse_from_rfc3339("2026-12-07T02:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    assert_eq!(super::time_text(whole), "2026-12-07T02:00:00Z");
}
