//! App state and its pure update function. No I/O, no terminal.

pub mod batch;
pub mod command_line;
pub mod editor;
pub mod keymap;
pub mod line_edit;
pub mod loading;
pub mod search_index;
pub mod state;
pub mod update;
pub mod view;
pub mod wall;

pub use state::AppState;
pub use update::{Action, Effect, update};
