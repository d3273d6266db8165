//! One HPA prediction for one container, whichever command asks (issues 26/27): with an HPA
//! that has reported no figure of its own, `recommend` and `resize --recommended` judge the
//! same container by the same reading of metrics.k8s.io, so they predict the same utilisation
//! and replicas. The pod has two containers, so a `Resource` metric (the pod's use over the
//! pod's requests) and a `ContainerResource` metric (one container's) come out differently,
//! and the expected figures are worked out here from the pinned use and the requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::hpa_scene::{
    APP_MILLIS, POD, POD_MILLIS, USE_MILLIS, cluster, line, recommended_app,
};
use crate::common::sim_http as sim_common;

#[tokio::test(flavor = "multi_thread")]
async fn recommend_and_resize_recommended_predict_the_same_hpa_answer() {
    let (_sim, _dir, kubeconfig) = cluster().await;
    let (record, new) = recommended_app(&kubeconfig).await;
    assert_ne!(new, APP_MILLIS, "{record:#}");
    let effects = record["hpa"].as_array().unwrap();
    // The Resource metric: both containers' use over both requests.
    let pod = effects
        .iter()
        .find(|e| e["container"].is_null())
        .unwrap_or_else(|| panic!("{record:#}"));
    let before = 2.0 * USE_MILLIS * 100.0 / POD_MILLIS;
    let after = before * POD_MILLIS / (POD_MILLIS - APP_MILLIS + new);
    assert_eq!(
        pod["utilizationBefore"],
        before.round() as i64,
        "{record:#}"
    );
    assert_eq!(pod["utilizationAfter"], after.round() as i64, "{record:#}");
    // The ContainerResource metric: app's use over app's request.
    let app = effects
        .iter()
        .find(|e| e["container"] == "app")
        .unwrap_or_else(|| panic!("{record:#}"));
    let before = USE_MILLIS * 100.0 / APP_MILLIS;
    assert_eq!(
        app["utilizationBefore"],
        before.round() as i64,
        "{record:#}"
    );
    let after = before * APP_MILLIS / new;
    assert_eq!(app["utilizationAfter"], after.round() as i64, "{record:#}");

    // The same container through `resize --recommended`, dry: the same two predictions.
    let resize = [
        "resize",
        POD,
        "-n",
        "default",
        "-c",
        "app",
        "--recommended",
        "--with-hpa",
        "--dry-run",
    ];
    let (_, _, err) = sim_common::run_podsize(&kubeconfig, &resize).await;
    for e in effects {
        let want = format!("warning: {}", line(e));
        assert!(err.contains(&want), "want {want:?} in:\n{err}");
    }
}
