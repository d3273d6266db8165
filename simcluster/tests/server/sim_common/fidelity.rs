//! Helpers of the fidelity tests: JSON GET/POST over raw HTTP and the demo pod cluster.

use super::*;
use serde_json::Value;
use simcluster::{SimCluster, SimConfig};

pub const RESIZE: &str = "/api/v1/namespaces/default/pods/resize-demo/resize";
pub const SMP: &str = "application/strategic-merge-patch+json";

pub fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

pub async fn demo() -> SimCluster {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    sim.create_pod(resize_demo()).unwrap();
    eventually("pod running", || async {
        sim.pod("default", "resize-demo").filter(running)
    })
    .await;
    sim
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub async fn get(sim: &SimCluster, path: &str, token: Option<&str>) -> (u16, Value) {
    let (code, body) = raw(sim.addr(), "GET", path, token, None, b"").await;
    (code, parse(&body))
}

pub async fn post(sim: &SimCluster, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let (code, body) = raw(
        sim.addr(),
        "POST",
        path,
        Some(token),
        Some("application/json"),
        body.to_string().as_bytes(),
    )
    .await;
    (code, parse(&body))
}
