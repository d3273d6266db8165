//! How low a victim may go: floors from usage evidence, the margin, and the evidence gate a
//! shrink must pass (the same question right-sizing asks before it recommends a decrease).

use crate::model::decide::evidence::Gate;
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

    /// Right-sizing's gate (`rightsizing.min_history`, 100 samples): what a shrink needs
    /// unless `--min-history` (or the demo) says otherwise.
    pub fn of(gate: &Gate) -> Self {
        Self {
            min_window: gate.min_history,
            min_samples: gate.min_samples,
        }
    }
}

/// Whether `usage` is evidence enough to shrink a container to a floor drawn from it: the
/// right-sizing gate's own rule (`Gate::allows_shrink`), with make-room's thresholds.
pub fn enough_history(usage: &Usage, gate: HistoryGate) -> Result<(), String> {
    // A VPA has seen the workload for days by its own account; its figures carry no window.
    if usage.vpa_target.is_some() {
        return Ok(());
    }
    let rule = Gate {
        min_history: gate.min_window,
        min_samples: gate.min_samples,
    };
    rule.allows_shrink(usage)
        .map_err(|why| format!("{why} (rightsizing.min_history, --min-history)"))
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

#[cfg(test)]
mod gate_tests {
    use super::*;
    use crate::model::pods::usage::Source;
    use chrono::Utc;

    fn usage(hours: i64, samples: u64) -> Usage {
        Usage {
            window: TimeDelta::hours(hours),
            samples,
            ..Usage::new(Source::LiveSamples { since: Utc::now() })
        }
    }

    #[test]
    fn make_room_asks_the_right_sizing_gate_by_default() {
        let gate = HistoryGate::of(&Gate::default());
        // A day of readings but 50 samples: right-sizing holds it, so make-room does too.
        let why = enough_history(&usage(25, 50), gate).unwrap_err();
        assert!(why.contains("not enough history to shrink"), "{why}");
        assert!(enough_history(&usage(25, 100), gate).is_ok());
        assert!(enough_history(&usage(23, 1_000), gate).is_err());
        // `--min-history 0s`: any reading.
        let any = HistoryGate {
            min_window: TimeDelta::zero(),
            min_samples: 0,
        };
        assert!(enough_history(&usage(0, 1), any).is_ok());
    }
}
