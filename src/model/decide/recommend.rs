//! What a container should have, from its real usage: one documented rule used by the TUI and
//! the CLI alike (issue #12). Pure; the figures come from `cluster/` sources with their
//! provenance, and the result is always a valid in-place resize of the container.
//!
//! The rule:
//! - CPU request = the chosen percentile (default p95) of CPU usage; memory request = peak
//!   working set × (1 + buffer, default 15 %). A VPA target, where one exists, wins over both.
//! - A container last killed for memory (OOMKilled) gets at least its limit at the time plus
//!   the buffer.
//! - Rounded up to 5 m and 1 Mi, never below 10 m and 16 Mi; nothing is proposed for a resource
//!   within ±10 % of its current request.
//! - Never adds or removes a request or limit and keeps the QoS class: a resource whose request
//!   equals its limit keeps them equal; a limit above its request stays above it, raised (keeping
//!   the old limit/request ratio) only when the new request would reach it.

use crate::model::ground::quantity::{cpu_human, memory_human};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
// The usage figures are plain data the cluster side sends; they live with the pods.
pub use crate::model::pods::usage::{Source, Usage};
use chrono::TimeDelta;

/// The documented source order: a VPA target, then Prometheus, then live samples. Returns
/// the first source that has figures for the container.
pub fn first_by_source_order(
    vpa: Option<Usage>,
    prometheus: Option<Usage>,
    live: Option<Usage>,
) -> Option<Usage> {
    vpa.or(prometheus).or(live)
}

/// The knobs of the rule; `Default` is the documented rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// Percentile of CPU usage used for the request (label only: the source computes it).
    pub percentile: u8,
    /// Memory request = peak × (1 + memory_buffer).
    pub memory_buffer_percent: i64,
    /// Changes within this many percent of the current request are not proposed.
    pub deadband_percent: i64,
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
        Self {
            memory_limit_fixed_below: minor == 33 && !memory_restarts,
            ..Self::default()
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            percentile: 95,
            memory_buffer_percent: 15,
            deadband_percent: 10,
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
    /// The requests the rule wants, before the deadband (`None`: no figure for it).
    pub target: CpuMem,
    /// One line per resource that changes or why it does not.
    pub reasons: Vec<String>,
    pub source: Source,
    pub samples: u64,
    pub window: TimeDelta,
    /// Anything changes at all.
    pub changed: bool,
}

impl Recommendation {
    pub fn reason(&self) -> String {
        self.reasons.join("; ")
    }
}

fn round_up(value: i64, step: i64) -> i64 {
    if step <= 1 {
        return value;
    }
    value.saturating_add(step - 1) / step * step
}

/// `value × (100 + percent) / 100`, rounded up, saturating.
fn plus_percent(value: i64, percent: i64) -> i64 {
    let scaled = i128::from(value) * i128::from(100 + percent);
    i64::try_from((scaled + 99) / 100).unwrap_or(i64::MAX)
}

fn within_deadband(current: i64, target: i64, percent: i64) -> bool {
    let diff = (i128::from(target) - i128::from(current)).abs();
    diff * 100 <= i128::from(current) * i128::from(percent)
}

/// One resource's new request and limit, keeping its shape (see the module comment).
fn reshape(
    request: i64,
    old_request: i64,
    old_limit: Option<i64>,
    step: i64,
) -> (i64, Option<i64>) {
    match old_limit {
        None => (request, None),
        Some(limit) if limit <= old_request => (request, Some(request)),
        Some(limit) if request < limit => (request, Some(limit)),
        Some(limit) => {
            // Keep the old limit/request ratio, and the limit strictly above the request.
            let ratio_limit =
                i128::from(request) * i128::from(limit) / i128::from(old_request.max(1));
            let raised = round_up(i64::try_from(ratio_limit).unwrap_or(i64::MAX), step);
            (
                request,
                Some(raised.max(request.saturating_add(step.max(1)))),
            )
        }
    }
}

struct Resource<'a> {
    label: &'a str,
    current_request: Option<i64>,
    current_limit: Option<i64>,
    target: Option<i64>,
    step: i64,
    min: i64,
    show: fn(i64) -> String,
    /// The limit may not go down (see `Policy::memory_limit_fixed_below`).
    limit_fixed_below: bool,
}

/// Works out the new request and limit of one resource and says why.
fn one_resource(r: &Resource, policy: &Policy, why: &str) -> (Option<i64>, Option<i64>, String) {
    let keep = (r.current_request, r.current_limit);
    // The request the server holds: a missing one is defaulted from the limit.
    let Some(current) = r.current_request.or(r.current_limit) else {
        let text = format!(
            "{}: no request to adjust (adding one could change the QoS class)",
            r.label
        );
        return (keep.0, keep.1, text);
    };
    let Some(target) = r.target else {
        return (keep.0, keep.1, format!("{}: no usage figures", r.label));
    };
    let wanted = round_up(target.max(r.min), r.step);
    if current > 0 && within_deadband(current, wanted, policy.deadband_percent) {
        let text = format!(
            "{}: {why} → {}, within {}% of the request {}: unchanged",
            r.label,
            (r.show)(wanted),
            policy.deadband_percent,
            (r.show)(current)
        );
        return (keep.0, keep.1, text);
    }
    let (request, limit) = reshape(wanted, current, r.current_limit, r.step);
    if r.limit_fixed_below
        && let (Some(new), Some(old)) = (limit, r.current_limit)
        && new < old
    {
        let text = format!(
            "{}: {why} → {}, but this server does not lower a memory limit unless resizePolicy is RestartContainer: unchanged",
            r.label,
            (r.show)(request)
        );
        return (keep.0, keep.1, text);
    }
    let mut text = format!(
        "{}: {why}; request {} → {}",
        r.label,
        (r.show)(current),
        (r.show)(request)
    );
    if limit != r.current_limit
        && let Some(l) = limit
    {
        text.push_str(&format!(", limit → {}", (r.show)(l)));
    }
    // A request that was only defaulted from the limit is written out as it is now.
    (Some(request), limit, text)
}

fn window_text(w: TimeDelta) -> String {
    crate::model::ground::time::format_age(w)
}

/// Recommends new values for a container whose desired resources are `current`, from `usage`.
/// `oom_limit` is the memory limit in force when the container was last OOM-killed.
pub fn recommend(
    current: &ResourceSpec,
    usage: &Usage,
    oom_limit: Option<i64>,
    policy: &Policy,
) -> Recommendation {
    let samples = match usage.samples {
        0 => String::new(),
        1 => " of 1 sample".to_string(),
        n => format!(" of {} samples", thousands(n)),
    };
    // Live samples say since when, so ten minutes is never read as two weeks.
    let over = match &usage.source {
        Source::LiveSamples { since } => format!("since {}{samples}", since.format("%H:%M")),
        _ => format!("over {}{samples}", window_text(usage.window)),
    };
    let (cpu_target, cpu_why) = match (
        usage.vpa_target.and_then(|t| t.cpu_millis),
        usage.cpu_percentile,
    ) {
        (Some(t), _) => (Some(t), format!("VPA target {}", cpu_human(t))),
        (None, Some(p)) => (
            Some(p),
            format!("p{} {over} = {}", policy.percentile, cpu_human(p)),
        ),
        (None, None) => (None, String::new()),
    };
    let mut memory_target = match (
        usage.vpa_target.and_then(|t| t.memory_bytes),
        usage.memory_peak,
    ) {
        (Some(t), _) => Some((t, format!("VPA target {}", memory_human(t)))),
        (None, Some(peak)) => Some((
            plus_percent(peak, policy.memory_buffer_percent),
            format!(
                "peak {over} = {} + {}%",
                memory_human(peak),
                policy.memory_buffer_percent
            ),
        )),
        (None, None) => None,
    };
    if let Some(limit) = oom_limit {
        let floor = plus_percent(limit, policy.memory_buffer_percent);
        if memory_target.as_ref().is_none_or(|(t, _)| *t < floor) {
            memory_target = Some((
                floor,
                format!(
                    "OOM-killed at its limit {} → at least {} (+{}%)",
                    memory_human(limit),
                    memory_human(floor),
                    policy.memory_buffer_percent
                ),
            ));
        }
    }
    let (memory_target, memory_why) = match memory_target {
        Some((t, why)) => (Some(t), why),
        None => (None, String::new()),
    };
    let cpu = one_resource(
        &Resource {
            label: "cpu",
            current_request: current.requests.cpu_millis,
            current_limit: current.limits.cpu_millis,
            target: cpu_target,
            step: policy.cpu_step_millis,
            min: policy.cpu_min_millis,
            show: cpu_human,
            limit_fixed_below: false,
        },
        policy,
        &cpu_why,
    );
    let memory = one_resource(
        &Resource {
            label: "memory",
            current_request: current.requests.memory_bytes,
            current_limit: current.limits.memory_bytes,
            target: memory_target,
            step: policy.memory_step_bytes,
            min: policy.memory_min_bytes,
            show: memory_human,
            limit_fixed_below: policy.memory_limit_fixed_below,
        },
        policy,
        &memory_why,
    );
    let spec = ResourceSpec {
        requests: CpuMem {
            cpu_millis: cpu.0,
            memory_bytes: memory.0,
        },
        limits: CpuMem {
            cpu_millis: cpu.1,
            memory_bytes: memory.1,
        },
    };
    let changed =
        spec.effective_requests() != current.effective_requests() || spec.limits != current.limits;
    Recommendation {
        spec,
        target: CpuMem {
            cpu_millis: cpu_target,
            memory_bytes: memory_target,
        },
        reasons: vec![cpu.2, memory.2],
        source: usage.source.clone(),
        samples: usage.samples,
        window: usage.window,
        changed,
    }
}

/// `20160` → `20,160`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
#[path = "recommend_tests.rs"]
mod tests;
