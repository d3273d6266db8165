//! Simulator throughput: list 50,000 pods in pages of 500 with the kube client, and stream
//! watch events (50,000 modifications) to a kube watch. Prints medians of several runs.
//! With `SIM_SERVE_URL_FILE=path` it only serves the 50,000-pod sim for 120 s and writes its
//! URL to `path`, to measure the server with other clients (curl, Python).

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::{Duration, Instant};

const PODS: usize = 50_000;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn list_all(api: &Api<Pod>) -> usize {
    let mut lp = ListParams::default().limit(500);
    let mut n = 0;
    loop {
        let page = api.list(&lp).await.expect("list page");
        n += page.items.len();
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(c) => lp = lp.continue_token(&c),
            None => return n,
        }
    }
}

/// The same pages fetched as text, without deserializing pods: server plus transport cost.
async fn list_all_raw(client: &kube::Client) -> usize {
    let mut cont = String::new();
    let mut n = 0;
    loop {
        let req = http::Request::get(format!("/api/v1/pods?limit=500&continue={cont}"))
            .body(Vec::new())
            .expect("request");
        let text = client.request_text(req).await.expect("list page");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        n += v["items"].as_array().map_or(0, Vec::len);
        match v["metadata"]["continue"].as_str() {
            Some(c) if !c.is_empty() => cont = c.to_string(),
            _ => return n,
        }
    }
}

async fn watch_run(sim: &SimCluster, api: &Api<Pod>, round: usize) -> f64 {
    let rv = sim.api().store.rv().to_string();
    let mut stream = api
        .watch(&WatchParams::default().timeout(290), &rv)
        .await
        .expect("watch")
        .boxed();
    let keys: Vec<(String, String)> = sim
        .pods()
        .iter()
        .map(|p| {
            (
                p.metadata.namespace.clone().unwrap_or_default(),
                p.metadata.name.clone().unwrap_or_default(),
            )
        })
        .collect();
    let store = sim.api().store.clone();
    let start = Instant::now();
    let producer = tokio::task::spawn_blocking(move || {
        for (ns, name) in keys {
            let _ = store.update::<Pod, ()>(&ns, &name, |p| {
                let mut p = (**p).clone();
                p.metadata
                    .labels
                    .get_or_insert_with(Default::default)
                    .insert("bench-round".into(), round.to_string());
                Ok(Some(p))
            });
        }
    });
    let mut seen = 0;
    while seen < PODS {
        match tokio::time::timeout(Duration::from_secs(60), stream.next()).await {
            Ok(Some(Ok(WatchEvent::Modified(_)))) => seen += 1,
            Ok(Some(Ok(_))) => {}
            other => {
                eprintln!(
                    "watch ended early after {seen} events: {:?}",
                    other.map(|o| o.map(|r| r.is_ok()))
                );
                break;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    producer.await.expect("producer");
    seen as f64 / secs
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let t = Instant::now();
        let sim = SimCluster::start(SimConfig {
            pods: PODS,
            nodes: 500,
            namespaces: 40,
            metrics: false,
            history: 60_000,
            ..SimConfig::default()
        })
        .await
        .expect("sim");
        println!("generated {} pods in {:.2}s", sim.pods().len(), t.elapsed().as_secs_f64());
        if let Ok(path) = std::env::var("SIM_SERVE_URL_FILE") {
            std::fs::write(path, sim.url()).expect("write url");
            tokio::time::sleep(Duration::from_secs(120)).await;
            return;
        }
        let store = sim.api().store.clone();
        let t = Instant::now();
        let (mut after, mut bytes, mut pages) = (None, 0usize, 0);
        loop {
            let page = store.list::<Pod>(None, after.as_ref(), Some(500), &|_| true);
            bytes += page.items.iter().map(|e| e.json.len()).sum::<usize>();
            pages += 1;
            match page.next {
                Some(k) => after = Some(k),
                None => break,
            }
        }
        println!(
            "in-process store pages: {pages} in {:.3}s, {:.1} MB total, {:.0} bytes/pod",
            t.elapsed().as_secs_f64(),
            bytes as f64 / 1e6,
            bytes as f64 / PODS as f64
        );
        let client = sim.client(Identity::Admin).await.expect("client");
        let api: Api<Pod> = Api::all(client.clone());
        let mut raw_times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            assert_eq!(list_all_raw(&client).await, PODS);
            raw_times.push(t.elapsed().as_secs_f64());
        }
        println!(
            "list {PODS} pods in pages of 500 (raw JSON, no Pod deserialization): median {:.3}s over {} runs",
            median(raw_times.clone()),
            raw_times.len()
        );
        let mut list_times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let n = list_all(&api).await;
            assert_eq!(n, PODS);
            list_times.push(t.elapsed().as_secs_f64());
        }
        println!(
            "list {PODS} pods in pages of 500 (kube client, incl. deserialization): median {:.3}s over {} runs ({:.0} pods/s)",
            median(list_times.clone()),
            list_times.len(),
            PODS as f64 / median(list_times)
        );
        let mut rates = Vec::new();
        for round in 0..3 {
            rates.push(watch_run(&sim, &api, round).await);
        }
        println!("watch: {PODS} MODIFIED events streamed to a kube watch: median {:.0} events/s over {} runs", median(rates.clone()), rates.len());
    });
}
