//! `podsize make-room --give-back [POD|-A]`: victims get their recorded values back, only
//! where nobody changed them since and only as far as their node has room. Without POD or -A:
//! only the victims whose waiting pod no longer needs the room (gone, or shrunk again).

use super::refused;
use crate::cli::{CommonArgs, MakeRoomArgs, ReportFormat};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::make_room::{GiveBackOutcome, KubeletRoom, give_back_one};
use crate::cluster::wire::{WirePod, node_info};
use crate::commands::CommandError;
use crate::model::PodRow;
use crate::model::decide::lent::{Lent, restore_needs};
use crate::model::decide::node_room::others_of;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::{NodeInfo, Scope};
use k8s_openapi::api::core::v1::Node;
use kube::api::ListParams;
use kube::{Api, Client};
use serde_json::json;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

fn api_err(e: kube::Error) -> CommandError {
    CommandError::Api(crate::cluster::client::one_line(&e))
}

async fn pods_where(client: &Client, params: &ListParams) -> Result<Vec<PodRow>, CommandError> {
    let pods = Api::<WirePod>::all(client.clone())
        .list(params)
        .await
        .map_err(api_err)?;
    Ok(pods
        .items
        .iter()
        .map(|p| PodRow::from_slim(&p.pod))
        .collect())
}

/// The node of `row` and the pods bound to it.
pub(super) async fn node_and_pods(
    client: &Client,
    row: &PodRow,
) -> Result<(NodeInfo, Vec<PodRow>), CommandError> {
    let Some(node_name) = row.node.as_deref() else {
        return Err(refused(format!("pod {} is not bound to a node", row.name)));
    };
    let node = Api::<Node>::all(client.clone())
        .get(node_name)
        .await
        .map_err(api_err)?;
    let params = ListParams::default().fields(&format!("spec.nodeName={node_name}"));
    Ok((node_info(&node), pods_where(client, &params).await?))
}

/// The victims to give back, with their records.
fn chosen(
    all: &[PodRow],
    args: &MakeRoomArgs,
    common: &CommonArgs,
    scope: &Scope,
) -> Vec<(PodRow, Lent)> {
    let namespace = scope.namespace.clone().unwrap_or_else(|| "default".into());
    let find = |ns: &str, name: &str| all.iter().find(|p| p.namespace == ns && p.name == name);
    all.iter()
        .filter_map(|p| Some((p.clone(), Lent::from_annotation(p.lent.as_deref()?).ok()?)))
        .filter(|(p, lent)| match (&args.pod, common.all_namespaces) {
            (Some(pod), _) => {
                (p.namespace == namespace && &p.name == pod)
                    || (lent.for_namespace == namespace && &lent.for_pod == pod)
            }
            (None, true) => true,
            (None, false) => lent.no_longer_needed(find(&lent.for_namespace, &lent.for_pod)),
        })
        .collect()
}

pub async fn run(
    client: &Client,
    caps: &Capabilities,
    common: &CommonArgs,
    args: &MakeRoomArgs,
    scope: &Scope,
) -> Result<(), CommandError> {
    let all = pods_where(client, &ListParams::default()).await?;
    let victims = chosen(&all, args, common, scope);
    // Each node is read once: the kubelet's room for a victim is counted from that reading,
    // with what restores sent before it on the same node added to the others.
    let mut nodes: HashMap<String, (NodeInfo, Vec<PodRow>, CpuMem)> = HashMap::new();
    let mut results = Vec::new();
    let mut failed = false;
    for (victim, lent) in &victims {
        let name = victim.node.clone().unwrap_or_default();
        let (node, pods, taken) = match nodes.entry(name) {
            Entry::Occupied(seen) => seen.into_mut(),
            Entry::Vacant(new) => {
                let (node, pods) = node_and_pods(client, victim).await?;
                new.insert((node, pods, CpuMem::ZERO))
            }
        };
        let room = KubeletRoom {
            node,
            others: others_of(pods.iter(), victim).plus(*taken),
        };
        let outcome = give_back_one(client, caps, victim.key(), Some(room)).await;
        if let GiveBackOutcome::Restored(_) = outcome {
            *taken = taken.plus(restore_needs(&lent.values));
        }
        failed |= matches!(outcome, GiveBackOutcome::Failed(_));
        let who = format!("{}/{}", victim.namespace, victim.name);
        eprintln!("{who}: {}", outcome.describe());
        results.push(
            json!({"pod": who, "lentTo": format!("{}/{}", lent.for_namespace, lent.for_pod),
                            "result": result_name(&outcome), "message": outcome.describe()}),
        );
    }
    if args.output == ReportFormat::Json {
        let v = json!({"outcome": "GaveBack", "victims": results});
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else if victims.is_empty() {
        outln!("nothing to give back");
    } else {
        outln!("GaveBack: {} victim(s) looked at", victims.len());
    }
    if failed {
        return Err(CommandError::Resize {
            code: 2,
            message: "some lent room could not be given back".into(),
        });
    }
    Ok(())
}

fn result_name(o: &GiveBackOutcome) -> &'static str {
    match o {
        GiveBackOutcome::NothingLent => "NothingLent",
        GiveBackOutcome::Restored(_) => "Restored",
        GiveBackOutcome::LeftAsSet(_) => "LeftAsSet",
        GiveBackOutcome::NoRoom(_) => "NoRoom",
        GiveBackOutcome::Failed(_) => "Failed",
    }
}
