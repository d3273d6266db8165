//! The lent record: it reads back what was written, and gives back only untouched values.

use super::*;
use crate::model::decide::node_room::tests::{pod, row};

fn spec(cpu: i64) -> ResourceSpec {
    ResourceSpec {
        requests: CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(256 << 20),
        },
        limits: CpuMem {
            cpu_millis: Some(3000),
            memory_bytes: None,
        },
    }
}

fn record() -> Lent {
    Lent {
        for_namespace: "ns".into(),
        for_pod: "w".into(),
        for_uid: "w".into(),
        for_container: "c".into(),
        for_needs: CpuMem {
            cpu_millis: Some(3000),
            memory_bytes: Some(256 << 20),
        },
        node: "n".into(),
        values: vec![LentValues {
            container: "c".into(),
            original: spec(1200),
            lent: spec(400),
        }],
        by: "me".into(),
        at: "2026-01-01T00:00:00Z".into(),
    }
}

#[test]
fn the_annotation_reads_back_what_was_written() {
    let text = record().to_annotation();
    assert_eq!(Lent::from_annotation(&text), Ok(record()));
    let other = text.replace("\"version\":1", "\"version\":9");
    assert!(Lent::from_annotation(&other).is_err_and(|e| e.contains("version 9")));
}

#[test]
fn only_a_victim_still_holding_the_lent_values_is_given_back() {
    let mut victim = row(pod("v", "n", (400, 256), (400, 256), (400, 256)));
    victim.containers[0].desired = spec(400);
    assert_eq!(
        give_back(&record(), &victim),
        GiveBack::Restore(record().values)
    );
    victim.containers[0].desired = spec(700);
    assert!(matches!(
        give_back(&record(), &victim),
        GiveBack::Changed(_)
    ));
    assert_eq!(
        restore_needs(&record().values).cpu_millis,
        Some(800),
        "the room a restore takes"
    );
}

#[test]
fn the_room_is_no_longer_needed_once_the_waiting_pod_is_gone_or_smaller() {
    let r = record();
    assert!(r.no_longer_needed(None));
    let mut w = row(pod("w", "n", (3000, 256), (3000, 256), (3000, 256)));
    assert!(!r.no_longer_needed(Some(&w)));
    w.containers[0].desired.requests.cpu_millis = Some(1000);
    assert!(r.no_longer_needed(Some(&w)));
    w.uid = "another".into();
    w.containers[0].desired.requests.cpu_millis = Some(3000);
    assert!(r.no_longer_needed(Some(&w)), "a new pod of the same name");
}

#[test]
fn a_give_back_fits_only_when_the_victims_whole_new_request_fits_beside_the_others() {
    use crate::model::decide::node_room::others_of;
    use crate::model::decide::node_room::tests::node;
    let mut victim = row(pod("v", "n", (400, 256), (400, 256), (400, 256)));
    victim.containers[0].desired = spec(400);
    let values = &record().values;
    let on = node("n", 4000, 8192);
    // The neighbour holds 2900m: 1100m is left for the victim, which grows back by 800m to
    // 1200m. Short by 100m, less than the 400m it keeps meanwhile: the kubelet defers it.
    let pods = [
        victim.clone(),
        row(pod("nb", "n", (2900, 256), (2900, 256), (2900, 256))),
    ];
    assert!(matches!(
        give_back_prediction(&victim, values, &on, others_of(&pods, &victim)),
        Prediction::Deferred { .. }
    ));
    let pods = [
        victim.clone(),
        row(pod("nb", "n", (2800, 256), (2800, 256), (2800, 256))),
    ];
    assert_eq!(
        give_back_prediction(&victim, values, &on, others_of(&pods, &victim)),
        Prediction::FitsNow,
        "1200m in exactly 1200m"
    );
    // Only cpu grows back, but the kubelet checks memory too: 256Mi beside 900Mi of 1Gi.
    let small = node("n", 4000, 1024);
    let pods = [
        victim.clone(),
        row(pod("nb", "n", (100, 900), (100, 900), (100, 900))),
    ];
    assert!(matches!(
        give_back_prediction(&victim, values, &small, others_of(&pods, &victim)),
        Prediction::Deferred { .. }
    ));
}
