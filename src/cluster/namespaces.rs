//! Whether a namespace exists, asked before `:ns NAME` replaces the watched scope.

use k8s_openapi::api::core::v1::Namespace;
use kube::{Api, Client};
use std::time::Duration;

/// `Ok(false)` for 404; `Err` when the server could not say (forbidden, unreachable).
pub async fn namespace_exists(client: &Client, name: &str) -> Result<bool, String> {
    let api: Api<Namespace> = Api::all(client.clone());
    match tokio::time::timeout(Duration::from_secs(5), api.get_opt(name)).await {
        Ok(Ok(found)) => Ok(found.is_some()),
        Ok(Err(e)) => Err(super::client::one_line(&e)),
        Err(_) => Err("no answer within 5s".into()),
    }
}
