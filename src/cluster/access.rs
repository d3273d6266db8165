//! What the identity may do, asked of the server before anything is edited
//! (`SelfSubjectAccessReview`, resize-api.md §3.4): a viewer learns it cannot resize when the
//! dashboard starts, not when a patch is refused.

use super::capabilities::Capabilities;
use crate::model::pods::events::ClusterEvent;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::PostParams;
use kube::{Api, Client};
use tokio::sync::mpsc::UnboundedSender;

/// The request podsize makes for a resize on this server: `patch` on `pods/resize` (1.32+), or
/// on `pods` itself before.
fn resize_attributes(caps: &Capabilities, namespace: Option<&str>) -> ResourceAttributes {
    ResourceAttributes {
        verb: Some("patch".into()),
        group: Some(String::new()),
        resource: Some("pods".into()),
        subresource: caps.resize_subresource.then(|| "resize".into()),
        namespace: namespace.map(str::to_string),
        ..Default::default()
    }
}

/// How RBAC would word the refusal, so the editor and `podsize resize` say what the server would.
fn denial_text(attrs: &ResourceAttributes, server_reason: Option<&str>) -> String {
    let resource = match &attrs.subresource {
        Some(sub) => format!("pods/{sub}"),
        None => "pods".into(),
    };
    let scope = match attrs.namespace.as_deref() {
        Some(ns) => format!("in the namespace {ns:?}"),
        None => "at the cluster scope".into(),
    };
    let mut text = format!("read-only (RBAC): this identity may not patch {resource} {scope}");
    if let Some(reason) = server_reason.filter(|r| !r.is_empty()) {
        text.push_str(&format!(" ({reason})"));
    }
    text
}

/// `Ok(None)` when the identity may resize in `namespace` (all namespaces when `None`),
/// `Ok(Some(reason))` when RBAC denies it.
pub async fn resize_denial(
    client: &Client,
    caps: &Capabilities,
    namespace: Option<&str>,
) -> Result<Option<String>, kube::Error> {
    let attrs = resize_attributes(caps, namespace);
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(attrs.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let answer = api.create(&PostParams::default(), &review).await?;
    let status = answer.status.unwrap_or_default();
    Ok((!status.allowed).then(|| denial_text(&attrs, status.reason.as_deref())))
}

/// Asks once and hands the answer to the app. A server that cannot answer (no authorization
/// API, a network error) is taken as allowing: the resize itself will then say what is refused.
pub async fn review_resize(
    client: Client,
    caps: Capabilities,
    namespace: Option<String>,
    tx: UnboundedSender<ClusterEvent>,
) {
    let denied = match resize_denial(&client, &caps, namespace.as_deref()).await {
        Ok(denied) => denied,
        Err(e) => {
            tracing::debug!("access review failed: {e}");
            None
        }
    };
    let _ = tx.send(ClusterEvent::ResizePermission { denied });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_denial_names_the_resource_and_scope() {
        let caps = Capabilities {
            resize_subresource: true,
            ..Default::default()
        };
        let attrs = resize_attributes(&caps, Some("shop"));
        assert_eq!(
            denial_text(&attrs, None),
            "read-only (RBAC): this identity may not patch pods/resize in the namespace \"shop\""
        );
        let old = resize_attributes(&Capabilities::default(), None);
        assert_eq!(old.subresource, None);
        assert_eq!(
            denial_text(&old, Some("no RBAC policy matched")),
            "read-only (RBAC): this identity may not patch pods at the cluster scope (no RBAC policy matched)"
        );
    }
}
