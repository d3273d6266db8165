//! The pure heart of the app: `update(state, action)` changes state and returns the
//! effects the event loop must carry out. No I/O here.

use super::cluster_events::on_cluster;
use super::command_line::{on_context_switched, on_namespace_checked};
use super::editor::Stage as EditorStage;
use super::keymap::{WALL, WallCommand, lookup};
use super::keys::on_key;
use super::state::AppState;
use crate::model::pods::events::{ClusterEvent, Scope};
use crate::model::pods::tracking::STUCK_HINT;
use crate::model::rules::plan::{Accepted, ResizePlan, ResizeRejected};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, KeyEventKind};

#[derive(Clone, Debug)]
pub enum Action {
    Key(KeyEvent),
    /// What the only (or first) cluster said; shorthand for `ClusterOf(0, _)`.
    Cluster(ClusterEvent),
    /// What cluster N (its place among the clusters on show) said.
    ClusterOf(crate::model::pods::row::ClusterId, ClusterEvent),
    /// The terminal now has this many table rows, and help scrolls this far.
    Resize {
        table_rows: usize,
        help_ends: super::help_view::HelpEnds,
    },
    /// The server's answers to submitted resizes, one per plan, in order.
    ResizeResults(Vec<(ResizePlan, Result<Accepted, ResizeRejected>)>),
    /// What sending a make-room plan did (and the answer to the edit sent after it).
    MakeRoomSent(Box<MakeRoomSent>),
    /// The one-second clock: checks for stuck resizes.
    Tick,
    /// The answer to `Effect::CheckNamespace`.
    NamespaceChecked {
        namespace: String,
        exists: Result<bool, String>,
    },
    /// The answer to `Effect::SwitchContext`: the new clusters' headers, in order, or why
    /// not (the current clusters stay).
    ContextSwitched {
        wanted: ContextSet,
        result: Result<Vec<super::state::HeaderInfo>, String>,
    },
}

/// Work for the event loop.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Restart the pod watch on another scope.
    Rewatch(Scope),
    /// Reconnect through other kubeconfig contexts, if each exists and a client can be built.
    SwitchContext(ContextSet),
    /// Ask the server whether this namespace exists before watching it.
    CheckNamespace(String),
    /// Dry run, then send each resize.
    SubmitResizes(Vec<ResizePlan>),
    /// Send a boost (dry run, plan annotation, resize) from the `b` form.
    Boost(Box<(ResizePlan, crate::model::decide::boost::BoostPlan)>),
    /// Start (or, when running, stop) start-up boosts for the workload of this pod.
    StartupBoosts(crate::model::pods::row::PodKey),
    /// A make-room plan, sent all or nothing (a refusal puts back what was sent), then the
    /// edit it made room for, if any; the answer comes back as `Action::MakeRoomSent`.
    MakeRoom(Box<MakeRoomBatch>),
}

/// A make-room plan to send, and the edit to send once the room is made.
#[derive(Clone, Debug, PartialEq)]
pub struct MakeRoomBatch {
    pub plan: crate::model::decide::make_room::Plan,
    pub then: Option<ResizePlan>,
}

/// The answer to `Effect::MakeRoom`.
#[derive(Clone, Debug)]
pub struct MakeRoomSent {
    /// `Err`: the dry run refused and nothing was sent.
    pub report: Result<crate::model::decide::make_room::Report, String>,
    pub then: Option<(ResizePlan, Result<Accepted, ResizeRejected>)>,
}

/// The clusters `:ctx` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextSet {
    /// These contexts, in this order.
    Named(Vec<String>),
    /// Every context of the kubeconfig.
    All,
}

impl ContextSet {
    pub fn describe(&self) -> String {
        match self {
            Self::Named(names) => names.join(", "),
            Self::All => "every context".into(),
        }
    }
}

pub fn update(state: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let key = matches!(action, Action::Key(_));
    let effects = dispatch(state, action, now);
    if key {
        super::rightsizing::judge_shown_details(state, now);
    }
    stamp_or_expire_status(state, now);
    effects
}

/// A message's clock starts when it is first shown; once its time is up it goes, and the
/// counts it covered come back.
fn stamp_or_expire_status(state: &mut AppState, now: DateTime<Utc>) {
    let Some(status) = state.status.as_mut() else {
        return;
    };
    if status.since.is_none() {
        status.since = Some(now);
    } else if status.expired(now) {
        state.status = None;
        state.dirty = true;
    }
}

fn dispatch(state: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key, now),
        Action::Key(_) => Vec::new(),
        Action::Cluster(event) => {
            on_cluster(state, 0, event, now);
            Vec::new()
        }
        Action::ClusterOf(cluster, event) => {
            on_cluster(state, cluster, event, now);
            Vec::new()
        }
        Action::Resize {
            table_rows,
            help_ends,
        } => {
            state.page_rows = table_rows.max(1);
            state.help_ends = help_ends;
            // A taller terminal shows more of help at once: no scrolling past its new end.
            state.help_scroll = state.help_scroll.min(help_ends.of(state.wall.is_some()));
            state.dirty = true;
            Vec::new()
        }
        Action::ResizeResults(results) => {
            on_resize_results(state, results, now);
            Vec::new()
        }
        Action::MakeRoomSent(sent) => {
            super::nodes_make_room::on_sent(state, *sent, now);
            Vec::new()
        }
        Action::NamespaceChecked { namespace, exists } => {
            on_namespace_checked(state, namespace, exists)
        }
        Action::ContextSwitched { wanted, result } => {
            on_context_switched(state, wanted, result);
            Vec::new()
        }
        Action::Tick => {
            flag_stuck(state, now);
            wall_tick(state, now);
            super::clock_redraw::redraw_if_time_shown_changed(state, now);
            Vec::new()
        }
    }
}

fn on_resize_results(
    state: &mut AppState,
    results: Vec<(ResizePlan, Result<Accepted, ResizeRejected>)>,
    now: DateTime<Utc>,
) {
    let Some(mut editor) = state.editor.take() else {
        return;
    };
    let total = results.len();
    let mut refused = Vec::new();
    for (plan, result) in results {
        match result {
            Ok(accepted) => state.track_accepted(&plan, &accepted, now),
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

/// Keys on a wall display: only quitting; edit keys explain why nothing happens.
pub(super) fn wall_key(state: &mut AppState, key: KeyEvent, now: DateTime<Utc>) {
    let no_input = state.wall.as_ref().is_some_and(|w| w.no_input);
    if no_input {
        return;
    }
    if state.show_help {
        return super::help_view::on_key(state, key);
    }
    match lookup(WALL, key) {
        Some(WallCommand::Help) => super::help_view::open(state),
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

/// Every namespace with pods, once, over all clusters (each cluster's keys are sorted, the
/// whole is not).
fn namespaces(
    pods: &std::collections::BTreeMap<crate::model::pods::row::PodKey, crate::model::PodRow>,
) -> Vec<&str> {
    let mut names: Vec<&str> = pods.keys().map(|k| k.namespace.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

pub(super) fn start_rotation(state: &mut AppState) {
    // Listing the namespaces walks every pod: only when a rotation is about to start, not on
    // every tick of every dashboard (issue #30: idle cost must not grow with the cluster).
    let starting =
        (state.wall.as_ref()).is_some_and(|w| w.rotate_namespaces && w.namespace.is_none());
    if !starting {
        return;
    }
    let names = namespaces(&state.pods);
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
    let faded = wall.fade_highlights(now);
    let (turned, wrapped) = wall.tick(now, pages);
    if wrapped && wall.rotate_namespaces {
        let names = namespaces(&state.pods);
        wall.namespace = super::wall::next_namespace(&names, wall.namespace.as_deref());
        state.invalidate_index();
    }
    if turned || faded {
        state.dirty = true;
    }
}

/// Says once per tracked resize that it looks stuck (the table's cell keeps saying so).
fn flag_stuck(state: &mut AppState, now: DateTime<Utc>) {
    let threshold = state.stuck_after;
    let stuck = (state.trackers.iter_mut())
        .find(|t| !t.stuck_said && t.is_stuck(now, threshold))
        .map(|t| {
            t.stuck_said = true;
            t.summary(now)
        });
    if let Some(summary) = stuck {
        state.set_status(format!("{summary} — {STUCK_HINT}"), true);
    }
}
