//! `podsize resize`: the editor's request path from the command line, with `--wait`
//! following the resize to its end. Exit codes: 0 done (or accepted without --wait),
//! 1 refused before or by the server, 2 Infeasible/Error, 3 timed out.

use super::resize_preflight::AlreadyRead;
use super::{CommandError, connect, scope_from};
use crate::cli::{CommonArgs, OutputFormat, ResizeArgs};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::{Accepted, dry_run_then_send, get_row, send};
use crate::cluster::wire::{WirePod, node_info};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::NodeInfo;
use crate::model::pods::tracking::{STUCK_HINT, Stage, Tracker};
use crate::model::rules::edit::{Kind, parse_exact};
use crate::model::rules::plan::{Edits, Prediction, ResizePlan, plan_resize};
use crate::model::{ContainerKind, PodRow};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Node;
use kube::api::ListParams;
use kube::runtime::watcher;
use kube::{Api, Client};
use serde_json::json;

pub(super) fn refused(message: impl Into<String>) -> CommandError {
    CommandError::Refused(message.into())
}

pub(super) fn pick_container(row: &PodRow, wanted: Option<&str>) -> Result<String, CommandError> {
    let names: Vec<&str> = row.containers.iter().map(|c| c.name.as_str()).collect();
    match wanted {
        Some(name) if names.contains(&name) => Ok(name.to_string()),
        Some(name) => Err(refused(format!(
            "pod {} has no container {name:?} (containers: {})",
            row.name,
            names.join(", ")
        ))),
        None => {
            let regular: Vec<&str> = row
                .containers
                .iter()
                .filter(|c| c.kind == ContainerKind::Regular)
                .map(|c| c.name.as_str())
                .collect();
            match regular.as_slice() {
                [only] => Ok((*only).to_string()),
                _ => Err(refused(format!(
                    "pod {} has several containers; choose one with -c ({})",
                    row.name,
                    names.join(", ")
                ))),
            }
        }
    }
}

/// The container's right-sizing recommendation as edits, or why there is none, with the
/// pod's owners and use now that were read on the way (the preflight needs them too).
async fn recommended_edits(
    client: &kube::Client,
    common: &CommonArgs,
    args: &ResizeArgs,
    row: &PodRow,
    container: &str,
    caps: &Capabilities,
) -> Result<(Edits, AlreadyRead), CommandError> {
    let scope = crate::model::pods::events::Scope {
        namespace: Some(row.namespace.clone()),
        label_selector: None,
    };
    // The same sources, workload and rule as `podsize recommend`: its siblings (and earlier
    // ReplicaSets' pods) are found by name in the namespace's figures.
    let per_pod = super::recommend::gather_usage(client, common, &args.usage, &scope).await?;
    let pod_usage = super::resize_preflight::pod_usage_in(&per_pod.by_container, row);
    let rows = std::slice::from_ref(row);
    let (usage, owners) =
        super::recommend_usage::usage_per_workload(client, &scope, rows, per_pod).await;
    let known = AlreadyRead {
        owners,
        usage: pod_usage,
    };
    let policy = crate::model::decide::recommend::Policy {
        percentile: args.usage.percentile,
        ..super::recommend::policy_of(&common.prefs)
    };
    for warning in &usage.warnings {
        eprintln!("podsize: {warning}");
    }
    let key = (
        row.namespace.clone(),
        row.name.clone(),
        container.to_string(),
    );
    let c = row
        .container(container)
        .ok_or_else(|| refused(format!("pod {} has no container {container:?}", row.name)))?;
    let advice = super::recommend::advise(row, c, usage.by_container.get(&key), caps, &policy);
    let Some(rec) = advice.recommendation else {
        return Err(refused(format!(
            "no usage figures for {}/{} {container}: nothing to recommend",
            row.namespace, row.name
        )));
    };
    eprintln!("recommendation: {}", rec.reason());
    if !rec.changed {
        // A held decrease says so first: the figures asked for less, the evidence did not.
        let what = if rec.held {
            "a decrease is held back"
        } else {
            "the recommendation equals the current values"
        };
        return Err(refused(format!("not sent: {what} ({})", rec.reason())));
    }
    Ok((Edits::from_spec(&rec.spec), known))
}

fn edits_from_args(
    args: &ResizeArgs,
    row: &PodRow,
    container: &str,
) -> Result<Edits, CommandError> {
    // Exactly as the server holds them: `x2` on `100u` is `1m` (the next whole millicore over
    // 200u), not a doubled rounded millicore (`2m`).
    let current = row
        .container(container)
        .map(Edits::from_container)
        .unwrap_or_default();
    edits_over(args, current)
}

/// The flags' values applied over `current`.
pub(super) fn edits_over(args: &ResizeArgs, current: Edits) -> Result<Edits, CommandError> {
    let mut edits = current;
    let fields = [
        ("--cpu-request", &args.cpu_request, Kind::Cpu),
        ("--cpu-limit", &args.cpu_limit, Kind::Cpu),
        ("--memory-request", &args.memory_request, Kind::Memory),
        ("--memory-limit", &args.memory_limit, Kind::Memory),
    ];
    for (i, (flag, input, kind)) in fields.into_iter().enumerate() {
        if let Some(text) = input {
            let value = parse_exact(text, current.exact_value(i), kind)
                .map_err(|e| refused(format!("{flag}: {e}")))?;
            edits.set_exact(i, value);
        }
    }
    Ok(edits)
}

/// The node's allocatable and what the kubelet holds for the other pods on it (the room a
/// resize is admitted against, `admitted.rs`), when readable.
pub(super) async fn node_room(client: &Client, row: &PodRow) -> (Option<NodeInfo>, CpuMem) {
    let Some(node_name) = &row.node else {
        return (None, CpuMem::default());
    };
    let Ok(node) = Api::<Node>::all(client.clone()).get(node_name).await else {
        return (None, CpuMem::default());
    };
    let pods: Api<WirePod> = Api::all(client.clone());
    let params = ListParams::default().fields(&format!("spec.nodeName={node_name}"));
    let neighbours: Vec<PodRow> = match pods.list(&params).await {
        Ok(list) => list
            .items
            .iter()
            .map(|p| PodRow::from_slim(&p.pod))
            .collect(),
        Err(_) => Vec::new(),
    };
    let others = crate::model::pods::admitted::admitted_of_neighbours(row, &neighbours);
    (Some(node_info(&node)), others)
}

/// Human lines about a plan: what will be sent and what to expect.
pub fn describe_plan(plan: &ResizePlan, row: &PodRow) -> Vec<String> {
    let mut lines = vec![format!(
        "patch {}/{} container {}: {}",
        plan.namespace,
        plan.pod,
        plan.container,
        serde_json::to_string(&plan.patch).unwrap_or_default()
    )];
    lines.push(format!("QoS {} → {}", plan.qos_before, plan.qos_after));
    if plan.restarts {
        lines.push("warning: resizePolicy RestartContainer: the container will restart".into());
    }
    lines.push(match &plan.prediction {
        Prediction::FitsNow => "prediction: fits the node now".into(),
        Prediction::Deferred { .. } => {
            "prediction: will be Deferred until room frees on the node".into()
        }
        Prediction::Infeasible { .. } => {
            "prediction: will be Infeasible (larger than the node)".into()
        }
        Prediction::Unknown => "prediction: unknown (node not readable)".into(),
    });
    if let Some(owner) = row
        .owner
        .as_ref()
        .filter(|o| crate::model::pods::row::is_workload_owner(&o.kind))
    {
        lines.push(format!(
            "note: owned by {} {}: its template still holds the old values; the next rollout or an autoscaler can undo this",
            owner.kind, owner.name
        ));
    }
    lines
}

/// Follows the pod until the tracker reaches a final stage or the time runs out.
pub(super) async fn follow(
    client: &Client,
    tracker: &mut Tracker,
    timeout: std::time::Duration,
) -> bool {
    let api: Api<WirePod> = Api::namespaced(client.clone(), &tracker.namespace);
    let cfg = watcher::Config::default().fields(&format!("metadata.name={}", tracker.pod));
    let stream = watcher::watcher(api, cfg);
    futures::pin_mut!(stream);
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let next = tokio::time::timeout_at(deadline, stream.next()).await;
        let Ok(Some(event)) = next else { return false };
        let pod = match event {
            Ok(watcher::Event::Apply(p) | watcher::Event::InitApply(p)) => p,
            Ok(watcher::Event::Delete(_)) => {
                tracker.stage = Stage::Gone;
                return true;
            }
            _ => continue,
        };
        let now = chrono::Utc::now();
        if tracker.observe(&PodRow::from_slim(&pod.pod), now) {
            eprintln!("{}", tracker.summary(now));
        }
        if tracker.stage.is_final() {
            return true;
        }
    }
}

pub async fn run(common: &CommonArgs, args: &ResizeArgs) -> Result<(), CommandError> {
    if common.readonly {
        return Err(refused(
            "read-only mode is on: podsize resize does not change the cluster",
        ));
    }
    let (client, target) = connect(common).await?;
    let namespace = scope_from(common, &target)
        .namespace
        .unwrap_or_else(|| "default".into());
    let caps = Capabilities::detect(&client)
        .await
        .map_err(|e| CommandError::Api(crate::cluster::client::one_line(&e)))?;
    // Ask before sending anything: a viewer learns why here, and nothing leaves for the server.
    if let Ok(Some(denied)) =
        crate::cluster::access::resize_denial(&client, &caps, Some(&namespace)).await
    {
        return Err(refused(format!("not sent: {denied}")));
    }
    let row = get_row(&client, &namespace, &args.pod)
        .await
        .map_err(|e| refused(e.message))?;
    if args.pod_level {
        return super::resize_pod::run(args, &client, &caps, &row).await;
    }
    let container = pick_container(&row, args.container.as_deref())?;
    let (edits, known) = if args.recommended {
        let (edits, known) =
            recommended_edits(&client, common, args, &row, &container, &caps).await?;
        (edits, Some(known))
    } else {
        (edits_from_args(args, &row, &container)?, None)
    };
    let preflight = super::resize_preflight::read(&client, &row, known).await;
    let edits = super::resize_preflight::defaulted(&preflight, &row, edits);
    let (node, others) = node_room(&client, &row).await;
    let plan = plan_resize(
        &row,
        &container,
        edits,
        caps.server(),
        node.as_ref(),
        others,
    );
    if let Some(first) = plan.errors.first() {
        let rest: Vec<String> = plan
            .errors
            .iter()
            .skip(1)
            .map(|e| e.message.clone())
            .collect();
        let more = if rest.is_empty() {
            String::new()
        } else {
            format!(" (also: {})", rest.join("; "))
        };
        return Err(refused(format!("not sent: {}{more}", first.message)));
    }
    let skip_hpa = args.recommended && !args.with_hpa;
    super::resize_preflight::check(&preflight, &row, &container, &plan.new_spec, skip_hpa)?;
    for line in describe_plan(&plan, &row) {
        eprintln!("{line}");
    }
    let restarts_before = row.container(&container).map_or(0, |c| c.restart_count);
    let result = if args.dry_run {
        send(&client, &caps, &plan, true).await
    } else {
        dry_run_then_send(&client, &caps, &plan).await
    };
    let Accepted {
        row: accepted,
        generation,
    } = result.map_err(|e| refused(e.message))?;
    let r = Report {
        args,
        plan: &plan,
        row: &row,
        via: super::resize_report::endpoint(&plan, caps.resize_subresource),
    };
    if args.dry_run {
        return report(&r, "DryRunAccepted", None, generation);
    }
    eprintln!(
        "resize accepted{}",
        generation
            .map(|g| format!(" (generation {g})"))
            .unwrap_or_default()
    );
    let Some(timeout) = args.wait else {
        return report(&r, "Accepted", None, generation);
    };
    let now = chrono::Utc::now();
    let mut tracker = Tracker::new(&accepted, &container, generation, restarts_before, now);
    let finished = tracker.stage.is_final() || follow(&client, &mut tracker, timeout).await;
    let stage = tracker.stage.clone();
    match stage {
        Stage::Done => report(&r, "Done", None, generation),
        _ if !finished => {
            let hint = if matches!(stage, Stage::InProgress) {
                format!("; {STUCK_HINT}")
            } else {
                String::new()
            };
            let message = format!(
                "timed out after {}s: {}{hint}",
                timeout.as_secs(),
                stage.describe()
            );
            report(&r, "Timeout", Some(&message), generation)?;
            Err(CommandError::Resize { code: 3, message })
        }
        other => {
            let message = other.describe();
            report(&r, "Failed", Some(&message), generation)?;
            Err(CommandError::Resize { code: 2, message })
        }
    }
}

/// What the command prints on stdout at its end.
struct Report<'a> {
    args: &'a ResizeArgs,
    plan: &'a ResizePlan,
    row: &'a PodRow,
    via: String,
}

fn report(
    r: &Report,
    outcome: &str,
    message: Option<&str>,
    generation: Option<i64>,
) -> Result<(), CommandError> {
    let (args, plan) = (r.args, r.plan);
    if args.output == OutputFormat::Json {
        let value = json!({
            "namespace": plan.namespace, "pod": plan.pod, "container": plan.container,
            "outcome": outcome, "message": message, "generation": generation, "patch": plan.patch,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        let wide = args.output == OutputFormat::Wide;
        outln!(
            "{}",
            super::resize_report::plan_report(plan, r.row, &r.via, outcome, message, wide)
        );
    }
    Ok(())
}
