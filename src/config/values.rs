//! The settings podsize reads from its config file, each with where its value came from.

use super::error::Location;
use crate::settings::InitialList;
use crate::settings::SortKey;
use std::time::Duration;

/// Where an effective value came from, for `podsize config show`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Default,
    File(Location),
    Env(&'static str),
    Flag(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File(at) => write!(f, "file {}:{}", at.path.display(), at.line),
            Self::Env(var) => write!(f, "env {var}"),
            Self::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// One value and its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    pub fn default(value: T) -> Self {
        Self {
            value,
            source: Source::Default,
        }
    }

    /// Replaces the value when a higher-precedence layer sets one.
    pub fn set(&mut self, value: Option<T>, source: Source) {
        if let Some(value) = value {
            *self = Self { value, source };
        }
    }
}

/// Where usage history is read from: a base URL, or a service behind the API server's proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromAddress {
    Url(String),
    Service(String),
}

/// The column names `columns` accepts, in display order (the UI maps them to its columns).
pub const COLUMN_NAMES: [&str; 14] = [
    "cluster",
    "namespace",
    "pod",
    "container",
    "cpu-request",
    "cpu-limit",
    "memory-request",
    "memory-limit",
    "recommendation",
    "resize",
    "restarts",
    "age",
    "node",
    "usage",
];

/// Every setting after merging defaults, the file, the environment and the flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effective {
    /// `None`: chosen by the mode (NO_COLOR, the wall's high contrast, else default).
    pub theme: Setting<Option<String>>,
    /// `None`: the mode's own (name; resize state on the wall).
    pub sort: Setting<Option<SortKey>>,
    /// `None`: every column that fits.
    pub columns: Setting<Option<Vec<&'static str>>>,
    pub stuck_after: Setting<Duration>,
    pub initial_list: Setting<InitialList>,
    pub metrics_poll: Setting<Duration>,
    pub page_interval: Setting<Duration>,
    pub rotate_namespaces: Setting<bool>,
    pub prometheus: Setting<Option<PromAddress>>,
    /// `[prometheus.contexts]` in the file's order.
    pub prometheus_contexts: Vec<(String, Setting<PromAddress>)>,
    pub history: Setting<Duration>,
    pub min_history: Setting<Duration>,
}

impl Default for Effective {
    fn default() -> Self {
        Self {
            theme: Setting::default(None),
            sort: Setting::default(None),
            columns: Setting::default(None),
            stuck_after: Setting::default(Duration::from_secs(120)),
            initial_list: Setting::default(InitialList::default()),
            metrics_poll: Setting::default(crate::settings::METRICS_POLL_INTERVAL),
            page_interval: Setting::default(Duration::from_secs(10)),
            rotate_namespaces: Setting::default(false),
            prometheus: Setting::default(None),
            prometheus_contexts: Vec::new(),
            history: Setting::default(Duration::from_secs(14 * 86_400)),
            min_history: Setting::default(crate::settings::MIN_HISTORY),
        }
    }
}

/// The dashboard-only values that have no command-line flag, carried to the dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefs {
    pub sort: Option<SortKey>,
    pub columns: Option<Vec<&'static str>>,
    pub stuck_after: Duration,
    pub metrics_poll: Duration,
    /// Where long-window usage for the recommendations is read, unless a context has its own.
    pub prometheus: Option<PromAddress>,
    /// `prometheus` came from the environment or a flag: typed for this shell or command.
    pub prometheus_typed: bool,
    /// A Prometheus per kubeconfig context (`[prometheus.contexts]`).
    pub prometheus_contexts: Vec<(String, PromAddress)>,
    pub history: Duration,
    /// What a decrease needs covered (`[rightsizing] min_history`).
    pub min_history: Duration,
}

impl Default for Prefs {
    fn default() -> Self {
        Effective::default().prefs()
    }
}

impl Effective {
    pub fn prefs(&self) -> Prefs {
        Prefs {
            sort: self.sort.value,
            columns: self.columns.value.clone(),
            stuck_after: self.stuck_after.value,
            metrics_poll: self.metrics_poll.value,
            prometheus: self.prometheus.value.clone(),
            prometheus_typed: matches!(self.prometheus.source, Source::Env(_) | Source::Flag(_)),
            prometheus_contexts: (self.prometheus_contexts.iter())
                .map(|(context, s)| (context.clone(), s.value.clone()))
                .collect(),
            history: self.history.value,
            min_history: self.min_history.value,
        }
    }
}

impl Prefs {
    /// Where the recommendations of kubeconfig context `context` read long-window usage, with
    /// `clusters` clusters on show. A service address is each cluster's own (reached through
    /// its API server), so it serves any number of clusters; a URL names one Prometheus, of
    /// one cluster, so with several it is read only for the contexts listed under
    /// `[prometheus.contexts]`. A typed (env or flag) address outranks the file's per-context
    /// entries; the file's default does not.
    pub fn prometheus_for(&self, context: &str, clusters: usize) -> Option<PromAddress> {
        let usable = |address: &PromAddress| match address {
            PromAddress::Service(_) => true,
            PromAddress::Url(_) => clusters <= 1,
        };
        let default = self.prometheus.as_ref().filter(|a| usable(a));
        if self.prometheus_typed && default.is_some() {
            return default.cloned();
        }
        (self.prometheus_contexts.iter())
            .find(|(name, _)| name == context)
            .map(|(_, address)| address)
            .or(default)
            .cloned()
    }

    /// The contexts a URL default is not read for because several clusters are on show and
    /// `[prometheus.contexts]` does not name them, for a one-line notice.
    pub fn prometheus_skipped<'a>(&self, contexts: &[&'a str]) -> Vec<&'a str> {
        if !matches!(self.prometheus, Some(PromAddress::Url(_))) || contexts.len() <= 1 {
            return Vec::new();
        }
        (contexts.iter().copied())
            .filter(|c| self.prometheus_for(c, contexts.len()).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(u: &str) -> PromAddress {
        PromAddress::Url(u.into())
    }

    fn service(s: &str) -> PromAddress {
        PromAddress::Service(s.into())
    }

    fn prefs(default: Option<PromAddress>, typed: bool) -> Prefs {
        Prefs {
            prometheus: default,
            prometheus_typed: typed,
            prometheus_contexts: vec![("eu".into(), url("http://prom-eu:9090"))],
            ..Prefs::default()
        }
    }

    #[test]
    fn a_url_serves_one_cluster_and_a_service_serves_each() {
        let p = prefs(Some(url("http://prom:9090")), false);
        assert_eq!(p.prometheus_for("us", 1), Some(url("http://prom:9090")));
        assert_eq!(p.prometheus_for("us", 2), None);
        assert_eq!(p.prometheus_skipped(&["eu", "us"]), ["us"]);
        assert!(p.prometheus_skipped(&["us"]).is_empty());
        let p = prefs(Some(service("monitoring/prom:9090")), false);
        assert_eq!(
            p.prometheus_for("us", 3),
            Some(service("monitoring/prom:9090"))
        );
        assert!(p.prometheus_skipped(&["eu", "us"]).is_empty());
    }

    #[test]
    fn a_context_of_its_own_outranks_the_files_default_but_not_a_typed_one() {
        let p = prefs(Some(url("http://prom:9090")), false);
        assert_eq!(p.prometheus_for("eu", 1), Some(url("http://prom-eu:9090")));
        assert_eq!(p.prometheus_for("eu", 2), Some(url("http://prom-eu:9090")));
        let p = prefs(Some(url("http://typed:9090")), true);
        assert_eq!(p.prometheus_for("eu", 1), Some(url("http://typed:9090")));
        // A typed URL still names one cluster's Prometheus: with several, entries decide.
        assert_eq!(p.prometheus_for("eu", 2), Some(url("http://prom-eu:9090")));
        assert_eq!(p.prometheus_for("us", 2), None);
        let p = prefs(None, false);
        assert_eq!(p.prometheus_for("eu", 2), Some(url("http://prom-eu:9090")));
        assert_eq!(p.prometheus_for("us", 1), None);
    }
}
