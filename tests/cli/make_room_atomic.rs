//! `podsize make-room` is safe to run on a busy node: a pod whose two containers give room
//! gets one patch; a refusal in the middle puts back what was sent; lent room is given back
//! once the waiting pod is gone, except where someone changed a victim since.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::make_room_scene as scene;

use common::sim_cli::SimCli;
use scene::{Spec, cpu_requests, fill_pods, grow_until_deferred, lent, pending_reason, pod};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

const KUBECTL: &str = "/usr/bin/kubectl";

/// `tls`: kubectl sends its token only over TLS.
async fn cli_with(tls: bool) -> SimCli {
    SimCli::start(SimConfig {
        tls,
        metrics: true,
        kubelet_delay: Duration::from_millis(40),
        ..SimConfig::empty()
    })
    .await
}

async fn cli() -> SimCli {
    cli_with(false).await
}

fn spec<'a>(name: &'a str, class: &'a str, cpu: &'a str, usage: &'a str) -> Spec<'a> {
    Spec {
        name,
        class,
        cpu,
        usage,
    }
}

fn make_room_args(pod: &str) -> Vec<&str> {
    let mut args = vec!["make-room", pod, "--min-history", "0s", "-n", "default"];
    args.extend(["--yes", "-o", "json"]);
    args
}

/// Real (not dry-run) resize writes to `pod` in the request log.
fn resize_writes(sim: &SimCluster, pod: &str) -> usize {
    let path = format!("/namespaces/default/pods/{pod}/resize");
    sim.request_log()
        .iter()
        .filter(|r| r.method == "PATCH" && r.uri.contains(&path) && !r.uri.contains("dryRun"))
        .count()
}

fn actual_cpu(sim: &SimCluster, pod: &str) -> Option<String> {
    let st = sim.pod("default", pod)?.status?.container_statuses?;
    Some(
        st[0].resources.as_ref()?.requests.as_ref()?["cpu"]
            .0
            .clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn room_in_a_two_container_pod_is_taken_with_one_patch_and_the_resize_completes() {
    let cli = cli().await;
    let sim = &cli.sim;
    // 1000 + 2 × 1200 + 400 = 3800 of 4000m; web's growth to 2500m misses 1300m (1430m with
    // the margin), more than either of pair's containers can give over its floor (1090m).
    let pods = vec![
        pod(&spec("web", "high", "1", "900m")),
        scene::two_container_pod(&spec("pair", "batch-low", "1200m", "100m")),
        pod(&spec("peer", "high", "400m", "50m")),
    ];
    fill_pods(sim, pods).await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "2500m").await;
    sim.clear_request_log();
    let (run, v) = cli.json(&make_room_args("web")).await;
    let out = &run.out;
    assert_eq!(run.code, 0, "{}\n{out}", run.err);
    assert_eq!(v["outcome"], "Done", "{out}");
    let shrinks = v["plan"]["shrinks"].as_array().unwrap();
    assert_eq!(shrinks.len(), 1, "{out}");
    assert_eq!(
        shrinks[0]["containers"].as_array().unwrap().len(),
        2,
        "{out}"
    );
    assert_eq!(resize_writes(sim, "pair"), 1, "one patch for the pod");
    assert_eq!(resize_writes(sim, "peer"), 0, "equal priority untouched");
    let now = cpu_requests(sim, "pair");
    assert!(now.iter().all(|(_, cpu)| cpu != "1200m"), "{now:?}");
    assert_eq!(actual_cpu(sim, "web").as_deref(), Some("2500m"));
    assert_eq!(pending_reason(sim, "web"), None);
    let record = lent(sim, "pair").expect("the lent room is recorded on the victim");
    assert!(record.contains("\"pod\":\"web\""), "{record}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_of_the_second_of_three_shrinks_puts_the_first_back() {
    let cli = cli().await;
    let sim = &cli.sim;
    // 1000 + 3 × 700 = 3100; web's growth to 3000m misses 1100m (1210m with the margin):
    // each victim can give 590m, so all three are needed.
    let pods = vec![
        pod(&spec("web", "high", "1", "900m")),
        pod(&spec("v1", "batch-low", "700m", "100m")),
        pod(&spec("v2", "batch-low", "700m", "100m")),
        pod(&spec("v3", "batch-low", "700m", "100m")),
    ];
    fill_pods(sim, pods).await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "3000m").await;
    sim.faults().refuse_resize_write(2);
    let (run, v) = cli.json(&make_room_args("web")).await;
    let out = &run.out;
    assert_eq!(run.code, 1, "{}\n{out}", run.err);
    assert_eq!(v["outcome"], "Refused", "{out}");
    assert_eq!(v["plan"]["shrinks"].as_array().unwrap().len(), 3, "{out}");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("stopped at shrink 2 of 3"), "{message}");
    let first = v["plan"]["shrinks"][0]["pod"].as_str().unwrap();
    assert_eq!(
        v["putBack"],
        serde_json::json!([format!("default/{first}")]),
        "{out}"
    );
    assert!(
        message.contains(&format!(
            "put back to their original values: default/{first}"
        )),
        "{message}"
    );
    assert_eq!(v["kept"], serde_json::json!([]), "{out}");
    for victim in ["v1", "v2", "v3"] {
        assert_eq!(
            cpu_requests(sim, victim),
            [(victim.to_string(), "700m".to_string())]
        );
        assert_eq!(
            lent(sim, victim),
            None,
            "{victim} keeps no record of a shrink undone"
        );
    }
    assert_eq!(pending_reason(sim, "web").as_deref(), Some("Deferred"));
}

#[tokio::test(flavor = "multi_thread")]
async fn give_back_restores_every_victim_except_one_changed_since() {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let cli = cli_with(true).await;
    let sim = &cli.sim;
    // web's growth to 3000m misses 1000m (1100m with the margin): batch (-10) gives 1090m,
    // indexer (0) the rest.
    let pods = vec![
        pod(&spec("web", "high", "1", "900m")),
        pod(&spec("batch", "batch-low", "1200m", "100m")),
        pod(&spec("indexer", "", "800m", "100m")),
    ];
    fill_pods(sim, pods).await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "3000m").await;
    let (run, v) = cli.json(&make_room_args("web")).await;
    assert_eq!(v["outcome"], "Done", "{}\n{}", run.err, run.out);
    assert!(lent(sim, "batch").is_some() && lent(sim, "indexer").is_some());
    // Someone sets the indexer's request by hand in between.
    let patch =
        r#"{"spec":{"containers":[{"name":"indexer","resources":{"requests":{"cpu":"700m"}}}]}}"#;
    let kubectl = [
        "patch",
        "pod",
        "indexer",
        "-n",
        "default",
        "--subresource",
        "resize",
    ];
    let run = cli
        .kubectl(KUBECTL, &[&kubectl[..], &["-p", patch]].concat())
        .await;
    assert_eq!(run.code, 0, "{}", run.err);
    let run = cli
        .kubectl(KUBECTL, &["delete", "pod", "web", "-n", "default"])
        .await;
    assert_eq!(run.code, 0, "{}", run.err);
    let (run, v) = cli
        .json(&["make-room", "--give-back", "-A", "-o", "json"])
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.err, run.out);
    let results: Vec<(String, String)> = v["victims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["pod"].as_str().unwrap().into(),
                r["result"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        results.contains(&("default/batch".into(), "Restored".into())),
        "{results:?}"
    );
    assert!(
        results.contains(&("default/indexer".into(), "LeftAsSet".into())),
        "{results:?}"
    );
    assert_eq!(
        cpu_requests(sim, "batch"),
        [("batch".into(), "1200m".into())]
    );
    assert_eq!(
        cpu_requests(sim, "indexer"),
        [("indexer".into(), "700m".into())]
    );
    assert_eq!(lent(sim, "batch"), None);
    assert_eq!(
        lent(sim, "indexer"),
        None,
        "the record goes, the user's value stays"
    );
    // Restored means the kubelet admits it: the restore runs, nothing is left pending.
    applied(sim, "batch", 1200).await;
}

fn millis(cpu: &str) -> i64 {
    cpu.strip_suffix('m').map_or_else(
        || cpu.parse::<i64>().unwrap() * 1000,
        |m| m.parse().unwrap(),
    )
}

/// Waits until the kubelet runs `pod` at `cpu` millis with nothing pending.
async fn applied(sim: &SimCluster, pod: &str, cpu: i64) {
    common::sim_http::eventually(&format!("{pod} running at {cpu}m"), || async {
        let now = actual_cpu(sim, pod).map(|c| millis(&c));
        (now == Some(cpu) && pending_reason(sim, pod).is_none()).then_some(())
    })
    .await;
}

/// Resizes the single container of `pod` (named like it) to `cpu` millis over HTTP.
async fn set_cpu(client: &kube::Client, pod: &str, cpu: i64) {
    let patch = serde_json::json!({"spec": {"containers": [
        {"name": pod, "resources": {"requests": {"cpu": format!("{cpu}m")}}}]}});
    scene::resize(client, pod, patch).await;
}

/// The give-back's result for `victim` and its message.
async fn give_back_result(cli: &SimCli, victim: &str) -> (String, String) {
    let (run, v) = cli
        .json(&["make-room", "--give-back", "-A", "-o", "json"])
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.err, run.out);
    let results = v["victims"].as_array().unwrap();
    let mine = results
        .iter()
        .find(|r| r["pod"] == format!("default/{victim}"));
    let mine = mine.unwrap_or_else(|| panic!("{}", run.out));
    let text = |k: &str| mine[k].as_str().unwrap().to_string();
    (text("result"), text("message"))
}

/// The kubelet admits the restore against allocatable less the other pods, the victim's own
/// lent-down request counted in what it asks for (resize-api.md §4.8): a node short by less
/// than that request is NoRoom, as the sim's kubelet would defer it; with the room, the
/// restore is sent and runs.
#[tokio::test(flavor = "multi_thread")]
async fn give_back_waits_while_the_kubelet_would_defer_the_restore() {
    let cli = cli().await;
    let sim = &cli.sim;
    // web's growth to 3000m misses 1000m; only batch is of lower priority.
    let pods = vec![
        pod(&spec("web", "high", "1", "900m")),
        pod(&spec("batch", "batch-low", "1200m", "100m")),
        pod(&spec("indexer", "high", "800m", "100m")),
    ];
    fill_pods(sim, pods).await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "3000m").await;
    let (run, v) = cli.json(&make_room_args("web")).await;
    assert_eq!(v["outcome"], "Done", "{}\n{}", run.err, run.out);
    applied(sim, "web", 3000).await;
    let lent_down = millis(&cpu_requests(sim, "batch")[0].1);
    assert!(lent_down > 0 && lent_down < 1200, "{lent_down}");
    // web shrinks so that 1200m - lent_down/2 is left beside web and indexer: the 1200m -
    // lent_down the restore adds fits, the 1200m batch then asks for does not.
    let web = 4000 - 800 - 1200 + lent_down / 2;
    set_cpu(&client, "web", web).await;
    applied(sim, "web", web).await;
    let (result, message) = give_back_result(&cli, "batch").await;
    assert_eq!(result, "NoRoom", "{message}");
    let short = format!("cpu 1200m of {}m free", 1200 - lent_down / 2);
    assert!(message.contains(&short), "{message}");
    assert_eq!(millis(&cpu_requests(sim, "batch")[0].1), lent_down);
    assert!(lent(sim, "batch").is_some(), "the record stays for later");
    // The sim's kubelet agrees: the same restore sent by hand is Deferred. Undone again, the
    // record still matches.
    grow_until_deferred(sim, &client, "batch", "1200m").await;
    set_cpu(&client, "batch", lent_down).await;
    applied(sim, "batch", lent_down).await;
    // With lent_down more room the restore fits and the kubelet runs it.
    set_cpu(&client, "web", web - lent_down).await;
    applied(sim, "web", web - lent_down).await;
    let (result, message) = give_back_result(&cli, "batch").await;
    assert_eq!(result, "Restored", "{message}");
    applied(sim, "batch", 1200).await;
    assert_eq!(lent(sim, "batch"), None);
}
