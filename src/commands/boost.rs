//! `podsize boost`: raises one container's CPU or memory in place and leaves a plan on the pod
//! saying how and when to put the exact old values back. `--wait` stays and does the revert;
//! without it any podsize that is not read-only (the dashboard, `boost --revert-due`) does.
//! Exit codes as `podsize resize`: 0 done, 1 refused, 2 Infeasible/Error, 3 timed out.
//! `-l SEL --until-ready --watch` boosts the pods of a rollout as they start (`boost_rollout`).

use super::resize::{describe_plan, node_room, pick_container, refused};
use super::{CommandError, connect, scope_from};
use crate::cli::{BoostArgs, CommonArgs, ReportFormat};
use crate::cluster::boost::{PlanStore, apply, choose_store, whoami};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::resize::get_row;
use crate::model::PodRow;
use crate::model::decide::boost::{
    BoostPlan, Until, boosted_spec, exact_text, restart_refusal, values_text,
};
use crate::model::rules::plan::{Edits, ResizePlan, plan_resize};
use chrono::{DateTime, Utc};
use kube::Client;
use serde_json::{Value, json};

/// Everything the command knows once the boost is planned.
pub struct Planned {
    pub row: PodRow,
    pub resize: ResizePlan,
    pub boost: BoostPlan,
    pub store: PlanStore,
}

fn until_of(args: &BoostArgs, now: DateTime<Utc>) -> Result<Until, CommandError> {
    let after = |d: std::time::Duration, flag: &str| {
        chrono::TimeDelta::from_std(d)
            .map(|d| now + d)
            .map_err(|_| refused(format!("{flag} is too long")))
    };
    match (args.for_, args.until_ready, args.max) {
        (Some(d), false, _) => Ok(Until::Deadline(after(d, "--for")?)),
        (None, true, None) => Ok(Until::Ready),
        (None, true, Some(max)) => Ok(Until::ReadyBy(after(max, "--max")?)),
        _ => Err(refused(
            "say when the boost ends: --for DURATION or --until-ready [--max DURATION]",
        )),
    }
}

/// Works the boost out and checks it with the editor's validation; nothing is sent.
pub async fn plan(
    client: &Client,
    caps: &Capabilities,
    row: PodRow,
    args: &BoostArgs,
) -> Result<Planned, CommandError> {
    let container = pick_container(&row, args.container.as_deref())?;
    plan_container(client, caps, row, container, args).await
}

/// `plan` for a container already chosen (a rollout's `-c` or only container).
pub async fn plan_container(
    client: &Client,
    caps: &Capabilities,
    row: PodRow,
    container: String,
    args: &BoostArgs,
) -> Result<Planned, CommandError> {
    if row.boost.is_some() {
        return Err(refused(format!(
            "pod {} already carries a boost ({}): let it end first",
            row.name,
            crate::model::decide::boost::ANNOTATION
        )));
    }
    let now = Utc::now();
    let until = until_of(args, now)?;
    if until.waits_for_ready() && row.ready {
        return Err(refused(format!(
            "pod {} is already Ready: --until-ready would revert at once",
            row.name
        )));
    }
    let original = row
        .container(&container)
        .map(|c| c.desired)
        .unwrap_or_default();
    let boosted = boosted_spec(&original, args.cpu.as_deref(), args.memory.as_deref())
        .map_err(|e| refused(format!("not sent: {e}")))?;
    let (node, others) = node_room(client, &row).await;
    // Values left alone keep the server's text, and a typed one its form (`2G` stays `2G`).
    let mut edits = Edits {
        exact: row
            .container(&container)
            .map(Edits::from_container)
            .unwrap_or_default()
            .exact,
        ..Edits::from_spec(&boosted)
    };
    edits.keep_families();
    for (i, typed) in [(0, &args.cpu), (2, &args.memory)] {
        if let Some(typed) = typed {
            edits.keep_typed(i, typed);
        }
    }
    let resize = plan_resize(
        &row,
        &container,
        edits,
        caps.server(),
        node.as_ref(),
        others,
    );
    if let Some(first) = resize.errors.first() {
        return Err(refused(format!("not sent: {}", first.message)));
    }
    if let Some(why) = restart_refusal(&resize, args.allow_restart) {
        return Err(refused(format!("not sent: {why}")));
    }
    if resize.qos_before != resize.qos_after {
        return Err(refused(format!(
            "not sent: the boost would change the QoS class ({} → {})",
            resize.qos_before, resize.qos_after
        )));
    }
    let original_exact = row
        .container(&container)
        .map(Edits::from_container)
        .unwrap_or_default()
        .exact;
    let boost = BoostPlan {
        container,
        uid: row.uid.clone(),
        original,
        original_exact,
        boosted,
        until,
        started_at: now,
        started_by: whoami(),
        claim: None,
    };
    let store = choose_store(client, &row.namespace).await;
    Ok(Planned {
        row,
        resize,
        boost,
        store,
    })
}

/// The plan in words, on stderr before anything is sent.
fn show(p: &Planned) {
    let b = &p.boost;
    eprintln!(
        "boost {}/{} container {}",
        p.row.namespace, p.row.name, b.container
    );
    let original = p.row.container(&b.container).map(Edits::from_container);
    let original =
        original.map_or_else(|| values_text(&b.original), |e| exact_text(&e.exact_spec()));
    eprintln!("  from {original}");
    eprintln!("  to   {}", exact_text(&p.resize.new_exact));
    eprintln!("  until {}", b.until.describe());
    for line in describe_plan(&p.resize, &p.row) {
        eprintln!("  {line}");
    }
    if p.resize.restarts {
        eprintln!(
            "  the container will restart twice: on the boost and again on the revert (--allow-restart)"
        );
    }
    eprintln!("  plan kept {}", p.store.describe());
}

/// The JSON (or one line) printed on stdout at the end.
pub fn report(output: ReportFormat, p: &Planned, outcome: &str, extra: Value) {
    let b = &p.boost;
    if output == ReportFormat::Json {
        let mut v = json!({
            "namespace": p.row.namespace, "pod": p.row.name, "container": b.container,
            "outcome": outcome, "original": values_text(&b.original),
            "boosted": exact_text(&p.resize.new_exact), "patch": p.resize.patch,
            "annotation": b.to_annotation(),
        });
        if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
            obj.extend(more);
        }
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        let message = extra
            .get("message")
            .and_then(Value::as_str)
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        outln!(
            "{}/{} {}: boost {}{message}",
            p.row.namespace,
            p.row.name,
            b.container,
            super::outcome_words::outcome_words(outcome)
        );
    }
}

pub async fn run(common: &CommonArgs, args: &BoostArgs) -> Result<(), CommandError> {
    if common.readonly {
        return Err(refused(
            "read-only mode is on: podsize boost does not change the cluster",
        ));
    }
    let (client, target) = connect(common).await?;
    let scope = scope_from(common, &target);
    let caps = Capabilities::detect(&client)
        .await
        .map_err(|e| CommandError::Api(crate::cluster::client::one_line(&e)))?;
    if args.revert_due {
        return super::boost_due::revert_due_in_scope(&client, &caps, &scope, args.output).await;
    }
    if args.watch {
        return super::boost_rollout::run(&client, &caps, &scope, args).await;
    }
    let namespace = scope.namespace.unwrap_or_else(|| "default".into());
    if let Ok(Some(denied)) =
        crate::cluster::access::resize_denial(&client, &caps, Some(&namespace)).await
    {
        return Err(refused(format!("not sent: {denied}")));
    }
    let pod = args.pod.as_deref().unwrap_or_default();
    let row = get_row(&client, &namespace, pod)
        .await
        .map_err(|e| refused(e.message))?;
    let planned = plan(&client, &caps, row, args).await?;
    show(&planned);
    if args.dry_run {
        crate::cluster::resize::send(&client, &caps, &planned.resize, true)
            .await
            .map_err(|e| refused(format!("dry run refused: {}", e.message)))?;
        report(args.output, &planned, "DryRunAccepted", json!({}));
        return Ok(());
    }
    let accepted = apply(
        &client,
        &caps,
        &planned.store,
        &planned.row,
        &planned.resize,
        &planned.boost,
    )
    .await
    .map_err(|e| refused(format!("boost refused: {}", e.message)))?;
    eprintln!("boost accepted; the plan is {}", planned.store.describe());
    let Some(timeout) = args.wait else {
        report(args.output, &planned, "Boosted", json!({}));
        return Ok(());
    };
    super::boost_wait::follow_to_revert(&client, &caps, &planned, accepted, args.output, timeout)
        .await
}
