//! Usage figures of a container as a source reports them, with their provenance: plain data
//! the cluster side sends (`events::LongUsage`) and `decide::recommend` reads.

use crate::model::ground::resources::CpuMem;
use chrono::{DateTime, TimeDelta, Utc};

/// Where a usage figure comes from; shown with every number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A VerticalPodAutoscaler's recommendation (`status.recommendation`).
    Vpa { name: String, update_mode: String },
    /// Prometheus asked over `window` (cAdvisor metrics); the figures may cover less of it.
    Prometheus { window: TimeDelta },
    /// podsize's own samples of metrics.k8s.io since `since`: low confidence.
    LiveSamples { since: DateTime<Utc> },
}

impl Source {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Vpa { .. } => "vpa",
            Self::Prometheus { .. } => "prometheus",
            Self::LiveSamples { .. } => "live-samples",
        }
    }

    /// Live samples cover minutes, not the weeks a recommendation should rest on.
    pub fn low_confidence(&self) -> bool {
        matches!(self, Self::LiveSamples { .. })
    }
}

/// Usage of one container (or of one workload's container, over all its pods) as a source
/// reports it: CPU in millicores, memory in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    pub source: Source,
    /// The chosen percentile of CPU usage (p95 by default).
    pub cpu_percentile: Option<i64>,
    pub cpu_p50: Option<i64>,
    pub cpu_peak: Option<i64>,
    /// Peak memory working set.
    pub memory_peak: Option<i64>,
    /// Samples behind the figures (for a VPA alone: not known, 0).
    pub samples: u64,
    /// The time the samples actually cover, first to last — not the window asked for, so a
    /// pod two hours old is never described as two weeks of evidence.
    pub window: TimeDelta,
    /// A VPA's own target, proposed when it is not below what the container uses.
    pub vpa_target: Option<CpuMem>,
    /// What the container uses now (metrics.k8s.io), a floor whatever the other figures say.
    pub current: CpuMem,
    /// First and last sample, when the source knows them (`window` is their distance); kept
    /// so figures of several pods can say what they cover together.
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// CFS periods the container ran in and those it was throttled in, over the window
    /// (cAdvisor's `container_cpu_cfs_periods_total` and `…_throttled_periods_total`); kept as
    /// counts, not a share, so a workload's pods add up by the periods each really had.
    pub cfs_periods: u64,
    pub cfs_throttled: u64,
    /// OOM kills counted in the window.
    pub oom_kills: u32,
    /// The highest memory limit the container was OOM-killed at in the window.
    pub oom_limit: Option<i64>,
    /// Pods the figures rest on (a workload's replicas, earlier ones included).
    pub pods: u32,
}

impl Usage {
    /// No figures yet, from `source`.
    pub fn new(source: Source) -> Self {
        Self {
            source,
            cpu_percentile: None,
            cpu_p50: None,
            cpu_peak: None,
            memory_peak: None,
            samples: 0,
            window: TimeDelta::zero(),
            vpa_target: None,
            current: CpuMem::default(),
            span: None,
            cfs_periods: 0,
            cfs_throttled: 0,
            oom_kills: 0,
            oom_limit: None,
            pods: 0,
        }
    }

    /// Throttled share of CFS periods, per mille; `None` without periods (no CPU limit, or
    /// no counters from the source).
    pub fn throttled_per_mille(&self) -> Option<i64> {
        (self.cfs_periods > 0).then(|| {
            let share = u128::from(self.cfs_throttled) * 1000 / u128::from(self.cfs_periods);
            i64::try_from(share).unwrap_or(i64::MAX)
        })
    }
}
