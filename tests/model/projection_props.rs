//! The pod projection never panics, whatever the cluster sends: arbitrary JSON, and
//! pod-shaped JSON with malformed quantities, odd types, nulls and missing fields.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podsize::model::{PodRow, SlimPod};
use proptest::prelude::*;
use serde_json::{Value, json};

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn quantity() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[+-]?[0-9]{0,25}(\\.[0-9]{0,12})?(|n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[+-]?[0-9]{1,4}|K|Mb|x)".prop_map(Value::String),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        Just(Value::Null),
        Just(json!({"nested": true})),
        Just(json!([1, 2])),
    ]
}

fn resources() -> impl Strategy<Value = Value> {
    (quantity(), quantity(), quantity(), quantity(), any::<bool>()).prop_map(|(a, b, c, d, weird)| {
        if weird {
            json!({"requests": [a], "limits": "lots"})
        } else {
            json!({"requests": {"cpu": a, "memory": b}, "limits": {"cpu": c, "memory": d, "nvidia.com/gpu": 1}})
        }
    })
}

fn name() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-c]{1,2}".prop_map(Value::String),
        Just(Value::Null),
        Just(json!(7))
    ]
}

fn pod_like() -> impl Strategy<Value = Value> {
    let container = || {
        (name(), resources(), prop_oneof![Just(json!("Always")), Just(Value::Null), Just(json!(3))]).prop_map(|(n, r, rp)| {
        json!({"name": n, "resources": r, "restartPolicy": rp, "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "RestartContainer"}, {"resourceName": null}]})
    })
    };
    let status = || {
        (name(), resources(), resources(), any::<i32>()).prop_map(|(n, alloc, actual, restarts)| {
        json!({"name": n, "allocatedResources": alloc["requests"].clone(), "resources": actual, "restartCount": restarts, "state": {"running": {}}})
    })
    };
    let condition = (
        prop_oneof![Just("PodResizePending"), Just("PodResizeInProgress"), Just("Ready")],
        prop_oneof![Just(json!("True")), Just(json!("False")), Just(Value::Null)],
        prop_oneof![Just(json!("Deferred")), Just(json!("Infeasible")), Just(json!("Error")), Just(Value::Null)],
        any::<Option<i64>>(),
    )
        .prop_map(|(t, s, r, g)| json!({"type": t, "status": s, "reason": r, "message": "m", "observedGeneration": g, "lastTransitionTime": "not a time"}));
    (
        prop::collection::vec(container(), 0..4),
        prop::collection::vec(container(), 0..2),
        prop::collection::vec(status(), 0..4),
        prop::collection::vec(status(), 0..2),
        prop::collection::vec(condition, 0..3),
        any::<Option<i64>>(),
        any::<Option<i64>>(),
        prop_oneof![Just(json!("Proposed")), Just(json!("")), Just(Value::Null), Just(json!("Weird"))],
    )
        .prop_map(|(containers, init, statuses, init_statuses, conditions, generation, observed, resize)| {
            json!({
                "metadata": {"name": "p", "namespace": "n", "generation": generation, "creationTimestamp": "2026-13-45T99:00:00Z",
                             "ownerReferences": [{"kind": "ReplicaSet", "name": "rs", "controller": true}]},
                "spec": {"containers": containers, "initContainers": init, "nodeName": "node"},
                "status": {"containerStatuses": statuses, "initContainerStatuses": init_statuses, "conditions": conditions,
                           "observedGeneration": observed, "resize": resize, "qosClass": "Unknown"}
            })
        })
}

fn project(value: &Value) {
    if let Ok(pod) = serde_json::from_value::<SlimPod>(value.clone()) {
        let row = PodRow::from_slim(&pod);
        // Derived data stays coherent.
        assert_eq!(
            row.containers.len(),
            pod.spec.containers.len() + pod.spec.init_containers.len()
        );
        let _ = row.effective_requests();
        let _ = podsize::app::view::build_index(
            &[(row.pod_key(), row)].into_iter().collect(),
            &Default::default(),
            podsize::settings::SortKey::CpuDesired,
            false,
            None,
            &Default::default(),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        project(&value);
        project(&json!({"metadata": value.clone(), "spec": value.clone(), "status": value}));
    }

    #[test]
    fn pod_shaped_json_never_panics(value in pod_like()) {
        project(&value);
    }
}
