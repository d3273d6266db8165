//! The ground layer: Kubernetes quantities, cpu/memory value pairs and time as the API writes
//! them. Plain values with no notion of pods; nothing here imports any other part of the model.

pub mod figures;
pub mod quantity;
pub mod resources;
pub mod time;
