//! The decision layer: what podsize proposes or concludes from rows and rules — recommended
//! values from usage, right-sizing, usage history, VPA coverage, room on nodes, making room
//! for a waiting resize, and temporary boosts. May import every layer below (`ground`, `pods`,
//! `rules`).

pub mod boost;
pub mod make_room;
pub mod node_room;
pub mod preflight;
pub mod recommend;
pub mod rightsizing;
pub mod usage_history;
pub mod vpa;
