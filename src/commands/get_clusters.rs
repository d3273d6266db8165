//! `podsize get` over the clusters the options name (issue #15): each is listed at the same
//! time, and one that cannot be reached is reported without hiding the others' pods.

use super::CommandError;
use super::contexts::ClusterTarget;
use crate::cluster::wire::WirePod;
use crate::model::PodRow;
use crate::model::pods::events::Scope;
use crate::model::pods::row::ClusterId;
use futures::future::join_all;
use kube::Api;

/// What the clusters answered: their rows in cluster order, and one line per cluster that failed.
pub struct Listed {
    pub rows: Vec<PodRow>,
    pub failures: Vec<String>,
}

/// Lists every cluster concurrently; rows sort by cluster order, then namespace and name.
pub async fn list_all(clusters: &[ClusterTarget], scope: &Scope) -> Listed {
    let answers = join_all(clusters.iter().map(|c| list_one(c, scope))).await;
    let several = clusters.len() > 1;
    let mut listed = Listed {
        rows: Vec::new(),
        failures: Vec::new(),
    };
    for (i, (cluster, answer)) in clusters.iter().zip(answers).enumerate() {
        match answer {
            Ok(rows) => {
                // More than 65,535 contexts cannot be given on a command line worth running.
                let id = ClusterId::try_from(i).unwrap_or(ClusterId::MAX);
                listed.rows.extend(rows.into_iter().map(|mut r| {
                    r.cluster = id;
                    r
                }));
            }
            Err(e) => {
                let reason = crate::cluster::client::one_line(&e);
                let line = format!("cannot list pods from {}: {reason}", cluster.target.server);
                // One cluster keeps today's message; with several, the line names its context.
                listed.failures.push(if several {
                    format!("context {}: {line}", cluster.target.context)
                } else {
                    line
                });
            }
        }
    }
    // Two clusters may both have shop/web-1: the cluster's place decides, then namespace, name.
    listed.rows.sort_by(|a, b| {
        (a.cluster, &a.namespace, &a.name).cmp(&(b.cluster, &b.namespace, &b.name))
    });
    listed
}

async fn list_one(cluster: &ClusterTarget, scope: &Scope) -> Result<Vec<PodRow>, kube::Error> {
    let client = cluster.client.clone();
    let api: Api<WirePod> = match &scope.namespace {
        Some(ns) => Api::namespaced(client, ns),
        None => Api::all(client),
    };
    super::get::list_rows(&api, scope.label_selector.as_deref()).await
}

/// The context names in cluster order: what `cluster` in JSON and the CLUSTER column show.
pub fn context_names(clusters: &[ClusterTarget]) -> Vec<String> {
    clusters.iter().map(|c| c.target.context.clone()).collect()
}

/// An empty list of a namespace that does not exist is a typo, not an empty namespace: say so,
/// but only when every cluster answered that it has no such namespace. A cluster that cannot
/// read namespaces (RBAC) or cannot be reached may have it, so then nothing is claimed.
pub async fn ensure_namespace_exists(
    clusters: &[ClusterTarget],
    namespace: &str,
) -> Result<(), CommandError> {
    let answers = join_all(clusters.iter().map(|c| {
        let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(c.client.clone());
        async move { api.get_opt(namespace).await }
    }))
    .await;
    if !answers.iter().all(|a| matches!(a, Ok(None))) {
        return Ok(());
    }
    Err(CommandError::Api(match clusters {
        [one] => format!(
            "namespace {namespace:?} does not exist on {}",
            one.target.server
        ),
        several => format!(
            "namespace {namespace:?} does not exist on any of the contexts {}",
            context_names(several).join(", ")
        ),
    }))
}

/// Failures as the command's result: main prints the returned error after `podsize: `, so all
/// but the last line are printed here the same way, one line per failed cluster, in order.
pub fn report(mut failures: Vec<String>) -> Result<(), CommandError> {
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for line in &failures {
        eprintln!("podsize: {line}");
    }
    Err(CommandError::Api(last))
}
