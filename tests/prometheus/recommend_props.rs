//! No recommendation ever breaks a resize rule (issue #12): over generated pods and usage, the
//! recommended values keep the QoS class, add or remove no limit, keep every request at or
//! below its limit, and pass the same validation the editor runs before sending.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podsize::model::decide::recommend::{Policy, Source, Usage, recommend};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::qos::qos_class;
use podsize::model::rules::plan::{Edits, plan_resize};
use podsize::model::{PodRow, SlimPod};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const MI: i64 = 1 << 20;

/// A resource's (request, limit).
type Pair = (Option<i64>, Option<i64>);

/// One resource of a container: no values, request only, request below limit, or equal.
fn resource(unit: i64) -> impl Strategy<Value = Pair> {
    prop_oneof![
        Just((None, None)),
        (1i64..4000).prop_map(move |r| (Some(r * unit), None)),
        (1i64..4000, 2i64..5).prop_map(move |(r, k)| (Some(r * unit), Some(r * k * unit))),
        (1i64..4000).prop_map(move |r| (Some(r * unit), Some(r * unit))),
    ]
}

fn container_json(
    name: &str,
    cpu: (Option<i64>, Option<i64>),
    mem: (Option<i64>, Option<i64>),
) -> Value {
    let mut requests = Map::new();
    let mut limits = Map::new();
    if let Some(v) = cpu.0 {
        requests.insert("cpu".into(), json!(format!("{v}m")));
    }
    if let Some(v) = cpu.1 {
        limits.insert("cpu".into(), json!(format!("{v}m")));
    }
    if let Some(v) = mem.0 {
        requests.insert("memory".into(), json!(v.to_string()));
    }
    if let Some(v) = mem.1 {
        limits.insert("memory".into(), json!(v.to_string()));
    }
    json!({"name": name, "resources": {"requests": requests, "limits": limits}})
}

fn pod(containers: &[(Pair, Pair)]) -> PodRow {
    let specs: Vec<Value> = containers
        .iter()
        .enumerate()
        .map(|(i, (cpu, mem))| container_json(&format!("c{i}"), *cpu, *mem))
        .collect();
    let statuses: Vec<Value> = (0..containers.len())
        .map(|i| {
            let spec = &specs[i]["resources"];
            json!({"name": format!("c{i}"), "state": {"running": {}},
                   "allocatedResources": spec["requests"], "resources": spec})
        })
        .collect();
    let value = json!({
        "metadata": {"name": "p", "namespace": "default", "uid": "u", "generation": 1},
        "spec": {"nodeName": "n", "containers": specs},
        "status": {"phase": "Running", "observedGeneration": 1, "containerStatuses": statuses},
    });
    let slim: SlimPod = serde_json::from_value(value).unwrap();
    let mut row = PodRow::from_slim(&slim);
    row.qos = Some(qos_class(row.containers.iter().map(|c| &c.desired)));
    row
}

fn usage(cpu: i64, mem: i64) -> Usage {
    Usage {
        source: Source::Prometheus {
            window: chrono::TimeDelta::days(14),
        },
        cpu_percentile: Some(cpu),
        cpu_p50: None,
        cpu_peak: None,
        memory_peak: Some(mem),
        samples: 100,
        window: chrono::TimeDelta::days(14),
        vpa_target: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn recommendations_are_valid_resizes(
        containers in prop::collection::vec((resource(1), resource(MI)), 1..4),
        which in 0usize..3,
        cpu_use in 0i64..20_000,
        mem_use in 0i64..(16 << 30),
        oom in prop::option::of(1i64..(8 << 30)),
        minor in 33u32..38,
    ) {
        let row = pod(&containers);
        let target = &row.containers[which % row.containers.len()];
        let policy = Policy::for_server(minor, false);
        let rec = recommend(&target.desired, &usage(cpu_use, mem_use), oom, &policy);
        let before = &target.desired;
        // No limit added or removed, no request removed.
        prop_assert_eq!(before.limits.cpu_millis.is_some(), rec.spec.limits.cpu_millis.is_some());
        prop_assert_eq!(before.limits.memory_bytes.is_some(), rec.spec.limits.memory_bytes.is_some());
        let eff = before.effective_requests();
        let new_eff = rec.spec.effective_requests();
        prop_assert_eq!(eff.cpu_millis.is_some(), new_eff.cpu_millis.is_some());
        prop_assert_eq!(eff.memory_bytes.is_some(), new_eff.memory_bytes.is_some());
        // Requests at or below limits.
        for (r, l) in [(new_eff.cpu_millis, rec.spec.limits.cpu_millis), (new_eff.memory_bytes, rec.spec.limits.memory_bytes)] {
            if let (Some(r), Some(l)) = (r, l) {
                prop_assert!(r <= l, "request {r} above limit {l}");
            }
        }
        // The pod's QoS class is unchanged.
        let after: Vec<_> = row.containers.iter().map(|c| if c.name == target.name { rec.spec } else { c.desired }).collect();
        prop_assert_eq!(qos_class(row.containers.iter().map(|c| &c.desired)), qos_class(after.iter()));
        // And the editor's own validation accepts it (only "nothing to change" may remain).
        if rec.changed {
            let plan = plan_resize(&row, &target.name, Edits::from_spec(&rec.spec), minor, None, CpuMem::default());
            prop_assert!(plan.is_sendable(), "1.{minor} {:?}: {:?} → {:?}", plan.errors, before, rec.spec);
        }
    }
}
