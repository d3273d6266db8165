//! Where `podsize recommend`, `resize --recommended` and `make-room` get their usage figures
//! (issues #12, #26): Prometheus and metrics.k8s.io per pod, combined per workload and
//! container over every pod the workload had in the window, then a covering VPA's target.

use crate::cli::{CommonArgs, UsageArgs};
use crate::cluster::owners::OwnerCache;
use crate::cluster::prometheus::{ContainerKey, Prometheus};
use crate::commands::CommandError;
use crate::model::PodRow;
use crate::model::decide::evidence::aggregate;
use crate::model::decide::recommend::{Policy, Source, Usage, combine_sources};
use crate::model::decide::vpa::{VpaContainer, vpa_for};
use crate::model::decide::workload::{Workload, workload_of_gone_pod};
use crate::model::pods::events::Scope;
use crate::settings::PromTarget;
use chrono::{DateTime, TimeDelta, Utc};
use kube::Client;
use std::collections::HashMap;

/// Usage per container, from the best source the cluster has, and what went wrong on the way.
pub struct UsageTable {
    pub by_container: HashMap<ContainerKey, Usage>,
    /// The VPA recommendation (target and bounds) behind a container's usage, when a VPA won.
    pub vpa: HashMap<ContainerKey, VpaShown>,
    /// A source that was asked and failed (shown, never fatal).
    pub warnings: Vec<String>,
    /// The workload each container's figures were gathered over (see `by_workload`).
    pub workload: HashMap<ContainerKey, Workload>,
}

/// The rule with the settings' knobs (`[rightsizing] min_history`).
pub fn policy_of(prefs: &crate::config::Prefs) -> Policy {
    let mut policy = Policy::default();
    if let Ok(min) = TimeDelta::from_std(prefs.min_history) {
        policy.gate.min_history = min;
    }
    policy
}

/// One reading of metrics.k8s.io: the live-sample source, labelled with its age and count.
async fn live_usage(
    client: &Client,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Option<HashMap<ContainerKey, Usage>> {
    let pods = crate::cluster::metrics::fetch(client, scope).await.ok()?;
    let mut out = HashMap::new();
    for pod in pods {
        for (container, used) in pod.containers {
            // One reading: its figures are what the container uses now, a floor for any
            // source, and a zero window that the shrink gate reads as no history.
            let usage = Usage {
                cpu_percentile: used.cpu_millis,
                cpu_p50: used.cpu_millis,
                cpu_peak: used.cpu_millis,
                memory_peak: used.memory_bytes,
                samples: 1,
                span: Some((now, now)),
                current: used,
                pods: 1,
                ..Usage::new(Source::LiveSamples { since: now })
            };
            out.insert((pod.namespace.clone(), pod.name.clone(), container), usage);
        }
    }
    Some(out)
}

/// Asks Prometheus when one is named, and metrics.k8s.io for what it does not cover.
pub async fn gather_usage(
    client: &Client,
    common: &CommonArgs,
    usage: &UsageArgs,
    scope: &Scope,
) -> Result<UsageTable, CommandError> {
    let window = TimeDelta::from_std(usage.history).unwrap_or(TimeDelta::days(14));
    let target = match (&usage.prometheus, &usage.prometheus_service) {
        (Some(url), _) => Some(PromTarget::Url(url.clone())),
        (None, Some(service)) => {
            Some(PromTarget::parse_service(service).map_err(CommandError::Refused)?)
        }
        (None, None) => None,
    };
    let mut table = UsageTable {
        by_container: HashMap::new(),
        vpa: HashMap::new(),
        warnings: Vec::new(),
        workload: HashMap::new(),
    };
    let prom = target
        .map(|target| Prometheus::new(&target, client, common.readonly))
        .transpose()
        .map_err(|e| CommandError::Refused(e.to_string()))?;
    // Prometheus and metrics.k8s.io are asked at the same time: neither waits for the other.
    let from_prometheus = async {
        match &prom {
            Some(prom) => Some(prom.container_usage(scope, window, usage.percentile).await),
            None => None,
        }
    };
    let live = async {
        match usage.sample {
            Some(duration) => {
                super::recommend_sample::sample_usage(client, scope, duration, usage.percentile)
                    .await
            }
            None => live_usage(client, scope, Utc::now()).await,
        }
    };
    let (from_prometheus, live) = futures::join!(from_prometheus, live);
    match from_prometheus {
        Some(Ok(found)) => table.by_container = found,
        Some(Err(e)) => table.warnings.push(e.to_string()),
        None => {}
    }
    if let Some(live) = live {
        for (key, u) in live {
            let prometheus = table.by_container.remove(&key);
            if let Some(both) = combine_sources(None, prometheus, Some(u)) {
                table.by_container.insert(key, both);
            }
        }
    } else if table.by_container.is_empty() {
        table.warnings.push(
            "no usage source: metrics.k8s.io is not served and no Prometheus was named".into(),
        );
    }
    Ok(table)
}

/// A VPA's figures for one container, shown beside the recommendation.
#[derive(Clone, Debug)]
pub struct VpaShown {
    pub name: String,
    pub update_mode: String,
    pub target_kind: String,
    pub target_name: String,
    pub figures: VpaContainer,
}

/// Puts VPA targets first in the source order for the containers of `rows` a VPA covers
/// (matched through `spec.targetRef` and the pods' owner chains). Skipped without a word when
/// the cluster has no VPA CRD; a failure to read VPAs or owners is a warning, never fatal.
pub async fn add_vpa_usage(
    client: &Client,
    scope: &Scope,
    rows: &[PodRow],
    owners: &OwnerCache,
    table: &mut UsageTable,
) {
    match crate::cluster::vpa::served(client).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            table
                .warnings
                .push(format!("cannot ask discovery for VPAs: {e}"));
            return;
        }
    }
    let vpas = match crate::cluster::vpa::list(client, scope).await {
        Ok(v) => v,
        Err(e) => {
            table.warnings.push(format!(
                "cannot list VPAs: {}",
                crate::cluster::client::one_line(&e)
            ));
            return;
        }
    };
    if vpas.is_empty() {
        return;
    }
    for pod in rows {
        let chain = owners.chain(pod);
        let Some(vpa) = vpa_for(&pod.namespace, &chain, &vpas) else {
            continue;
        };
        for c in super::recommend::sized_containers(pod) {
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            let (Some(usage), Some(figures)) = (vpa.usage(&c.name), vpa.container(&c.name)) else {
                continue;
            };
            let other = table.by_container.remove(&key);
            if let Some(best) = combine_sources(Some(usage), other, None) {
                table.by_container.insert(key.clone(), best);
            }
            table.vpa.insert(
                key,
                VpaShown {
                    name: vpa.name.clone(),
                    update_mode: vpa.update_mode.clone(),
                    target_kind: vpa.target.kind.clone(),
                    target_name: vpa.target.name.clone(),
                    figures: figures.clone(),
                },
            );
        }
    }
}

/// The owner chains of `rows` (a ReplicaSet's Deployment read from the API); a failure is a
/// warning, and those pods count as their own workloads.
pub async fn owners_of(client: &Client, rows: &[PodRow], table: &mut UsageTable) -> OwnerCache {
    let mut owners = OwnerCache::default();
    if let Err(e) = owners.fill(client, rows).await {
        table.warnings.push(e);
    }
    owners
}

/// Replaces each container's figures with those of its workload's container: every pod of
/// the workload the sources know of, the gone pods of earlier ReplicaSets included (placed
/// by name, `Workload::named_its_pod`), so every replica gets one answer.
pub fn by_workload(table: &mut UsageTable, rows: &[PodRow], owners: &OwnerCache) {
    let mut of_pod: HashMap<(&str, &str), Workload> = HashMap::new();
    let mut known: HashMap<&str, Vec<Workload>> = HashMap::new();
    for pod in rows {
        let w = Workload::of(&pod.name, &owners.chain(pod));
        let list = known.entry(pod.namespace.as_str()).or_default();
        if !list.contains(&w) {
            list.push(w.clone());
        }
        of_pod.insert((pod.namespace.as_str(), pod.name.as_str()), w);
    }
    let mut groups: HashMap<(String, Workload, String), Vec<&Usage>> = HashMap::new();
    for ((ns, pod, container), usage) in &table.by_container {
        let w = match of_pod.get(&(ns.as_str(), pod.as_str())) {
            Some(w) => w.clone(),
            None => match known
                .get(ns.as_str())
                .and_then(|k| workload_of_gone_pod(pod, k))
            {
                Some(w) => w.clone(),
                None => continue,
            },
        };
        groups
            .entry((ns.clone(), w, container.clone()))
            .or_default()
            .push(usage);
    }
    let combined: HashMap<(String, Workload, String), Usage> = groups
        .into_iter()
        .filter_map(|(key, parts)| Some((key, aggregate(parts)?)))
        .collect();
    let mut out = HashMap::new();
    for pod in rows {
        let Some(w) = of_pod.get(&(pod.namespace.as_str(), pod.name.as_str())) else {
            continue;
        };
        for c in &pod.containers {
            let wkey = (pod.namespace.clone(), w.clone(), c.name.clone());
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            if let Some(u) = combined.get(&wkey) {
                out.insert(key.clone(), u.clone());
            }
            table.workload.insert(key, w.clone());
        }
    }
    table.by_container = out;
}

/// Everything the recommendation of `rows` rests on, in one place for every command: the
/// sources, per workload, with a covering VPA's target first.
pub async fn usage_of(
    client: &Client,
    common: &CommonArgs,
    args: &UsageArgs,
    scope: &Scope,
    rows: &[PodRow],
) -> Result<UsageTable, CommandError> {
    let table = gather_usage(client, common, args, scope).await?;
    let (table, _owners) = usage_per_workload(client, scope, rows, table).await;
    Ok(table)
}

/// The sources' figures in `table` made per workload over `rows`, with a covering VPA's target
/// first: the second half of `usage_of`, for a caller that read the sources beside its list.
/// The owner chains read on the way are handed back, so a later step need not read them again.
pub async fn usage_per_workload(
    client: &Client,
    scope: &Scope,
    rows: &[PodRow],
    mut table: UsageTable,
) -> (UsageTable, OwnerCache) {
    let started = std::time::Instant::now();
    let owners = owners_of(client, rows, &mut table).await;
    by_workload(&mut table, rows, &owners);
    add_vpa_usage(client, scope, rows, &owners, &mut table).await;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "usage: owners, workloads and VPAs read"
    );
    (table, owners)
}
