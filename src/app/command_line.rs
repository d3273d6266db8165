//! The `:` command line: `:ns NAME`, `:ns all`, `:ctx NAME [NAME…]`, `:ctx all`, `:sort KEY`,
//! `:q`. A scope or
//! context change is checked by the event loop first; the answer comes back as an action,
//! and only a good answer replaces what is watched now.

use super::keymap::{COMMAND_LINE, PromptCommand, lookup};
use super::line_edit::LineEdit;
use super::state::{AppState, InputMode};
use super::update::{ContextSet, Effect};
use crate::settings::SortKey;
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
        ("ctx" | "context", Some(first)) => {
            let wanted = match first {
                "all" | "--all" | "*" => ContextSet::All,
                _ => {
                    // `:ctx a b` and `:ctx a,b` both name several clusters.
                    let names = std::iter::once(first)
                        .chain(words)
                        .flat_map(|w| w.split(','))
                        .filter(|w| !w.is_empty())
                        .map(str::to_string)
                        .collect();
                    ContextSet::Named(names)
                }
            };
            state.set_status(format!("switching to {}…", wanted.describe()), false);
            vec![Effect::SwitchContext(wanted)]
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
                format!("unknown command {line:?}: try ns, ctx, sort, nodes or q"),
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
    for cluster in &mut state.clusters {
        cluster.synced = false;
        cluster.loading = None;
    }
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

/// The error, naming the context it is about once: most errors already do.
fn named_once(context: &str, error: &str) -> String {
    if error.contains(context) {
        error.to_string()
    } else {
        format!("context {context}: {error}")
    }
}

/// The event loop built (or failed to build) a client for each context asked for; only a
/// working set replaces the current clusters and their rows.
pub fn on_context_switched(
    state: &mut AppState,
    wanted: ContextSet,
    result: Result<Vec<super::state::HeaderInfo>, String>,
) {
    match result {
        Ok(headers) => {
            // Cluster numbers now name other clusters: nothing keyed by them may stay.
            let names: Vec<String> = headers.iter().map(|h| h.context.clone()).collect();
            let fresh = AppState::with_clusters(headers, state.scope.clone());
            state.clusters = fresh.clusters;
            state.pods.clear();
            state.usage = None;
            state.usage_history.clear();
            state.long_usage.clear();
            state.rightsizing.clear();
            state.marked.clear();
            state.trackers.clear();
            state.editor = None;
            state.boost_form = None;
            state.make_room = None;
            state.nodes_view = None;
            if let Some(wall) = state.wall.as_mut() {
                wall.changed.clear();
            }
            state.pods_changed();
            let text = match names.as_slice() {
                [one] => format!("switched to context {one}"),
                many => format!("switched to {} clusters: {}", many.len(), many.join(", ")),
            };
            state.set_status(text, false);
        }
        Err(e) => {
            let current: Vec<&str> = state
                .clusters
                .iter()
                .map(|c| c.header.context.as_str())
                .collect();
            state.set_status(
                format!(
                    "{}; still on context{} {}",
                    named_once(&wanted.describe(), &e),
                    if current.len() == 1 { "" } else { "s" },
                    current.join(", ")
                ),
                true,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::named_once;

    /// `:ctx nosuch` said `context nosuch: context nosuch: kubeconfig: …` (issue #30 point 10).
    #[test]
    fn a_context_switch_error_names_the_context_once() {
        let err = "no context \"nosuch\" in the kubeconfig; its contexts: a, b";
        assert_eq!(named_once("nosuch", err), err);
        assert_eq!(
            named_once("b", "connection refused"),
            "context b: connection refused"
        );
    }
}
