//! `podsize resize`'s prediction against the simulated kubelet, over real HTTP: a node where a
//! neighbour's grow waits Deferred. The kubelet admits a resize against what it allocated to
//! the other pods (resize-api.md §4.8), so the waiting grow takes no room in its count; the
//! prediction must say the same, both when the resize fits and when it is Deferred.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::make_room_scene as scene;

use common::sim_cli::SimCli;
use scene::{Spec, fill, grow_until_deferred, pending_reason};
use simcluster::{Identity, SimConfig};
use std::time::Duration;

fn actual_cpu(cli: &SimCli, pod: &str) -> Option<String> {
    let st = cli.sim.pod("default", pod)?.status?.container_statuses?;
    Some(
        st[0].resources.as_ref()?.requests.as_ref()?["cpu"]
            .0
            .clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_prediction_and_the_kubelet_agree_next_to_a_deferred_grow() {
    let cli = SimCli::start(SimConfig {
        kubelet_delay: Duration::from_millis(40),
        ..SimConfig::empty()
    })
    .await;
    // 3 × 1000m of 4000m; hog's grow to 3000m (its limit) waits: 3000 + 2000 > 4000.
    fill(
        &cli.sim,
        &[
            Spec::one_cpu("hog"),
            Spec::one_cpu("api"),
            Spec::one_cpu("side"),
        ],
    )
    .await;
    let client = cli.sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(&cli.sim, &client, "hog", "3000m").await;

    // api to 1500m: the kubelet holds 1000m for hog and 1000m for side, 3500m ≤ 4000m. (The
    // scheduler's count, with hog at 3000m, would leave api no room and predict Deferred.)
    let fits = [
        "resize",
        "api",
        "-c",
        "api",
        "--cpu-request",
        "1500m",
        "--wait=20s",
        "-n",
        "default",
    ];
    let run = cli.run(&fits).await;
    assert!(
        run.err.contains("prediction: fits the node now"),
        "{}",
        run.err
    );
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(actual_cpu(&cli, "api").as_deref(), Some("1500m"));
    assert_eq!(pending_reason(&cli.sim, "api"), None);
    assert_eq!(pending_reason(&cli.sim, "hog").as_deref(), Some("Deferred"));

    // side to 1600m: 1000m (hog) + 1500m (api) + 1600m = 4100m > 4000m, by either count.
    let deferred = [
        "resize",
        "side",
        "-c",
        "side",
        "--cpu-request",
        "1600m",
        "--wait=2s",
        "-n",
        "default",
    ];
    let run = cli.run(&deferred).await;
    assert!(
        run.err.contains("prediction: will be Deferred"),
        "{}",
        run.err
    );
    assert_eq!(run.code, 3, "{}", run.err);
    assert!(
        run.err.contains("timed out after 2s: deferred"),
        "{}",
        run.err
    );
    assert_eq!(
        pending_reason(&cli.sim, "side").as_deref(),
        Some("Deferred")
    );
    assert_eq!(actual_cpu(&cli, "side").as_deref(), Some("1"));
}
