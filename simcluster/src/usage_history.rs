//! Simulated usage with shapes — flat, a daily cycle, spiky, slowly growing memory, and clearly
//! over-provisioned (request ≥ 4 × p95) — and its history written in the OpenMetrics text
//! format with cAdvisor's metric and label names, for `promtool tsdb create-blocks-from
//! openmetrics` (issue #12). Deterministic from the pod's name, so a test can recompute it.
//! Usage follows what a running container has (its applied resources), never its desired
//! values: CPU demand above the limit is throttled to it, and the CFS counters say so.

use super::store::Store;
use k8s_openapi::api::core::v1::{Container, Pod};
use std::io::Write;

/// How a container's usage moves over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Flat,
    Daily,
    Spiky,
    GrowingMemory,
    OverProvisioned,
}

impl Shape {
    pub const ALL: [Shape; 5] = [
        Self::Flat,
        Self::Daily,
        Self::Spiky,
        Self::GrowingMemory,
        Self::OverProvisioned,
    ];

    /// The shape of a container, fixed by its namespace, pod and container name.
    pub fn of(namespace: &str, pod: &str, container: &str) -> Self {
        Self::ALL[(hash(&[namespace, pod, container]) % 5) as usize]
    }
}

pub fn hash(parts: &[&str]) -> u64 {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A pseudo-random number in 0..1 for a sample, from the container and the sample index.
fn noise(seed: u64, index: i64) -> f64 {
    let mut x = seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// A container's requests in cores and bytes, with defaults for containers without any.
#[derive(Clone, Copy, Debug)]
pub struct Baseline {
    pub cpu_cores: f64,
    pub memory_bytes: f64,
    pub memory_limit: Option<f64>,
    /// CFS quota in cores, where the container has a CPU limit.
    pub cpu_limit: Option<f64>,
    /// Steady demand pinned by the pod's usage annotations (cores, bytes), as PodMetrics has it.
    pub fixed_cpu: Option<f64>,
    pub fixed_memory: Option<f64>,
}

/// CFS enforcement periods per second (the default 100 ms period).
pub const CFS_PERIODS_PER_SEC: f64 = 10.0;

/// CPU a container gets for `demand` cores under its limit, and whether it was throttled.
pub fn throttle(base: Baseline, demand: f64) -> (f64, bool) {
    match base.cpu_limit {
        Some(limit) if demand > limit => (limit, true),
        _ => (demand, false),
    }
}

fn quantity(c: &Container, kind: &str, key: &str) -> Option<f64> {
    let r = c.resources.as_ref()?;
    let map = if kind == "limits" {
        r.limits.as_ref()
    } else {
        r.requests.as_ref()
    }?;
    let text = &map.get(key)?.0;
    let q = super::rules::quantity::Quantity::parse(text).ok()?;
    Some(q.nanos() as f64 / 1e9)
}

impl Baseline {
    pub fn of(c: &Container) -> Self {
        Self {
            cpu_cores: quantity(c, "requests", "cpu")
                .or_else(|| quantity(c, "limits", "cpu"))
                .unwrap_or(0.1),
            memory_bytes: quantity(c, "requests", "memory")
                .or_else(|| quantity(c, "limits", "memory"))
                .unwrap_or(128.0 * 1024.0 * 1024.0),
            memory_limit: quantity(c, "limits", "memory"),
            cpu_limit: quantity(c, "limits", "cpu"),
            fixed_cpu: None,
            fixed_memory: None,
        }
    }

    /// From what the container of `pod` has now (resize-api.md §2.4): the applied values
    /// where the kubelet reports them, the spec otherwise.
    pub fn applied(pod: &Pod, c: &Container) -> Self {
        let Some(have) = super::kstatus::applied(pod).remove(&c.name) else {
            return Self::of(c);
        };
        let req = have.effective_requests();
        let cores = |m: Option<i64>| m.map(|m| m as f64 / 1000.0);
        let bytes = |b: Option<i64>| b.map(|b| b as f64);
        let pinned = |key: &str| {
            let text = pod.metadata.annotations.as_ref()?.get(key)?;
            let q = super::rules::quantity::Quantity::parse(text.trim()).ok()?;
            Some(q.nanos() as f64 / 1e9)
        };
        Self {
            cpu_cores: cores(req.cpu_millis).unwrap_or(0.1),
            memory_bytes: bytes(req.memory_bytes).unwrap_or(128.0 * 1024.0 * 1024.0),
            memory_limit: bytes(have.limits.memory_bytes),
            cpu_limit: cores(have.limits.cpu_millis),
            fixed_cpu: pinned(super::kstatus::CPU_USAGE_ANNOTATION),
            fixed_memory: pinned(super::kstatus::MEMORY_USAGE_ANNOTATION),
        }
    }
}

/// CPU use in cores and memory working set in bytes at `t` seconds into a window of `span` s.
pub fn usage_at(shape: Shape, base: Baseline, seed: u64, t: i64, span: i64) -> (f64, f64) {
    let day = ((t.rem_euclid(86_400)) as f64 / 86_400.0) * std::f64::consts::TAU;
    let n = noise(seed, t / 60);
    let (cpu, mem) = match shape {
        Shape::Flat => (0.55 + 0.1 * n, 0.6 + 0.02 * n),
        Shape::Daily => (
            0.35 + 0.3 * (1.0 + day.sin()) + 0.05 * n,
            0.5 + 0.15 * (1.0 + day.sin()),
        ),
        Shape::Spiky => {
            let spike = if n > 0.97 { 1.4 } else { 0.0 };
            (0.2 + 0.1 * n + spike, 0.45 + 0.05 * n)
        }
        Shape::GrowingMemory => {
            let grown = t as f64 / span.max(1) as f64;
            (0.4 + 0.1 * n, 0.4 + 0.5 * grown)
        }
        Shape::OverProvisioned => (0.08 + 0.04 * n, 0.15 + 0.02 * n),
    };
    let mut mem_bytes = base.fixed_memory.unwrap_or(mem * base.memory_bytes);
    // Memory above the limit is an OOM kill, never a reading: the working set stays below it.
    if let Some(limit) = base.memory_limit {
        mem_bytes = mem_bytes.min(limit * 0.95);
    }
    let cpu = base.fixed_cpu.unwrap_or(cpu * base.cpu_cores);
    (cpu, mem_bytes.floor())
}

/// One container's life in the written window: its labels, usage, span and OOM kill.
struct Life {
    labels: String,
    shape: Shape,
    seed: u64,
    base: Baseline,
    from: i64,
    to: i64,
    oom: Option<i64>,
}

/// `container_oom_events_total` of the containers killed in the window: 0, then 1 from the kill.
fn write_oom(out: &mut impl Write, series: &[Life], step: i64) -> std::io::Result<()> {
    writeln!(
        out,
        "# HELP container_oom_events Count of out of memory events observed for the container"
    )?;
    writeln!(out, "# TYPE container_oom_events counter")?;
    for life in series {
        let Some(kill) = life.oom else {
            continue;
        };
        let mut t = life.from;
        while t <= life.to {
            let v = u8::from(t >= kill);
            writeln!(out, "container_oom_events_total{{{}}} {v} {t}", life.labels)?;
            t += step;
        }
    }
    Ok(())
}

type CfsSeries<'a> = Vec<(&'a String, Vec<(i64, f64, f64)>)>;

fn write_cfs(out: &mut impl Write, series: &CfsSeries) -> std::io::Result<()> {
    for (name, help, pick) in [
        (
            "container_cpu_cfs_periods",
            "Number of elapsed enforcement period intervals",
            false,
        ),
        (
            "container_cpu_cfs_throttled_periods",
            "Number of throttled period intervals",
            true,
        ),
    ] {
        writeln!(out, "# HELP {name} {help}")?;
        writeln!(out, "# TYPE {name} counter")?;
        for (labels, samples) in series {
            for (t, periods, throttled) in samples {
                let v = if pick { throttled } else { periods };
                writeln!(out, "{name}_total{{{labels}}} {v} {t}")?;
            }
        }
    }
    Ok(())
}

/// Writes `window` of history ending at `end` (unix seconds), one sample every `step` seconds,
/// for every running container in the store, then `# EOF`.
pub fn write_openmetrics(
    store: &Store,
    window_secs: i64,
    step_secs: i64,
    end: i64,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let step = step_secs.max(1);
    let pods = store.all::<Pod>(None);
    let start = end - window_secs;
    // One Deployment was rolled out halfway: its current pods from then, the earlier
    // ReplicaSet's (gone now) until then.
    let rollout = super::usage_history_past::rollout(&pods);
    let halfway = start + (window_secs / 2) / step * step;
    let mut series = Vec::new();
    for pod in &pods {
        let (Some(ns), Some(name)) = (&pod.metadata.namespace, &pod.metadata.name) else {
            continue;
        };
        let rolled = rollout.as_ref().filter(|r| r.owns(pod));
        let mut lives = vec![(
            name.clone(),
            if rolled.is_some() { halfway } else { start },
            end,
        )];
        if let Some(r) = rolled {
            lives.push((r.past_pod(name), start, halfway - step));
        }
        let sidecars = pod
            .spec
            .iter()
            .flat_map(|s| s.init_containers.iter().flatten())
            .filter(|c| c.restart_policy.as_deref() == Some("Always"));
        let containers: Vec<&Container> = pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .chain(sidecars)
            .collect();
        for (name, from, to) in lives {
            for c in &containers {
                let shape = Shape::of(ns, &name, &c.name);
                let seed = hash(&[ns, &name, &c.name]);
                let labels = format!(
                    r#"namespace="{ns}",pod="{name}",container="{}",image="{}""#,
                    c.name,
                    c.image.as_deref().unwrap_or("")
                );
                let base = Baseline::applied(pod, c);
                let oom = super::usage_history_past::oom_kill_at(
                    ns,
                    &name,
                    &c.name,
                    base.memory_limit.is_some(),
                    from,
                    to,
                );
                series.push(Life {
                    labels,
                    shape,
                    seed,
                    base,
                    from,
                    to,
                    oom,
                });
            }
        }
    }
    writeln!(
        out,
        "# HELP container_cpu_usage_seconds Cumulative cpu time consumed"
    )?;
    writeln!(out, "# TYPE container_cpu_usage_seconds counter")?;
    let mut throttled_series = Vec::new();
    for life in &series {
        let (shape, seed, base, labels) = (life.shape, life.seed, life.base, &life.labels);
        let (mut total, mut periods, mut throttled) = (0.0, 0.0, 0.0);
        let mut t = life.from;
        let mut cfs = Vec::new();
        while t <= life.to {
            let (demand, _) = usage_at(shape, base, seed, t - start, window_secs);
            let (cpu, capped) = throttle(base, demand);
            total += cpu * step as f64;
            periods += CFS_PERIODS_PER_SEC * step as f64;
            if capped {
                throttled += CFS_PERIODS_PER_SEC * step as f64;
            }
            cfs.push((t, periods, throttled));
            writeln!(
                out,
                "container_cpu_usage_seconds_total{{{labels}}} {total:.6} {t}"
            )?;
            t += step;
        }
        // cAdvisor reports CFS counters only for containers with a quota (a CPU limit).
        if base.cpu_limit.is_some() {
            throttled_series.push((labels, cfs));
        }
    }
    write_cfs(out, &throttled_series)?;
    writeln!(
        out,
        "# HELP container_memory_working_set_bytes Current working set"
    )?;
    writeln!(out, "# TYPE container_memory_working_set_bytes gauge")?;
    for life in &series {
        let mut t = life.from;
        while t <= life.to {
            let (_, mem) = usage_at(life.shape, life.base, life.seed, t - start, window_secs);
            writeln!(
                out,
                "container_memory_working_set_bytes{{{}}} {mem} {t}",
                life.labels
            )?;
            t += step;
        }
    }
    write_oom(out, &series, step)?;
    writeln!(out, "# EOF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_stable_and_over_provisioned_is_far_below_its_request() {
        assert_eq!(Shape::of("a", "b", "c"), Shape::of("a", "b", "c"));
        let base = Baseline {
            cpu_cores: 1.0,
            memory_bytes: 1e9,
            memory_limit: None,
            cpu_limit: None,
            fixed_cpu: None,
            fixed_memory: None,
        };
        let peak = (0..10_000)
            .map(|i| usage_at(Shape::OverProvisioned, base, 7, i * 60, 600_000).0)
            .fold(0.0, f64::max);
        assert!(peak * 4.0 <= 1.0, "request ≥ 4 × peak: {peak}");
        let mem_limit = Baseline {
            memory_limit: Some(1e9),
            ..base
        };
        let (_, grown) = usage_at(Shape::GrowingMemory, mem_limit, 7, 600_000, 600_000);
        assert!(grown <= 0.95e9);
    }
}
