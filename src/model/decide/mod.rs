//! The decision layer: what podsize proposes or concludes from rows and rules — recommended
//! values from usage, right-sizing, usage history, VPA coverage, room on nodes, making room
//! for a waiting resize, and temporary boosts. May import every layer below (`ground`, `pods`,
//! `rules`).

pub mod boost;
pub mod boost_rollout;
pub mod evidence;
pub mod lent;
pub mod make_room;
pub mod node_room;
pub mod preflight;
pub mod recommend;
mod recommend_resource;
mod recommend_words;
pub mod rightsizing;
pub mod usage_figure;
pub mod usage_history;
pub mod vpa;
pub mod workload;
