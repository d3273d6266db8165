//! What a recommendation rests on (issue #26): the sources combined into one set of figures,
//! the figures of a workload's pods combined into one, and the gate a decrease must pass.
//! Pure; `recommend` reads the result, so every path (dashboard, `recommend`, `resize
//! --recommended`, `R`, make-room floors) weighs the same evidence the same way.

use crate::model::ground::resources::CpuMem;
use crate::model::ground::time::format_age;
use crate::model::pods::row::PodRow;
use crate::model::pods::usage::{Source, Usage};
use chrono::TimeDelta;

/// What a decrease needs (`rightsizing.min_history`): a shrink from minutes of readings is a
/// guess, and a wrong guess costs throttling or an OOM kill, while a wrong raise costs money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    pub min_history: TimeDelta,
    pub min_samples: u64,
}

impl Default for Gate {
    fn default() -> Self {
        Self {
            min_history: TimeDelta::hours(24),
            min_samples: 100,
        }
    }
}

impl Gate {
    /// Whether `usage` covers enough time and samples to shrink ([`Gate::allows_shrink`]
    /// without its words).
    pub fn shrink_allowed(&self, usage: &Usage) -> bool {
        usage.window >= self.min_history && usage.samples >= self.min_samples
    }

    /// `Ok` when `usage` covers enough time and samples to shrink, else the reason, naming the
    /// history it has and the history it needs.
    pub fn allows_shrink(&self, usage: &Usage) -> Result<(), String> {
        if self.shrink_allowed(usage) {
            return Ok(());
        }
        Err(format!(
            "not enough history to shrink (covers {} of {}, {} of {} samples)",
            format_age(usage.window.max(TimeDelta::zero())),
            format_age(self.min_history),
            usage.samples,
            self.min_samples
        ))
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn max_each(a: CpuMem, b: CpuMem) -> CpuMem {
    CpuMem {
        cpu_millis: max_opt(a.cpu_millis, b.cpu_millis),
        memory_bytes: max_opt(a.memory_bytes, b.memory_bytes),
    }
}

/// The sources of one container combined, in the documented order: a VPA's target is what is
/// proposed when one covers the container, but the measured figures (Prometheus, else live
/// samples) stay beside it as the evidence and the floor; what the container uses now (live)
/// is kept as `current`, a floor whatever the source said. The peaks stay the source's own,
/// so its figures can be checked against it.
pub fn combine_sources(
    vpa: Option<Usage>,
    prometheus: Option<Usage>,
    live: Option<Usage>,
) -> Option<Usage> {
    let now = live.as_ref().map(|l| l.current);
    let measured = prometheus.or(live);
    let mut out = match (vpa, measured) {
        (Some(v), Some(m)) => Usage {
            source: v.source,
            vpa_target: v.vpa_target,
            ..m
        },
        (v, m) => v.or(m)?,
    };
    if let Some(current) = now {
        out.current = max_each(out.current, current);
    }
    Some(out)
}

/// The figures of a workload's container from those of each of its pods (earlier ReplicaSets'
/// included): every replica gets one answer, sized for the busiest — percentiles and peaks are
/// the highest of any pod, samples, CFS periods and OOM kills add up, and the window runs
/// from the first sample of any pod to the last. `None` for no pods.
pub fn aggregate<'a>(pods: impl IntoIterator<Item = &'a Usage>) -> Option<Usage> {
    let mut pods = pods.into_iter();
    let mut out = pods.next()?.clone();
    out.pods = out.pods.max(1);
    for u in pods {
        absorb(&mut out, u);
    }
    Some(finish(out))
}

/// [`aggregate`] of figures the caller owns: the first is taken, not copied (a workload of one
/// pod, most of them, costs nothing to combine).
pub fn aggregate_owned(pods: impl IntoIterator<Item = Usage>) -> Option<Usage> {
    let mut pods = pods.into_iter();
    let mut out = pods.next()?;
    out.pods = out.pods.max(1);
    for u in pods {
        absorb(&mut out, &u);
    }
    Some(finish(out))
}

/// Adds one pod's figures `u` to the workload's `out`.
fn absorb(out: &mut Usage, u: &Usage) {
    out.cpu_percentile = max_opt(out.cpu_percentile, u.cpu_percentile);
    out.cpu_p50 = max_opt(out.cpu_p50, u.cpu_p50);
    out.cpu_peak = max_opt(out.cpu_peak, u.cpu_peak);
    out.memory_peak = max_opt(out.memory_peak, u.memory_peak);
    out.current = max_each(out.current, u.current);
    out.samples = out.samples.saturating_add(u.samples);
    out.cfs_periods = out.cfs_periods.saturating_add(u.cfs_periods);
    out.cfs_throttled = out.cfs_throttled.saturating_add(u.cfs_throttled);
    out.oom_kills = out.oom_kills.saturating_add(u.oom_kills);
    out.oom_limit = max_opt(out.oom_limit, u.oom_limit);
    out.pods = out.pods.saturating_add(u.pods.max(1));
    out.span = match (out.span, u.span) {
        (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
        (a, b) => a.or(b),
    };
    if out.vpa_target.is_none() {
        out.vpa_target = u.vpa_target;
    }
}

/// The window and the live samples' start of a combined `out`.
fn finish(mut out: Usage) -> Usage {
    out.window = match out.span {
        Some((first, last)) => (last - first).max(TimeDelta::zero()),
        None => out.window,
    };
    // Live samples are labelled by when the first of any pod's readings was taken.
    if let (Source::LiveSamples { since }, Some((first, _))) = (&mut out.source, out.span) {
        *since = first;
    }
    out
}

/// Whether a reading of `pod` may count for right-sizing: not while a boost holds it above its
/// own values (`podsize.dev/boost`), nor before it is Ready — a start-up spike or a boosted
/// JVM's warm-up says nothing about what it needs afterwards, and a p95 taken from it once
/// recommended 4 CPUs for a container using 195m.
pub fn counts_for_rightsizing(pod: &PodRow) -> bool {
    pod.ready && pod.boost.is_none()
}

#[cfg(test)]
#[path = "evidence_tests.rs"]
mod tests;
