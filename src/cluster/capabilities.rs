//! What the server can do, detected once: version and whether `pods/resize` exists.

use kube::Client;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// e.g. `v1.35.0`
    pub git_version: String,
    pub minor: Option<u32>,
    /// Discovery lists `pods/resize` (1.32 with the gate, 1.33+).
    pub resize_subresource: bool,
}

impl Capabilities {
    /// The server version and discovery, as a plan needs them (1.35 assumed when unknown).
    pub fn server(&self) -> crate::model::rules::plan::Server {
        crate::model::rules::plan::Server {
            minor: self.minor.unwrap_or(35),
            resize_subresource: self.resize_subresource,
            denied: None,
        }
    }

    /// A 1.32+ server without `pods/resize` has in-place resize switched off (resize-api.md §5.1).
    pub fn resize_disabled(&self) -> bool {
        self.server().resize_disabled()
    }

    /// Reads `/version` and `/api/v1`. Minor versions like `33+` are accepted.
    pub async fn detect(client: &Client) -> Result<Self, kube::Error> {
        let info = client.apiserver_version().await?;
        let minor = info.minor.trim_end_matches('+').parse().ok();
        let resources = client.list_core_api_resources("v1").await?;
        let resize_subresource = resources.resources.iter().any(|r| r.name == "pods/resize");
        Ok(Self {
            git_version: info.git_version,
            minor,
            resize_subresource,
        })
    }
}
