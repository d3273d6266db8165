//! Usage figures of a container as a source reports them, with their provenance: plain data
//! the cluster side sends (`events::LongUsage`) and `decide::recommend` reads.

use crate::model::ground::resources::CpuMem;
use chrono::{DateTime, TimeDelta, Utc};

/// Where a usage figure comes from; shown with every number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A VerticalPodAutoscaler's recommendation (`status.recommendation`).
    Vpa { name: String, update_mode: String },
    /// Prometheus over `window` (cAdvisor metrics).
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

/// Usage of one container as a source reports it: CPU in millicores, memory in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    pub source: Source,
    /// The chosen percentile of CPU usage (p95 by default).
    pub cpu_percentile: Option<i64>,
    pub cpu_p50: Option<i64>,
    pub cpu_peak: Option<i64>,
    /// Peak memory working set.
    pub memory_peak: Option<i64>,
    /// Samples behind the figures (for a VPA: not known, 0).
    pub samples: u64,
    /// How far back the figures reach.
    pub window: TimeDelta,
    /// A VPA's own target, which wins over the usage figures when present.
    pub vpa_target: Option<CpuMem>,
}
