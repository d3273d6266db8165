//! What a container should have, from its real usage: one documented rule used by the
//! dashboard, `recommend`, `resize --recommended`, `R` and make-room's floors (issues #12, #26).
//! Pure; the figures come from `cluster/` sources with their provenance (combined by
//! `evidence`), and the result is always a valid in-place resize of the container.
//!
//! The rule:
//! - CPU request = the chosen percentile (default p95) + the CPU margin (15 %); memory request =
//!   peak working set + the memory margin (15 %). A VPA target is proposed instead where one
//!   covers the container — unless it is below what the container uses.
//! - Never below use: no request below the current use plus the margin (memory: nor below the
//!   observed peak plus the margin); no limit below the peak plus the margin. A VPA target
//!   below that is shown beside the figures and not applied.
//! - A container whose request equals its limit is sized from its peak plus the margin: it can
//!   never use more than its limit, so a percentile would throttle it by design.
//! - Evidence before a shrink: a decrease needs `Gate` (24 h covered, 100 samples); a container
//!   throttled in more than 10 % of its CFS periods gets no CPU decrease and a limit raised by
//!   the margin; one OOM-killed in the window gets no memory decrease and a limit of at least
//!   max(× 1.2, + 100Mi) of the limit it was killed at (the VPA recommender's bump).
//! - Rounded up to 5 m and 1 Mi, never below 10 m and 16 Mi; nothing is proposed for a resource
//!   within ±10 % of its current request.
//! - Never adds or removes a request or limit, and a zero request stays zero, so the QoS class
//!   is kept: request = limit stays equal; a limit above its request stays strictly above it.

use crate::model::decide::evidence::Gate;
// The one-resource shaping lives beside this file.
use crate::model::decide::recommend_resource::{Resource, one_resource, plus_percent};
pub use crate::model::decide::recommend_words::thousands;
use crate::model::decide::recommend_words::{Say, over_text};
use crate::model::ground::figures::{cpu_figure, memory_figure};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
// The usage figures are plain data the cluster side sends; they live with the pods.
pub use crate::model::decide::evidence::combine_sources;
pub use crate::model::pods::usage::{Source, Usage};
use chrono::TimeDelta;

/// The VPA recommender's OOM bump: the next memory is at least the limit at the kill × 1.2
/// and at least 100 Mi more — for a small container ×1.2 alone would only creep up.
pub const OOM_BUMP_PERCENT: i64 = 20;
pub const OOM_MIN_BUMP_BYTES: i64 = 100 << 20;

/// The knobs of the rule; `Default` is the documented rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// Percentile of CPU usage used for the request (label only: the source computes it).
    pub percentile: u8,
    /// CPU request = percentile × (1 + cpu_margin).
    pub cpu_margin_percent: i64,
    /// Memory request = peak × (1 + memory_margin).
    pub memory_margin_percent: i64,
    /// Changes within this many percent of the current request are not proposed.
    pub deadband_percent: i64,
    /// A container throttled in more of its CFS periods than this (per mille) is short of CPU.
    pub throttled_per_mille: i64,
    /// What a decrease needs (`rightsizing.min_history`).
    pub gate: Gate,
    pub cpu_step_millis: i64,
    pub memory_step_bytes: i64,
    pub cpu_min_millis: i64,
    pub memory_min_bytes: i64,
    /// The server refuses lowering this container's memory limit (1.33 without a
    /// RestartContainer memory policy, resize-api.md §4.5).
    pub memory_limit_fixed_below: bool,
}

impl Policy {
    /// The documented rule, adjusted to what a `1.minor` server accepts for a container whose
    /// memory policy is (or is not) RestartContainer.
    pub fn for_server(minor: u32, memory_restarts: bool) -> Self {
        Self::default().on_server(minor, memory_restarts)
    }

    /// This policy on a `1.minor` server (see `for_server`).
    pub fn on_server(self, minor: u32, memory_restarts: bool) -> Self {
        Self {
            memory_limit_fixed_below: minor == 33 && !memory_restarts,
            ..self
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            percentile: 95,
            cpu_margin_percent: 15,
            memory_margin_percent: 15,
            deadband_percent: 10,
            throttled_per_mille: 100,
            gate: Gate::default(),
            cpu_step_millis: 5,
            memory_step_bytes: 1 << 20,
            cpu_min_millis: 10,
            memory_min_bytes: 16 << 20,
            memory_limit_fixed_below: false,
        }
    }
}

/// A container's proposed values with their reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recommendation {
    /// The full desired spec after the change (unchanged resources keep their values).
    pub spec: ResourceSpec,
    /// The requests the rule wants, floors included, before the deadband and the gate
    /// (`None`: no figure for it).
    pub target: CpuMem,
    /// One line per resource that changes or why it does not, then any note (a VPA target
    /// below use).
    pub reasons: Vec<String>,
    pub source: Source,
    pub samples: u64,
    /// The time the figures cover, first to last sample.
    pub window: TimeDelta,
    /// Why the history is too short to shrink, when it is (shown even when nothing shrinks).
    pub short_history: Option<String>,
    /// A decrease the figures ask for was held back (short history, throttling, OOM kills).
    pub held: bool,
    /// Anything changes at all.
    pub changed: bool,
}

impl Recommendation {
    pub fn reason(&self) -> String {
        self.reasons.join("; ")
    }
}

fn positive(v: Option<i64>) -> Option<i64> {
    v.filter(|v| *v > 0)
}

/// The higher of two floors, with its words.
fn higher(a: Option<(i64, String)>, b: Option<(i64, String)>) -> Option<(i64, String)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The CPU side of the rule.
fn cpu_resource<'a>(
    current: &ResourceSpec,
    usage: &Usage,
    policy: &Policy,
    short: Option<&String>,
    notes: &mut Vec<String>,
    say: Say,
) -> Resource<'a> {
    let m = policy.cpu_margin_percent;
    let over = say.text(|| over_text(usage));
    let vpa = usage.vpa_target.and_then(|t| t.cpu_millis);
    let wanted = match (vpa, usage.cpu_percentile) {
        (Some(t), _) => Some((t, say.text(|| format!("VPA target {}", cpu_figure(t))))),
        (None, Some(p)) => Some((
            plus_percent(p, m),
            say.text(|| format!("p{} {over} = {} + {m}%", policy.percentile, cpu_figure(p))),
        )),
        (None, None) => None,
    };
    let now = positive(usage.current.cpu_millis);
    let floor = now.map(|u| {
        (
            plus_percent(u, m),
            say.text(|| format!("current use {} + {m}%", cpu_figure(u))),
        )
    });
    if let (Some(t), Some(u)) = (vpa, now)
        && plus_percent(u, m) > t
        && say.0
    {
        notes.push(format!(
            "VPA target {} is below the current use {}",
            cpu_figure(t),
            cpu_figure(u)
        ));
    }
    let peak = positive(usage.cpu_peak.max(now));
    let mut limit_floor = peak.map(|p| {
        (
            plus_percent(p, m),
            say.text(|| format!("peak {} + {m}%", cpu_figure(p))),
        )
    });
    let throttled = usage
        .throttled_per_mille()
        .filter(|t| *t > policy.throttled_per_mille);
    let mut hold = short.cloned();
    if let Some(t) = throttled {
        let words = say.text(|| format!("throttled in {}.{}% of its CFS periods", t / 10, t % 10));
        if let Some(limit) = current.limits.cpu_millis {
            limit_floor = higher(
                limit_floor,
                Some((
                    plus_percent(limit, m),
                    say.text(|| format!("{words}: limit + {m}%")),
                )),
            );
        }
        hold = Some(words);
    }
    Resource {
        label: "cpu",
        current_request: current.requests.cpu_millis,
        current_limit: current.limits.cpu_millis,
        wanted,
        // A VPA's target is already its own high percentile with a margin.
        high: (vpa.is_none())
            .then(|| {
                usage
                    .cpu_peak
                    .or(usage.cpu_percentile)
                    .map(|p| plus_percent(p, m))
            })
            .flatten(),
        floor,
        limit_floor,
        hold,
        step: policy.cpu_step_millis,
        min: policy.cpu_min_millis,
        deadband_percent: policy.deadband_percent,
        show: cpu_figure,
        limit_fixed_below: false,
        say,
    }
}

/// The memory side of the rule; `oom_limit` is the limit of a kill the row itself shows.
fn memory_resource<'a>(
    current: &ResourceSpec,
    usage: &Usage,
    oom_limit: Option<i64>,
    policy: &Policy,
    short: Option<&String>,
    notes: &mut Vec<String>,
    say: Say,
) -> Resource<'a> {
    let m = policy.memory_margin_percent;
    let over = say.text(|| over_text(usage));
    let kills = usage.oom_kills.max(u32::from(oom_limit.is_some()));
    let killed_at = usage
        .oom_limit
        .max(oom_limit)
        .or(current.limits.memory_bytes)
        .filter(|_| kills > 0);
    // The container used its whole limit when it was killed: that is its observed peak.
    let peak = positive(
        usage
            .memory_peak
            .max(killed_at)
            .max(usage.current.memory_bytes),
    );
    let vpa = usage.vpa_target.and_then(|t| t.memory_bytes);
    let wanted = match (vpa, usage.memory_peak) {
        (Some(t), _) => Some((t, say.text(|| format!("VPA target {}", memory_figure(t))))),
        (None, Some(p)) => Some((
            plus_percent(p, m),
            say.text(|| format!("peak {over} = {} + {m}%", memory_figure(p))),
        )),
        (None, None) => None,
    };
    let floor = peak.map(|p| {
        (
            plus_percent(p, m),
            say.text(|| format!("observed peak {} + {m}%", memory_figure(p))),
        )
    });
    if let (Some(t), Some(p)) = (vpa, peak)
        && plus_percent(p, m) > t
        && say.0
    {
        notes.push(format!(
            "VPA target {} is below the observed peak {}",
            memory_figure(t),
            memory_figure(p)
        ));
    }
    let mut limit_floor = floor.clone();
    let mut hold = short.cloned();
    if let Some(limit) = killed_at {
        let bump =
            plus_percent(limit, OOM_BUMP_PERCENT).max(limit.saturating_add(OOM_MIN_BUMP_BYTES));
        let words = say.text(|| {
            format!(
                "OOM-killed {kills}× at limit {} in the window",
                memory_figure(limit)
            )
        });
        limit_floor = higher(
            limit_floor,
            Some((
                bump,
                say.text(|| format!("{words}: limit at least {}", memory_figure(bump))),
            )),
        );
        hold = Some(words);
    } else if kills > 0 {
        // Killed without a limit (the node ran out): still no memory decrease.
        hold = Some(say.text(|| format!("OOM-killed {kills}× in the window")));
    }
    Resource {
        label: "memory",
        current_request: current.requests.memory_bytes,
        current_limit: current.limits.memory_bytes,
        wanted,
        high: (vpa.is_none())
            .then(|| usage.memory_peak.map(|p| plus_percent(p, m)))
            .flatten(),
        floor,
        limit_floor,
        hold,
        step: policy.memory_step_bytes,
        min: policy.memory_min_bytes,
        deadband_percent: policy.deadband_percent,
        show: memory_figure,
        limit_fixed_below: policy.memory_limit_fixed_below,
        say,
    }
}

/// Recommends new values for a container whose desired resources are `current`, from `usage`.
/// `oom_limit` is the memory limit in force when the container was last OOM-killed, as its
/// own status shows it (a source's count of kills in the window comes with `usage`).
pub fn recommend(
    current: &ResourceSpec,
    usage: &Usage,
    oom_limit: Option<i64>,
    policy: &Policy,
) -> Recommendation {
    rule(current, usage, oom_limit, policy, Say(true))
}

/// [`recommend`]'s figures without its words: `reasons` is empty and `short_history`, when
/// the history is short, an empty text. Every figure and flag is the one `recommend` gives
/// for the same inputs; for a table that judges every container at every metrics reading
/// and words only the one a person looks at.
pub fn recommend_figures(
    current: &ResourceSpec,
    usage: &Usage,
    oom_limit: Option<i64>,
    policy: &Policy,
) -> Recommendation {
    rule(current, usage, oom_limit, policy, Say(false))
}

fn rule(
    current: &ResourceSpec,
    usage: &Usage,
    oom_limit: Option<i64>,
    policy: &Policy,
    say: Say,
) -> Recommendation {
    let short = match policy.gate.shrink_allowed(usage) {
        true => None,
        false => Some(say.text(|| policy.gate.allows_shrink(usage).err().unwrap_or_default())),
    };
    let mut notes = Vec::new();
    let cpu = one_resource(&cpu_resource(
        current,
        usage,
        policy,
        short.as_ref(),
        &mut notes,
        say,
    ));
    let memory = one_resource(&memory_resource(
        current,
        usage,
        oom_limit,
        policy,
        short.as_ref(),
        &mut notes,
        say,
    ));
    let spec = ResourceSpec {
        requests: CpuMem {
            cpu_millis: cpu.request,
            memory_bytes: memory.request,
        },
        limits: CpuMem {
            cpu_millis: cpu.limit,
            memory_bytes: memory.limit,
        },
    };
    let changed =
        spec.effective_requests() != current.effective_requests() || spec.limits != current.limits;
    let mut reasons = if say.0 {
        vec![cpu.text, memory.text]
    } else {
        Vec::new()
    };
    reasons.extend(notes);
    Recommendation {
        spec,
        target: CpuMem {
            cpu_millis: cpu.wanted,
            memory_bytes: memory.wanted,
        },
        reasons,
        source: usage.source.clone(),
        samples: usage.samples,
        window: usage.window,
        short_history: short,
        held: cpu.held || memory.held,
        changed,
    }
}

#[cfg(test)]
#[path = "recommend_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "recommend_figures_props.rs"]
mod figures_props;
