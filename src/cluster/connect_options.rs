//! What the cluster layer needs to reach a server, independent of how the user said it
//! (command line, config file): the cluster layer must not know the CLI's types.

use crate::settings::InitialList;
use std::path::PathBuf;

/// How to build a client and read the pods; built by the commands from their arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// The kubeconfig file; `None` means `$KUBECONFIG`, then `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context; `None` means its current context.
    pub context: Option<String>,
    /// The namespace asked for; `None` means the context's own (or all, as the caller decides).
    pub namespace: Option<String>,
    /// Refuse every mutating request inside the process.
    pub readonly: bool,
    /// How pods are first listed.
    pub initial_list: InitialList,
}

impl From<&ConnectOptions> for ConnectOptions {
    fn from(options: &ConnectOptions) -> Self {
        options.clone()
    }
}
