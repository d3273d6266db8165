//! Sends resize patches: through `pods/NAME/resize` when discovery lists it, else through the
//! pod itself (servers up to 1.31). Server errors come back with their message verbatim.

use super::capabilities::Capabilities;
use super::client::one_line;
use crate::model::rules::plan::ResizePlan;
pub use crate::model::rules::plan::{Accepted, ResizeRejected};
use crate::model::rules::pod_plan::PodLevelPlan;
use crate::model::{PodRow, SlimPod};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client};

pub(crate) fn rejected_from_kube(err: &kube::Error) -> ResizeRejected {
    match err {
        kube::Error::Api(status) => ResizeRejected {
            code: Some(status.code),
            reason: status.reason.clone(),
            message: status.message.clone(),
        },
        other => ResizeRejected {
            code: None,
            reason: "ClientError".into(),
            message: one_line(other),
        },
    }
}

fn params(dry_run: bool) -> PatchParams {
    PatchParams {
        dry_run,
        field_manager: Some("podsize".into()),
        ..PatchParams::default()
    }
}

/// Sends the plan's patch once; `dry_run` asks the server to validate only (`dryRun=All`).
pub async fn send(
    client: &Client,
    caps: &Capabilities,
    plan: &ResizePlan,
    dry_run: bool,
) -> Result<Accepted, ResizeRejected> {
    send_patch(
        client,
        caps,
        (&plan.namespace, &plan.pod),
        &plan.patch,
        dry_run,
    )
    .await
}

/// Sends a pod-level plan's patch (`{"spec":{"resources":...}}`) once to `pods/NAME/resize`.
pub async fn send_pod_level(
    client: &Client,
    caps: &Capabilities,
    plan: &PodLevelPlan,
    dry_run: bool,
) -> Result<Accepted, ResizeRejected> {
    send_patch(
        client,
        caps,
        (&plan.namespace, &plan.pod),
        &plan.patch,
        dry_run,
    )
    .await
}

pub(crate) async fn send_patch(
    client: &Client,
    caps: &Capabilities,
    (namespace, name): (&str, &str),
    patch: &serde_json::Value,
    dry_run: bool,
) -> Result<Accepted, ResizeRejected> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let patch = Patch::Strategic(patch);
    let result = if caps.resize_subresource {
        api.patch_subresource("resize", name, &params(dry_run), &patch)
            .await
    } else {
        api.patch(name, &params(dry_run), &patch).await
    };
    let pod = result.map_err(|e| rejected_from_kube(&e))?;
    let generation = pod.metadata.generation;
    let slim = SlimPod::from_pod(&pod).map_err(|e| ResizeRejected {
        code: None,
        reason: "Decode".into(),
        message: format!("the server's answer could not be read: {e}"),
    })?;
    Ok(Accepted {
        row: PodRow::from_slim(&slim),
        generation,
    })
}

/// A server-side dry run, then the real request: nothing changes unless both pass.
pub async fn dry_run_then_send(
    client: &Client,
    caps: &Capabilities,
    plan: &ResizePlan,
) -> Result<Accepted, ResizeRejected> {
    send(client, caps, plan, true).await?;
    send(client, caps, plan, false).await
}

/// Reads one pod fresh from the server (used by the editor and `podsize resize`).
pub async fn get_row(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<PodRow, ResizeRejected> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let pod = api.get(name).await.map_err(|e| rejected_from_kube(&e))?;
    let slim = SlimPod::from_pod(&pod).map_err(|e| ResizeRejected {
        code: None,
        reason: "Decode".into(),
        message: e.to_string(),
    })?;
    Ok(PodRow::from_slim(&slim))
}
