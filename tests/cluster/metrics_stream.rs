//! A metrics reading read as it arrives (issue #30 point 15), over real HTTP with the real kube
//! client: `metrics::fetch` gives the same pods and figures as kubectl's raw GET of
//! metrics.k8s.io read independently, and a refused request is the same `kube::Error::Api` as
//! when the answer was collected whole.

use crate::common::sim_cli::SimCli;
use crate::common::sim_process::KUBECTL;
use podsize::cluster::metrics;
use podsize::model::pods::events::{PodUsage, Scope};
use serde_json::Value;
use simcluster::rules::quantity::Quantity;
use simcluster::{FaultCode, Identity, SimConfig};
use std::collections::BTreeMap;

/// Each pod's containers with their CPU (millicores) and memory (bytes), by namespace and name.
type Figures = BTreeMap<(String, String), Vec<(String, Option<i64>, Option<i64>)>>;

/// A `PodMetricsList` read from its JSON tree, figures by the simulated cluster's own quantity
/// rules (not podsize's), rounded up as podsize rounds them.
fn read_independently(list: &Value) -> Figures {
    let figure = |usage: &Value, key: &str, whole: fn(&Quantity) -> i128| {
        let text = usage[key].as_str()?;
        let q = Quantity::parse(text).unwrap_or_else(|e| panic!("{key} {text:?}: {e}"));
        Some(i64::try_from(whole(&q)).unwrap())
    };
    let items = list["items"].as_array().expect("a PodMetricsList");
    items
        .iter()
        .map(|item| {
            let meta = &item["metadata"];
            let key = (
                meta["namespace"].as_str().unwrap().to_string(),
                meta["name"].as_str().unwrap().to_string(),
            );
            let containers = (item["containers"].as_array().unwrap().iter())
                .map(|c| {
                    let usage = &c["usage"];
                    (
                        c["name"].as_str().unwrap().to_string(),
                        figure(usage, "cpu", Quantity::milli_ceil),
                        figure(usage, "memory", Quantity::units_ceil),
                    )
                })
                .collect();
            (key, containers)
        })
        .collect()
}

fn figures_of(reading: Vec<PodUsage>) -> Figures {
    reading
        .into_iter()
        .map(|p| {
            let containers = (p.containers.into_iter())
                .map(|(name, u)| (name, u.cpu_millis, u.memory_bytes))
                .collect();
            ((p.namespace, p.name), containers)
        })
        .collect()
}

async fn kubectl_reading(cli: &SimCli) -> Figures {
    let run = cli
        .kubectl(
            KUBECTL,
            &["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods"],
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.err);
    read_independently(&run.json())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reading_read_as_it_arrives_equals_kubectls() {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipped: no {KUBECTL}");
        return;
    }
    // About 1 MB of answer, which reaches the client in many frames.
    // TLS on: kubectl sends no token over plain HTTP. The rustls client then reads the body
    // in TLS records, as from a real server.
    let cli = SimCli::start(SimConfig {
        tls: true,
        pods: 2_000,
        nodes: 24,
        namespaces: 5,
        ..SimConfig::default()
    })
    .await;
    let client = cli.sim.client(Identity::Admin).await.unwrap();
    // The simulated usage moves every 15 s and pods start: a reading between two equal
    // readings of kubectl's is compared with them.
    for _ in 0..5 {
        let before = kubectl_reading(&cli).await;
        let read = metrics::fetch(&client, &Scope::default()).await.unwrap();
        let after = kubectl_reading(&cli).await;
        if before != after {
            continue;
        }
        assert!(before.len() > 1_000, "{} pods running", before.len());
        let containers: usize = before.values().map(Vec::len).sum();
        assert!(containers > before.len(), "pods with several containers");
        assert_eq!(read.len(), before.len(), "each pod once");
        assert_eq!(figures_of(read), before);
        return;
    }
    panic!("kubectl never read the same usage twice in a row");
}

/// What the answer to `scope`'s reading collected whole gives, for comparison.
async fn collected_whole(client: &kube::Client, scope: &Scope) -> kube::Error {
    let request = metrics::request(scope).unwrap();
    client.request_text(request).await.unwrap_err()
}

fn status_of(e: &kube::Error) -> &kube::core::Status {
    match e {
        kube::Error::Api(status) => status,
        other => panic!("not the server's Status: {other:?}"),
    }
}

/// A client that sends no credentials: `system:anonymous`, whom RBAC refuses metrics.
fn anonymous_client(sim: &simcluster::SimCluster) -> kube::Client {
    let config = kube::Config::new(sim.url().parse().unwrap());
    kube::Client::try_from(config).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_reading_is_the_servers_status_as_before() {
    let cli = SimCli::start(SimConfig {
        pods: 20,
        ..SimConfig::default()
    })
    .await;
    let scope = Scope::default();
    let admin = cli.sim.client(Identity::Admin).await.unwrap();
    // An injected 500 (not one kube's own retry layer retries, as it does 429 and 503).
    cli.sim.faults().fail_next(FaultCode::Internal, 1);
    let streamed = metrics::fetch(&admin, &scope).await.unwrap_err();
    cli.sim.faults().fail_next(FaultCode::Internal, 1);
    let whole = collected_whole(&admin, &scope).await;
    assert_eq!(status_of(&streamed).code, 500, "{streamed:?}");
    assert_eq!(status_of(&streamed), status_of(&whole));
    assert!(!metrics::fetch(&admin, &scope).await.unwrap().is_empty());

    // RBAC's refusal: 403.
    let anonymous = anonymous_client(&cli.sim);
    let streamed = metrics::fetch(&anonymous, &scope).await.unwrap_err();
    assert_eq!(status_of(&streamed).code, 403, "{streamed:?}");
    assert_eq!(
        status_of(&streamed),
        status_of(&collected_whole(&anonymous, &scope).await)
    );

    // A cluster without metrics.k8s.io: 404.
    let bare = SimCli::start(SimConfig {
        metrics: false,
        ..SimConfig::empty()
    })
    .await;
    let client = bare.sim.client(Identity::Admin).await.unwrap();
    let streamed = metrics::fetch(&client, &scope).await.unwrap_err();
    assert_eq!(status_of(&streamed).code, 404, "{streamed:?}");
    assert_eq!(
        status_of(&streamed),
        status_of(&collected_whole(&client, &scope).await)
    );
}
