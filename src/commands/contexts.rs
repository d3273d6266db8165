//! Which clusters a command shows (issue #15): `--context` given once or more, `--all-contexts`
//! (every context of the kubeconfig, in its order, those on one cluster once), or the current
//! context. Each gets its own client, built through `build_client`, so read-only holds for
//! every one of them.

use super::{CommandError, connect, scope_from};
use crate::cli::CommonArgs;
use crate::cluster::client::{ConnectError, Target, build_client, load_config};
use crate::model::pods::events::Scope;
use kube::Client;

/// One cluster to show: its client and where it points.
#[derive(Clone)]
pub struct ClusterTarget {
    pub client: Client,
    pub target: Target,
}

/// The kubeconfig the options name (`--kubeconfig`, else `KUBECONFIG` or ~/.kube/config).
fn read_kubeconfig(common: &CommonArgs) -> Result<kube::config::Kubeconfig, ConnectError> {
    let read = match &common.kubeconfig {
        Some(path) => {
            kube::config::Kubeconfig::read_from(path).map_err(|e| (path.display().to_string(), e))
        }
        None => kube::config::Kubeconfig::read().map_err(|e| {
            let path = std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into());
            (path, e)
        }),
    };
    read.map_err(|(path, e)| ConnectError::Kubeconfig {
        path,
        reason: crate::cluster::client::one_line(&e),
    })
}

/// Every context of the kubeconfig the options name, in the file's order.
pub fn all_context_names(common: &CommonArgs) -> Result<Vec<String>, ConnectError> {
    let kubeconfig = read_kubeconfig(common)?;
    let names: Vec<String> = kubeconfig.contexts.into_iter().map(|c| c.name).collect();
    if names.is_empty() {
        return Err(no_contexts());
    }
    Ok(names)
}

/// The contexts of `--all-contexts` and `:ctx all`: one per cluster, and the others named.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistinctContexts {
    /// One context per cluster, in the file's order.
    pub names: Vec<String>,
    /// Each context left out, with the one kept for its cluster.
    pub folded: Vec<(String, String)>,
}

impl DistinctContexts {
    /// `sim-viewer is the same cluster as sim-admin`, for the header's status line.
    pub fn note(&self) -> Option<String> {
        let mut kept: Vec<(&str, Vec<&str>)> = Vec::new();
        for (left, kept_as) in &self.folded {
            match kept.iter_mut().find(|(k, _)| k == kept_as) {
                Some((_, lefts)) => lefts.push(left),
                None => kept.push((kept_as, vec![left])),
            }
        }
        let parts: Vec<String> = (kept.iter())
            .map(|(k, lefts)| {
                let verb = if lefts.len() == 1 { "is" } else { "are" };
                format!("{} {verb} the same cluster as {k}", lefts.join(", "))
            })
            .collect();
        (!parts.is_empty()).then(|| format!("{}: shown once", parts.join("; ")))
    }
}

type ServerAndNamespace = (String, String);

/// Contexts that name the same server and namespace (users differ: `sim-admin` and
/// `sim-viewer`) are one cluster: listed once its pods would be counted twice. Each is shown
/// under the current context's name when it is one of them, else the first in the file.
pub fn distinct_contexts(kubeconfig: &kube::config::Kubeconfig) -> DistinctContexts {
    let server_of = |cluster: &str| {
        (kubeconfig.clusters.iter())
            .find(|c| c.name == cluster)
            .and_then(|c| c.cluster.as_ref()?.server.clone())
    };
    // A context whose server cannot be read stays on its own: connecting says what is wrong.
    let key_of = |c: &kube::config::NamedContext| {
        let context = c.context.as_ref()?;
        let server = server_of(&context.cluster)?;
        // An unset namespace is the client's `default`.
        let namespace = context
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        Some((server.trim_end_matches('/').to_string(), namespace))
    };
    let current = kubeconfig.current_context.as_deref();
    // Contexts by (server, namespace), in the file's order.
    let mut groups: Vec<(Option<ServerAndNamespace>, Vec<String>)> = Vec::new();
    for c in &kubeconfig.contexts {
        let key = key_of(c);
        match groups.iter_mut().find(|(k, _)| key.is_some() && *k == key) {
            Some((_, names)) => names.push(c.name.clone()),
            None => groups.push((key, vec![c.name.clone()])),
        }
    }
    let mut out = DistinctContexts::default();
    for (_, names) in groups {
        let kept = (names.iter())
            .find(|n| Some(n.as_str()) == current)
            .or(names.first())
            .cloned()
            .unwrap_or_default();
        (out.folded).extend(
            names
                .into_iter()
                .filter(|n| *n != kept)
                .map(|n| (n, kept.clone())),
        );
        out.names.push(kept);
    }
    out
}

/// One context per cluster of the kubeconfig the options name (`--all-contexts`, `:ctx all`).
pub fn all_clusters(common: &CommonArgs) -> Result<DistinctContexts, ConnectError> {
    let all = distinct_contexts(&read_kubeconfig(common)?);
    if all.names.is_empty() {
        return Err(no_contexts());
    }
    Ok(all)
}

fn no_contexts() -> ConnectError {
    ConnectError::Config("--all-contexts: the kubeconfig has no contexts".into())
}

/// The one context a one-cluster command talks to: the `--context` given, else the
/// kubeconfig's current context (`None` when the kubeconfig cannot say).
pub fn one_context_name(common: &CommonArgs) -> Option<String> {
    if let Some(name) = common.context.first() {
        return Some(name.clone());
    }
    read_kubeconfig(common).ok()?.current_context
}

/// The contexts asked for: `None` means the one current context.
pub fn wanted(common: &CommonArgs) -> Result<Option<Vec<String>>, ConnectError> {
    if common.all_contexts {
        return all_clusters(common).map(|all| Some(all.names));
    }
    Ok(match common.context.as_slice() {
        [] | [_] => None,
        several => Some(dedup(several)),
    })
}

/// The same context twice would show each of its pods twice.
fn dedup(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// A client for each of `names`; the first that cannot be built is the error (naming it).
pub async fn connect_each(
    common: &CommonArgs,
    names: &[String],
) -> Result<Vec<ClusterTarget>, CommandError> {
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut one = common.clone();
        one.context = vec![name.clone()];
        one.all_contexts = false;
        // An unknown context names itself; any other failure is said of the context it hit.
        let named = |e: ConnectError| match e {
            ConnectError::UnknownContext { .. } => CommandError::Api(e.to_string()),
            e => CommandError::Api(format!("context {name}: {e}")),
        };
        let (config, target) = load_config(&one).await.map_err(named)?;
        let client = build_client(config, common.readonly).map_err(named)?;
        out.push(ClusterTarget { client, target });
    }
    Ok(out)
}

/// The clusters the options ask for, and the pod scope over them.
pub async fn connect_clusters(
    common: &CommonArgs,
) -> Result<(Vec<ClusterTarget>, Scope), CommandError> {
    let clusters = match wanted(common)? {
        None => {
            let (client, target) = connect(common).await?;
            vec![ClusterTarget { client, target }]
        }
        Some(names) => connect_each(common, &names).await?,
    };
    let scope = scope_over(common, &clusters);
    Ok((clusters, scope))
}

/// `-n`/`-A`, else the contexts' namespace when they agree; contexts with different
/// namespaces are shown over all namespaces (one cluster's default says nothing of another's).
pub fn scope_over(common: &CommonArgs, clusters: &[ClusterTarget]) -> Scope {
    let first = clusters
        .first()
        .map(|c| c.target.clone())
        .unwrap_or_default();
    let mut scope = scope_from(common, &first);
    let agree = clusters
        .iter()
        .all(|c| c.target.default_namespace == first.default_namespace);
    if common.namespace.is_none() && !agree {
        scope.namespace = None;
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_given_twice_is_shown_once() {
        let names = ["a", "b", "a"].map(String::from);
        assert_eq!(dedup(&names), ["a", "b"]);
    }

    /// Contexts `name: (cluster, namespace)` over clusters `name: server`.
    fn kubeconfig(
        current: &str,
        clusters: &[(&str, &str)],
        contexts: &[(&str, &str, Option<&str>)],
    ) -> kube::config::Kubeconfig {
        let value = serde_json::json!({
            "current-context": current,
            "clusters": clusters.iter().map(|(name, server)|
                serde_json::json!({"name": name, "cluster": {"server": server}})).collect::<Vec<_>>(),
            "contexts": contexts.iter().map(|(name, cluster, ns)|
                serde_json::json!({"name": name, "context": {"cluster": cluster, "user": name, "namespace": ns}})).collect::<Vec<_>>(),
        });
        serde_json::from_value(value).unwrap_or_default()
    }

    #[test]
    fn contexts_on_the_same_server_and_namespace_are_one_cluster() {
        let clusters = [
            ("sim", "https://127.0.0.1:6443"),
            ("sim-again", "https://127.0.0.1:6443/"),
            ("other", "https://10.0.0.1:6443"),
        ];
        let contexts = [
            ("sim-admin", "sim", Some("default")),
            ("sim-viewer", "sim", None),
            ("other-admin", "other", None),
            ("sim-shop", "sim", Some("shop")),
            ("sim-ci", "sim-again", Some("default")),
        ];
        let all = distinct_contexts(&kubeconfig("sim-viewer", &clusters, &contexts));
        // Shown under the current context's name; another namespace is another view.
        assert_eq!(all.names, ["sim-viewer", "other-admin", "sim-shop"]);
        assert_eq!(
            all.note().as_deref(),
            Some("sim-admin, sim-ci are the same cluster as sim-viewer: shown once")
        );
        // The current context elsewhere: the first of the group keeps its name.
        let all = distinct_contexts(&kubeconfig("other-admin", &clusters, &contexts[..2]));
        assert_eq!(all.names, ["sim-admin"]);
        assert_eq!(
            all.note().as_deref(),
            Some("sim-viewer is the same cluster as sim-admin: shown once")
        );
        let distinct = distinct_contexts(&kubeconfig("x", &clusters, &contexts[1..4]));
        assert_eq!(distinct.note(), None);
    }

    #[test]
    fn one_context_or_none_is_the_single_cluster_path() {
        let mut common = CommonArgs::default();
        assert_eq!(wanted(&common).ok(), Some(None));
        common.context = vec!["x".into()];
        assert_eq!(wanted(&common).ok(), Some(None));
        common.context.push("y".into());
        assert_eq!(
            wanted(&common).ok(),
            Some(Some(vec!["x".into(), "y".into()]))
        );
    }

    #[test]
    fn all_contexts_of_a_missing_kubeconfig_is_a_clear_error() {
        let common = CommonArgs {
            kubeconfig: Some("/nonexistent/podsize-kubeconfig".into()),
            all_contexts: true,
            ..CommonArgs::default()
        };
        let err = wanted(&common)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("/nonexistent/podsize-kubeconfig"), "{err}");
    }
}
