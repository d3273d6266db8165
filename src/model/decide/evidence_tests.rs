use super::*;
use crate::model::pods::usage::Source;
use chrono::{DateTime, Utc};

fn at(hours: i64) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::hours(hours)
}

fn pod(cpu: i64, mem: i64, from: i64, to: i64, samples: u64) -> Usage {
    Usage {
        cpu_percentile: Some(cpu),
        cpu_peak: Some(cpu * 2),
        memory_peak: Some(mem),
        samples,
        span: Some((at(from), at(to))),
        window: TimeDelta::hours(to - from),
        cfs_periods: 100,
        cfs_throttled: 5,
        pods: 1,
        ..Usage::new(Source::Prometheus {
            window: TimeDelta::days(14),
        })
    }
}

#[test]
fn a_workload_rests_on_all_its_pods_old_and_new() {
    // An old ReplicaSet's pod ran hours 0–10, the new one's two replicas from 10 on.
    let pods = [
        pod(300, 100, 0, 10, 600),
        pod(100, 400, 10, 30, 1200),
        pod(150, 200, 12, 30, 1080),
    ];
    let w = aggregate(pods.iter()).unwrap_or_else(|| unreachable!());
    assert_eq!(w.pods, 3);
    assert_eq!(w.cpu_percentile, Some(300));
    assert_eq!(w.cpu_peak, Some(600));
    assert_eq!(w.memory_peak, Some(400));
    assert_eq!(w.samples, 2880);
    assert_eq!(
        w.window,
        TimeDelta::hours(30),
        "first to last sample of any pod"
    );
    assert_eq!((w.cfs_periods, w.cfs_throttled), (300, 15));
    assert_eq!(w.throttled_per_mille(), Some(50));
    assert!(aggregate(std::iter::empty()).is_none());
}

#[test]
fn the_gate_names_what_it_has_and_what_it_needs() {
    let gate = Gate::default();
    assert_eq!(
        gate.allows_shrink(&pod(1, 1, 0, 2, 40)),
        Err("not enough history to shrink (covers 2h of 24h, 40 of 100 samples)".into())
    );
    assert!(gate.allows_shrink(&pod(1, 1, 0, 24, 100)).is_ok());
    assert!(gate.allows_shrink(&pod(1, 1, 0, 48, 99)).is_err());
    let week = Gate {
        min_history: TimeDelta::days(7),
        min_samples: 100,
    };
    assert!(week.allows_shrink(&pod(1, 1, 0, 48, 1000)).is_err());
}
