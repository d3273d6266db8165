//! The pure heart of the app: `update(state, action)` changes state and returns the
//! effects the event loop must carry out. No I/O here.

use super::command_line::{edit_command, on_context_switched, on_namespace_checked};
use super::editor::{EditorOutcome, EditorState, Stage as EditorStage};
use super::keymap::{
    Command, FILTER, GLOBAL, GlobalCommand, PromptCommand, WALL, WallCommand, command_for, lookup,
};
use super::line_edit::LineEdit;
use super::state::{AppState, InputMode};
use crate::model::events::{ClusterEvent, Connection, Scope};
use crate::model::plan::{Accepted, ResizePlan, ResizeRejected};
use crate::model::tracking::{STUCK_HINT, Stage, Tracker};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, KeyEventKind};

#[derive(Clone, Debug)]
pub enum Action {
    Key(KeyEvent),
    Cluster(ClusterEvent),
    /// The terminal now has this many table rows.
    Resize {
        table_rows: usize,
    },
    /// The server's answers to submitted resizes, one per plan, in order.
    ResizeResults(Vec<(ResizePlan, Result<Accepted, ResizeRejected>)>),
    /// The one-second clock: checks for stuck resizes.
    Tick,
    /// The answer to `Effect::CheckNamespace`.
    NamespaceChecked {
        namespace: String,
        exists: Result<bool, String>,
    },
    /// The answer to `Effect::SwitchContext`: `Err` keeps the current context.
    ContextSwitched {
        name: String,
        result: Result<(), String>,
    },
}

/// Work for the event loop.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Restart the pod watch on another scope.
    Rewatch(Scope),
    /// Reconnect through another kubeconfig context, if it exists and a client can be built.
    SwitchContext(String),
    /// Ask the server whether this namespace exists before watching it.
    CheckNamespace(String),
    /// Dry run, then send each resize.
    SubmitResizes(Vec<ResizePlan>),
    /// Send a boost (dry run, plan annotation, resize) from the `b` form.
    Boost(Box<(ResizePlan, crate::model::boost::BoostPlan)>),
    /// One batch: a dry run of every resize, then (all passing) each sent; answers come back
    /// as `Action::ResizeResults`.
    SubmitBatch(Vec<ResizePlan>),
}

pub fn update(state: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key, now),
        Action::Key(_) => Vec::new(),
        Action::Cluster(event) => {
            on_cluster(state, event, now);
            Vec::new()
        }
        Action::Resize { table_rows } => {
            state.page_rows = table_rows.max(1);
            state.dirty = true;
            Vec::new()
        }
        Action::ResizeResults(results) => {
            on_resize_results(state, results, now);
            Vec::new()
        }
        Action::NamespaceChecked { namespace, exists } => {
            on_namespace_checked(state, namespace, exists)
        }
        Action::ContextSwitched { name, result } => {
            on_context_switched(state, name, result);
            Vec::new()
        }
        Action::Tick => {
            flag_stuck(state, now);
            wall_tick(state, now);
            redraw_if_time_shown_changed(state, now);
            Vec::new()
        }
    }
}

fn on_resize_results(
    state: &mut AppState,
    results: Vec<(ResizePlan, Result<Accepted, ResizeRejected>)>,
    now: DateTime<Utc>,
) {
    if state.editor.is_none() && state.make_room.is_some() {
        return super::nodes_make_room::on_results(state, results, now);
    }
    let Some(mut editor) = state.editor.take() else {
        return;
    };
    let total = results.len();
    let mut refused = Vec::new();
    for (plan, result) in results {
        match result {
            Ok(accepted) => {
                let restarts = state
                    .pods
                    .get(&(plan.namespace.clone(), plan.pod.clone()))
                    .and_then(|p| p.container(&plan.container))
                    .map_or(0, |c| c.restart_count);
                let tracker = Tracker::new(
                    &accepted.row,
                    &plan.container,
                    accepted.generation,
                    restarts,
                    now,
                );
                state.trackers.retain(|t| {
                    !(t.namespace == tracker.namespace
                        && t.pod == tracker.pod
                        && t.container == tracker.container)
                });
                state.trackers.push(tracker);
            }
            Err(rejected) => refused.push((plan, rejected)),
        }
    }
    match refused.as_slice() {
        [] => {
            let text = if total == 1 {
                let t = state.trackers.last();
                let generation = t
                    .and_then(|t| t.generation)
                    .map(|g| format!(" (generation {g})"))
                    .unwrap_or_default();
                format!(
                    "resize of {}/{} {} accepted{generation}",
                    editor.namespace, editor.pod, editor.container
                )
            } else if editor.rightsize.is_some() {
                format!("right-sizing accepted for {total} containers")
            } else {
                format!(
                    "batch resize of {} accepted for {total} pods",
                    editor.container
                )
            };
            state.marked.clear();
            state.set_status(text, false);
        }
        [(plan, rejected), ..] => {
            let prefix = if total == 1 {
                String::new()
            } else {
                format!("{} of {total} refused; {}: ", refused.len(), plan.pod)
            };
            state.set_status(
                format!("resize refused: {prefix}{}", rejected.message),
                true,
            );
            editor.stage = EditorStage::Editing;
            editor.server_error = Some(format!("{prefix}{}", rejected.message));
            state.editor = Some(editor);
        }
    }
    state.invalidate_index();
}

/// Redraws on the clock only when a time on screen would read differently: every second
/// while seconds are shown (young pods' ages, a stale-data counter), else once a minute.
fn redraw_if_time_shown_changed(state: &mut AppState, now: DateTime<Utc>) {
    let young = chrono::TimeDelta::seconds(120);
    let window = state.page_rows.max(1) * 2;
    let start = state.selected_index().saturating_sub(window / 2);
    let shows_seconds = matches!(state.connection, Connection::Reconnecting { .. })
        || state.visible().iter().skip(start).take(window).any(|r| {
            state
                .pods
                .get(&r.pod)
                .and_then(|p| p.created)
                .is_some_and(|t| now - t < young)
        });
    let key = if shows_seconds {
        now.timestamp()
    } else {
        now.timestamp() / 60 * 60
    };
    if key != state.time_shown {
        state.time_shown = key;
        state.dirty = true;
    }
}

/// Keys on a wall display: only quitting; edit keys explain why nothing happens.
fn wall_key(state: &mut AppState, key: KeyEvent, now: DateTime<Utc>) {
    let no_input = state.wall.as_ref().is_some_and(|w| w.no_input);
    if no_input {
        return;
    }
    match lookup(WALL, key) {
        Some(WallCommand::Quit) => state.quit = true,
        Some(WallCommand::RefuseEdit) => {
            state.set_status("read-only wall display: editing is disabled", true);
        }
        Some(turn @ (WallCommand::NextPage | WallCommand::PreviousPage)) => {
            state.refresh_index();
            let pages = state.visible().len().div_ceil(state.page_rows.max(1));
            if let Some(wall) = state.wall.as_mut() {
                wall.turn(turn == WallCommand::NextPage, pages, now);
                state.dirty = true;
            }
        }
        None => {}
    }
}

fn start_rotation(state: &mut AppState) {
    // Sorted: the store is ordered by namespace.
    let mut names: Vec<&str> = state.pods.keys().map(|(ns, _)| ns.as_str()).collect();
    names.dedup();
    if let Some(wall) = state.wall.as_mut()
        && wall.start_rotation(&names)
    {
        state.invalidate_index();
    }
}

/// Turns pages on time and rotates namespaces after the last page.
fn wall_tick(state: &mut AppState, now: DateTime<Utc>) {
    start_rotation(state);
    state.refresh_index();
    let pages = state.visible().len().div_ceil(state.page_rows.max(1));
    let Some(wall) = state.wall.as_mut() else {
        return;
    };
    let (turned, wrapped) = wall.tick(now, pages);
    if wrapped && wall.rotate_namespaces {
        let mut names: Vec<&str> = state.pods.keys().map(|(ns, _)| ns.as_str()).collect();
        names.dedup();
        wall.namespace = super::wall::next_namespace(&names, wall.namespace.as_deref());
        state.invalidate_index();
    }
    if turned {
        state.dirty = true;
    }
}

fn flag_stuck(state: &mut AppState, now: DateTime<Utc>) {
    let stuck = state
        .trackers
        .iter()
        .find(|t| t.is_stuck(now, state.stuck_after))
        .map(|t| t.summary(now));
    if let Some(summary) = stuck {
        state.set_status(format!("{summary} — {STUCK_HINT}"), true);
    }
}

/// Feeds a new version of a pod to the resizes followed from this session.
fn follow_trackers(state: &mut AppState, row: &crate::model::PodRow, now: DateTime<Utc>) {
    let mut news = None;
    for tracker in state.trackers.iter_mut() {
        if tracker.observe(row, now) {
            news = Some(tracker.summary(now));
        }
    }
    if let Some(text) = news {
        let failed = state.trackers.iter().any(|t| {
            matches!(t.stage, Stage::Infeasible(_) | Stage::Error(_)) && t.pod == row.name
        });
        state.set_status(text, failed);
    }
    // Finished resizes stay visible in the status line; keep the list short.
    if state.trackers.len() > 32 {
        state.trackers.retain(|t| !t.stage.is_final());
    }
}

fn on_cluster(state: &mut AppState, event: ClusterEvent, now: DateTime<Utc>) {
    // Not data about pods either: the data's age stays as it is.
    let event = match event {
        ClusterEvent::Vpas(snap) => {
            state.vpas = super::vpa::VpaIndex::from_snapshot(*snap);
            // VPA targets come first in the recommendation's source order.
            super::rightsizing::refresh_all(state, now);
            state.dirty = true;
            return;
        }
        other => other,
    };
    if let ClusterEvent::ResizePermission { denied } = event {
        // Not data about pods: the data's age stays as it is.
        if state.header.rbac_denied != denied {
            state.header.rbac_denied = denied;
            state.replan_editor();
            state.dirty = true;
        }
        return;
    }
    state.last_data = Some(now);
    match event {
        ClusterEvent::ListStarted => super::loading::started(state),
        ClusterEvent::ListBatch(rows) => super::loading::batch(state, rows),
        ClusterEvent::ListDone => {
            if super::loading::done(state) {
                start_rotation(state);
            }
        }
        ClusterEvent::PodsReset(rows) => {
            state.pods = rows;
            state.loading = None;
            state.synced = true;
            state.connection = Connection::Connected;
            state.pods_changed();
            start_rotation(state);
        }
        ClusterEvent::PodApplied(row) => {
            follow_trackers(state, &row, now);
            if let Some(wall) = state.wall.as_mut() {
                wall.changed
                    .insert((row.namespace.clone(), row.name.clone()), now);
            }
            let edited = state
                .editor
                .as_ref()
                .is_some_and(|e| e.namespace == row.namespace && e.pod == row.name);
            let key = (row.namespace.clone(), row.name.clone());
            state.pods.insert(key.clone(), *row);
            // A new spec changes what the recommendation proposes.
            if state.rightsizing.contains_key(&key) || state.long_usage.contains_key(&key) {
                super::rightsizing::refresh_pod(state, &key, now);
            }
            state.pods_changed();
            if edited {
                // The pod under edit changed: plan against its new values.
                state.replan_editor();
            }
        }
        ClusterEvent::PodDeleted { namespace, name } => {
            let key = (namespace, name);
            state.usage_history.remove(&key);
            state.rightsizing.remove(&key);
            if state.pods.remove(&key).is_some() {
                state.pods_changed();
            }
        }
        ClusterEvent::NodesReset(nodes) => {
            state.nodes = nodes.into_iter().map(|n| (n.name.clone(), n)).collect();
        }
        ClusterEvent::NodeApplied(node) => {
            state.nodes.insert(node.name.clone(), node);
        }
        ClusterEvent::NodeDeleted(name) => {
            state.nodes.remove(&name);
        }
        ClusterEvent::Connection(conn) => {
            if state.connection != conn {
                state.connection = conn;
                state.dirty = true;
            }
        }
        ClusterEvent::Usage(usage) => {
            if let Some(list) = &usage {
                record_usage(state, list, now);
                for pod in list {
                    let key = (pod.namespace.clone(), pod.name.clone());
                    super::rightsizing::refresh_pod(state, &key, now);
                }
                state.verdicts_changed();
            }
            state.usage = usage.map(|list| {
                list.into_iter()
                    .map(|u| ((u.namespace.clone(), u.name.clone()), u))
                    .collect()
            });
            state.dirty = true;
        }
        ClusterEvent::LongUsage(Ok(found)) => {
            let keys: Vec<super::view::PodKey> = found
                .keys()
                .chain(state.long_usage.keys())
                .cloned()
                .collect();
            state.long_usage = found;
            for key in keys {
                super::rightsizing::refresh_pod(state, &key, now);
            }
            state.verdicts_changed();
        }
        ClusterEvent::LongUsage(Err(error)) => {
            state.set_status(
                format!("Prometheus: {error} (keeping the last figures)"),
                true,
            );
        }
        ClusterEvent::ResizePermission { .. } | ClusterEvent::Vpas(_) => {}
    }
}

fn on_key(state: &mut AppState, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    if lookup(GLOBAL, key) == Some(GlobalCommand::Quit) {
        state.quit = true;
        return Vec::new();
    }
    // A message answers the last action; the next one makes it old news.
    if state.status.take().is_some() {
        state.dirty = true;
    }
    if state.wall.is_some() {
        wall_key(state, key, now);
        return Vec::new();
    }
    if state.editor.is_some() {
        return editor_key(state, key);
    }
    if state.boost_form.is_some() {
        return super::boost::form_key(state, key, now);
    }
    if state.make_room.is_some() {
        return super::nodes_make_room::on_key(state, key);
    }
    match state.input.clone() {
        InputMode::Filter(text) => {
            edit_filter(state, key, text);
            Vec::new()
        }
        InputMode::Command(text) => edit_command(state, key, text),
        InputMode::Normal if state.show_help => {
            // Help is a popup: it takes every key, and any key closes it.
            state.show_help = false;
            state.dirty = true;
            Vec::new()
        }
        InputMode::Normal if state.nodes_view.is_some() => {
            super::nodes::on_key(state, key);
            Vec::new()
        }
        InputMode::Normal => {
            match command_for(key) {
                Some(Command::MakeRoom) => super::nodes_make_room::open(state, now),
                Some(command) => run(state, command),
                None => {}
            }
            Vec::new()
        }
    }
}

fn editor_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(editor) = state.editor.as_mut() else {
        return Vec::new();
    };
    let outcome = editor.on_key(key);
    state.dirty = true;
    match outcome {
        EditorOutcome::Stay => {
            state.replan_editor();
            Vec::new()
        }
        EditorOutcome::Close => {
            state.editor = None;
            Vec::new()
        }
        EditorOutcome::Submit(plans) => vec![Effect::SubmitResizes(plans)],
        EditorOutcome::WantsRecommendation => {
            super::rightsizing::fill_editor(state);
            Vec::new()
        }
    }
}

fn open_editor(state: &mut AppState) {
    if state.header.readonly {
        state.set_status("read-only mode: editing is disabled", true);
        return;
    }
    let Some((pod, container)) = state.edit_target() else {
        return;
    };
    let own = (pod.namespace.clone(), pod.name.clone());
    let mut editor = EditorState::open(pod, &container);
    if let Some(editor) = editor.as_mut() {
        // Every other marked pod is planned; those the change cannot apply to are listed as skipped.
        editor.batch_targets = state
            .marked
            .iter()
            .filter(|key| **key != own)
            .cloned()
            .collect();
    }
    state.editor = editor;
    state.replan_editor();
}

fn run(state: &mut AppState, command: Command) {
    state.refresh_index();
    let last = state.visible().len().saturating_sub(1);
    let at = state.selected_index();
    match command {
        Command::Down => state.select(at + 1),
        Command::Up => state.select(at.saturating_sub(1)),
        Command::PageDown => state.page(true),
        Command::PageUp => state.page(false),
        Command::Top => state.select(0),
        Command::Bottom => state.select(last),
        Command::StartFilter => {
            state.input = InputMode::Filter(LineEdit::new(state.filter.text.clone()));
            state.dirty = true;
        }
        Command::StartCommand => {
            state.input = InputMode::Command(LineEdit::default());
            state.dirty = true;
        }
        Command::CycleSort => {
            state.sort = state.sort.next();
            state.invalidate_index();
        }
        Command::TogglePerPod => {
            state.per_pod = !state.per_pod;
            state.invalidate_index();
        }
        Command::ToggleDetails => {
            state.show_details = !state.show_details;
            state.dirty = true;
        }
        Command::Help => {
            state.show_help = true;
            state.dirty = true;
        }
        Command::Edit => open_editor(state),
        Command::RightsizeMarked if state.header.readonly => {
            state.set_status("read-only mode: editing is disabled", true);
        }
        Command::RightsizeMarked => super::rightsizing::open_rightsizing(state),
        Command::Boost => super::boost::open_form(state, chrono::Utc::now()),
        Command::Nodes => super::nodes::open(state),
        // Needs the clock: handled in `on_key`.
        Command::MakeRoom => {}
        Command::ToggleMark => {
            if let Some(key) = state
                .selected_pod()
                .map(|p| (p.namespace.clone(), p.name.clone()))
            {
                if !state.marked.remove(&key) {
                    // The mark widens the name: keep the column wide enough for it.
                    let width = super::name_widths::marked_width(&key.1);
                    state.longest.pod = state.longest.pod.max(width);
                    state.marked.insert(key);
                }
                state.select(state.selected_index() + 1);
                state.dirty = true;
            }
        }
        Command::Escape => {
            if !state.filter.text.is_empty() {
                state.filter.text.clear();
                state.invalidate_index();
            } else if state.show_details {
                state.show_details = false;
                state.dirty = true;
            } else if !state.marked.is_empty() {
                state.marked.clear();
                state.dirty = true;
            }
        }
        Command::Quit => state.quit = true,
    }
}

fn edit_filter(state: &mut AppState, key: KeyEvent, mut line: LineEdit) {
    match lookup(FILTER, key) {
        Some(PromptCommand::Accept) => state.input = InputMode::Normal,
        Some(PromptCommand::Cancel) => {
            line.clear();
            state.input = InputMode::Normal;
        }
        _ if line.handle(key) => state.input = InputMode::Filter(line.clone()),
        _ => return,
    }
    if state.filter.text != line.text() {
        state.filter.text = line.text().to_string();
        state.invalidate_index();
    }
    state.dirty = true;
}

/// Adds one metrics reading to each container's bounded history.
fn record_usage(state: &mut AppState, list: &[crate::model::events::PodUsage], now: DateTime<Utc>) {
    use crate::model::usage_history::UsageHistory;
    // Pods that went away take their history with them.
    let pods = &state.pods;
    state.usage_history.retain(|key, _| pods.contains_key(key));
    state.rightsizing.retain(|key, _| pods.contains_key(key));
    for pod in list {
        let rings = state
            .usage_history
            .entry((pod.namespace.clone(), pod.name.clone()))
            .or_default();
        for (container, used) in &pod.containers {
            let index = match rings.iter().position(|(name, _)| name == container) {
                Some(i) => i,
                None => {
                    rings.push((container.clone(), UsageHistory::new(now)));
                    rings.len() - 1
                }
            };
            if let Some((_, ring)) = rings.get_mut(index) {
                ring.push(used.cpu_millis.unwrap_or(0), used.memory_bytes.unwrap_or(0));
            }
        }
    }
}
