//! Start-up boosts from the dashboard (`B`) follow a pod's ReplicaSet; another owner is named
//! with the command that boosts it. The first-minute walk (issue #30, second round) read
//! "start-up boosts: start-up boosts from the dashboard follow …": the dashboard puts its
//! own "start-up boosts: " before the reason, so the reason does not say it again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use podsize::cluster::workload_selector::workload_selector;
use simcluster::{Identity, SimCluster, SimConfig};

#[tokio::test(flavor = "multi_thread")]
async fn a_pod_of_a_job_is_named_with_the_command_that_boosts_it() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    let mut pod = sim_common::pod(
        "backfill-x7k2p",
        vec![sim_common::container(
            "app",
            &[("cpu", "100m"), ("memory", "64Mi")],
            &[("cpu", "200m"), ("memory", "128Mi")],
            false,
        )],
    );
    pod.metadata.owner_references = Some(vec![OwnerReference {
        api_version: "batch/v1".into(),
        kind: "Job".into(),
        name: "backfill".into(),
        uid: "job-uid".into(),
        controller: Some(true),
        ..OwnerReference::default()
    }]);
    sim.create_pod(pod).unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let err = workload_selector(&client, "default", "backfill-x7k2p")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        "the dashboard follows Deployments and ReplicaSets; for Job backfill run podsize boost -l SELECTOR --until-ready --watch"
    );
}
