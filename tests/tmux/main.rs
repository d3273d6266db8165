//! The binary in tmux as a person uses it: the dashboard, the editor, batch, boost, make-room
//! and the wall, read back with capture-pane.
//! One test binary with a module per file, sharing tests/common.
// Tests fail by panicking; their helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod batch_e2e;
mod boost_tmux;
mod config_tmux;
mod dashboard_clusters_tmux;
mod first_minute_tmux;
mod log_secrets;
mod make_room_tmux;
mod narrow_walk_tmux;
mod preflight_tmux;
mod rightsizing_boost_tmux;
mod rightsizing_tmux;
mod same_cluster_contexts_tmux;
mod tmux_e2e;
mod watch_clusters_tmux;
mod watch_mode;
