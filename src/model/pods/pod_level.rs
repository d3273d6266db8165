//! Pod-level resources (resize-api.md §1.3, §2.6): what the kubelet allocated and applied for
//! the pod as a whole, and the pod level's resize state. A resize is atomic (§4.8): the pod's
//! conditions answer for the pod level as for its containers. Reading it from a pod is part of
//! the projection (`projection`), its state part of the derivation (`derive`).

use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::resize_state::ResizeState;

/// Pod-level status next to the desired `PodRow::pod_resources`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodLevel {
    /// `status.allocatedResources` (requests only; 1.35+).
    pub allocated: Option<CpuMem>,
    /// `status.resources` (1.35+; `None` before, or when the node does not report it).
    pub actual: Option<ResourceSpec>,
    pub state: ResizeState,
}

impl Default for PodLevel {
    fn default() -> Self {
        Self {
            allocated: None,
            actual: None,
            state: ResizeState::None,
        }
    }
}
