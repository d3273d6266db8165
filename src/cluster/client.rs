//! Kubeconfig loading and kube client building, with one clear line per failure.

pub use super::connect_options::ConnectOptions;
use super::readonly::ReadOnlyLayer;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot read kubeconfig {path}: {reason}")]
    Kubeconfig { path: String, reason: String },
    #[error("kubeconfig: {0}")]
    Config(String),
    /// A context the kubeconfig does not have, with the ones it has (a typo is the usual cause).
    #[error("no context {name:?} in the kubeconfig; its contexts: {}", list_or_none(.known))]
    UnknownContext { name: String, known: Vec<String> },
    #[error("cannot build a client for {server}: {reason}")]
    Client { server: String, reason: String },
}

/// Where a client points, for the header.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub context: String,
    pub server: String,
    pub default_namespace: String,
}

/// Reads the kubeconfig named in the options, or the default one, and picks the context.
pub async fn load_config(
    options: impl Into<ConnectOptions>,
) -> Result<(Config, Target), ConnectError> {
    let options: ConnectOptions = options.into();
    let kubeconfig = match &options.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).map_err(|e| ConnectError::Kubeconfig {
            path: path.display().to_string(),
            reason: kubeconfig_reason(&e),
        })?,
        None => Kubeconfig::read().map_err(|e| ConnectError::Kubeconfig {
            path: std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into()),
            reason: kubeconfig_reason(&e),
        })?,
    };
    if let Some(name) = &options.context {
        let known: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
        if !known.contains(name) {
            return Err(ConnectError::UnknownContext {
                name: name.clone(),
                known,
            });
        }
    }
    let context = options
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
        .unwrap_or_default();
    let kube_options = KubeConfigOptions {
        context: options.context.clone(),
        ..Default::default()
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &kube_options)
        .await
        .map_err(|e| ConnectError::Config(one_line(&e)))?;
    let target = Target {
        context,
        server: config.cluster_url.to_string(),
        default_namespace: config.default_namespace.clone(),
    };
    Ok((config, target))
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Why a kubeconfig could not be read, without repeating its path (the message names it once):
/// a missing file is the OS's words; a YAML error keeps its snippet on its own lines, where the
/// caret under the column still points at the mistake.
fn kubeconfig_reason(e: &kube::config::KubeconfigError) -> String {
    use kube::config::KubeconfigError;
    match e {
        KubeconfigError::ReadConfig(io, _) => io.to_string(),
        KubeconfigError::Parse(_) => e.to_string(),
        _ => one_line(e),
    }
}

/// Builds a client; with `readonly`, every non-GET request is refused inside the process.
pub fn build_client(config: Config, readonly: bool) -> Result<Client, ConnectError> {
    let server = config.cluster_url.to_string();
    let builder =
        kube::client::ClientBuilder::try_from(config).map_err(|e| ConnectError::Client {
            server: server.clone(),
            reason: one_line(&e),
        })?;
    let builder = builder.with_layer(&super::probe::WatchProbeLayer::for_server(&server));
    Ok(if readonly {
        builder.with_layer(&ReadOnlyLayer).build()
    } else {
        builder.build()
    })
}

/// An API error as an operator reads it: the server's message, code and reason, and what to
/// do about a refused credential.
fn api_error_text(status: &kube::core::Status) -> String {
    let hint = match status.code {
        401 => " — the credentials were refused (expired token? run your login command again)",
        _ => "",
    };
    format!(
        "{} ({} {}){hint}",
        status.message, status.code, status.reason
    )
}

/// Error chains flattened into one line: operators read the first line only.
pub fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    if let Some(kube::Error::Api(status)) = err.downcast_ref::<kube::Error>() {
        return api_error_text(status);
    }
    if let Some(
        kube::runtime::watcher::Error::InitialListFailed(kube::Error::Api(status))
        | kube::runtime::watcher::Error::WatchStartFailed(kube::Error::Api(status)),
    ) = err.downcast_ref::<kube::runtime::watcher::Error>()
    {
        return api_error_text(status);
    }
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}
