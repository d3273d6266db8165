//! The simulated cluster over real HTTP, checked against what a real kube-apiserver answered
//! (real-apiserver-facts.md and the fixtures in shared/): its API, discovery, resize rules,
//! kubelet and pacing, read by raw requests, the kube client, h2 and kubectl. One test binary,
//! so the suite links the crate once.
// Tests fail by panicking; their helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod sim_common;

mod api;
mod consistency;
mod consistency_usage;
mod cpu_manager;
mod discovery_versions;
mod fidelity;
mod fidelity_http;
mod fidelity_round3;
mod http2;
mod kube_client;
mod kubectl_client;
mod kubelet;
mod pacing;
mod policy_scene;
mod resize_rules;
mod round4_limitrange;
mod round4_objects;
mod round4_quota;
mod round4_ssa;
