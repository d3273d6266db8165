//! `podsize make-room POD -c CONTAINER`: plans shrinks of lower- (then equal-) priority pods on
//! the node of a Deferred resize, shows the plan, and once confirmed sends it as one batch
//! (server dry run of every shrink first), follows each shrink and then the waiting resize to
//! their end. Each patch carries the resourceVersion the plan was made from, so a pod changed in
//! between is refused with 409 instead of being overwritten.
//! Exit codes: 0 done (or dry run accepted), 1 no plan or refused, 2 failed, 3 timed out.

use super::resize::{follow, pick_container, refused};
use super::{CommandError, connect, scope_from};
use crate::app::nodes_make_room::{plan_lines, requests_text};
use crate::cli::{CommonArgs, MakeRoomArgs, OutputFormat};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::{get_row, send};
use crate::cluster::wire::{WirePod, node_info};
use crate::model::ResizeState;
use crate::model::decide::make_room::{
    ContainerKey, Outcome, Plan, RoomRequest, Shrink, floor_of, make_room,
};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::{NodeInfo, Scope};
use crate::model::pods::tracking::{Stage, Tracker};
use crate::model::rules::plan::{Accepted, ResizePlan, ResizeRejected};
use crate::model::{ContainerKind, PodRow};
use k8s_openapi::api::core::v1::Node;
use kube::api::ListParams;
use kube::{Api, Client};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::IsTerminal;

fn amounts_json(v: CpuMem) -> Value {
    json!({"cpuMillis": v.cpu_millis, "memoryBytes": v.memory_bytes})
}

fn shrink_json(s: &Shrink) -> Value {
    let req = |spec: &ResourceSpec| amounts_json(spec.effective_requests());
    json!({"namespace": s.namespace, "pod": s.pod, "container": s.container, "priority": s.priority,
           "before": req(&s.before), "after": req(&s.after), "freed": amounts_json(s.freed),
           "restarts": s.restarts, "resourceVersion": s.resource_version, "patch": s.plan.patch})
}

/// The JSON document `-o json` prints at the end.
pub fn plan_json(plan: Option<&Plan>, outcome: &str, message: Option<&str>) -> Value {
    let Some(p) = plan else {
        return json!({"plan": null, "outcome": outcome, "message": message});
    };
    json!({"plan": {"node": p.node, "namespace": p.namespace, "pod": p.pod, "container": p.container,
            "missing": amounts_json(p.missing), "target": amounts_json(p.target),
            "freed": amounts_json(p.freed), "shrinks": p.shrinks.iter().map(shrink_json).collect::<Vec<_>>()},
           "outcome": outcome, "message": message})
}

/// The node of `row` and the pods bound to it.
async fn node_and_pods(
    client: &Client,
    row: &PodRow,
) -> Result<(NodeInfo, Vec<PodRow>), CommandError> {
    let Some(node_name) = row.node.as_deref() else {
        return Err(refused(format!("pod {} is not bound to a node", row.name)));
    };
    let api_err = |e: kube::Error| CommandError::Api(crate::cluster::client::one_line(&e));
    let node = Api::<Node>::all(client.clone())
        .get(node_name)
        .await
        .map_err(api_err)?;
    let params = ListParams::default().fields(&format!("spec.nodeName={node_name}"));
    let pods = Api::<WirePod>::all(client.clone())
        .list(&params)
        .await
        .map_err(api_err)?;
    let rows = pods
        .items
        .iter()
        .map(|p| PodRow::from_slim(&p.pod))
        .collect();
    Ok((node_info(&node), rows))
}

/// Each container's floor: its recommendation, else its observed peak plus the margin.
async fn floors(
    client: &Client,
    common: &CommonArgs,
    args: &MakeRoomArgs,
    caps: &Capabilities,
    pods: &[PodRow],
) -> Result<HashMap<ContainerKey, CpuMem>, CommandError> {
    // The same sources, workloads and VPA targets as `podsize recommend`.
    let usage =
        super::recommend::usage_of(client, common, &args.usage, &Scope::default(), pods).await?;
    let policy = crate::model::decide::recommend::Policy {
        percentile: args.usage.percentile,
        ..super::recommend::policy_of(&common.prefs)
    };
    for warning in &usage.warnings {
        eprintln!("podsize: {warning}");
    }
    let mut out = HashMap::new();
    for pod in pods {
        for c in pod
            .containers
            .iter()
            .filter(|c| c.kind != ContainerKind::Init)
        {
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            let Some(u) = usage.by_container.get(&key) else {
                continue;
            };
            let advice = super::recommend::advise(pod, c, Some(u), caps, &policy);
            out.insert(
                key,
                floor_of(advice.recommendation.as_ref(), Some(u), args.margin),
            );
        }
    }
    Ok(out)
}

fn print_result(args: &MakeRoomArgs, plan: Option<&Plan>, outcome: &str, message: Option<&str>) {
    if args.output == OutputFormat::Json {
        let v = plan_json(plan, outcome, message);
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        match message {
            Some(m) => outln!("{outcome}: {m}"),
            None => outln!("{outcome}"),
        }
    }
}

/// y/N on the terminal; refuses without --yes when nobody can answer.
fn confirmed(args: &MakeRoomArgs) -> Result<bool, CommandError> {
    if args.yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(refused(
            "not sent: stdin is not a terminal; confirm with --yes",
        ));
    }
    eprint!("send these shrinks? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CommandError::Terminal(e.to_string()))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn rejected_message(s: &Shrink, code: Option<u16>, message: &str) -> String {
    if code == Some(409) {
        format!(
            "{}/{} changed since the plan was made (409 Conflict): nothing of it was overwritten; run make-room again ({message})",
            s.namespace, s.pod
        )
    } else {
        format!("{}/{} {}: {message}", s.namespace, s.pod, s.container)
    }
}

/// Server dry run of every shrink, then the real ones; stops at the first refusal.
async fn send_batch(
    client: &Client,
    caps: &Capabilities,
    plan: &Plan,
    dry_only: bool,
) -> Result<Vec<Tracker>, String> {
    for s in &plan.shrinks {
        send(client, caps, &s.plan, true).await.map_err(|e| {
            format!(
                "dry run refused, nothing sent: {}",
                rejected_message(s, e.code, &e.message)
            )
        })?;
    }
    let mut trackers = Vec::new();
    if dry_only {
        return Ok(trackers);
    }
    for (i, s) in plan.shrinks.iter().enumerate() {
        let accepted = send(client, caps, &s.plan, false).await.map_err(|e| {
            format!(
                "stopped after {i} of {} shrinks: {}",
                plan.shrinks.len(),
                rejected_message(s, e.code, &e.message)
            )
        })?;
        eprintln!(
            "sent: {}/{} {} requests → {}",
            s.namespace,
            s.pod,
            s.container,
            requests_text(&s.after)
        );
        let restarts = accepted
            .row
            .container(&s.container)
            .map_or(0, |c| c.restart_count);
        trackers.push(Tracker::new(
            &accepted.row,
            &s.container,
            accepted.generation,
            restarts,
            chrono::Utc::now(),
        ));
    }
    Ok(trackers)
}

/// The dashboard's make-room batch: every dry run first; only when all pass is each sent.
pub async fn send_batch_plans(
    client: &Client,
    caps: &Capabilities,
    plans: Vec<ResizePlan>,
) -> Vec<(ResizePlan, Result<Accepted, ResizeRejected>)> {
    for (i, plan) in plans.iter().enumerate() {
        if let Err(e) = send(client, caps, plan, true).await {
            let why = format!("dry run refused, nothing sent: {}", e.message);
            let failed = ResizeRejected { message: why, ..e };
            return plans
                .into_iter()
                .enumerate()
                .filter(|(j, _)| *j == i)
                .map(|(_, p)| (p, Err(failed.clone())))
                .collect();
        }
    }
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans {
        let answer = send(client, caps, &plan, false).await;
        let stop = answer.is_err();
        out.push((plan, answer));
        if stop {
            break;
        }
    }
    out
}

/// Follows a tracker to its end: `Ok` when done, `Err((exit code, message))` otherwise.
async fn follow_to_end(
    client: &Client,
    mut t: Tracker,
    timeout: std::time::Duration,
) -> Result<(), (u8, String)> {
    let finished = t.stage.is_final() || follow(client, &mut t, timeout).await;
    match t.stage {
        Stage::Done => Ok(()),
        ref s if !finished => Err((
            3,
            format!(
                "{}/{}: timed out after {}s: {}",
                t.namespace,
                t.pod,
                timeout.as_secs(),
                s.describe()
            ),
        )),
        ref s => Err((2, format!("{}/{}: {}", t.namespace, t.pod, s.describe()))),
    }
}

/// Follows the waiting resize from the pod as it is now: its Deferred state answers the
/// current generation, so it is not treated as an older request's answer.
async fn follow_waiting(
    client: &Client,
    plan: &Plan,
    timeout: std::time::Duration,
) -> Result<(), (u8, String)> {
    let row = get_row(client, &plan.namespace, &plan.pod)
        .await
        .map_err(|e| (2, e.message))?;
    let restarts = row
        .container(&plan.container)
        .map_or(0, |c| c.restart_count);
    let mut t = Tracker::new(
        &row,
        &plan.container,
        row.generation,
        restarts,
        chrono::Utc::now(),
    );
    t.pending_before = None;
    t.observe(&row, chrono::Utc::now());
    follow_to_end(client, t, timeout).await
}

fn fail(
    args: &MakeRoomArgs,
    plan: &Plan,
    outcome: &str,
    (code, message): (u8, String),
) -> CommandError {
    print_result(args, Some(plan), outcome, Some(&message));
    CommandError::Resize { code, message }
}

/// The waiting pod, its container, and the plan (or why there is none).
async fn work_out(
    client: &Client,
    common: &CommonArgs,
    args: &MakeRoomArgs,
    caps: &Capabilities,
    namespace: &str,
) -> Result<Outcome, CommandError> {
    let row = get_row(client, namespace, &args.pod)
        .await
        .map_err(|e| refused(e.message))?;
    let container = pick_container(&row, args.container.as_deref())?;
    if !matches!(row.state, ResizeState::Deferred(_)) {
        return Ok(Outcome::NoPlan(format!(
            "nothing waits: the resize of {}/{} is not Deferred (state: {})",
            row.namespace,
            row.name,
            row.state.name()
        )));
    }
    let (node, pods) = node_and_pods(client, &row).await?;
    let floors = floors(client, common, args, caps, &pods).await?;
    Ok(make_room(&RoomRequest {
        node: &node,
        waiting: &row,
        container: &container,
        pods: &pods,
        floors: &floors,
        server: caps.server(),
        margin_percent: args.margin,
    }))
}

pub async fn run(common: &CommonArgs, args: &MakeRoomArgs) -> Result<(), CommandError> {
    if common.readonly {
        return Err(refused(
            "read-only mode is on: podsize make-room does not change the cluster",
        ));
    }
    let (client, target) = connect(common).await?;
    let namespace = scope_from(common, &target)
        .namespace
        .unwrap_or_else(|| "default".into());
    let caps = Capabilities::detect(&client)
        .await
        .map_err(|e| CommandError::Api(crate::cluster::client::one_line(&e)))?;
    let plan = match work_out(&client, common, args, &caps, &namespace).await? {
        Outcome::Plan(p) => p,
        Outcome::NoPlan(why) => {
            print_result(args, None, "NoPlan", Some(&why));
            return Err(refused(format!("no plan: {why}")));
        }
    };
    for line in plan_lines(&plan) {
        eprintln!("{line}");
    }
    if args.dry_run {
        send_batch(&client, &caps, &plan, true)
            .await
            .map_err(|m| fail(args, &plan, "Refused", (1, m)))?;
        print_result(args, Some(&plan), "DryRunAccepted", None);
        return Ok(());
    }
    if !confirmed(args)? {
        return Err(refused("not sent: not confirmed"));
    }
    let trackers = send_batch(&client, &caps, &plan, false)
        .await
        .map_err(|m| fail(args, &plan, "Refused", (1, m)))?;
    for t in trackers {
        follow_to_end(&client, t, args.timeout)
            .await
            .map_err(|e| fail(args, &plan, "Failed", e))?;
    }
    eprintln!(
        "room freed; following {}/{} until its resize is done",
        plan.namespace, plan.pod
    );
    follow_waiting(&client, &plan, args.timeout)
        .await
        .map_err(|e| fail(args, &plan, "Failed", e))?;
    print_result(args, Some(&plan), "Done", None);
    Ok(())
}
