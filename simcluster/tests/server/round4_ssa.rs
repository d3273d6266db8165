//! Server-side apply on `pods/resize`, replayed from the real server's fourth round
//! (fixtures/real-1.35/round4/ssa-*.json; round4 README §4; facts file "Fourth round",
//! "Server-side apply on /resize", and "Third round": a conflict is 409 unless force=true).

use crate::sim_common::round4::*;
use serde_json::json;

// ssa-01..ssa-08: a new manager changing a value the creator owns is 409 naming it
// (`"Python-urllib" using v1`); force wins; no fieldManager is 422; between appliers the
// conflict names `"b" with subresource "resize"`; an image in the apply is dropped.
#[tokio::test]
async fn apply_conflicts_force_and_dropped_image() {
    let sim = cluster().await;
    if !replay(
        &sim,
        &[
            "ssa-01-create-pod",
            "ssa-02-apply-resize-manager-a",
            "ssa-03-apply-resize-manager-b-conflict",
            "ssa-04-apply-resize-manager-b-force",
            "ssa-05-apply-resize-no-fieldmanager",
            "ssa-06-apply-resize-manager-a-again-conflict",
            "ssa-07-apply-resize-manager-a-image-change",
            "ssa-08-get-pod-after",
        ],
    )
    .await
    {
        return;
    }
    let (_, pod) = send(&sim, &load("ssa-08-get-pod-after").unwrap()).await;
    let applies: Vec<_> = pod["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == "Apply")
        .map(|e| (e["manager"].clone(), e["subresource"].clone()))
        .collect();
    assert!(
        applies.contains(&(json!("a"), json!("resize"))),
        "{applies:?}"
    );
}

// ssa-10..ssa-16: the same value is no conflict (shared ownership); a then b with force;
// a JSON body under the apply content type; a request above the limit is the ordinary 422;
// dryRun answers the would-be pod.
#[tokio::test]
async fn apply_shared_ownership_json_body_validation_and_dry_run() {
    let sim = cluster().await;
    let Some(mut create) = load("ssa-01-create-pod") else {
        return;
    };
    create.request["body"]["metadata"]["name"] = json!("ssa2");
    create.request["body"]["metadata"]["labels"]["app"] = json!("ssa2");
    let (code, _) = send(&sim, &create).await;
    assert_eq!(code, 201);
    replay(
        &sim,
        &[
            "ssa-10-apply-resize-a-same-value-no-conflict",
            "ssa-11-apply-resize-a-600m-force",
            "ssa-12-apply-resize-b-700m-conflict",
            "ssa-13-apply-resize-b-700m-force",
            "ssa-14-apply-resize-json-body",
            "ssa-15-apply-resize-above-limit",
            "ssa-16-apply-resize-dryrun",
        ],
    )
    .await;
}
