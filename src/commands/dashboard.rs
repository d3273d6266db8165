//! The interactive dashboard: one select loop over terminal events, cluster events
//! and a one-second clock; it draws only when state changed. Several clusters (issue #15)
//! share the loop: each cluster's events arrive tagged, and each change goes to the client
//! of the cluster its pod is in.

use super::CommandError;
use super::contexts::ClusterTarget;
use super::dashboard_clusters::{
    add_notice, clients_for, folded_at_start, namespace_in_any, redetect_unknown,
};
use super::dashboard_fleet::{Fleet, Tagged, WatchOptions, capabilities_of};
use super::terminal::{draw_synchronized, enter, leave, stop_signal};
use crate::app::boost::BoostedPods;
use crate::app::state::HeaderInfo;
use crate::app::{Action, AppState, Effect, update};
use crate::cli::CommonArgs;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::client::Target;
use crate::cluster::resize::dry_run_then_send;
use crate::model::pods::events::{ClusterEvent, Connection, Scope};
use crate::model::pods::row::ClusterId;
use crate::theme::Theme;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use kube::Client;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// What the dashboard needs to start.
pub struct Dashboard {
    /// The clusters to show, in order (at least one).
    pub clusters: Vec<ClusterTarget>,
    pub scope: Scope,
    pub theme: Theme,
    pub theme_warning: Option<String>,
    pub readonly: bool,
    /// Used to rebuild clients on `:ctx` and to re-read credentials.
    pub common: CommonArgs,
    /// Wall-display mode (`podsize watch`).
    pub wall: Option<crate::app::wall::Wall>,
    /// The history make-room victims need (`None`: the careful default).
    pub make_room_gate: Option<crate::model::decide::make_room::HistoryGate>,
}

impl Dashboard {
    /// A dashboard on `client`, with the theme from `--theme`, else `NO_COLOR`'s mono, else
    /// `default_theme` (the wall display prefers high contrast), else the default theme.
    pub fn new(
        client: Client,
        context: String,
        scope: Scope,
        common: &CommonArgs,
        default_theme: Option<&str>,
        wall: Option<crate::app::wall::Wall>,
    ) -> Self {
        let target = Target {
            context,
            ..Target::default()
        };
        Self::fleet(
            vec![ClusterTarget { client, target }],
            scope,
            common,
            default_theme,
            wall,
        )
    }

    /// A dashboard over several clusters at once.
    pub fn fleet(
        clusters: Vec<ClusterTarget>,
        scope: Scope,
        common: &CommonArgs,
        default_theme: Option<&str>,
        wall: Option<crate::app::wall::Wall>,
    ) -> Self {
        let no_color = crate::theme::no_color_requested();
        let spec = common
            .theme
            .as_deref()
            .or(if no_color { None } else { default_theme });
        let loaded = crate::theme::load(spec, no_color);
        Self {
            clusters,
            scope,
            theme: loaded.theme,
            theme_warning: loaded.warning,
            readonly: common.readonly,
            common: common.clone(),
            wall,
            make_room_gate: None,
        }
    }
}

/// The header facts of one cluster.
fn header_of(context: &str, caps: &Capabilities, readonly: bool) -> HeaderInfo {
    HeaderInfo {
        context: context.to_string(),
        server_version: caps.git_version.clone(),
        minor: caps.minor,
        resize_disabled: caps.resize_disabled(),
        rbac_denied: None,
        readonly,
    }
}

pub async fn run(mut dash: Dashboard) -> Result<(), CommandError> {
    let caps = capabilities_of(&dash.clusters).await;
    let headers = (dash.clusters.iter().zip(&caps))
        .map(|(c, caps)| header_of(&c.target.context, caps, dash.readonly))
        .collect();
    let mut state = AppState::with_clusters(headers, dash.scope.clone());
    let prefs = &dash.common.prefs;
    if let Some(wall) = dash.wall.take() {
        state.wall = Some(wall);
        state.sort = crate::settings::SortKey::ResizeState;
    }
    // The config file's choices, over the mode's defaults above.
    state.sort = prefs.sort.unwrap_or(state.sort);
    state.stuck_after = chrono::TimeDelta::from_std(prefs.stuck_after).unwrap_or(state.stuck_after);
    state.columns = prefs.columns.clone();
    state.rightsizing_policy = super::recommend_usage::policy_of(prefs);
    // Make-room's floors ask right-sizing's gate, unless the mode sets its own (the demo).
    state.make_room_gate =
        dash.make_room_gate
            .unwrap_or(crate::model::decide::make_room::HistoryGate::of(
                &state.rightsizing_policy.gate,
            ));
    if let Some(warning) = &dash.theme_warning {
        state.set_status(warning.clone(), true);
    }
    let mut terminal = enter();
    let result = event_loop(&mut terminal, &mut state, dash, caps).await;
    leave();
    result
}

fn apply(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) {
    let completes = matches!(
        &action,
        Action::ClusterOf(_, ClusterEvent::PodsReset(_) | ClusterEvent::ListDone)
    );
    let first = completes && !state.synced();
    let reading = matches!(&action, Action::ClusterOf(_, ClusterEvent::Usage(Some(_))));
    effects.extend(update(state, action, chrono::Utc::now()));
    if reading {
        // The reading before this one was just dropped: give its pages back.
        super::heap::give_back_freed();
    }
    if first && state.synced() {
        // The figure the scale benchmark reads: time from start to a full table.
        tracing::info!(
            pods = state.pods.len(),
            elapsed_ms = super::PROCESS_START.elapsed().as_millis() as u64,
            "initial list"
        );
    }
}

/// Applies every cluster event already queued, so a burst costs one redraw.
fn drain(
    state: &mut AppState,
    rx: &mut UnboundedReceiver<Tagged>,
    effects: &mut Vec<Effect>,
    boosted: &mut BoostedPods,
) {
    while let Ok((cluster, event)) = rx.try_recv() {
        boosted.saw(&event);
        apply(state, Action::ClusterOf(cluster, event), effects);
    }
}

fn table_rows(state: &AppState, height: u16) -> usize {
    match &state.wall {
        Some(_) => {
            crate::ui::wall::table_rows(height, false, crate::ui::wall_clusters::height(state))
        }
        None => crate::ui::table_rows(height, state.show_details),
    }
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    mut dash: Dashboard,
    caps: Vec<Capabilities>,
) -> Result<(), CommandError> {
    let (tx, mut rx) = unbounded_channel::<Tagged>();
    let (results_tx, mut results) = unbounded_channel();
    let (make_room_tx, mut make_room_sent) = unbounded_channel();
    let (caps_tx, mut caps_rx) = unbounded_channel::<(ClusterId, Capabilities)>();
    let opts = WatchOptions::new(&dash);
    let targets = std::mem::take(&mut dash.clusters);
    let mut fleet = Fleet::start(targets, caps, &dash.common, &state.scope, &tx, &opts);
    if let Some(notice) = fleet.prometheus_notice(&opts) {
        state.set_status(notice, false);
    }
    add_notice(state, folded_at_start(&dash.common));
    let mut keys = EventStream::new();
    // Reverts due boosts of watched pods; a read-only dashboard shows boosts, never reverts.
    let mut reverter = (!dash.readonly).then(super::boost_dash::Reverter::default);
    let mut boosted = BoostedPods::default();
    // Once a second for the clock and data age; faster when a wall display pages faster.
    let tick = state
        .wall
        .as_ref()
        .and_then(|w| w.page_interval.to_std().ok())
        .map_or(std::time::Duration::from_secs(1), |p| {
            p.min(std::time::Duration::from_secs(1))
        })
        .max(std::time::Duration::from_millis(100));
    let mut clock = tokio::time::interval(tick);
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let stop = stop_signal();
    tokio::pin!(stop);
    if let Ok(size) = terminal.size() {
        state.page_rows = table_rows(state, size.height);
        state.help_ends = crate::ui::help::ends(size.width, size.height);
    }
    let mut first_screen = false;
    loop {
        if state.dirty {
            state.refresh_index();
            let now = chrono::Utc::now();
            draw_synchronized(terminal, |f| crate::ui::draw(f, state, now, &dash.theme))
                .map_err(|e| CommandError::Terminal(e.to_string()))?;
            state.dirty = false;
            if !first_screen && (state.synced() || state.visible().len() >= state.page_rows) {
                // The scale benchmark reads this: a screenful of rows drawn.
                first_screen = true;
                tracing::info!(
                    rows = state.visible().len(),
                    elapsed_ms = super::PROCESS_START.elapsed().as_millis() as u64,
                    "first screen"
                );
            }
        }
        let mut effects = Vec::new();
        let mut ticked = false;
        tokio::select! {
            event = keys.next() => match event {
                Some(Ok(Event::Key(key))) => apply(state, Action::Key(key), &mut effects),
                Some(Ok(Event::Resize(width, height))) => {
                    let resize = Action::Resize {
                        table_rows: table_rows(state, height),
                        help_ends: crate::ui::help::ends(width, height),
                    };
                    apply(state, resize, &mut effects);
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            Some((cluster, event)) = rx.recv() => {
                boosted.saw(&event);
                apply(state, Action::ClusterOf(cluster, event), &mut effects);
                drain(state, &mut rx, &mut effects, &mut boosted);
            }
            Some((cluster, caps)) = caps_rx.recv() => {
                if let Some(runtime) = fleet.clusters.get_mut(usize::from(cluster)) {
                    runtime.redetecting = false;
                    runtime.caps = caps.clone();
                }
                if let Some(status) = state.cluster_mut(cluster) {
                    let rbac_denied = status.header.rbac_denied.take();
                    status.header = HeaderInfo {
                        rbac_denied,
                        ..header_of(&status.header.context, &caps, dash.readonly)
                    };
                    state.dirty = true;
                }
            }
            Some(answers) = results.recv() => apply(state, Action::ResizeResults(answers), &mut effects),
            Some(sent) = make_room_sent.recv() => apply(state, Action::MakeRoomSent(Box::new(sent)), &mut effects),
            // The header shows data age: refresh it once a second, and look for stuck resizes.
            _ = clock.tick() => {
                apply(state, Action::Tick, &mut effects);
                ticked = true;
                let connected = |id| matches!(state.cluster(id).connection, Connection::Connected);
                redetect_unknown(&mut fleet, connected, &caps_tx);
            }
            Some(text) = async {
                match reverter.as_mut() {
                    Some(r) => r.finished().await,
                    None => std::future::pending().await,
                }
            } => super::boost_dash::show(state, text),
            _ = &mut stop => break,
        }
        if let (true, Some(r)) = (ticked, reverter.as_mut()) {
            let due = boosted.due(state, chrono::Utc::now());
            if !due.is_empty() {
                r.start(due, &fleet.clients());
            }
        }
        // Answers to checks (namespace, context) are actions that may ask for more.
        while let Some(effect) = effects.pop() {
            match effect {
                Effect::SubmitResizes(plans) => {
                    let (clients, tx) = (fleet.clients(), results_tx.clone());
                    tokio::spawn(async move {
                        let mut answers = Vec::with_capacity(plans.len());
                        for plan in plans {
                            // Each plan goes to its own pod's cluster.
                            let Some((client, caps)) = clients.get(usize::from(plan.cluster))
                            else {
                                continue;
                            };
                            let answer = dry_run_then_send(client, caps, &plan).await;
                            answers.push((plan, answer));
                        }
                        let _ = tx.send(answers);
                    });
                }
                Effect::Boost(plans) => {
                    let runtime = fleet.get(plans.0.cluster);
                    if let (Some(r), Some(runtime)) = (reverter.as_ref(), runtime) {
                        r.boost(*plans, &runtime.conn.client(), &runtime.caps);
                    }
                }
                Effect::StartupBoosts(key) => {
                    let runtime = fleet.get(key.cluster);
                    if let (Some(r), Some(runtime)) = (reverter.as_ref(), runtime) {
                        r.startup_boosts(key, &runtime.conn.client(), &runtime.caps);
                    }
                }
                Effect::MakeRoom(batch) => {
                    // A make-room batch frees one node: every pod is in the plan's cluster.
                    if let Some(runtime) = fleet.get(batch.plan.cluster) {
                        let (client, caps) = (runtime.conn.client(), runtime.caps.clone());
                        let tx = make_room_tx.clone();
                        tokio::spawn(async move {
                            let sent = super::make_room::send_batch(&client, &caps, *batch).await;
                            let _ = tx.send(sent);
                        });
                    }
                }
                Effect::Rewatch(scope) => fleet.rewatch(&scope, &tx, &opts),
                Effect::CheckNamespace(namespace) => {
                    let exists = namespace_in_any(&fleet, &namespace).await;
                    apply(
                        state,
                        Action::NamespaceChecked { namespace, exists },
                        &mut effects,
                    );
                }
                Effect::SwitchContext(wanted) => {
                    let mut folded = None;
                    let result = match clients_for(&dash.common, &wanted).await {
                        Ok((targets, note)) => {
                            folded = note;
                            let caps = capabilities_of(&targets).await;
                            let headers = (targets.iter().zip(&caps))
                                .map(|(t, c)| header_of(&t.target.context, c, dash.readonly))
                                .collect();
                            // Old clusters' events still queued would land on the new ones.
                            drop(fleet);
                            while rx.try_recv().is_ok() {}
                            boosted.forget();
                            fleet =
                                Fleet::start(targets, caps, &dash.common, &state.scope, &tx, &opts);
                            Ok(headers)
                        }
                        Err(e) => Err(e),
                    };
                    let switched = result.is_ok();
                    apply(
                        state,
                        Action::ContextSwitched { wanted, result },
                        &mut effects,
                    );
                    if let Some(notice) = fleet.prometheus_notice(&opts).filter(|_| switched) {
                        state.set_status(notice, false);
                    }
                    add_notice(state, folded);
                }
            }
        }
        if state.quit {
            break;
        }
    }
    drop(fleet);
    if let Some(r) = reverter.as_mut() {
        r.shutdown().await;
    }
    Ok(())
}
