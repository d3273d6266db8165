//! The rules layer: the apiserver's rules as podsize applies them before sending anything —
//! edits of a value, validation of a resize, the worked-out plan and patch for a container or
//! the pod level, and what the server's version refuses. Imports `ground` and `pods`.

pub mod edit;
pub mod edits;
pub mod patch;
pub mod plan;
pub mod pod_plan;
pub mod server;
pub mod validation;
