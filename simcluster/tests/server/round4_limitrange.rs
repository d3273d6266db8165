//! LimitRanger on pod create and on `pods/resize`, replayed from the real server's fourth
//! round (fixtures/real-1.35/round4/lr-*.json; round4 README §1; facts file "Fourth round",
//! "LimitRanger runs on pods/resize" and "A removed limit gets the LimitRange's default back").

use crate::sim_common::round4::*;

// lr-01..lr-11: max/min/ratio refusals are 403 with details {name, kind: pods}, no causes;
// one LimitRange's errors joined as [max/min, ratio]; the ratio printed with six decimals;
// a removed request is set to the limit (lr-09); a removed limit gets the default back and
// then fails validation against the request (lr-10); the QoS change of lr-11.
#[tokio::test]
async fn container_limits_on_resize() {
    let sim = cluster().await;
    replay(
        &sim,
        &[
            "lr-01-create-limitrange",
            "lr-02-create-pod",
            "lr-03-write-status",
            "lr-04-resize-cpu-limit-3-above-max",
            "lr-05-resize-cpu-request-50m-below-min",
            "lr-06-resize-ratio-8",
            "lr-07-resize-valid",
            "lr-08-resize-limit-3-request-1-max-only",
            "lr-09-resize-remove-cpu-request",
            "lr-10-resize-remove-cpu-limit",
            "lr-11-resize-remove-memory-request",
        ],
    )
    .await;
}

// lr-12: defaults are checked against the ratio at create (403, ratio 5.000000); lr-15..lr-21:
// after the defaultRequest is raised, a pod without resources gets the defaults and the
// limit-ranger annotation (lr-18); removing requests changes the QoS (lr-19); removing limits
// or the whole resources puts the defaults back, no change, generation stays 1 (lr-20, lr-21);
// lr-17: a removed limit comes back as the LimitRange default.
#[tokio::test]
async fn defaults_at_create_and_put_back_on_resize() {
    let sim = cluster().await;
    replay(
        &sim,
        &[
            "lr-01-create-limitrange",
            "lr-02-create-pod",
            "lr-03-write-status",
            "lr-07-resize-valid",
            "lr-09-resize-remove-cpu-request",
            "lr-12-create-pod-no-resources",
            "lr-15-patch-limitrange-defaultrequest-250m",
            "lr-16-resize-p1-request-500m",
            "lr-17-resize-p1-remove-cpu-limit-gets-default",
            "lr-18-create-pod-no-resources",
            "lr-19-resize-p2-remove-requests-whole",
            "lr-20-resize-p2-remove-limits-whole",
            "lr-21-resize-p2-remove-resources-whole",
        ],
    )
    .await;
}

// lr-22..lr-27: a Pod-type LimitRange sums the containers (2500m); with two LimitRanges
// violated only the first failing one is reported. The real order is not fixed (lr-26 in 2 of
// 16 tries, lr-26b in 14); the simulator takes LimitRanges by name, which gives lr-26b.
#[tokio::test]
async fn pod_limits_sum_the_containers() {
    let sim = cluster().await;
    replay(
        &sim,
        &[
            "lr-01-create-limitrange",
            "lr-15-patch-limitrange-defaultrequest-250m",
            "lr-22-create-limitrange-pod-type",
            "lr-23-create-2ctr-pod-over-pod-max",
            "lr-24-create-2ctr-pod",
            "lr-25-resize-2ctr-c1-limit-1500m-pod-over-max",
            "lr-26b-resize-2ctr-c1-limit-3-container-lr-wins",
            "lr-27-resize-2ctr-c1-decrease-valid",
        ],
    )
    .await;
}
