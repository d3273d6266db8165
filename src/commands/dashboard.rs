//! The interactive dashboard: one select loop over terminal events, cluster events
//! and a one-second clock; it draws only when state changed.

use super::CommandError;
use super::terminal::{draw_synchronized, enter, leave, stop_signal};
use crate::app::state::HeaderInfo;
use crate::app::{Action, AppState, Effect, update};
use crate::cli::CommonArgs;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::client::{build_client, load_config};
use crate::cluster::connector::Connector;
use crate::cluster::metrics::poll_usage_every;
use crate::cluster::namespaces::namespace_exists;
use crate::cluster::prometheus::{PromTarget, Prometheus};
use crate::cluster::resize::dry_run_then_send;
use crate::cluster::watch::{InitialList, watch_nodes, watch_pods};
use crate::config::PromAddress;
use crate::model::events::{ClusterEvent, Scope};
use crate::theme::Theme;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use kube::Client;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

/// What the dashboard needs to start.
pub struct Dashboard {
    pub client: Client,
    pub context: String,
    pub scope: Scope,
    pub theme: Theme,
    pub theme_warning: Option<String>,
    pub readonly: bool,
    /// Used to rebuild the client on `:ctx NAME` and to re-read credentials.
    pub common: CommonArgs,
    /// Wall-display mode (`podsize watch`).
    pub wall: Option<crate::app::wall::Wall>,
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
        let no_color = crate::theme::no_color_requested();
        let spec = common
            .theme
            .as_deref()
            .or(if no_color { None } else { default_theme });
        let loaded = crate::theme::load(spec, no_color);
        Self {
            client,
            context,
            scope,
            theme: loaded.theme,
            theme_warning: loaded.warning,
            readonly: common.readonly,
            common: common.clone(),
            wall,
        }
    }
}

/// Watch tasks of the current client; aborted on drop so switching scope leaves nothing behind.
struct Watches {
    pods: JoinHandle<()>,
    nodes: JoinHandle<()>,
    usage: JoinHandle<()>,
    /// VPAs, when the cluster has the CRD (for the editor's warning).
    vpa: JoinHandle<()>,
    /// The one-shot access review of resizes in the scope (not in read-only mode, which sends
    /// no POST at all).
    access: Option<JoinHandle<()>>,
    /// Long-window usage from Prometheus, when the config names one.
    prometheus: Option<JoinHandle<()>>,
}

/// What the watch tasks are started with, besides the client and the scope.
struct WatchOptions {
    readonly: bool,
    initial: InitialList,
    metrics_poll: std::time::Duration,
    /// Prometheus and the history window of the recommendations.
    prometheus: Option<(PromTarget, chrono::TimeDelta)>,
}

impl WatchOptions {
    fn new(dash: &Dashboard) -> Self {
        let prefs = &dash.common.prefs;
        let prometheus = prefs.prometheus.as_ref().and_then(|address| {
            let target = match address {
                PromAddress::Url(url) => PromTarget::Url(url.clone()),
                // Checked when the config was read; a bad one is skipped here.
                PromAddress::Service(service) => PromTarget::parse_service(service).ok()?,
            };
            let window = chrono::TimeDelta::from_std(prefs.history).ok()?;
            Some((target, window))
        });
        Self {
            readonly: dash.readonly,
            initial: dash
                .common
                .initial_list
                .as_deref()
                .and_then(InitialList::parse)
                .unwrap_or_default(),
            metrics_poll: prefs.metrics_poll,
            prometheus,
        }
    }
}

fn start_prometheus(
    conn: &Connector,
    scope: &Scope,
    tx: &UnboundedSender<ClusterEvent>,
    opts: &WatchOptions,
) -> Option<JoinHandle<()>> {
    let (target, window) = opts.prometheus.clone()?;
    match Prometheus::new(&target, &conn.client(), opts.readonly) {
        Ok(prom) => Some(tokio::spawn(crate::cluster::long_usage::poll_prometheus(
            prom,
            scope.clone(),
            window,
            crate::app::rightsizing::PERCENTILE,
            tx.clone(),
        ))),
        Err(e) => {
            let _ = tx.send(ClusterEvent::LongUsage(Err(e.to_string())));
            None
        }
    }
}

impl Watches {
    /// The tasks share `conn`: when the pod watch rebuilds the client, the others follow.
    fn start(
        conn: &Connector,
        caps: &Capabilities,
        scope: &Scope,
        tx: &UnboundedSender<ClusterEvent>,
        opts: &WatchOptions,
    ) -> Self {
        let (readonly, initial, metrics_poll) = (opts.readonly, opts.initial, opts.metrics_poll);
        let access = (!readonly).then(|| {
            tokio::spawn(crate::cluster::access::review_resize(
                conn.client(),
                caps.clone(),
                scope.namespace.clone(),
                tx.clone(),
            ))
        });
        Self {
            pods: tokio::spawn(watch_pods(conn.clone(), scope.clone(), initial, tx.clone())),
            nodes: tokio::spawn(watch_nodes(conn.clone(), tx.clone())),
            usage: tokio::spawn(poll_usage_every(
                conn.clone(),
                scope.clone(),
                tx.clone(),
                metrics_poll,
            )),
            vpa: tokio::spawn(crate::cluster::vpa::feed_app(
                conn.client(),
                scope.clone(),
                tx.clone(),
            )),
            access,
            prometheus: start_prometheus(conn, scope, tx, opts),
        }
    }
}

impl Drop for Watches {
    fn drop(&mut self) {
        self.pods.abort();
        self.nodes.abort();
        self.usage.abort();
        self.vpa.abort();
        if let Some(prometheus) = &self.prometheus {
            prometheus.abort();
        }
        if let Some(access) = &self.access {
            access.abort();
        }
    }
}

async fn capabilities(client: &Client) -> Capabilities {
    Capabilities::detect(client)
        .await
        .unwrap_or_else(|_| Capabilities {
            git_version: "version unknown".into(),
            ..Capabilities::default()
        })
}

pub async fn run(mut dash: Dashboard) -> Result<(), CommandError> {
    let caps = capabilities(&dash.client).await;
    let header = HeaderInfo {
        context: dash.context.clone(),
        server_version: caps.git_version.clone(),
        minor: caps.minor,
        resize_disabled: caps.resize_disabled(),
        rbac_denied: None,
        readonly: dash.readonly,
    };
    let mut state = AppState::new(header, dash.scope.clone());
    let prefs = &dash.common.prefs;
    if let Some(wall) = dash.wall.take() {
        state.wall = Some(wall);
        state.sort = crate::app::view::SortKey::ResizeState;
    }
    // The config file's choices, over the mode's defaults above.
    state.sort = prefs.sort.unwrap_or(state.sort);
    state.stuck_after = chrono::TimeDelta::from_std(prefs.stuck_after).unwrap_or(state.stuck_after);
    state.columns = prefs.columns.clone();
    if let Some(warning) = &dash.theme_warning {
        state.set_status(warning.clone(), true);
    }
    let mut terminal = enter();
    let result = event_loop(&mut terminal, &mut state, dash, caps).await;
    leave();
    result
}

fn apply(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) {
    use crate::model::events::ClusterEvent;
    let completes = matches!(
        &action,
        Action::Cluster(ClusterEvent::PodsReset(_) | ClusterEvent::ListDone)
    );
    let first = completes && !state.synced;
    effects.extend(update(state, action, chrono::Utc::now()));
    if first {
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
    rx: &mut UnboundedReceiver<ClusterEvent>,
    effects: &mut Vec<Effect>,
) {
    while let Ok(event) = rx.try_recv() {
        apply(state, Action::Cluster(event), effects);
    }
}

fn table_rows(state: &AppState, height: u16) -> usize {
    match &state.wall {
        Some(_) => crate::ui::wall::table_rows(height, false),
        None => crate::ui::table_rows(height, state.show_details),
    }
}

/// A client for kubeconfig context `name`; the current options are left as they are when
/// the context does not exist or its client cannot be built.
async fn client_for_context(
    common: &CommonArgs,
    name: &str,
) -> Result<(CommonArgs, Client), crate::cluster::client::ConnectError> {
    let mut common = common.clone();
    common.context = Some(name.to_string());
    let (config, _) = load_config(&common).await?;
    let client = build_client(config, common.readonly)?;
    Ok((common, client))
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    mut dash: Dashboard,
    mut caps: Capabilities,
) -> Result<(), CommandError> {
    let (tx, mut rx) = unbounded_channel();
    let (results_tx, mut results) = unbounded_channel();
    let mut conn = Connector::from_kubeconfig(dash.client.clone(), &dash.common);
    let opts = WatchOptions::new(&dash);
    let mut watches = Watches::start(&conn, &caps, &state.scope, &tx, &opts);
    let mut keys = EventStream::new();
    // Reverts due boosts of watched pods; a read-only dashboard shows boosts, never reverts.
    let mut reverter = (!dash.readonly).then(super::boost_dash::Reverter::default);
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
    }
    let mut first_screen = false;
    loop {
        if state.dirty {
            state.refresh_index();
            let now = chrono::Utc::now();
            draw_synchronized(terminal, |f| crate::ui::draw(f, state, now, &dash.theme))
                .map_err(|e| CommandError::Terminal(e.to_string()))?;
            state.dirty = false;
            if !first_screen && (state.synced || state.visible().len() >= state.page_rows) {
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
                Some(Ok(Event::Resize(_, height))) => {
                    let rows = table_rows(state, height);
                    apply(state, Action::Resize { table_rows: rows }, &mut effects);
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            Some(event) = rx.recv() => {
                apply(state, Action::Cluster(event), &mut effects);
                drain(state, &mut rx, &mut effects);
            }
            Some(answers) = results.recv() => apply(state, Action::ResizeResults(answers), &mut effects),
            // The header shows data age: refresh it once a second, and look for stuck resizes.
            _ = clock.tick() => {
                apply(state, Action::Tick, &mut effects);
                ticked = true;
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
            let due = crate::app::boost::due(state.pods.values(), chrono::Utc::now());
            r.start(due, &conn.client(), &caps);
        }
        // Answers to checks (namespace, context) are actions that may ask for more.
        while let Some(effect) = effects.pop() {
            match effect {
                Effect::SubmitResizes(plans) => {
                    let (client, caps, tx) = (conn.client(), caps.clone(), results_tx.clone());
                    tokio::spawn(async move {
                        let mut answers = Vec::with_capacity(plans.len());
                        for plan in plans {
                            let answer = dry_run_then_send(&client, &caps, &plan).await;
                            answers.push((plan, answer));
                        }
                        let _ = tx.send(answers);
                    });
                }
                Effect::Boost(plans) => {
                    if let Some(r) = reverter.as_ref() {
                        r.boost(*plans, &conn.client(), &caps);
                    }
                }
                Effect::SubmitBatch(plans) => {
                    let (client, caps, tx) = (conn.client(), caps.clone(), results_tx.clone());
                    tokio::spawn(async move {
                        let answers =
                            super::make_room::send_batch_plans(&client, &caps, plans).await;
                        let _ = tx.send(answers);
                    });
                }
                Effect::Rewatch(scope) => {
                    watches = Watches::start(&conn, &caps, &scope, &tx, &opts);
                }
                Effect::CheckNamespace(namespace) => {
                    let exists = namespace_exists(&conn.client(), &namespace).await;
                    apply(
                        state,
                        Action::NamespaceChecked { namespace, exists },
                        &mut effects,
                    );
                }
                Effect::SwitchContext(name) => {
                    let result = match client_for_context(&dash.common, &name).await {
                        Ok((common, new_client)) => {
                            dash.common = common;
                            caps = capabilities(&new_client).await;
                            state.header.server_version = caps.git_version.clone();
                            state.header.minor = caps.minor;
                            state.header.resize_disabled = caps.resize_disabled();
                            conn = Connector::from_kubeconfig(new_client, &dash.common);
                            watches = Watches::start(&conn, &caps, &state.scope, &tx, &opts);
                            Ok(())
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    apply(
                        state,
                        Action::ContextSwitched { name, result },
                        &mut effects,
                    );
                }
            }
        }
        if state.quit {
            break;
        }
    }
    drop(watches);
    Ok(())
}
