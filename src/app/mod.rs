//! App state and its pure update function. No I/O, no terminal.

pub mod batch;
pub mod boost;
pub mod boost_form;
pub mod clock_redraw;
pub mod cluster_events;
pub mod clusters;
pub mod command_line;
pub mod editor;
pub mod help_view;
pub mod keymap;
pub mod keys;
pub mod line_edit;
pub mod live_usage;
pub mod loading;
pub mod name_width_cache;
pub mod name_widths;
pub mod nodes;
pub mod nodes_make_room;
pub mod planning;
pub mod preflight;
pub mod rightsizing;
mod rightsizing_refresh;
mod rightsizing_usage;
pub mod rightsizing_workload;
pub mod room;
pub mod search_index;
pub mod state;
#[cfg(test)]
mod test_readings;
pub mod update;
pub mod view;
pub mod vpa;
pub mod wall;

pub use state::AppState;
pub use update::{Action, Effect, update};
