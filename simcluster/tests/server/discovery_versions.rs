//! Aggregated discovery by server version. The facts file (real-apiserver-facts.md, third
//! round, "Discovery") has 1.35 answering `apidiscovery.k8s.io/v2`; which versions older servers
//! answer comes from upstream: KEP-3352 (v2beta1 on by default from 1.27, v2 GA in 1.30) and
//! kubernetes/kubernetes#134230 (v2beta1 no longer served from 1.33, locked in 1.35). kubectl
//! up to 1.29 asks for v2beta1 only; kubectl 1.30+ and kube-rs ask v2, then v2beta1, then JSON.
//! A server that answered v2 to a v2beta1-only client made kubectl 1.29 report "the server
//! doesn't have a resource type pods".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use sim_common::fidelity::parse;
use sim_common::raw_headers;
use simcluster::{SimCluster, SimConfig};

const V2: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const V2BETA1: &str = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
const KUBECTL: &str = "/usr/bin/kubectl";

/// What a server of `minor` answers `path` with for this Accept header: the Content-Type and
/// the body's apiVersion and kind.
async fn answer(sim: &SimCluster, path: &str, accept: &str) -> (String, String, String) {
    let auth = format!("Bearer {}", simcluster::ADMIN_TOKEN);
    let (code, head, body) = raw_headers(
        sim.addr(),
        "GET",
        path,
        &[("Authorization", &auth), ("Accept", accept)],
        b"",
    )
    .await;
    assert_eq!(code, 200, "{head}\n{body}");
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(|_| l["content-type: ".len()..].trim().to_string())
        })
        .unwrap();
    let v = parse(&body);
    let field = |k: &str| v[k].as_str().unwrap_or("").to_string();
    (content_type, field("apiVersion"), field("kind"))
}

#[tokio::test]
async fn each_version_answers_the_first_discovery_form_it_serves() {
    let kube_rs = format!("{V2},{V2BETA1},application/json");
    let kubectl_129 = format!("{V2BETA1},application/json");
    let v2_only = format!("{V2},application/json");
    // (minor, accept, expected aggregated version or None for the legacy lists)
    let cases = [
        (29, &kube_rs, Some("v2beta1")),
        (29, &kubectl_129, Some("v2beta1")),
        (29, &v2_only, None),
        (31, &kube_rs, Some("v2")),
        (31, &kubectl_129, Some("v2beta1")),
        (32, &kubectl_129, Some("v2beta1")),
        (33, &kubectl_129, None),
        (35, &kube_rs, Some("v2")),
        (35, &kubectl_129, None),
        (35, &v2_only, Some("v2")),
    ];
    for minor in [29, 31, 32, 33, 35] {
        let sim = SimCluster::start(SimConfig {
            minor,
            ..SimConfig::empty()
        })
        .await
        .unwrap();
        for (_, accept, want) in cases.iter().filter(|c| c.0 == minor) {
            for (path, legacy_kind) in [("/api", "APIVersions"), ("/apis", "APIGroupList")] {
                let (content_type, api_version, kind) = answer(&sim, path, accept).await;
                let what = format!("1.{minor} {path} for {accept}");
                match want {
                    Some(v) => {
                        assert_eq!(
                            content_type,
                            format!(
                                "application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList"
                            ),
                            "{what}"
                        );
                        assert_eq!(api_version, format!("apidiscovery.k8s.io/{v}"), "{what}");
                        assert_eq!(kind, "APIGroupDiscoveryList", "{what}");
                    }
                    None => {
                        assert_eq!(content_type, "application/json", "{what}");
                        assert_eq!(kind, legacy_kind, "{what}");
                    }
                }
            }
        }
    }
}

/// kubectl, an independent client, finds pods on every old version it may meet. The installed
/// kubectl may dispatch to a version matching the server's (Google Cloud SDK's does), so this
/// covers both a v2beta1-only client and a v2-first one.
#[tokio::test]
async fn kubectl_lists_pods_on_servers_before_and_after_v2() {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    for minor in [27, 29, 30, 32, 33] {
        let sim = SimCluster::start(SimConfig {
            minor,
            tls: true,
            pods: 5,
            namespaces: 1,
            ..SimConfig::empty()
        })
        .await
        .unwrap();
        let want: Vec<String> = sim
            .pods()
            .into_iter()
            .map(|p| p.metadata.name.unwrap())
            .collect();
        assert_eq!(want.len(), 5);
        let run = sim_common::kubectl(&sim, KUBECTL, &["get", "pods", "-A", "-o", "name"]).await;
        assert_eq!(run.code, 0, "1.{minor}: {}", run.err);
        for name in &want {
            assert!(
                run.out.contains(&format!("pod/{name}")),
                "1.{minor}: {name} missing from\n{}",
                run.out
            );
        }
    }
}
