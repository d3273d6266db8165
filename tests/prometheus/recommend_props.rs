//! No recommendation ever breaks a resize rule (issues #12, #26): over generated pods of every
//! QoS class (zero requests included) and usage from every source, the recommended values keep
//! the QoS class, add or remove no limit, keep every request at or below its limit, never go
//! below what the container uses, shrink nothing without the history the gate asks, and pass
//! the same validation the editor runs before sending.
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
        // An explicit zero request (a BestEffort-like container that writes `0`).
        Just((Some(0), None)),
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

/// Figures from one of the three sources, with `hours` of history and what it uses now.
fn usage(cpu: i64, mem: i64, source: u8, hours: i64, now: (i64, i64)) -> Usage {
    let source = match source {
        0 => Source::Prometheus {
            window: chrono::TimeDelta::days(14),
        },
        1 => Source::Vpa {
            name: "v".into(),
            update_mode: "Off".into(),
        },
        _ => Source::LiveSamples {
            since: chrono::DateTime::UNIX_EPOCH,
        },
    };
    Usage {
        cpu_percentile: Some(cpu),
        cpu_peak: Some(cpu.max(now.0)),
        memory_peak: Some(mem.max(now.1)),
        samples: 12 * u64::try_from(hours).unwrap(),
        window: chrono::TimeDelta::hours(hours),
        // A VPA's target here is the figures themselves, so it may be far below use.
        vpa_target: matches!(source, Source::Vpa { .. }).then_some(CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(mem),
        }),
        current: CpuMem {
            cpu_millis: Some(now.0),
            memory_bytes: Some(now.1),
        },
        ..Usage::new(source)
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
        source in 0u8..3,
        hours in 0i64..72,
        now_cpu in 0i64..20_000,
        now_mem in 0i64..(16 << 30),
    ) {
        let row = pod(&containers);
        let target = &row.containers[which % row.containers.len()];
        let policy = Policy::for_server(minor, false);
        let u = usage(cpu_use, mem_use, source, hours, (now_cpu, now_mem));
        let rec = recommend(&target.desired, &u, oom, &policy);
        let before = &target.desired;
        let eff = before.effective_requests();
        let new_eff = rec.spec.effective_requests();
        // Never below what it uses now, whatever the source (a request it has, above zero).
        for (was, now, new) in [(eff.cpu_millis, now_cpu, new_eff.cpu_millis), (eff.memory_bytes, now_mem, new_eff.memory_bytes)] {
            if was.is_some_and(|w| w > 0) {
                prop_assert!(new >= Some(now), "request {new:?} below use {now}: {before:?} → {:?}", rec.spec);
            }
        }
        // No decrease of any request from less than a day of history.
        if hours < 24 && oom.is_none() {
            for (was, new) in [(eff.cpu_millis, new_eff.cpu_millis), (eff.memory_bytes, new_eff.memory_bytes)] {
                prop_assert!(new >= was, "shrunk from {hours}h: {before:?} → {:?}", rec.spec);
            }
        }
        // A zero request stays zero: giving one would change the class.
        for (was, new) in [(eff.cpu_millis, new_eff.cpu_millis), (eff.memory_bytes, new_eff.memory_bytes)] {
            if was == Some(0) {
                prop_assert_eq!(new, Some(0));
            }
        }
        // No limit added or removed, no request removed.
        prop_assert_eq!(before.limits.cpu_millis.is_some(), rec.spec.limits.cpu_millis.is_some());
        prop_assert_eq!(before.limits.memory_bytes.is_some(), rec.spec.limits.memory_bytes.is_some());
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
