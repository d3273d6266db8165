//! `recommend_figures` is `recommend` without its words: for any container and any figures,
//! every figure and flag of the two agree, and only the words differ. The dashboard judges
//! with one and words the row on show with the other, so a disagreement would put a reason
//! beside a figure it does not explain.

use super::*;
use crate::model::decide::evidence::Gate;
use chrono::{DateTime, Utc};
use proptest::prelude::*;

fn opt(v: i64) -> Option<i64> {
    (v >= 0).then_some(v)
}

prop_compose! {
    fn spec()(req in (-1i64..4000, -1i64..(8i64 << 30)),
              lim in (-1i64..8000, -1i64..(16i64 << 30))) -> ResourceSpec {
        ResourceSpec {
            requests: CpuMem { cpu_millis: opt(req.0), memory_bytes: opt(req.1) },
            limits: CpuMem { cpu_millis: opt(lim.0), memory_bytes: opt(lim.1) },
        }
    }
}

prop_compose! {
    fn usage()(cpu in (-1i64..6000, -1i64..6000, -1i64..6000),
               mem in (-1i64..(12i64 << 30), -1i64..(12i64 << 30)),
               vpa in (-1i64..6000, -1i64..(12i64 << 30), any::<bool>()),
               samples in 0u64..5000, minutes in 0i64..(3 * 24 * 60),
               cfs in (0u64..1000, 0u64..1000), kills in 0u32..3, pods in 1u32..5,
               source in 0u8..3) -> Usage {
        let since = DateTime::<Utc>::from_timestamp(1_764_300_000, 0).unwrap_or_default();
        let source = match source {
            0 => Source::LiveSamples { since },
            1 => Source::Prometheus { window: TimeDelta::days(14) },
            _ => Source::Vpa { name: "v".into(), update_mode: "Off".into() },
        };
        Usage {
            cpu_percentile: opt(cpu.0),
            cpu_p50: opt(cpu.1),
            cpu_peak: opt(cpu.2),
            memory_peak: opt(mem.0),
            samples,
            window: TimeDelta::minutes(minutes),
            vpa_target: vpa.2.then(|| CpuMem { cpu_millis: opt(vpa.0), memory_bytes: opt(vpa.1) }),
            current: CpuMem { cpu_millis: opt(cpu.1), memory_bytes: opt(mem.1) },
            cfs_periods: cfs.0.max(cfs.1),
            cfs_throttled: cfs.1.min(cfs.0),
            oom_kills: kills,
            oom_limit: (kills > 0).then_some(mem.1.max(1)),
            pods,
            ..Usage::new(source)
        }
    }
}

proptest! {
    #[test]
    fn figures_match_the_worded_rule(
        current in spec(),
        usage in usage(),
        oom in prop::option::of(1i64..(8i64 << 30)),
        fixed in any::<bool>(),
        hours in 0i64..48,
    ) {
        let policy = Policy {
            memory_limit_fixed_below: fixed,
            gate: Gate { min_history: TimeDelta::hours(hours), ..Gate::default() },
            ..Policy::default()
        };
        let worded = recommend(&current, &usage, oom, &policy);
        let quiet = recommend_figures(&current, &usage, oom, &policy);
        prop_assert!(quiet.reasons.is_empty());
        prop_assert!(!worded.reasons.is_empty());
        prop_assert_eq!(quiet.short_history.is_some(), worded.short_history.is_some());
        let unworded = Recommendation {
            reasons: Vec::new(),
            short_history: worded.short_history.as_ref().map(|_| String::new()),
            ..worded
        };
        prop_assert_eq!(quiet, unworded);
    }
}
