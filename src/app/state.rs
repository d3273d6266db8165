//! Everything the screen shows, owned by the event loop and changed only by `update`.

use super::editor::EditorState;
use super::line_edit::LineEdit;
use super::view::{Filter, PodKey, RowRef};
use crate::model::PodRow;
use crate::model::pods::events::Scope;
use crate::model::pods::tracking::Tracker;
use crate::settings::SortKey;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum InputMode {
    #[default]
    Normal,
    /// Typing a `/` filter; applied as typed.
    Filter(LineEdit),
    /// Typing a `:` command.
    Command(LineEdit),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub error: bool,
    /// When it was first shown (stamped by `update`): it expires after a few seconds, so an
    /// answer to the last action never lingers on an idle wall.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
}

impl StatusMessage {
    /// An answer is read in a glance; an error needs longer to read and act on.
    pub fn lifetime(&self) -> chrono::TimeDelta {
        if self.error {
            chrono::TimeDelta::seconds(15)
        } else {
            chrono::TimeDelta::seconds(5)
        }
    }

    pub fn expired(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.since.is_some_and(|t| now - t >= self.lifetime())
    }
}

/// Static facts for the header.
#[derive(Clone, Debug, Default)]
pub struct HeaderInfo {
    pub context: String,
    pub server_version: String,
    /// Server minor version, for version-dependent resize rules (1.35 assumed when unknown).
    pub minor: Option<u32>,
    /// A 1.32+ server without `pods/resize`: the feature is off, editing says so.
    pub resize_disabled: bool,
    /// The server's access review refused resizes in this scope: why (shown, and in plans).
    pub rbac_denied: Option<String>,
    pub readonly: bool,
}

#[derive(Debug)]
pub struct AppState {
    /// Every cluster's pods, keyed by cluster first.
    pub pods: BTreeMap<PodKey, PodRow>,
    /// The clusters on show, in the order their contexts were given (never empty).
    pub clusters: Vec<super::clusters::ClusterStatus>,
    /// `None` when metrics.k8s.io is not served: the usage column is hidden.
    pub usage: Option<super::live_usage::LiveUsages>,
    /// Every metrics reading since start, per pod and container, in bounded rings (issue #12).
    pub usage_history:
        crate::model::PodMap<Vec<(String, crate::model::decide::usage_history::UsageHistory)>>,
    /// Usage over a long window (Prometheus), per pod and container; wins over live samples.
    pub long_usage: HashMap<PodKey, Vec<(String, crate::model::decide::recommend::Usage)>>,
    /// Each container's right-sizing verdict, recomputed when its usage or spec changes.
    pub rightsizing: super::view::Verdicts,
    /// What the rows on show over- and under-request, summed when the index is rebuilt.
    pub rightsizing_totals: crate::model::decide::rightsizing::Totals,
    /// Verdicts moved while the rows and their order did not: only the totals are summed again.
    totals_stale: bool,
    /// The right-sizing rule's knobs (`[rightsizing] min_history` from the settings).
    pub rightsizing_policy: crate::model::decide::recommend::Policy,
    /// Distinct pods among the rows on show.
    visible_pods: usize,
    /// Widest names among the rows on show, measured when the index is rebuilt.
    pub longest: super::name_widths::Longest,
    pub scope: Scope,
    pub filter: Filter,
    pub sort: SortKey,
    pub per_pod: bool,
    pub show_details: bool,
    pub show_help: bool,
    /// The first help line on show: help scrolls where the screen is too short for it.
    pub help_scroll: usize,
    /// How far help can scroll at this terminal's size.
    pub help_ends: super::help_view::HelpEnds,
    pub input: InputMode,
    pub status: Option<StatusMessage>,
    /// The resize editor popup, when open; it takes every key first.
    pub editor: Option<EditorState>,
    /// The `b` boost form, when open; it takes every key first.
    pub boost_form: Option<super::boost_form::BoostForm>,
    /// Wall-display mode (`podsize watch`), when on.
    pub wall: Option<super::wall::Wall>,
    /// Pods marked with Space for a batch resize.
    pub marked: std::collections::BTreeSet<PodKey>,
    /// The node view (`N`), when open; it takes the table's place.
    pub nodes_view: Option<super::nodes::NodesView>,
    /// The make-room overlay (`m`), when open; it takes every key first.
    pub make_room: Option<super::nodes_make_room::MakeRoomOverlay>,
    /// The usage history a make-room victim needs before it is shrunk.
    pub make_room_gate: crate::model::decide::make_room::HistoryGate,
    /// Resizes sent from this session, followed to their end.
    pub trackers: Vec<Tracker>,
    /// A resize in progress longer than this is flagged as possibly stuck.
    pub stuck_after: chrono::TimeDelta,
    /// The columns the config file shows (by `config::COLUMN_NAMES`); `None`: all that fit.
    pub columns: Option<Vec<&'static str>>,
    /// Visible rows in order; rebuilt lazily when `index_stale`.
    index: Vec<RowRef>,
    index_stale: bool,
    /// Pods changed since the index was built (a narrowing filter cannot reuse it then).
    rows_changed: bool,
    /// A pod was added or removed, or one of its searched fields changed: the filter's search
    /// keys (numbered by store slot) are out of date. A status-only update keeps them.
    search_keys_stale: bool,
    /// Pods came or went since the usage histories were last matched with them: the next
    /// metrics reading drops the histories of pods that went (most readings need not look).
    pub(super) usage_prune_due: bool,
    /// The pods grouped by workload for the verdicts, until a pod comes, goes or changes.
    pub(super) workload_groups: Option<std::sync::Arc<super::rightsizing_workload::WorkloadGroups>>,
    /// The filter's search keys (issue #17), dropped when pods are added, removed or moved.
    filter_cache: super::search_index::FilterCache,
    /// The name columns' widths by store slot, dropped with the search keys.
    name_widths: Option<super::name_width_cache::NameWidthCache>,
    /// Filter, sort, rows-per-pod and namespace the index was built for.
    built_for: Option<(String, SortKey, bool, Option<String>)>,
    /// Pods per resize state name, counted when pods change (not per frame).
    counts: BTreeMap<&'static str, usize>,
    selected: usize,
    /// The row the user selected, so selection follows it when rows move.
    selected_ref: Option<RowRef>,
    /// First row on screen; moves with the selection's row when rows are inserted above it,
    /// so the selected pod keeps its place on screen.
    scroll: usize,
    /// The clock value (second or minute) the screen last showed; the tick redraws when it moves.
    pub time_shown: i64,
    /// Times the index was rebuilt: what the clock's cache of young rows is keyed by.
    pub(super) index_builds: u64,
    /// Until when the rows around the selection show an age in seconds, as last worked out.
    pub(super) young_rows: Option<super::clock_redraw::YoungRows>,
    /// Rows that fit on screen, for paging.
    pub page_rows: usize,
    pub quit: bool,
    /// Something visible changed since the last draw.
    pub dirty: bool,
}

impl AppState {
    pub fn new(header: HeaderInfo, scope: Scope) -> Self {
        Self::with_clusters(vec![header], scope)
    }

    /// A state for several clusters at once, one header each (at least one is kept).
    pub fn with_clusters(mut headers: Vec<HeaderInfo>, scope: Scope) -> Self {
        if headers.is_empty() {
            headers.push(HeaderInfo::default());
        }
        Self {
            pods: BTreeMap::new(),
            clusters: headers
                .into_iter()
                .map(super::clusters::ClusterStatus::new)
                .collect(),
            usage: None,
            usage_history: Default::default(),
            long_usage: HashMap::new(),
            rightsizing: Default::default(),
            rightsizing_totals: Default::default(),
            totals_stale: false,
            rightsizing_policy: Default::default(),
            longest: Default::default(),
            visible_pods: 0,
            scope,
            filter: Filter::default(),
            sort: SortKey::default(),
            per_pod: false,
            show_details: false,
            show_help: false,
            help_scroll: 0,
            help_ends: Default::default(),
            input: InputMode::Normal,
            status: None,
            nodes_view: None,
            make_room: None,
            make_room_gate: crate::model::decide::make_room::HistoryGate::DEFAULT,
            editor: None,
            boost_form: None,
            wall: None,
            marked: Default::default(),
            trackers: Vec::new(),
            stuck_after: chrono::TimeDelta::minutes(2),
            columns: None,
            index: Vec::new(),
            index_stale: true,
            rows_changed: true,
            search_keys_stale: true,
            usage_prune_due: true,
            workload_groups: None,
            filter_cache: Default::default(),
            name_widths: None,
            built_for: None,
            counts: BTreeMap::new(),
            selected: 0,
            selected_ref: None,
            scroll: 0,
            time_shown: 0,
            index_builds: 0,
            young_rows: None,
            page_rows: 20,
            quit: false,
            dirty: true,
        }
    }

    /// Marks the visible order out of date; it is rebuilt once before the next draw.
    pub fn invalidate_index(&mut self) {
        self.index_stale = true;
        self.dirty = true;
    }

    /// Right-sizing verdicts moved: the order changes when sorted by them, the totals always.
    /// Sorted otherwise, the rows stay as they are: a metrics reading every 15 s sums the
    /// totals again instead of rebuilding and re-sorting the whole table (issue #30).
    pub fn verdicts_changed(&mut self) {
        if matches!(self.sort, SortKey::Waste | SortKey::Risk) {
            self.rows_changed = true;
            self.invalidate_index();
        } else {
            self.totals_stale = true;
            self.dirty = true;
        }
    }

    /// Pod count per resize state name for the header, as of the last index refresh.
    pub fn state_counts(&self) -> &BTreeMap<&'static str, usize> {
        &self.counts
    }

    /// Pods were added, changed or removed: the index and the counts must be rebuilt.
    pub fn pods_changed(&mut self) {
        self.search_keys_stale = true;
        self.usage_prune_due = true;
        self.pod_changed_in_place();
    }

    /// A pod already shown changed, but not in anything the filter searches (name, node,
    /// containers): its order and counts may move, its search keys stay.
    pub fn pod_changed_in_place(&mut self) {
        self.rows_changed = true;
        self.workload_groups = None;
        self.invalidate_index();
    }

    pub fn set_status(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(StatusMessage {
            text: text.into(),
            error,
            since: None,
        });
        self.dirty = true;
    }
}

#[path = "state_visible_rows.rs"]
mod visible_rows;

#[cfg(test)]
#[path = "state_idle_tests.rs"]
mod idle_tests;
