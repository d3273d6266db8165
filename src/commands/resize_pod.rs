//! `podsize resize POD --pod-level`: resizes pod-level `spec.resources` through
//! `pods/NAME/resize` (resize-api.md §1.3), refusing locally what the version forbids and
//! showing the server's answer verbatim otherwise; `--wait` follows the pod level to its end.

use super::CommandError;
use super::resize::{edits_over, node_room, refused};
use crate::cli::{OutputFormat, ResizeArgs};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::send_pod_level;
use crate::cluster::wire::WirePod;
use crate::model::rules::pod_plan::{PodLevelPlan, plan_pod_level};
use crate::model::{PodRow, ResizeState};
use futures::StreamExt;
use kube::runtime::watcher;
use kube::{Api, Client};
use serde_json::json;

/// How a followed pod-level resize ends.
enum End {
    Done,
    Failed(String),
    Timeout(String),
}

/// The pod level's stage once the kubelet has seen `generation`: `None` while it is under way.
fn settled(row: &PodRow, generation: Option<i64>) -> Option<End> {
    let seen = match (generation, row.observed_generation) {
        (Some(g), Some(o)) => o >= g,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let state = row.pod_level.as_ref().map(|l| l.state.clone())?;
    match state {
        ResizeState::Infeasible(m) => Some(End::Failed(format!("Infeasible: {m}"))),
        ResizeState::Error(m) => Some(End::Failed(format!("Error: {m}"))),
        ResizeState::None | ResizeState::Applied if seen => Some(End::Done),
        _ => None,
    }
}

fn describe(state: Option<&ResizeState>) -> String {
    state.map_or_else(
        || "unknown".into(),
        |s| match s.message().filter(|m| !m.is_empty()) {
            Some(m) => format!("{}: {m}", s.words()),
            None => s.words().to_string(),
        },
    )
}

async fn follow(
    client: &Client,
    plan: &PodLevelPlan,
    generation: Option<i64>,
    timeout: std::time::Duration,
) -> End {
    let api: Api<WirePod> = Api::namespaced(client.clone(), &plan.namespace);
    let cfg = watcher::Config::default().fields(&format!("metadata.name={}", plan.pod));
    let stream = watcher::watcher(api, cfg);
    futures::pin_mut!(stream);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last = None;
    loop {
        let next = tokio::time::timeout_at(deadline, stream.next()).await;
        let Ok(Some(event)) = next else {
            return End::Timeout(format!(
                "timed out after {}s: pod level {}",
                timeout.as_secs(),
                describe(last.as_ref())
            ));
        };
        let pod = match event {
            Ok(watcher::Event::Apply(p) | watcher::Event::InitApply(p)) => p,
            Ok(watcher::Event::Delete(_)) => return End::Failed("the pod was deleted".into()),
            _ => continue,
        };
        let row = PodRow::from_slim(&pod.pod);
        let state = row.pod_level.as_ref().map(|l| l.state.clone());
        if state != last {
            eprintln!("pod level: {}", describe(state.as_ref()));
            last = state;
        }
        if let Some(end) = settled(&row, generation) {
            return end;
        }
    }
}

fn report(
    args: &ResizeArgs,
    plan: &PodLevelPlan,
    outcome: &str,
    message: Option<&str>,
    generation: Option<i64>,
) {
    if args.output == OutputFormat::Json {
        let value = json!({
            "namespace": plan.namespace, "pod": plan.pod, "podLevel": true,
            "outcome": outcome, "message": message, "generation": generation, "patch": plan.patch,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        let tail = message.map(|m| format!(": {m}")).unwrap_or_default();
        let words = super::outcome_words::outcome_words(outcome);
        outln!(
            "{}/{} pod-level resources via {}: {words}{tail}",
            plan.namespace,
            plan.pod,
            plan.target_description()
        );
    }
}

pub async fn run(
    args: &ResizeArgs,
    client: &Client,
    caps: &Capabilities,
    row: &PodRow,
) -> Result<(), CommandError> {
    let edits = edits_over(
        args,
        crate::model::rules::plan::Edits::from_spec(&row.pod_resources.unwrap_or_default()),
    )?;
    let (node, others) = node_room(client, row).await;
    let plan = plan_pod_level(row, edits, caps.server(), node.as_ref(), others);
    if !plan.errors.is_empty() {
        let all: Vec<String> = plan.errors.iter().map(|e| e.message.clone()).collect();
        return Err(refused(format!("not sent: {}", all.join("; "))));
    }
    eprintln!(
        "patch {}/{} pod-level resources: {}",
        plan.namespace,
        plan.pod,
        serde_json::to_string(&plan.patch).unwrap_or_default()
    );
    eprintln!("QoS {} → {}", plan.qos_before, plan.qos_after);
    send_pod_level(client, caps, &plan, true)
        .await
        .map_err(|e| refused(e.message))?;
    if args.dry_run {
        report(args, &plan, "DryRunAccepted", None, None);
        return Ok(());
    }
    let accepted = send_pod_level(client, caps, &plan, false)
        .await
        .map_err(|e| refused(e.message))?;
    let generation = accepted.generation;
    eprintln!(
        "resize accepted{}",
        generation
            .map(|g| format!(" (generation {g})"))
            .unwrap_or_default()
    );
    let Some(timeout) = args.wait else {
        report(args, &plan, "Accepted", None, generation);
        return Ok(());
    };
    match follow(client, &plan, generation, timeout).await {
        End::Done => {
            report(args, &plan, "Done", None, generation);
            Ok(())
        }
        End::Failed(message) => {
            report(args, &plan, "Failed", Some(&message), generation);
            Err(CommandError::Resize { code: 2, message })
        }
        End::Timeout(message) => {
            report(args, &plan, "Timeout", Some(&message), generation);
            Err(CommandError::Resize { code: 3, message })
        }
    }
}
