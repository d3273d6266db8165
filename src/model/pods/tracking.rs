//! Following one resize request to its end (resize-api.md §5.3): submitted with generation G,
//! observed once observedGeneration ≥ G, then in progress, done, or refused.

use crate::model::pods::resize_state::{PendingResize, ResizeState};
use crate::model::pods::row::PodRow;
use chrono::{DateTime, TimeDelta, Utc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Accepted by the apiserver; the kubelet has not seen this generation yet.
    Submitted,
    /// The kubelet saw it and has not reported progress yet.
    Observed,
    InProgress,
    Deferred(String),
    /// Final: the node cannot fit it.
    Infeasible(String),
    /// Final: applying failed.
    Error(String),
    /// Final: actual values equal the requested ones.
    Done,
    /// Final: the pod or container went away.
    Gone,
}

impl Stage {
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Infeasible(_) | Self::Error(_) | Self::Done | Self::Gone
        )
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Submitted => "submitted, waiting for the kubelet".into(),
            Self::Observed => "seen by the kubelet".into(),
            Self::InProgress => "in progress".into(),
            Self::Deferred(m) => format!("deferred: {m}"),
            Self::Infeasible(m) => format!("infeasible: {m}"),
            Self::Error(m) => format!("error: {m}"),
            Self::Done => "done".into(),
            Self::Gone => "the pod or container is gone".into(),
        }
    }
}

/// Known causes of a resize that never finishes, shown when one looks stuck.
pub const STUCK_HINT: &str = "possibly stuck: the container runtime may not support in-place resize \
(e.g. containerd older than 1.6.9 never reports the new values), or the kubelet is lagging";

/// How long `pod` has been applying a resize (`state` is InProgress) when that is longer than
/// `threshold`: read from the `PodResizeInProgress` condition's lastTransitionTime, so any
/// unfinished resize is seen, whoever sent it. Servers before 1.33 (`status.resize`) give no
/// time, so there it is `None`.
pub fn stuck_for(
    pod: &PodRow,
    state: &ResizeState,
    now: DateTime<Utc>,
    threshold: TimeDelta,
) -> Option<TimeDelta> {
    if *state != ResizeState::InProgress {
        return None;
    }
    let since = pod.resize.in_progress.as_ref()?.since?;
    let elapsed = now - since;
    (elapsed > threshold).then_some(elapsed)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tracker {
    pub cluster: crate::model::pods::row::ClusterId,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// `metadata.generation` returned by the accepted patch (1.33+ servers).
    pub generation: Option<i64>,
    pub restarts_before: i32,
    pub started: DateTime<Utc>,
    pub stage: Stage,
    pub stage_since: DateTime<Utc>,
    /// The container restarted because of the resize (restartCount went up).
    pub restarted: bool,
    /// The pending condition the pod carried when the request was accepted.
    pub pending_before: Option<PendingResize>,
    /// Its looking stuck was said once already: a message re-set every tick never expires.
    pub stuck_said: bool,
}

impl Tracker {
    /// Starts following a request accepted for `row` (the pod the server returned).
    pub fn new(
        row: &PodRow,
        container: &str,
        generation: Option<i64>,
        restarts_before: i32,
        now: DateTime<Utc>,
    ) -> Self {
        let mut tracker = Self {
            cluster: row.cluster,
            namespace: row.namespace.clone(),
            pod: row.name.clone(),
            container: container.to_string(),
            generation,
            restarts_before,
            started: now,
            stage: Stage::Submitted,
            stage_since: now,
            restarted: false,
            pending_before: row.resize.pending.clone(),
            stuck_said: false,
        };
        tracker.observe(row, now);
        tracker
    }

    fn stage_for(&self, row: &PodRow) -> Stage {
        if row.container(&self.container).is_none() {
            return Stage::Gone;
        }
        // On servers without observedGeneration (1.33), the pending condition the pod carried
        // when the request was accepted answers an earlier request, not this one.
        let unanswered = self.pending_before.is_some()
            && row.resize.pending.as_ref().is_some_and(|p| {
                p.observed_generation.is_none() && Some(p) == self.pending_before.as_ref()
            });
        let state = if unanswered {
            let mut fresh = row.clone();
            fresh.resize.pending = None;
            crate::model::pods::derive::derive_states(&mut fresh);
            fresh.state
        } else {
            // The resize is atomic: it ends when the pod's resize ends, not one container's.
            row.state.clone()
        };
        let kubelet_behind =
            matches!((self.generation, row.observed_generation), (Some(g), Some(o)) if o < g);
        match state {
            ResizeState::InProgress => Stage::InProgress,
            ResizeState::Deferred(m) => Stage::Deferred(m),
            ResizeState::Infeasible(m) => Stage::Infeasible(m),
            ResizeState::Error(m) => Stage::Error(m),
            ResizeState::Submitted | ResizeState::Proposed => {
                if !kubelet_behind && self.generation.is_some() && row.observed_generation.is_some()
                {
                    Stage::Observed
                } else {
                    Stage::Submitted
                }
            }
            ResizeState::Unknown(m) => Stage::Error(format!("unknown resize status {m}")),
            ResizeState::Unsupported => {
                Stage::Error("the node does not support in-place resize".into())
            }
            // Desired equals what the kubelet allocated and applied, and nothing current is
            // pending: done, even before the kubelet reports the newest generation (a revert of
            // a Deferred resize needs no action from it).
            ResizeState::None | ResizeState::Applied | ResizeState::NotStarted => Stage::Done,
        }
    }

    /// Updates from a new version of the pod; true when the stage changed.
    pub fn observe(&mut self, row: &PodRow, now: DateTime<Utc>) -> bool {
        if self.stage.is_final()
            || row.cluster != self.cluster
            || row.namespace != self.namespace
            || row.name != self.pod
        {
            return false;
        }
        if let Some(c) = row.container(&self.container) {
            self.restarted |= c.restart_count > self.restarts_before;
        }
        let stage = self.stage_for(row);
        if stage == self.stage {
            return false;
        }
        self.stage = stage;
        self.stage_since = now;
        true
    }

    /// In progress (or waiting for the kubelet) for longer than `threshold`.
    pub fn is_stuck(&self, now: DateTime<Utc>, threshold: TimeDelta) -> bool {
        matches!(
            self.stage,
            Stage::InProgress | Stage::Submitted | Stage::Observed
        ) && now - self.stage_since > threshold
    }

    pub fn summary(&self, now: DateTime<Utc>) -> String {
        let elapsed = crate::model::ground::time::format_age(now - self.started);
        let restart = if self.restarted {
            " (container restarted)"
        } else {
            ""
        };
        format!(
            "{}/{} {}: {} after {elapsed}{restart}",
            self.namespace,
            self.pod,
            self.container,
            self.stage.describe()
        )
    }
}
