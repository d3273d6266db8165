//! How low a victim may go: floors from usage evidence, the margin, and the evidence gate a
//! shrink must pass (the same question right-sizing asks before it recommends a decrease).

use crate::model::decide::recommend::Recommendation;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::usage::Usage;
use chrono::TimeDelta;

/// Default margin over the observed peak, and over the missing room, in percent.
pub const MARGIN_PERCENT: i64 = 10;

pub(super) const CPU_STEP: i64 = 5;
pub(super) const MEMORY_STEP: i64 = 1 << 20;

/// The lowest requests a container may be shrunk to: never below its recommendation's target
/// nor below its observed peak plus `margin_percent`; `None` where nothing is known.
pub fn floor_of(
    rec: Option<&Recommendation>,
    usage: Option<&Usage>,
    margin_percent: i64,
) -> CpuMem {
    let grow = |v: i64| v.saturating_mul(100 + margin_percent.max(0)) / 100;
    let target = rec.map(|r| r.target).unwrap_or_default();
    let both = |t: Option<i64>, peak: Option<i64>| match (t, peak.map(grow)) {
        (Some(t), Some(p)) => Some(t.max(p)),
        (t, p) => t.or(p),
    };
    CpuMem {
        cpu_millis: both(target.cpu_millis, usage.and_then(|u| u.cpu_peak)),
        memory_bytes: both(target.memory_bytes, usage.and_then(|u| u.memory_peak)),
    }
}

/// How much history a shrink must rest on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryGate {
    pub min_window: TimeDelta,
    pub min_samples: u64,
}

impl HistoryGate {
    /// A day of history: a peak seen over a few seconds says nothing about the nightly batch.
    pub const DEFAULT: Self = Self {
        min_window: TimeDelta::hours(24),
        min_samples: 2,
    };
}

/// Whether `usage` is evidence enough to shrink a container to a floor drawn from it.
///
/// This stands in for right-sizing's `rightsizing.min_history` gate until that lands; the
/// callers ask only this function, so swapping in the shared rule changes one place.
pub fn enough_history(usage: &Usage, gate: HistoryGate) -> Result<(), String> {
    // A VPA has seen the workload for days by its own account; its figures carry no window.
    if usage.vpa_target.is_some() {
        return Ok(());
    }
    if usage.window < gate.min_window || usage.samples < gate.min_samples {
        return Err(format!(
            "usage history covers {} in {}; a shrink needs {} in {} (--min-history)",
            crate::model::ground::time::format_age(usage.window),
            crate::model::ground::figures::counted(
                usize::try_from(usage.samples).unwrap_or(usize::MAX),
                "sample",
                "samples"
            ),
            crate::model::ground::time::format_age(gate.min_window),
            gate.min_samples
        ));
    }
    Ok(())
}

pub(super) fn round_up(v: i64, step: i64) -> i64 {
    v.saturating_add(step - 1) / step * step
}

pub(super) fn round_down(v: i64, step: i64) -> i64 {
    v / step * step
}

pub(super) fn with_margin(missing: CpuMem, percent: i64) -> CpuMem {
    let add = |m: Option<i64>, step: i64| {
        m.map(|m| match m {
            0 => 0,
            m => round_up(m.saturating_add(m * percent.max(0) / 100), step),
        })
    };
    CpuMem {
        cpu_millis: add(missing.cpu_millis, CPU_STEP),
        memory_bytes: add(missing.memory_bytes, MEMORY_STEP),
    }
}
