//! ResourceQuota admission on pod create and on `pods/resize`, replayed from the real
//! server's fourth round (fixtures/real-1.35/round4/quota-*.json; round4 README §2; facts file
//! "Fourth round", "ResourceQuota runs on pods/resize").

use crate::sim_common::fidelity::get;
use crate::sim_common::round4::*;
use crate::sim_common::*;

/// Deletes a pod between two steps, as the recording script did (not itself recorded).
async fn delete_pod(sim: &simcluster::SimCluster, ns: &str, name: &str) {
    let (code, _) = raw(
        sim.addr(),
        "DELETE",
        &format!("/api/v1/namespaces/{ns}/pods/{name}?gracePeriodSeconds=0"),
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200);
}

// quota-01..quota-13: a quota without status is ignored (quota-02); `hard` without `used`
// refuses with "status unknown" (quota-04); the plugin writes status.used on create
// (quota-07) and adds the increase of a resize (quota-09); "requested" is the increase, several
// resources comma-joined (quota-10, quota-11); a decrease never lowers used (quota-13).
#[tokio::test]
async fn quota_charges_increases_only() {
    let sim = cluster().await;
    if !replay(
        &sim,
        &[
            "quota-01-create-quota",
            "quota-02-create-pod-quota-without-status-admitted",
        ],
    )
    .await
    {
        return;
    }
    delete_pod(&sim, "facts-quota", "p1").await;
    replay(
        &sim,
        &[
            "quota-03-write-status-used-empty",
            "quota-04-create-pod-used-empty",
            "quota-05-write-status-used-zero",
            "quota-06-create-pod",
            "quota-07-get-quota-after-create",
        ],
    )
    .await;
    // The recording script then wrote the pod's status (allocated and actual 500m).
    write_status_as_in(&sim, "quota-08-resize-within-quota-700m").await;
    replay(
        &sim,
        &[
            "quota-08-resize-within-quota-700m",
            "quota-09-get-quota-after-resize-within",
            "quota-10-resize-above-quota-requests-cpu-2",
            "quota-11-resize-above-quota-requests-and-limits",
            "quota-12-resize-decrease-250m",
            "quota-13-get-quota-after-decrease",
            // Usage is the largest of spec, actual and allocated (quota-14, quota-16); a pod
            // whose resize is Infeasible counts only actual and allocated (quota-18).
            "quota-14-resize-400m-below-actual",
            "quota-15-write-pod-status-alloc-900m-actual-500m",
            "quota-16-resize-800m-below-allocated",
            "quota-17-write-pod-status-infeasible",
            "quota-18-resize-2-cpu-while-infeasible",
            "quota-09-get-quota-after-resize-within",
        ],
    )
    .await;
}

// quota-19, quota-20: with `used` gone again, every resize is refused, a decrease too;
// quota-21..quota-24: a second quota without status is ignored by resizes and creates.
#[tokio::test]
async fn status_unknown_refuses_decreases_and_no_status_is_ignored() {
    let sim = cluster().await;
    if !setup(
        &sim,
        &[
            "quota-01-create-quota",
            "quota-05-write-status-used-zero",
            "quota-06-create-pod",
            "quota-03-write-status-used-empty",
        ],
    )
    .await
    {
        return;
    }
    replay(
        &sim,
        &[
            "quota-19-resize-increase-status-unknown",
            "quota-20-resize-decrease-status-unknown",
        ],
    )
    .await;
    setup(
        &sim,
        &[
            "quota-05-write-status-used-zero",
            "quota-21-create-second-quota-no-status",
        ],
    )
    .await;
    // Infeasible with allocated 900m: the 2-cpu resize charges nothing (quota-22's state).
    write_status_as_in(&sim, "quota-22-resize-with-second-quota-no-status").await;
    let Some(f) = load("quota-22-resize-with-second-quota-no-status") else {
        return;
    };
    let (code, got) = send(&sim, &f).await;
    assert_eq!(code, 200, "{got}");
    assert_eq!(
        got["spec"]["containers"][0]["resources"],
        f.response["spec"]["containers"][0]["resources"]
    );
    let Some(f) = load("quota-24-create-pod-second-quota-no-status-ignored") else {
        return;
    };
    let (code, got) = send(&sim, &f).await;
    assert_same(&f, code, &got);
    // quota-23: both quotas listed, q2 still without status.
    let (code, list) = get(
        &sim,
        "/api/v1/namespaces/facts-quota/resourcequotas",
        Some(ADMIN),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(list["kind"], "ResourceQuotaList");
    let q2 = &list["items"][1];
    assert_eq!(
        (
            q2["metadata"]["name"].as_str(),
            q2["status"].as_object().map(|m| m.len())
        ),
        (Some("q2"), Some(0))
    );
}
