//! Keys in the table, the editor, the filter and the command line, each routed through the
//! mode's binding table to a pure state change (and, for the editor, an effect to run).

use super::command_line::edit_command;
use super::editor::{EditorOutcome, EditorState};
use super::keymap::{Command, FILTER, GLOBAL, GlobalCommand, PromptCommand, command_for, lookup};
use super::line_edit::LineEdit;
use super::state::{AppState, InputMode};
use super::update::{Effect, wall_key};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

pub(super) fn on_key(state: &mut AppState, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
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
        return editor_key(state, key, now);
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
            // Help is a popup: it takes every key; its scroll keys scroll it, any other closes it.
            super::help_view::on_key(state, key);
            Vec::new()
        }
        InputMode::Normal if state.nodes_view.is_some() => {
            super::nodes::on_key(state, key);
            Vec::new()
        }
        InputMode::Normal => {
            match command_for(key) {
                Some(Command::MakeRoom) => super::nodes_make_room::open(state, now),
                Some(Command::StartupBoosts) => return super::boost::startup_boosts(state),
                Some(command) => run(state, command, now),
                None => unbound_key(state, key),
            }
            Vec::new()
        }
    }
}

fn editor_key(state: &mut AppState, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
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
            super::rightsizing::fill_editor(state, now);
            Vec::new()
        }
        EditorOutcome::MakeRoom(plan) => {
            state.editor = None;
            super::nodes_make_room::open_for_edit(state, *plan, chrono::Utc::now());
            Vec::new()
        }
    }
}

/// The pod the editor opens on: the cursor's when it is marked or nothing is; else the first
/// marked pod (the batch is the marked pods, never an unmarked one under the cursor), on the
/// cursor's container where that pod has one.
fn edit_lead(state: &AppState) -> Option<(&crate::model::PodRow, String)> {
    let (pod, container) = state.edit_target()?;
    if state.marked.is_empty() || state.marked.contains(&pod.pod_key()) {
        return Some((pod, container));
    }
    let lead = state.marked.iter().find_map(|key| state.pods.get(key))?;
    let name = match lead.container(&container) {
        Some(_) => container,
        None => (lead.containers.iter())
            .find(|c| c.kind == crate::model::ContainerKind::Regular)?
            .name
            .clone(),
    };
    Some((lead, name))
}

fn open_editor(state: &mut AppState) {
    if state.readonly() {
        state.set_status("read-only mode: editing is disabled", true);
        return;
    }
    let Some((pod, container)) = edit_lead(state) else {
        return;
    };
    let own = pod.pod_key();
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

/// A key the table does not bind says so rather than doing nothing: `r`, the key a person
/// tries for a resize, names the keys that resize.
fn unbound_key(state: &mut AppState, key: KeyEvent) {
    use crossterm::event::{KeyCode, KeyModifiers};
    let KeyCode::Char(ch) = key.code else { return };
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return;
    }
    // Short: the counts come first on the status line, and this must fit beside them.
    let text = match ch {
        'r' => "no r key: e edits, R right-sizes, ? lists every key".to_string(),
        _ => format!("no {ch} key: ? lists every key"),
    };
    state.set_status(text, false);
}

fn run(state: &mut AppState, command: Command, now: DateTime<Utc>) {
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
        Command::Help => super::help_view::open(state),
        Command::Edit => open_editor(state),
        Command::RightsizeMarked if state.readonly() => {
            state.set_status("read-only mode: editing is disabled", true);
        }
        Command::RightsizeMarked => super::rightsizing::open_rightsizing(state, now),
        Command::Boost => super::boost::open_form(state, now),
        Command::Nodes => super::nodes::open(state),
        // Need the clock or give effects: handled in `on_key`.
        Command::MakeRoom | Command::StartupBoosts => {}
        Command::ToggleMark => {
            if let Some(key) = state.selected_pod().map(crate::model::PodRow::pod_key) {
                if !state.marked.remove(&key) {
                    // The mark widens the name: keep the column wide enough for it.
                    let width = super::name_widths::marked_width(&key.name);
                    state.longest.pod = state.longest.pod.max(width);
                    state.marked.insert(key.clone());
                }
                // On to the next pod: the next row of the same pod would unmark it again.
                let from = state.selected_index();
                let next = (state.visible().iter().enumerate().skip(from + 1))
                    .find(|(_, row)| row.pod != key)
                    .map_or(from, |(i, _)| i);
                state.select(next);
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
