//! Pure domain model: quantities, pod rows, resize state, QoS and validation rules. No I/O, no UI.
//!
//! Four layers, each importing only the ones before it: `ground` (quantities, resources, time)
//! → `pods` (rows and their derived state) → `rules` (the apiserver's rules as podsize applies
//! them) → `decide` (recommendations, make-room, node room, boosts).

pub mod decide;
pub mod ground;
pub mod pods;
pub mod rules;

pub use pods::resize_state::ResizeState;
pub use pods::row::{ContainerKind, ContainerRow, PodMap, PodRow};
pub use pods::slim::SlimPod;

#[cfg(test)]
mod layering_tests;
