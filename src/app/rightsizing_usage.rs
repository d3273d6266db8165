//! The figures a container's right-sizing verdict rests on (issue #12, #26): a VPA's target,
//! then Prometheus, then podsize's own live samples, combined over every replica of the pod's
//! workload the app has.

use super::rightsizing::{MIN_LIVE_SAMPLES, PERCENTILE};
use super::state::AppState;
use super::view::PodKey;
use crate::model::decide::evidence::aggregate_owned;
use crate::model::decide::recommend::{Usage, combine_sources};
use crate::model::decide::usage_history::UsageHistory;
use crate::model::decide::vpa::Vpa;
use chrono::{DateTime, Utc};

/// The usage the recommendation for `container` of `key` rests on, in the documented source
/// order: a VPA's target, then Prometheus, then podsize's own live samples.
pub fn usage_for(
    state: &AppState,
    key: &PodKey,
    container: &str,
    now: DateTime<Utc>,
) -> Option<Usage> {
    usage_with(state, key, container, now, MIN_LIVE_SAMPLES)
}

/// `usage_for` with live samples counted from `min_live` readings: make-room's floors take any
/// reading, since a floor from one reading is still a floor, and no floor means no shrink.
/// The figures are those of the pod's workload: every replica the app has, combined.
pub fn usage_with(
    state: &AppState,
    key: &PodKey,
    container: &str,
    now: DateTime<Utc>,
    min_live: u64,
) -> Option<Usage> {
    let members = super::rightsizing_workload::workload_members(state, key);
    let sources = sources_of(state, &members, None);
    workload_usage(&sources, container, now, min_live)
}

/// What the app holds on one pod's usage: looked up once per pod, read once per container.
pub(super) struct PodSources<'a> {
    /// The pod itself; `None` once the app no longer has it.
    pub pod: Option<&'a crate::model::PodRow>,
    vpa: Option<&'a Vpa>,
    long: Option<&'a [(String, Usage)]>,
    rings: Option<&'a [(String, UsageHistory)]>,
}

/// The sources of each of one workload's pods `members`; `vpa` is the workload's VPA when the
/// caller knows it (`Some(None)`: none covers it), else it is looked up.
pub(super) fn sources_of<'a>(
    state: &'a AppState,
    members: &[PodKey],
    vpa: Option<Option<&'a Vpa>>,
) -> Vec<PodSources<'a>> {
    let mut out = Vec::with_capacity(members.len());
    let pods = members.iter().map(|key| (key, state.pods.get(key)));
    sources_into(state, pods, vpa, &mut out);
    out
}

/// [`sources_of`] for pods the caller already found (`None`: gone), into its buffer `out`: a
/// metrics reading walks every workload with one buffer and without looking pods up again.
pub(super) fn sources_into<'a, 'k>(
    state: &'a AppState,
    pods: impl Iterator<Item = (&'k PodKey, Option<&'a crate::model::PodRow>)>,
    vpa: Option<Option<&'a Vpa>>,
    out: &mut Vec<PodSources<'a>>,
) {
    out.clear();
    // Replicas share their owner chain, so a workload's VPA is looked up once.
    let mut vpa_of_workload = vpa;
    out.extend(pods.map(|(key, pod)| {
        let vpa = pod.and_then(|pod| {
            *vpa_of_workload.get_or_insert_with(|| state.cluster(pod.cluster).vpas.covering(pod))
        });
        PodSources {
            pod,
            vpa,
            long: state.long_usage.get(key).map(Vec::as_slice),
            rings: state.usage_history.get(key).map(Vec::as_slice),
        }
    }));
}

/// The figures of `container` over one workload's pods.
pub(super) fn workload_usage(
    sources: &[PodSources],
    container: &str,
    now: DateTime<Utc>,
    min_live: u64,
) -> Option<Usage> {
    aggregate_owned(
        sources
            .iter()
            .filter_map(|s| pod_usage(s, container, now, min_live)),
    )
}

/// One pod's figures for `container`, from its best sources.
fn pod_usage(
    sources: &PodSources,
    container: &str,
    now: DateTime<Utc>,
    min_live: u64,
) -> Option<Usage> {
    let vpa = sources.vpa.and_then(|vpa| vpa.usage(container));
    let long = (sources.long.into_iter().flatten())
        .find(|(name, _)| name == container)
        .map(|(_, usage)| usage.clone());
    let ring = (sources.rings.into_iter().flatten())
        .find(|(name, _)| name == container)
        .map(|(_, ring)| ring);
    if vpa.is_none() && long.is_none() && ring.is_none_or(|r| r.samples() < min_live) {
        return None;
    }
    // Live samples are labelled by since when they run, not by a window.
    let live = ring.and_then(|r| r.usage(PERCENTILE, now));
    combine_sources(vpa, long, live)
}
