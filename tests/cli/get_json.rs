//! `podsize get -o json` (the real binary) against the simulated cluster's pods,
//! compared field by field with values computed independently from the full Pod objects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use podsize::model::ground::quantity::Quantity;
use serde_json::Value;
use simcluster::{SimCluster, SimConfig};
use std::collections::BTreeMap;

type Map = Option<BTreeMap<String, K8sQuantity>>;

fn read(map: &Map, key: &str, cpu: bool) -> Value {
    match map.as_ref().and_then(|m| m.get(key)) {
        None => Value::Null,
        Some(q) => {
            let q = Quantity::parse(&q.0).unwrap();
            if cpu {
                q.millis().into()
            } else {
                q.units().into()
            }
        }
    }
}

/// Desired request as the apiserver defaults it: the limit when no request is given.
fn desired_request(res: Option<&ResourceRequirements>, key: &str, cpu: bool) -> Value {
    let requests = res.and_then(|r| r.requests.clone());
    let limits = res.and_then(|r| r.limits.clone());
    match read(&requests, key, cpu) {
        Value::Null => read(&limits, key, cpu),
        v => v,
    }
}

fn number(v: &Value, cpu: bool) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    v[if cpu { "millicores" } else { "bytes" }].clone()
}

fn check_container(
    item: &Value,
    res: Option<&ResourceRequirements>,
    status: Option<&ContainerStatus>,
    at: &str,
) {
    for (key, cpu) in [("cpu", true), ("memory", false)] {
        let r = &item[key];
        assert_eq!(
            number(&r["request"]["desired"], cpu),
            desired_request(res, key, cpu),
            "{at} {key} desired request"
        );
        let limits = res.and_then(|r| r.limits.clone());
        assert_eq!(
            number(&r["limit"]["desired"], cpu),
            read(&limits, key, cpu),
            "{at} {key} desired limit"
        );
        let allocated = status.and_then(|s| s.allocated_resources.clone());
        let want_alloc = if allocated.is_none() {
            Value::Null
        } else {
            read(&allocated, key, cpu)
        };
        assert_eq!(
            number(&r["request"]["allocated"], cpu),
            want_alloc,
            "{at} {key} allocated"
        );
        let actual = status.and_then(|s| s.resources.clone());
        let (act_req, act_lim) = match &actual {
            None => (Value::Null, Value::Null),
            Some(a) => (read(&a.requests, key, cpu), read(&a.limits, key, cpu)),
        };
        assert_eq!(
            number(&r["request"]["actual"], cpu),
            act_req,
            "{at} {key} actual request"
        );
        assert_eq!(
            number(&r["limit"]["actual"], cpu),
            act_lim,
            "{at} {key} actual limit"
        );
        // The canonical text must parse back to the same integer.
        if let Some(text) = r["request"]["desired"]["quantity"].as_str() {
            let q = Quantity::parse(text).unwrap();
            let n = if cpu { q.millis() } else { q.units() };
            assert_eq!(
                Value::from(n),
                number(&r["request"]["desired"], cpu),
                "{at} {key} canonical"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn get_json_matches_the_servers_pods_field_by_field() {
    let sim = SimCluster::start(SimConfig {
        pods: 40,
        nodes: 3,
        namespaces: 3,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let versions = |pods: &[Pod]| -> Vec<Option<String>> {
        pods.iter()
            .map(|p| p.metadata.resource_version.clone())
            .collect()
    };
    // The simulated kubelet may still be settling: compare against a state that did not
    // change while `get` ran.
    let mut attempt = 0;
    let (pods, items) = loop {
        attempt += 1;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let before = sim.pods();
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_podsize"))
            .args([
                "--kubeconfig",
                kubeconfig.to_str().unwrap(),
                "get",
                "-A",
                "-o",
                "json",
            ])
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        if versions(&before) == versions(&sim.pods()) || attempt == 10 {
            break (before, items);
        }
    };

    let mut expected = 0;
    for pod in &pods {
        let ns = pod.metadata.namespace.clone().unwrap();
        let name = pod.metadata.name.clone().unwrap();
        let spec = pod.spec.as_ref().unwrap();
        let status = pod.status.as_ref();
        let init_statuses = status
            .and_then(|s| s.init_container_statuses.clone())
            .unwrap_or_default();
        let statuses = status
            .and_then(|s| s.container_statuses.clone())
            .unwrap_or_default();
        let all = spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| (c, &init_statuses))
            .chain(spec.containers.iter().map(|c| (c, &statuses)));
        for (c, st) in all {
            expected += 1;
            let item = items
                .iter()
                .find(|i| {
                    i["namespace"] == ns.as_str()
                        && i["pod"] == name.as_str()
                        && i["container"] == c.name.as_str()
                })
                .unwrap_or_else(|| panic!("{ns}/{name}/{} missing from get -o json", c.name));
            let at = format!("{ns}/{name}/{}", c.name);
            check_container(
                item,
                c.resources.as_ref(),
                st.iter().find(|s| s.name == c.name),
                &at,
            );
            assert_eq!(
                item["node"].as_str(),
                spec.node_name.as_deref(),
                "{at} node"
            );
            assert_eq!(
                item["generation"].as_i64(),
                pod.metadata.generation,
                "{at} generation"
            );
            let restarts = st
                .iter()
                .find(|s| s.name == c.name)
                .map_or(0, |s| s.restart_count);
            assert_eq!(
                item["restarts"].as_i64(),
                Some(i64::from(restarts)),
                "{at} restarts"
            );
            assert!(item["state"].is_string(), "{at} state");
        }
    }
    assert_eq!(
        items.len(),
        expected,
        "one object per container, nothing extra"
    );
    assert!(expected >= 40);
}
