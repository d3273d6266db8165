//! Pure domain model: quantities, pod rows, resize state, QoS and validation rules. No I/O, no UI.

pub mod boost;
mod derive;
pub mod edit;
pub mod events;
pub mod make_room;
pub mod node_room;
pub mod plan;
pub mod pod_level;
pub mod pod_plan;
pub mod qos;
pub mod quantity;
pub mod recommend;
pub mod resize_state;
pub mod resources;
pub mod rightsizing;
pub mod row;
pub mod slim;
pub mod time;
pub mod tracking;
pub mod usage_history;
pub mod validation;
pub mod vpa;

pub use resize_state::ResizeState;
pub use row::{ContainerKind, ContainerRow, PodRow};
pub use slim::SlimPod;
