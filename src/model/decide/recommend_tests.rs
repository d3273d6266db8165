use super::*;
use chrono::{DateTime, Utc};

fn spec(req: (i64, i64), lim: (Option<i64>, Option<i64>)) -> ResourceSpec {
    ResourceSpec {
        requests: CpuMem {
            cpu_millis: Some(req.0),
            memory_bytes: Some(req.1),
        },
        limits: CpuMem {
            cpu_millis: lim.0,
            memory_bytes: lim.1,
        },
    }
}

fn prom(cpu: i64, mem: i64) -> Usage {
    Usage {
        cpu_percentile: Some(cpu),
        memory_peak: Some(mem),
        samples: 20_160,
        window: TimeDelta::days(14),
        ..Usage::new(Source::Prometheus {
            window: TimeDelta::days(14),
        })
    }
}

const MI: i64 = 1 << 20;

#[test]
fn over_provisioned_burstable_shrinks_requests_by_the_figures_plus_margin() {
    let current = spec((1000, 1024 * MI), (Some(2000), Some(2048 * MI)));
    let r = recommend(&current, &prom(212, 300 * MI), None, &Policy::default());
    assert!(r.changed);
    // 212m + 15 % = 243.8m → 245m; 300Mi + 15 % = 345Mi.
    assert_eq!(r.spec.requests.cpu_millis, Some(245));
    assert_eq!(r.spec.requests.memory_bytes, Some(345 * MI));
    assert_eq!(r.spec.limits, current.limits);
    assert_eq!(
        r.reasons[0],
        "cpu: p95 over 14d of 20,160 samples = 212m + 15%; request 1 → 245m"
    );
    assert_eq!(r.short_history, None);
}

#[test]
fn guaranteed_stays_guaranteed_and_is_sized_from_the_peak() {
    let current = spec((1000, 512 * MI), (Some(1000), Some(512 * MI)));
    let mut usage = prom(300, 100 * MI);
    usage.cpu_peak = Some(600);
    let r = recommend(&current, &usage, None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, r.spec.limits.cpu_millis);
    assert_eq!(r.spec.requests.memory_bytes, r.spec.limits.memory_bytes);
    // Not p95 (300m): the peak 600m + 15 %, since request = limit can never borrow more.
    assert_eq!(r.spec.requests.cpu_millis, Some(690));
}

#[test]
fn a_request_reaching_its_limit_raises_the_limit_by_the_old_ratio() {
    let current = spec((100, 64 * MI), (Some(200), Some(128 * MI)));
    let r = recommend(&current, &prom(400, 55 * MI), None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(460));
    assert_eq!(r.spec.limits.cpu_millis, Some(920));
    // Memory: 55Mi × 1.15 = 64Mi (63.25 rounded up), the request itself: unchanged.
    assert_eq!(r.spec.requests.memory_bytes, Some(64 * MI));
    assert!(r.reasons[1].ends_with("unchanged"), "{}", r.reasons[1]);
}

#[test]
fn no_limit_is_added_and_minimums_hold() {
    let current = spec((500, 256 * MI), (None, None));
    let r = recommend(&current, &prom(1, MI), None, &Policy::default());
    assert_eq!(r.spec.limits, CpuMem::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(10));
    assert_eq!(r.spec.requests.memory_bytes, Some(16 * MI));
}

#[test]
fn zero_requests_get_no_proposal() {
    // Requests of 0 are what a BestEffort-like container may carry: giving it one would
    // change its QoS class (issue #26, item 7: `0 → 300m` was proposed).
    let current = ResourceSpec {
        requests: CpuMem {
            cpu_millis: Some(0),
            memory_bytes: Some(0),
        },
        limits: CpuMem::default(),
    };
    let r = recommend(&current, &prom(300, 200 * MI), None, &Policy::default());
    assert!(!r.changed, "{:?}", r.spec);
    assert_eq!(r.spec, current);
    assert!(
        r.reasons[0].contains("no request to adjust"),
        "{}",
        r.reasons[0]
    );
}

fn vpa_usage(cpu: i64, mem: i64) -> Usage {
    Usage {
        vpa_target: Some(CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(mem),
        }),
        ..Usage::new(Source::Vpa {
            name: "web".into(),
            update_mode: "Off".into(),
        })
    }
}

#[test]
fn a_vpa_target_below_use_is_shown_and_not_applied() {
    // The case of issue #26, item 1: VPA target 7m/16Mi for a container using 410m/420Mi,
    // applied as 10m/16Mi limits — an OOM loop on a real cluster.
    let current = spec((500, 512 * MI), (Some(500), Some(512 * MI)));
    let mut usage = vpa_usage(7, 16 * MI);
    usage.current = CpuMem {
        cpu_millis: Some(410),
        memory_bytes: Some(420 * MI),
    };
    let r = recommend(&current, &usage, None, &Policy::default());
    let req = r.spec.effective_requests();
    assert!(req.cpu_millis >= Some(410), "{:?}", r.spec);
    assert!(req.memory_bytes >= Some(420 * MI), "{:?}", r.spec);
    assert!(r.spec.limits.memory_bytes >= Some(420 * MI), "{:?}", r.spec);
    let all = r.reason();
    assert!(
        all.contains("VPA target 16Mi is below the observed peak 420Mi"),
        "{all}"
    );
    assert!(
        all.contains("VPA target 7m is below the current use 410m"),
        "{all}"
    );
}

#[test]
fn a_vpa_target_above_use_wins_once_the_history_allows_a_shrink() {
    let current = spec((500, 256 * MI), (Some(1000), Some(512 * MI)));
    let usage = Usage {
        source: Source::Vpa {
            name: "web".into(),
            update_mode: "Off".into(),
        },
        vpa_target: Some(CpuMem {
            cpu_millis: Some(250),
            memory_bytes: Some(200 * MI),
        }),
        ..prom(100, 100 * MI)
    };
    let r = recommend(&current, &usage, None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(250));
    assert!(r.reasons[0].contains("VPA target 250m"), "{}", r.reasons[0]);
    // The same target without history behind it: no shrink.
    let thin = Usage {
        samples: 0,
        window: TimeDelta::zero(),
        ..usage
    };
    let r = recommend(&current, &thin, None, &Policy::default());
    assert_eq!(r.spec, current);
    assert!(r.held);
}

#[test]
fn a_decrease_needs_the_minimum_history_an_increase_does_not() {
    let current = spec((1000, 1024 * MI), (Some(2000), Some(2048 * MI)));
    let mut thin = prom(100, 100 * MI);
    thin.window = TimeDelta::hours(2);
    thin.samples = 40;
    let r = recommend(&current, &thin, None, &Policy::default());
    assert!(!r.changed, "{:?}", r.spec);
    assert!(r.held);
    assert_eq!(
        r.short_history.as_deref(),
        Some("not enough history to shrink (covers 2h of 24h, 40 of 100 samples)")
    );
    assert!(
        r.reasons[0].contains("held: not enough history"),
        "{}",
        r.reasons[0]
    );
    // Busier than requested: the raise goes ahead on the same thin history.
    let busy = Usage {
        cpu_percentile: Some(1500),
        ..thin.clone()
    };
    let r = recommend(&current, &busy, None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(1725));
    // Enough samples but too short a window is still not enough.
    let short = Usage {
        samples: 10_000,
        ..thin
    };
    assert!(!recommend(&current, &short, None, &Policy::default()).changed);
}

#[test]
fn throttled_containers_get_no_cpu_decrease_and_a_raised_limit() {
    let current = spec((1000, 256 * MI), (Some(1000), Some(256 * MI)));
    let mut usage = prom(200, 200 * MI);
    usage.cpu_peak = Some(400);
    usage.cfs_periods = 1000;
    usage.cfs_throttled = 230;
    let r = recommend(&current, &usage, None, &Policy::default());
    // Guaranteed: request = limit = 1000m + 15 %.
    assert_eq!(r.spec.limits.cpu_millis, Some(1150));
    assert_eq!(r.spec.requests.cpu_millis, Some(1150));
    assert!(
        r.reasons[0].contains("throttled in 23.0% of its CFS periods"),
        "{}",
        r.reasons[0]
    );
    // 10 % or less: the usual decrease.
    usage.cfs_throttled = 100;
    let r = recommend(&current, &usage, None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(460));
    // Burstable with a limit: the request is not lowered and the limit goes up.
    let burstable = spec((800, 256 * MI), (Some(1000), Some(512 * MI)));
    usage.cfs_throttled = 500;
    let r = recommend(&burstable, &usage, None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(800));
    assert_eq!(r.spec.limits.cpu_millis, Some(1150));
}

#[test]
fn an_oom_kill_blocks_memory_decreases_and_bumps_the_limit_the_vpa_way() {
    // 64Mi × 1.2 is 76.8Mi: the +100Mi minimum wins for a small container.
    let current = spec((100, 64 * MI), (Some(200), Some(64 * MI)));
    let mut usage = prom(50, 20 * MI);
    usage.oom_kills = 2;
    usage.oom_limit = Some(64 * MI);
    let r = recommend(&current, &usage, None, &Policy::default());
    assert!(r.spec.limits.memory_bytes >= Some(164 * MI), "{:?}", r.spec);
    assert!(r.spec.effective_requests().memory_bytes >= Some(64 * MI));
    assert!(
        r.reasons[1].contains("OOM-killed 2× at limit 64Mi"),
        "{}",
        r.reasons[1]
    );
    // A big container: × 1.2 wins.
    let big = spec((100, 1024 * MI), (Some(200), Some(2048 * MI)));
    let mut usage = prom(50, 100 * MI);
    usage.oom_kills = 1;
    usage.oom_limit = Some(2048 * MI);
    let r = recommend(&big, &usage, None, &Policy::default());
    assert!(
        r.spec.limits.memory_bytes >= Some(2048 * MI * 6 / 5),
        "{:?}",
        r.spec
    );
    assert!(r.spec.requests.memory_bytes >= Some(1024 * MI));
    // The row's own last state counts as a kill at its limit.
    let r = recommend(
        &big,
        &prom(50, 100 * MI),
        Some(2048 * MI),
        &Policy::default(),
    );
    assert!(
        r.spec.limits.memory_bytes >= Some(2048 * MI * 6 / 5),
        "{:?}",
        r.spec
    );
}

#[test]
fn current_use_is_a_floor_for_every_source() {
    // A p95 far below what the container uses right now (a new load) never shrinks it below.
    let current = spec((1000, 1024 * MI), (None, None));
    let mut usage = prom(50, 100 * MI);
    usage.current = CpuMem {
        cpu_millis: Some(700),
        memory_bytes: Some(600 * MI),
    };
    let r = recommend(&current, &usage, None, &Policy::default());
    // 700m + 15 %: a decrease, but not to the p95 of 50m.
    assert_eq!(r.spec.requests.cpu_millis, Some(805), "{}", r.reason());
    assert_eq!(
        r.spec.requests.memory_bytes,
        Some(690 * MI),
        "{}",
        r.reason()
    );
}

#[test]
fn sources_combine_with_the_vpa_first_and_live_use_as_a_floor() {
    let vpa = vpa_usage(250, 200 * MI);
    let live = Usage {
        current: CpuMem {
            cpu_millis: Some(300),
            memory_bytes: Some(150 * MI),
        },
        samples: 1,
        ..Usage::new(Source::LiveSamples {
            since: DateTime::<Utc>::UNIX_EPOCH,
        })
    };
    let p = prom(1, 1);
    let pick = |v: Option<&Usage>, p: Option<&Usage>, l: Option<&Usage>| {
        combine_sources(v.cloned(), p.cloned(), l.cloned())
    };
    let name = |u: Option<Usage>| u.map(|u| u.source.name());
    assert_eq!(name(pick(Some(&vpa), Some(&p), Some(&live))), Some("vpa"));
    assert_eq!(name(pick(None, Some(&p), Some(&live))), Some("prometheus"));
    assert_eq!(name(pick(None, None, Some(&live))), Some("live-samples"));
    assert_eq!(name(pick(Some(&vpa), None, Some(&live))), Some("vpa"));
    assert_eq!(name(pick(None, None, None)), None);
    // The VPA's target with Prometheus's evidence and live use as the floor.
    let both = pick(Some(&vpa), Some(&p), Some(&live)).unwrap_or_else(|| unreachable!());
    assert_eq!(both.samples, 20_160);
    assert_eq!(both.vpa_target, vpa.vpa_target);
    assert_eq!(both.current.cpu_millis, Some(300));
}

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(20_160), "20,160");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
