//! One module per subcommand, wiring the cluster side to the app and the UI.

pub mod boost;
pub mod boost_dash;
pub mod boost_due;
pub mod boost_rollout;
pub mod boost_wait;
pub mod complete;
pub mod config;
pub mod contexts;
pub mod dashboard;
mod dashboard_clusters;
pub mod dashboard_fleet;
pub mod demo;
pub mod docs;
pub mod get;
pub mod get_clusters;
pub mod heap;
pub mod info;
pub mod make_room;
pub mod nodes;
mod outcome_words;
pub mod recommend;
mod recommend_preflight;
mod recommend_sample;
pub mod recommend_usage;
mod recommend_verify;
pub mod resize;
pub mod resize_pod;
mod resize_preflight;
pub mod resize_report;
pub mod sim;
pub mod terminal;
mod text_columns;
pub mod watch;

use crate::cli::CommonArgs;
use crate::cluster::client::{ConnectError, ConnectOptions, Target, build_client, load_config};
use crate::model::pods::events::Scope;
use crate::settings::InitialList;
use kube::Client;

/// When the process started (touched first thing in `main`), for start-up timings in the log.
pub static PROCESS_START: std::sync::LazyLock<std::time::Instant> =
    std::sync::LazyLock::new(std::time::Instant::now);

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("{0}")]
    Api(String),
    #[error("{0}")]
    Terminal(String),
    #[error("{0}")]
    Sim(String),
    /// Writing to stdout failed.
    #[error("{0}")]
    Output(String),
    /// `info --check` found something missing; it prints nothing.
    #[error("")]
    CheckFailed,
    /// Refused before sending, or by the server (its message verbatim).
    #[error("{0}")]
    Refused(String),
    /// A resize that was accepted but did not finish well; `code` is the exit code.
    #[error("{message}")]
    Resize { code: u8, message: String },
}

impl CommandError {
    /// Process exit code: 1 for errors, 2 for a failed resize, 3 for a timed-out one.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Resize { code, .. } => *code,
            _ => 1,
        }
    }
}

/// The cluster layer's connection options from the common command-line options.
impl From<&CommonArgs> for ConnectOptions {
    fn from(common: &CommonArgs) -> Self {
        Self {
            kubeconfig: common.kubeconfig.clone(),
            // Commands of one cluster refuse a second --context before they get here.
            context: common.context.first().cloned(),
            namespace: common.namespace.clone(),
            readonly: common.readonly,
            initial_list: common
                .initial_list
                .as_deref()
                .and_then(InitialList::parse)
                .unwrap_or_default(),
        }
    }
}

/// Loads the kubeconfig and builds a client (read-only when asked).
pub async fn connect(common: &CommonArgs) -> Result<(Client, Target), CommandError> {
    let (config, target) = load_config(common).await?;
    let client = build_client(config, common.readonly)?;
    Ok((client, target))
}

/// The pod scope from -n/-A/-l and the context's namespace.
pub fn scope_from(common: &CommonArgs, target: &Target) -> Scope {
    let namespace = if common.all_namespaces {
        None
    } else {
        common
            .namespace
            .clone()
            .or_else(|| Some(target.default_namespace.clone()).filter(|ns| !ns.is_empty()))
    };
    Scope {
        namespace,
        label_selector: common.selector.clone(),
    }
}
