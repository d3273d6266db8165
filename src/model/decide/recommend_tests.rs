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
        source: Source::Prometheus {
            window: TimeDelta::days(14),
        },
        cpu_percentile: Some(cpu),
        cpu_p50: None,
        cpu_peak: None,
        memory_peak: Some(mem),
        samples: 20_160,
        window: TimeDelta::days(14),
        vpa_target: None,
    }
}

const MI: i64 = 1 << 20;

#[test]
fn over_provisioned_burstable_shrinks_requests_and_keeps_limits() {
    let current = spec((1000, 1024 * MI), (Some(2000), Some(2048 * MI)));
    let r = recommend(&current, &prom(212, 300 * MI), None, &Policy::default());
    assert!(r.changed);
    assert_eq!(r.spec.requests.cpu_millis, Some(215));
    assert_eq!(r.spec.requests.memory_bytes, Some(345 * MI));
    assert_eq!(r.spec.limits, current.limits);
    assert_eq!(
        r.reasons[0],
        "cpu: p95 over 14d of 20,160 samples = 212m; request 1 → 215m"
    );
}

#[test]
fn guaranteed_stays_guaranteed() {
    let current = spec((1000, 512 * MI), (Some(1000), Some(512 * MI)));
    let r = recommend(&current, &prom(300, 100 * MI), None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, r.spec.limits.cpu_millis);
    assert_eq!(r.spec.requests.memory_bytes, r.spec.limits.memory_bytes);
    assert_eq!(r.spec.requests.cpu_millis, Some(300));
}

#[test]
fn a_request_reaching_its_limit_raises_the_limit_by_the_old_ratio() {
    let current = spec((100, 64 * MI), (Some(200), Some(128 * MI)));
    let r = recommend(&current, &prom(400, 60 * MI), None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(400));
    assert_eq!(r.spec.limits.cpu_millis, Some(800));
    // Memory: 60Mi × 1.15 = 69Mi, within 10 % of 64Mi: unchanged.
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
fn vpa_target_wins_and_oom_raises_memory() {
    let current = spec((500, 256 * MI), (Some(1000), Some(256 * MI * 2)));
    let mut usage = prom(100, 100 * MI);
    usage.vpa_target = Some(CpuMem {
        cpu_millis: Some(250),
        memory_bytes: Some(200 * MI),
    });
    usage.source = Source::Vpa {
        name: "web".into(),
        update_mode: "Off".into(),
    };
    let r = recommend(&current, &usage, None, &Policy::default());
    assert_eq!(r.spec.requests.cpu_millis, Some(250));
    assert!(r.reasons[0].contains("VPA target 250m"), "{}", r.reasons[0]);
    let r = recommend(
        &current,
        &prom(500, 100 * MI),
        Some(512 * MI),
        &Policy::default(),
    );
    assert!(r.spec.requests.memory_bytes.unwrap() > 512 * MI);
    assert!(r.spec.limits.memory_bytes.unwrap() > r.spec.requests.memory_bytes.unwrap());
    assert!(r.reasons[1].contains("OOM-killed"), "{}", r.reasons[1]);
}

#[test]
fn source_order_is_vpa_then_prometheus_then_live_samples() {
    let vpa = Usage {
        source: Source::Vpa {
            name: "web-vpa".into(),
            update_mode: "Auto".into(),
        },
        ..prom(1, 1)
    };
    let live = Usage {
        source: Source::LiveSamples {
            since: DateTime::<Utc>::UNIX_EPOCH,
        },
        ..prom(1, 1)
    };
    let pick = |v: Option<&Usage>, p: Option<&Usage>, l: Option<&Usage>| {
        first_by_source_order(v.cloned(), p.cloned(), l.cloned()).map(|u| u.source.name())
    };
    let p = prom(1, 1);
    assert_eq!(pick(Some(&vpa), Some(&p), Some(&live)), Some("vpa"));
    assert_eq!(pick(None, Some(&p), Some(&live)), Some("prometheus"));
    assert_eq!(pick(None, None, Some(&live)), Some("live-samples"));
    assert_eq!(pick(Some(&vpa), None, Some(&live)), Some("vpa"));
    assert_eq!(pick(None, None, None), None);
}

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(20_160), "20,160");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
