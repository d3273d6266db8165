//! What the dashboard's loop asks of its clusters besides their watches: clients for the
//! contexts `:ctx` names, the version of a cluster unreachable at start asked again once it
//! answers, and whether a namespace `:ns` names exists in any cluster shown.

use super::contexts::ClusterTarget;
use super::dashboard_fleet::{Fleet, UNKNOWN_VERSION};
use crate::app::update::ContextSet;
use crate::cli::CommonArgs;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::namespaces::namespace_exists;
use crate::model::pods::row::ClusterId;
use tokio::sync::mpsc::UnboundedSender;

/// Clients for the contexts `:ctx` asks for; any that cannot be built keeps the current set.
/// With `:ctx all`, contexts on the same cluster are one, and the note says which were folded.
pub(super) async fn clients_for(
    common: &CommonArgs,
    wanted: &ContextSet,
) -> Result<(Vec<ClusterTarget>, Option<String>), String> {
    let (names, note) = match wanted {
        ContextSet::All => {
            let all = super::contexts::all_clusters(common).map_err(|e| e.to_string())?;
            let note = all.note();
            (all.names, note)
        }
        ContextSet::Named(names) if names.is_empty() => return Err("no context named".into()),
        ContextSet::Named(names) => (names.clone(), None),
    };
    let targets = super::contexts::connect_each(common, &names).await;
    targets.map(|t| (t, note)).map_err(|e| e.to_string())
}

/// `--all-contexts` folded contexts on the same cluster: which, for the status line at start.
pub(super) fn folded_at_start(common: &CommonArgs) -> Option<String> {
    let all = common
        .all_contexts
        .then(|| super::contexts::all_clusters(common).ok());
    all.flatten()?.note()
}

/// Adds `note` to the status line's message (a notice of the same moment), or shows it alone.
pub(super) fn add_notice(state: &mut crate::app::AppState, note: Option<String>) {
    let Some(note) = note else {
        return;
    };
    let text = match &state.status {
        Some(shown) if !shown.error => format!("{}; {note}", shown.text),
        _ => note,
    };
    state.set_status(text, false);
}

/// How often a cluster still of unknown version is asked again while it answers.
const REDETECT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A cluster unreachable at start is asked for its version again, on the clock, while its
/// watch says it is connected. Driven by the clock and the app's view of the connection, not
/// by whichever event arrives: a failing side-watch (metrics, policies) sends events while the
/// cluster is still down, and a quiet cluster may send none once it is back.
pub(super) fn redetect_unknown(
    fleet: &mut Fleet,
    connected: impl Fn(ClusterId) -> bool,
    caps_tx: &UnboundedSender<(ClusterId, Capabilities)>,
) {
    for (i, runtime) in fleet.clusters.iter_mut().enumerate() {
        let Ok(cluster) = ClusterId::try_from(i) else {
            return;
        };
        let recently = (runtime.last_detect).is_some_and(|t| t.elapsed() < REDETECT_EVERY);
        if runtime.redetecting
            || recently
            || runtime.caps.git_version != UNKNOWN_VERSION
            || !connected(cluster)
        {
            continue;
        }
        runtime.redetecting = true;
        runtime.last_detect = Some(std::time::Instant::now());
        let (client, tx) = (runtime.conn.client(), caps_tx.clone());
        tokio::spawn(async move {
            let caps = super::dashboard_fleet::capabilities(&client).await;
            let _ = tx.send((cluster, caps));
        });
    }
}

/// Whether `namespace` exists in any cluster on show (it may exist in some only).
pub(super) async fn namespace_in_any(fleet: &Fleet, namespace: &str) -> Result<bool, String> {
    let answers = futures::future::join_all(
        (fleet.clusters.iter())
            .map(|c| async move { namespace_exists(&c.conn.client(), namespace).await }),
    )
    .await;
    if answers.iter().any(|a| matches!(a, Ok(true))) {
        return Ok(true);
    }
    match answers.into_iter().find_map(Result::err) {
        Some(e) => Err(e),
        None => Ok(false),
    }
}
