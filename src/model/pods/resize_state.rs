//! What a resize is doing, derived per container and per pod (resize-api.md §5.2).

use chrono::{DateTime, Utc};

/// Resize state of one container (or the summary of a pod), most severe last in `severity`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ResizeState {
    /// Nothing pending: actual matches desired.
    None,
    /// No container status yet: new values apply when it starts.
    NotStarted,
    /// The node's kubelet does not report actual resources, so it cannot resize in place.
    Unsupported,
    /// Actual differs from desired but the kubelet reports the resize done (runtime rounding).
    Applied,
    /// Accepted by the apiserver, not yet seen by the kubelet (generation > observedGeneration).
    Submitted,
    /// `status.resize: Proposed` (servers up to 1.32).
    Proposed,
    /// The kubelet is applying it.
    InProgress,
    /// The kubelet will retry when room frees on the node.
    Deferred(String),
    /// The kubelet refused it: larger than the node.
    Infeasible(String),
    /// Applying failed (`PodResizeInProgress` reason `Error`).
    Error(String),
    /// A `status.resize` value this version of podsize does not know.
    Unknown(String),
}

impl ResizeState {
    /// Orders states by how much they need an operator's eye.
    pub fn severity(&self) -> u8 {
        match self {
            Self::None => 0,
            Self::Applied => 1,
            Self::NotStarted => 2,
            Self::Unsupported => 3,
            Self::Unknown(_) => 4,
            Self::Submitted => 5,
            Self::Proposed => 6,
            Self::InProgress => 7,
            Self::Deferred(_) => 8,
            Self::Infeasible(_) => 9,
            Self::Error(_) => 10,
        }
    }

    /// Short label with a symbol, readable without colour.
    pub fn label(&self) -> &'static str {
        match self {
            Self::None => "✓ ok",
            Self::Applied => "≈ applied",
            Self::NotStarted => "· not started",
            Self::Unsupported => "⊘ unsupported",
            Self::Submitted => "↑ submitted",
            Self::Proposed => "↑ proposed",
            Self::InProgress => "↻ in progress",
            Self::Deferred(_) => "‖ deferred",
            Self::Infeasible(_) => "✗ infeasible",
            Self::Error(_) => "‼ error",
            Self::Unknown(_) => "? unknown",
        }
    }

    /// The state in words, for a sentence (`no resize pending`, `deferred`).
    pub fn words(&self) -> &'static str {
        match self {
            Self::None => "no resize pending",
            Self::Applied => "applied",
            Self::NotStarted => "not started",
            Self::Unsupported => "the node cannot resize in place",
            Self::Submitted => "submitted, not yet seen by the kubelet",
            Self::Proposed => "proposed",
            Self::InProgress => "in progress",
            Self::Deferred(_) => "deferred",
            Self::Infeasible(_) => "infeasible",
            Self::Error(_) => "failed",
            Self::Unknown(_) => "in an unknown state",
        }
    }

    /// Stable machine name for JSON output and sorting.
    pub fn name(&self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Applied => "Applied",
            Self::NotStarted => "NotStarted",
            Self::Unsupported => "Unsupported",
            Self::Submitted => "Submitted",
            Self::Proposed => "Proposed",
            Self::InProgress => "InProgress",
            Self::Deferred(_) => "Deferred",
            Self::Infeasible(_) => "Infeasible",
            Self::Error(_) => "Error",
            Self::Unknown(_) => "Unknown",
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Deferred(m) | Self::Infeasible(m) | Self::Error(m) | Self::Unknown(m) => Some(m),
            _ => None,
        }
    }

    /// A resize is still moving (not finished, not refused).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::Proposed | Self::InProgress | Self::Deferred(_)
        )
    }
}

/// Why a resize waits (`PodResizePending`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingResize {
    pub infeasible: bool,
    pub reason: String,
    pub message: String,
    pub observed_generation: Option<i64>,
    pub since: Option<DateTime<Utc>>,
}

/// A resize being applied (`PodResizeInProgress`), possibly failing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InProgressResize {
    pub error: Option<String>,
    pub observed_generation: Option<i64>,
    pub since: Option<DateTime<Utc>>,
}

/// Everything the pod's status says about resizes, both mechanisms kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodResizeStatus {
    pub pending: Option<PendingResize>,
    pub in_progress: Option<InProgressResize>,
    /// `status.resize` (servers up to 1.32, or old kubelets).
    pub legacy: Option<String>,
}

impl PodResizeStatus {
    pub fn pending_state(&self) -> Option<ResizeState> {
        self.pending.as_ref().map(|p| {
            if p.infeasible {
                ResizeState::Infeasible(p.message.clone())
            } else {
                ResizeState::Deferred(p.message.clone())
            }
        })
    }

    pub fn in_progress_state(&self) -> Option<ResizeState> {
        self.in_progress.as_ref().map(|p| match &p.error {
            Some(message) => ResizeState::Error(message.clone()),
            None => ResizeState::InProgress,
        })
    }

    pub fn legacy_state(&self) -> Option<ResizeState> {
        let value = self.legacy.as_deref().filter(|s| !s.is_empty())?;
        Some(match value {
            "Proposed" => ResizeState::Proposed,
            "InProgress" => ResizeState::InProgress,
            "Deferred" => ResizeState::Deferred(String::new()),
            "Infeasible" => ResizeState::Infeasible(String::new()),
            other => ResizeState::Unknown(other.to_string()),
        })
    }
}
