//! `podsize make-room POD -c CONTAINER`: plans shrinks of lower-priority pods on the node of a
//! Deferred resize, shows the plan, and once confirmed sends it all or nothing (server dry run
//! of every shrink first; a refusal puts back what was sent), follows each shrink and then the
//! waiting resize to their end. `--give-back` gives lent room back.
//! Exit codes: 0 done (or dry run accepted), 1 no plan or refused, 2 failed, 3 timed out.

use super::resize::{follow, pick_container, refused};
use super::{CommandError, connect, scope_from};
use crate::app::nodes_make_room::{plan_lines, requests_text};
use crate::cli::{CommonArgs, MakeRoomArgs, ReportFormat};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::get_row;
use crate::model::ResizeState;
use crate::model::decide::make_room::{
    ContainerKey, HistoryGate, Outcome, Plan, Report, RoomOptions, RoomRequest, Shrink,
    enough_history, floor_of, make_room,
};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::Scope;
use crate::model::pods::tracking::{Stage, Tracker};
use crate::model::{ContainerKind, PodRow};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::IsTerminal;

fn amounts_json(v: CpuMem) -> Value {
    json!({"cpuMillis": v.cpu_millis, "memoryBytes": v.memory_bytes})
}

fn shrink_json(s: &Shrink) -> Value {
    let req = |spec: &ResourceSpec| amounts_json(spec.effective_requests());
    let containers: Vec<Value> = s
        .containers
        .iter()
        .map(|c| {
            json!({"container": c.container, "before": req(&c.before), "after": req(&c.after),
                        "freed": amounts_json(c.freed), "restarts": c.restarts})
        })
        .collect();
    let pod_level = s
        .pod_level
        .as_ref()
        .map(|(b, a)| json!({"before": req(b), "after": req(a)}));
    json!({"namespace": s.namespace, "pod": s.pod, "priority": s.priority,
           "containers": containers, "podLevel": pod_level, "freed": amounts_json(s.freed),
           "restarts": s.restarts, "resourceVersion": s.resource_version, "patch": s.patch})
}

/// The JSON document `-o json` prints at the end.
pub fn plan_json(plan: Option<&Plan>, outcome: &str, message: Option<&str>) -> Value {
    let Some(p) = plan else {
        return json!({"plan": null, "outcome": outcome, "message": message});
    };
    let left_out: Vec<Value> = p
        .left_out
        .iter()
        .map(|(pod, why)| json!({"pod": pod, "reason": why}))
        .collect();
    json!({"plan": {"node": p.node, "namespace": p.namespace, "pod": p.pod, "container": p.container,
            "missing": amounts_json(p.missing), "target": amounts_json(p.target),
            "freed": amounts_json(p.freed), "shrinks": p.shrinks.iter().map(shrink_json).collect::<Vec<_>>(),
            "leftOut": left_out},
           "outcome": outcome, "message": message})
}

/// Each container's floor: its recommendation, else its observed peak plus the margin; none
/// for a container whose history is too thin to shrink on (it is then left out).
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
    // One gate with right-sizing's (`rightsizing.min_history`), unless `--min-history` says.
    let gate = match args.min_history {
        Some(min) => HistoryGate {
            min_window: chrono::TimeDelta::from_std(min).unwrap_or(HistoryGate::DEFAULT.min_window),
            min_samples: if min.is_zero() { 0 } else { 2 },
        },
        None => HistoryGate::of(&policy.gate),
    };
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
            if let Err(why) = enough_history(u, gate) {
                tracing::debug!(
                    "{}/{} {}: not shrunk: {why}",
                    pod.namespace,
                    pod.name,
                    c.name
                );
                continue;
            }
            let advice = super::recommend::advise(pod, c, Some(u), caps, &policy);
            out.insert(
                key,
                floor_of(advice.recommendation.as_ref(), Some(u), args.margin),
            );
        }
    }
    Ok(out)
}

use kube::Client;

fn print_result(args: &MakeRoomArgs, plan: Option<&Plan>, outcome: &str, message: Option<&str>) {
    print_report(args, plan, outcome, message, None);
}

fn print_report(
    args: &MakeRoomArgs,
    plan: Option<&Plan>,
    outcome: &str,
    message: Option<&str>,
    report: Option<&Report>,
) {
    if args.output == ReportFormat::Json {
        let mut v = plan_json(plan, outcome, message);
        if let Some(r) = report {
            v["putBack"] = json!(r.put_back);
            v["kept"] = json!(r.kept);
        }
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        let words = super::outcome_words::outcome_words(outcome);
        match message {
            Some(m) => outln!("{words}: {m}"),
            None => outln!("{words}"),
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
    (namespace, pod): (&str, &str),
) -> Result<Outcome, CommandError> {
    let row = get_row(client, namespace, pod)
        .await
        .map_err(|e| refused(e.message))?;
    let container = pick_container(&row, args.container.as_deref())?;
    if !matches!(row.state, ResizeState::Deferred(_)) {
        return Ok(Outcome::NoPlan(format!(
            "nothing waits: the resize of {}/{} is not deferred ({})",
            row.namespace,
            row.name,
            row.state.words()
        )));
    }
    let (node, pods) = give_back::node_and_pods(client, &row).await?;
    let floors = floors(client, common, args, caps, &pods).await?;
    let protected = crate::cluster::make_room_owners::protected_by_owner(client, &pods).await;
    Ok(make_room(&RoomRequest {
        node: &node,
        waiting: &row,
        container: &container,
        pods: &pods,
        floors: &floors,
        protected: &protected,
        server: caps.server(),
        margin_percent: args.margin,
        options: RoomOptions {
            allow_equal_priority: args.allow_equal_priority,
            max_pods: usize::from(args.max_pods),
            allow_guaranteed: args.allow_guaranteed,
            allow_restart: args.allow_restart,
        },
    }))
}

/// Sends the plan all or nothing and follows every shrink, then the waiting resize.
async fn send_and_follow(
    client: &Client,
    caps: &Capabilities,
    args: &MakeRoomArgs,
    plan: &Plan,
) -> Result<(), CommandError> {
    let by = crate::cluster::boost::whoami();
    let report = crate::cluster::make_room::apply(client, caps, plan, &by)
        .await
        .map_err(|m| fail(args, plan, "Refused", (1, m)))?;
    if !report.complete() {
        let message = report.describe();
        print_report(args, Some(plan), "Refused", Some(&message), Some(&report));
        let code = if report.kept.is_empty() { 1 } else { 2 };
        return Err(CommandError::Resize { code, message });
    }
    for (i, accepted) in &report.sent {
        let s = &plan.shrinks[*i];
        eprintln!("sent: {}/{} {}", s.namespace, s.pod, shrink_summary(s));
        // One patch changes the pod's generation once: following its first container follows it.
        let container = s
            .containers
            .first()
            .map_or(plan.container.as_str(), |c| c.container.as_str());
        let restarts = accepted
            .row
            .container(container)
            .map_or(0, |c| c.restart_count);
        let t = Tracker::new(
            &accepted.row,
            container,
            accepted.generation,
            restarts,
            chrono::Utc::now(),
        );
        follow_to_end(client, t, args.timeout)
            .await
            .map_err(|e| fail(args, plan, "Failed", e))?;
    }
    eprintln!(
        "room freed; following {}/{} until its resize is done",
        plan.namespace, plan.pod
    );
    follow_waiting(client, plan, args.timeout)
        .await
        .map_err(|e| fail(args, plan, "Failed", e))?;
    print_report(args, Some(plan), "Done", None, Some(&report));
    Ok(())
}

fn shrink_summary(s: &Shrink) -> String {
    let mut parts: Vec<String> = s
        .containers
        .iter()
        .map(|c| format!("{} requests → {}", c.container, requests_text(&c.after)))
        .collect();
    if let Some((_, after)) = &s.pod_level {
        parts.push(format!("pod-level requests → {}", requests_text(after)));
    }
    parts.join(", ")
}

pub async fn run(common: &CommonArgs, args: &MakeRoomArgs) -> Result<(), CommandError> {
    if common.readonly {
        return Err(refused(
            "read-only mode is on: podsize make-room does not change the cluster",
        ));
    }
    let (client, target) = connect(common).await?;
    let scope = scope_from(common, &target);
    let caps = Capabilities::detect(&client)
        .await
        .map_err(|e| CommandError::Api(crate::cluster::client::one_line(&e)))?;
    if args.give_back {
        return give_back::run(&client, &caps, common, args, &scope).await;
    }
    let namespace = scope.namespace.unwrap_or_else(|| "default".into());
    let pod = args.pod.as_deref().unwrap_or_default();
    let plan = match work_out(&client, common, args, &caps, (&namespace, pod)).await? {
        Outcome::Plan(p) => p,
        Outcome::NoPlan(why) => {
            // Said once: the error below in table form; JSON readers get the record too.
            if args.output == ReportFormat::Json {
                print_result(args, None, "NoPlan", Some(&why));
            }
            return Err(refused(format!("no plan: {why}")));
        }
    };
    for line in plan_lines(&plan) {
        eprintln!("{line}");
    }
    if args.dry_run {
        crate::cluster::make_room::dry_run(&client, &caps, &plan)
            .await
            .map_err(|m| fail(args, &plan, "Refused", (1, m)))?;
        print_result(args, Some(&plan), "DryRunAccepted", None);
        return Ok(());
    }
    if !confirmed(args)? {
        return Err(refused("not sent: not confirmed"));
    }
    send_and_follow(&client, &caps, args, &plan).await
}

#[path = "make_room_give_back.rs"]
mod give_back;

/// The dashboard's make-room batch: the plan all or nothing, then the edit it made room for.
pub async fn send_batch(
    client: &Client,
    caps: &Capabilities,
    batch: crate::app::update::MakeRoomBatch,
) -> crate::app::update::MakeRoomSent {
    let by = crate::cluster::boost::whoami();
    let report = crate::cluster::make_room::apply(client, caps, &batch.plan, &by).await;
    let room_made = report.as_ref().is_ok_and(Report::complete);
    let then = match batch.then {
        Some(edit) if room_made => {
            let answer = crate::cluster::resize::dry_run_then_send(client, caps, &edit).await;
            Some((edit, answer))
        }
        _ => None,
    };
    crate::app::update::MakeRoomSent { report, then }
}
