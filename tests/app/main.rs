//! The app state machine and its widgets without a terminal: keys, the editor, themes and
//! screen snapshots.
//! One test binary with a module per file, sharing tests/common.
// Tests fail by panicking; their helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod app_loading;
mod app_update;
mod details_first_lines;
mod details_usage_line;
mod editor;
mod editor_input;
mod editor_preview;
mod editor_refusal;
mod editor_target;
mod filter_after_watch_event;
mod filter_backspace;
mod filter_no_match;
mod filter_setup;
mod help_popup;
mod marks;
mod narrow_screens;
mod pod_row;
mod preflight_dashboard;
mod preflight_dashboard_hpa;
mod rightsizing_replicas;
mod room_scope;
mod status_messages;
mod stuck_flag;
mod text_inputs;
mod theme_errors;
mod theme_load;
mod theme_shipped;
mod ui_layout;
mod ui_snapshots;
mod vpa_editor;
mod wall_highlight;
mod wall_narrow;
mod wall_without_colour;
