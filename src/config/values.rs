//! The settings podsize reads from its config file, each with where its value came from.

use super::error::Location;
use crate::app::view::SortKey;
use crate::cluster::watch::InitialList;
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
    pub history: Setting<Duration>,
}

impl Default for Effective {
    fn default() -> Self {
        Self {
            theme: Setting::default(None),
            sort: Setting::default(None),
            columns: Setting::default(None),
            stuck_after: Setting::default(Duration::from_secs(120)),
            initial_list: Setting::default(InitialList::default()),
            metrics_poll: Setting::default(crate::cluster::metrics::POLL_INTERVAL),
            page_interval: Setting::default(Duration::from_secs(10)),
            rotate_namespaces: Setting::default(false),
            prometheus: Setting::default(None),
            history: Setting::default(Duration::from_secs(14 * 86_400)),
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
    /// Where the dashboard reads long-window usage for its recommendations.
    pub prometheus: Option<PromAddress>,
    pub history: Duration,
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
            history: self.history.value,
        }
    }
}
