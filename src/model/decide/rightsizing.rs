//! What a container's recommendation means for the table (issue #12): per resource whether it
//! is over-requested (▼) or under-requested (▲), by how much, and how much at risk the
//! container is. Pure; the TUI's column, sort keys and header totals all come from here, and the
//! recommendation itself from `recommend`, the rule the CLI uses too.

use crate::model::decide::recommend::{Policy, Recommendation, recommend, recommend_figures};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::row::{ContainerRow, RestartPolicy};
use crate::model::pods::usage::Usage;
use std::sync::Arc;

/// How a resource's request compares with its recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Requests more than it uses: the recommendation is lower (▼).
    Over,
    /// Requests less than it uses: the recommendation is higher (▲).
    Under,
    /// Within the rule's deadband, or no figure for it.
    Fits,
}

impl Direction {
    pub fn marker(self) -> &'static str {
        match self {
            Self::Over => "▼",
            Self::Under => "▲",
            Self::Fits => " ",
        }
    }
}

/// Requested amounts above or below the recommendation (never negative).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amount {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
}

impl Amount {
    fn add(&mut self, other: Amount) {
        self.cpu_millis = self.cpu_millis.saturating_add(other.cpu_millis);
        self.memory_bytes = self.memory_bytes.saturating_add(other.memory_bytes);
    }
}

/// One container's recommendation and what it says about the container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The rule's figures; worded or not as the caller asked (see [`explain`]).
    pub recommendation: Recommendation,
    /// The figures the verdict was judged from, shared by a workload's replicas: its words are
    /// made from these when a person looks ([`explain`]), so they match the figures exactly.
    pub evidence: Arc<Usage>,
    pub cpu: Direction,
    pub memory: Direction,
    pub over: Amount,
    pub under: Amount,
    /// Per mille: the larger of memory peak / memory limit and CPU usage / CPU request, plus
    /// 1,000 for a container last OOM-killed. Sorting on it puts the likeliest trouble first.
    pub risk: i64,
}

/// 1 CPU weighs as much as 4 GiB when over-requests are ranked: about the price ratio of the
/// two on general-purpose cloud machines.
const MEMORY_BYTES_PER_CPU_MILLI: i64 = (4 << 30) / 1000;

impl Verdict {
    /// Over-request in CPU-millicore equivalents, for sorting by waste.
    pub fn waste(&self) -> i64 {
        self.over
            .cpu_millis
            .saturating_add(self.over.memory_bytes / MEMORY_BYTES_PER_CPU_MILLI)
    }
}

/// The memory limit in force when the container was last OOM-killed, if it was.
pub fn oom_limit(c: &ContainerRow) -> Option<i64> {
    if !c.oom_killed {
        return None;
    }
    c.actual
        .and_then(|a| a.limits.memory_bytes)
        .or(c.desired.limits.memory_bytes)
}

/// Everything `recommend_container` and `judge` read from a container: two containers with
/// the same inputs and the same usage get the same verdict, so a workload's replicas (one
/// usage for all) are judged once per distinct spec, not once per replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerdictInputs {
    desired: ResourceSpec,
    memory_restarts: bool,
    oom_killed: bool,
    oom_limit: Option<i64>,
}

impl VerdictInputs {
    pub fn of(c: &ContainerRow) -> Self {
        Self {
            desired: c.desired,
            memory_restarts: c.policy.memory == RestartPolicy::RestartContainer,
            oom_killed: c.oom_killed,
            oom_limit: oom_limit(c),
        }
    }
}

/// The documented rule (`policy`: percentile, margins, gate from the settings) for this
/// container on a `1.minor` server: the one entry every path goes through.
pub fn recommend_container(
    c: &ContainerRow,
    usage: &Usage,
    minor: u32,
    policy: &Policy,
) -> Recommendation {
    for_container(recommend, c, usage, minor, policy)
}

/// [`recommend_container`] without its words, for judging every container at every reading.
pub fn recommend_container_figures(
    c: &ContainerRow,
    usage: &Usage,
    minor: u32,
    policy: &Policy,
) -> Recommendation {
    for_container(recommend_figures, c, usage, minor, policy)
}

type Rule = fn(&ResourceSpec, &Usage, Option<i64>, &Policy) -> Recommendation;

/// `rule` applied to `c` with the policy of its server and memory restart policy.
fn for_container(
    rule: Rule,
    c: &ContainerRow,
    usage: &Usage,
    minor: u32,
    policy: &Policy,
) -> Recommendation {
    let inputs = VerdictInputs::of(c);
    let policy = policy.on_server(minor, inputs.memory_restarts);
    rule(&inputs.desired, usage, inputs.oom_limit, &policy)
}

/// The worded recommendation behind `verdict` for `c`: the rule again on the verdict's own
/// figures, so the words say exactly what the table shows.
pub fn explain(c: &ContainerRow, verdict: &Verdict, minor: u32, policy: &Policy) -> Recommendation {
    recommend_container(c, &verdict.evidence, minor, policy)
}

fn direction(current: Option<i64>, proposed: Option<i64>) -> (Direction, i64) {
    match (current, proposed) {
        (Some(now), Some(new)) if new < now => (Direction::Over, now - new),
        (Some(now), Some(new)) if new > now => (Direction::Under, new - now),
        (None, Some(new)) => (Direction::Under, new),
        _ => (Direction::Fits, 0),
    }
}

fn per_mille(used: Option<i64>, of: Option<i64>) -> i64 {
    match (used, of) {
        (Some(used), Some(of)) if of > 0 => used.saturating_mul(1000) / of,
        _ => 0,
    }
}

/// What the figures ask for a resource whose decrease was held back (short history, throttling,
/// an OOM kill): the table still marks it ▼ and counts it, though no change is proposed.
fn held_figure(now: Option<i64>, new: Option<i64>, target: Option<i64>) -> Option<i64> {
    let deadband = Policy::default().deadband_percent;
    match (now, new, target) {
        (Some(n), Some(p), Some(t))
            if p == n && i128::from(t) * 100 < i128::from(n) * i128::from(100 - deadband) =>
        {
            Some(t)
        }
        _ => new,
    }
}

/// Judges `c` against `recommendation`, made from `usage`.
pub fn judge(c: &ContainerRow, usage: Arc<Usage>, recommendation: Recommendation) -> Verdict {
    let now = c.desired.effective_requests();
    let mut new = recommendation.spec.effective_requests();
    if recommendation.held {
        let t = recommendation.target;
        new = CpuMem {
            cpu_millis: held_figure(now.cpu_millis, new.cpu_millis, t.cpu_millis),
            memory_bytes: held_figure(now.memory_bytes, new.memory_bytes, t.memory_bytes),
        };
    }
    let (cpu, cpu_by) = direction(now.cpu_millis, new.cpu_millis);
    let (memory, memory_by) = direction(now.memory_bytes, new.memory_bytes);
    let pick = |want: Direction| Amount {
        cpu_millis: if cpu == want { cpu_by } else { 0 },
        memory_bytes: if memory == want { memory_by } else { 0 },
    };
    let (over, under) = (pick(Direction::Over), pick(Direction::Under));
    let memory_limit = c.desired.limits.memory_bytes;
    let risk = per_mille(usage.memory_peak, memory_limit)
        .max(per_mille(usage.cpu_percentile, now.cpu_millis))
        .saturating_add(if c.oom_killed { 1000 } else { 0 });
    Verdict {
        recommendation,
        evidence: usage,
        cpu,
        memory,
        over,
        under,
        risk,
    }
}

/// What a set of containers over- and under-requests in total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub over: Amount,
    pub under: Amount,
    /// Containers with a recommendation behind the totals.
    pub judged: usize,
}

impl Totals {
    pub fn add(&mut self, verdict: &Verdict) {
        self.over.add(verdict.over);
        self.under.add(verdict.under);
        self.judged += 1;
    }
}

/// The requests the recommendation proposes, for the table's REC cell.
pub fn proposed_requests(verdict: &Verdict) -> CpuMem {
    verdict.recommendation.spec.effective_requests()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pods::resize_state::ResizeState;
    use crate::model::pods::row::{ContainerKind, RunState};
    use crate::model::pods::usage::Source;
    use chrono::{TimeDelta, Utc};

    fn container(cpu_req: i64, mem_req: i64, mem_limit: i64) -> ContainerRow {
        ContainerRow {
            name: "app".into(),
            kind: ContainerKind::Regular,
            desired: ResourceSpec {
                requests: CpuMem {
                    cpu_millis: Some(cpu_req),
                    memory_bytes: Some(mem_req),
                },
                limits: CpuMem {
                    cpu_millis: None,
                    memory_bytes: Some(mem_limit),
                },
            },
            allocated: None,
            actual: None,
            policy: Default::default(),
            restart_count: 0,
            run_state: RunState::Running,
            state: ResizeState::None,
            problems: Vec::new(),
            server_texts: None,
            oom_killed: false,
        }
    }

    fn usage(cpu_p95: i64, mem_peak: i64) -> Usage {
        Usage {
            cpu_percentile: Some(cpu_p95),
            cpu_p50: Some(cpu_p95 / 2),
            cpu_peak: Some(cpu_p95),
            memory_peak: Some(mem_peak),
            samples: 4_000,
            window: TimeDelta::days(3),
            ..Usage::new(Source::LiveSamples { since: Utc::now() })
        }
    }

    const MI: i64 = 1 << 20;

    fn verdict(c: &ContainerRow, u: &Usage) -> Verdict {
        judge(
            c,
            Arc::new(u.clone()),
            recommend_container(c, u, 35, &Policy::default()),
        )
    }

    #[test]
    fn an_idle_container_is_over_requested_by_the_difference() {
        let c = container(1000, 1024 * MI, 2048 * MI);
        let u = usage(100, 200 * MI);
        let v = verdict(&c, &u);
        assert_eq!((v.cpu, v.memory), (Direction::Over, Direction::Over));
        // 100m + the 15 % margin = 115m.
        assert_eq!(v.over.cpu_millis, 1000 - 115);
        // 200 Mi + 15 % = 230 Mi.
        assert_eq!(v.over.memory_bytes, 1024 * MI - 230 * MI);
        assert_eq!(v.under, Amount::default());
        assert!(v.waste() > 880);
    }

    #[test]
    fn a_busy_container_is_under_requested_and_at_risk() {
        let c = container(100, 100 * MI, 200 * MI);
        let u = usage(300, 190 * MI);
        let v = verdict(&c, &u);
        assert_eq!(v.cpu, Direction::Under);
        assert_eq!(v.under.cpu_millis, 345 - 100);
        assert_eq!(v.over, Amount::default());
        // CPU p95 at 300 % of its request outweighs memory at 95 % of its limit.
        assert_eq!(v.risk, 3000);
    }

    #[test]
    fn within_the_deadband_nothing_is_marked() {
        let c = container(100, 100 * MI, 200 * MI);
        let u = usage(85, 80 * MI);
        let v = verdict(&c, &u);
        assert_eq!((v.cpu, v.memory), (Direction::Fits, Direction::Fits));
        assert_eq!(v.waste(), 0);
    }

    #[test]
    fn an_oom_kill_adds_to_the_risk() {
        let mut c = container(100, 100 * MI, 200 * MI);
        let u = usage(50, 100 * MI);
        let calm = verdict(&c, &u).risk;
        c.oom_killed = true;
        assert_eq!(verdict(&c, &u).risk, calm + 1000);
    }

    #[test]
    fn totals_add_up_containers() {
        let mut totals = Totals::default();
        let a = verdict(
            &container(1000, 1024 * MI, 2048 * MI),
            &usage(100, 200 * MI),
        );
        let b = verdict(&container(100, 100 * MI, 200 * MI), &usage(300, 190 * MI));
        totals.add(&a);
        totals.add(&b);
        assert_eq!(totals.judged, 2);
        assert_eq!(totals.over.cpu_millis, 885);
        assert_eq!(totals.under.cpu_millis, 245);
    }
}
