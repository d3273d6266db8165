//! Replaying the fourth round's fixtures (fixtures/real-1.35/round4/*.json, each
//! `{"request":{method,path,contentType,body[,user]},"status":code,"response":body}`) against
//! the simulated cluster over real HTTP, and comparing the answer with the real server's.

use super::fidelity::{bearer, parse, post};
use super::*;
use serde_json::{Value, json};
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

/// One recorded exchange.
pub struct Fixture {
    pub name: String,
    pub request: Value,
    pub status: u16,
    pub response: Value,
}

/// The fixture `round4/NAME.json`; `None` (the test skips) when shared/ is absent.
pub fn load(name: &str) -> Option<Fixture> {
    let text = fixture(&format!("round4/{name}.json"))?;
    let v: Value = serde_json::from_str(&text).unwrap();
    Some(Fixture {
        name: name.to_string(),
        request: v["request"].clone(),
        status: v["status"].as_u64().unwrap() as u16,
        response: v["response"].clone(),
    })
}

/// A cluster whose kubelet never acts within a test (the real server had none: pod status
/// was written through `pods/status`), with node `node-a` and the fixtures' namespaces.
pub async fn cluster() -> SimCluster {
    let sim = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_secs(3600),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.add_node("node-a", 4000, 16 << 30, true);
    for ns in ["facts-lr", "facts-quota", "facts-hpa", "facts-misc"] {
        let (code, _) = post(
            &sim,
            "/api/v1/namespaces",
            ADMIN,
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        )
        .await;
        assert_eq!(code, 201);
    }
    sim
}

/// Sends the fixture's request as the real client did (Python urllib: its User-Agent names
/// the field manager; `user: viewer` uses the viewer's token). A body's resourceVersion from
/// the real server is dropped: it means nothing to this one.
pub async fn send(sim: &SimCluster, f: &Fixture) -> (u16, Value) {
    let req = &f.request;
    let token = if req["user"] == "viewer" {
        VIEWER
    } else {
        ADMIN
    };
    let auth = bearer(token);
    let ct = req["contentType"].as_str().unwrap_or("application/json");
    let mut body = req["body"].clone();
    if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
    }
    let bytes = match &body {
        Value::Null => Vec::new(),
        Value::String(text) => text.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    };
    let mut headers = vec![
        ("Authorization", auth.as_str()),
        ("User-Agent", "Python-urllib/3.12"),
        ("Accept", "application/json"),
    ];
    if !bytes.is_empty() {
        headers.push(("Content-Type", ct));
    }
    let (code, _, text) = raw_headers(
        sim.addr(),
        req["method"].as_str().unwrap(),
        req["path"].as_str().unwrap(),
        &headers,
        &bytes,
    )
    .await;
    (code, parse(&text))
}

fn without_uid(details: &Value) -> Value {
    let mut d = details.clone();
    if let Some(m) = d.as_object_mut() {
        m.remove("uid");
    }
    d
}

/// The parts of a pod an answer is judged on: each container's resources and resizePolicy,
/// pod-level resources, generation, QoS class and annotations.
pub fn pod_facts(p: &Value) -> Value {
    let containers: Vec<Value> = p["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"name": c["name"], "image": c["image"], "resources": c["resources"], "resizePolicy": c["resizePolicy"]}))
        .collect();
    json!({
        "containers": containers,
        "resources": p["spec"]["resources"],
        "restartPolicy": p["spec"]["restartPolicy"],
        "generation": p["metadata"]["generation"],
        "qosClass": p["status"]["qosClass"],
        "annotations": p["metadata"]["annotations"],
    })
}

/// What an object answer is judged on: spec, status and generation, plus finalizers and
/// whether it is marked for deletion.
pub fn object_facts(o: &Value) -> Value {
    json!({
        "kind": o["kind"], "apiVersion": o["apiVersion"], "spec": o["spec"], "status": o["status"],
        "generation": o["metadata"]["generation"], "finalizers": o["metadata"]["finalizers"],
        "deleting": o["metadata"]["deletionTimestamp"].is_string(),
        "name": o["metadata"]["name"], "namespace": o["metadata"]["namespace"],
    })
}

/// Asserts the simulator answered as the real server did: same code; for a Status the same
/// message, reason and details (uid aside); for a pod the same `pod_facts`; for other objects
/// the same `object_facts`; for a list the same items.
pub fn assert_same(f: &Fixture, code: u16, got: &Value) {
    let want = &f.response;
    assert_eq!(code, f.status, "{}: code; answer {got}", f.name);
    match want["kind"].as_str() {
        Some("Status") => {
            for key in ["status", "message", "reason", "code"] {
                assert_eq!(got[key], want[key], "{}: {key}; answer {got}", f.name);
            }
            assert_eq!(
                without_uid(&got["details"]),
                without_uid(&want["details"]),
                "{}: details",
                f.name
            );
        }
        Some("Pod") => assert_eq!(pod_facts(got), pod_facts(want), "{}", f.name),
        Some(k) if k.ends_with("List") => {
            assert_eq!(got["kind"], want["kind"], "{}", f.name);
            let items = |v: &Value| -> Vec<Value> {
                v["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|o| {
                        // Real list items carry no kind/apiVersion; the sim's do (a known
                        // difference of every list), so they are not compared here.
                        let mut f = object_facts(o);
                        f["kind"] = Value::Null;
                        f["apiVersion"] = Value::Null;
                        f
                    })
                    .collect()
            };
            assert_eq!(items(got), items(want), "{}", f.name);
        }
        _ => assert_eq!(object_facts(got), object_facts(want), "{}", f.name),
    }
}

/// Replays each named fixture in order, asserting each answer.
pub async fn replay(sim: &SimCluster, names: &[&str]) -> bool {
    for name in names {
        let Some(f) = load(name) else {
            eprintln!("skipped: fixture round4/{name}.json not found");
            return false;
        };
        let (code, got) = send(sim, &f).await;
        assert_same(&f, code, &got);
    }
    true
}

/// Sends each named fixture's request for its effect only (a step taken out of its recorded
/// order, whose full answer would differ), asserting just the code.
pub async fn setup(sim: &SimCluster, names: &[&str]) -> bool {
    for name in names {
        let Some(f) = load(name) else {
            eprintln!("skipped: fixture round4/{name}.json not found");
            return false;
        };
        let (code, got) = send(sim, &f).await;
        assert_eq!(code, f.status, "{name}: {got}");
    }
    true
}

/// Writes the status the pod had in a fixture's answer through `pods/status`, as the
/// recording script (acting as a kubelet) did between steps it did not record.
pub async fn write_status_as_in(sim: &SimCluster, name: &str) -> bool {
    let Some(f) = load(name) else {
        return false;
    };
    let ns = f.response["metadata"]["namespace"].as_str().unwrap();
    let pod = f.response["metadata"]["name"].as_str().unwrap();
    let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod, "namespace": ns},
        "status": f.response["status"]});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        &format!("/api/v1/namespaces/{ns}/pods/{pod}/status"),
        Some(ADMIN),
        Some("application/merge-patch+json"),
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    true
}
