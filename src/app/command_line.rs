//! The `:` command line: `:ns NAME`, `:ns all`, `:ctx NAME`, `:sort KEY`, `:q`. A scope or
//! context change is checked by the event loop first; the answer comes back as an action,
//! and only a good answer replaces what is watched now.

use super::keymap::{COMMAND_LINE, PromptCommand, lookup};
use super::line_edit::LineEdit;
use super::state::{AppState, InputMode};
use super::update::Effect;
use super::view::SortKey;
use crossterm::event::KeyEvent;

pub fn edit_command(state: &mut AppState, key: KeyEvent, mut line: LineEdit) -> Vec<Effect> {
    state.dirty = true;
    match lookup(COMMAND_LINE, key) {
        Some(PromptCommand::Cancel) => state.input = InputMode::Normal,
        Some(PromptCommand::Accept) => {
            state.input = InputMode::Normal;
            return run_command_line(state, line.text());
        }
        None => {
            line.handle(key);
            state.input = InputMode::Command(line);
        }
    }
    Vec::new()
}

fn sort_keys() -> String {
    let names: Vec<String> = SortKey::ALL.iter().map(|k| k.name()).collect();
    names.join(", ")
}

fn run_command_line(state: &mut AppState, line: &str) -> Vec<Effect> {
    let mut words = line.split_whitespace();
    let verb = words.next().unwrap_or_default();
    let arg = words.next();
    match (verb, arg) {
        ("ns" | "namespace", Some("all" | "-A")) => switch_namespace(state, None),
        ("ns" | "namespace", Some(ns)) => {
            if state.scope.namespace.as_deref() == Some(ns) {
                return Vec::new();
            }
            state.set_status(format!("checking namespace {ns}…"), false);
            vec![Effect::CheckNamespace(ns.to_string())]
        }
        ("ctx" | "context", Some(name)) => {
            state.set_status(format!("switching to context {name}…"), false);
            vec![Effect::SwitchContext(name.to_string())]
        }
        ("sort", Some(key)) => {
            match SortKey::parse(key) {
                Some(sort) => {
                    state.sort = sort;
                    state.invalidate_index();
                }
                None => state.set_status(
                    format!("unknown sort key {key:?}: try {}", sort_keys()),
                    true,
                ),
            }
            Vec::new()
        }
        ("nodes" | "no", None) => {
            super::nodes::open(state);
            Vec::new()
        }
        ("q" | "quit", None) => {
            state.quit = true;
            Vec::new()
        }
        _ => {
            state.set_status(
                format!("unknown command {line:?}: try ns NAME, ns all, ctx NAME, sort KEY"),
                true,
            );
            Vec::new()
        }
    }
}

fn switch_namespace(state: &mut AppState, namespace: Option<String>) -> Vec<Effect> {
    if namespace == state.scope.namespace {
        return Vec::new();
    }
    state.scope.namespace = namespace;
    state.pods.clear();
    state.synced = false;
    state.loading = None;
    state.pods_changed();
    state.set_status(format!("watching {}", state.scope.describe()), false);
    vec![Effect::Rewatch(state.scope.clone())]
}

/// The server's answer to `GET namespaces/NAME`: `Ok(false)` when it does not exist.
/// When it cannot be asked (RBAC allows pods only), the switch goes ahead: the pod list
/// will say what there is.
pub fn on_namespace_checked(
    state: &mut AppState,
    namespace: String,
    exists: Result<bool, String>,
) -> Vec<Effect> {
    match exists {
        Ok(false) => {
            let text = format!(
                "namespace {namespace:?} does not exist; still watching {}",
                state.scope.describe()
            );
            state.set_status(text, true);
            Vec::new()
        }
        Ok(true) | Err(_) => switch_namespace(state, Some(namespace)),
    }
}

/// The event loop built (or failed to build) a client for context `name`; only a working
/// one replaces the current connection and its rows.
pub fn on_context_switched(state: &mut AppState, name: String, result: Result<(), String>) {
    match result {
        Ok(()) => {
            state.pods.clear();
            state.nodes.clear();
            state.synced = false;
            state.loading = None;
            state.header.context = name.clone();
            state.pods_changed();
            state.set_status(format!("switched to context {name}"), false);
        }
        Err(e) => {
            let current = state.header.context.clone();
            state.set_status(
                format!("context {name}: {e}; still on context {current}"),
                true,
            );
        }
    }
}
