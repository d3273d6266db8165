//! What the scheduler counts for a pod whose resize is Infeasible: Kubernetes' resource helpers
//! (`PodRequests` with status resources, used by the scheduler and `kubectl describe node`)
//! count what was allocated and applied, since the resize will not happen.

use super::resize_infeasible;
use crate::model::pods::row::PodRow;
use crate::model::pods::slim::SlimPod;

fn fixture(text: &str) -> PodRow {
    let pod: SlimPod = serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture: {e}"));
    PodRow::from_slim(&pod)
}

#[test]
fn an_infeasible_resize_counts_what_the_pod_was_allocated() {
    // A real 1.35 server's pod: admin-ui asked for 24 CPUs on a smaller node (Infeasible) and
    // runs with 500m; istio-proxy 100m. The scheduler counts 600m, not 24.1 CPUs.
    let pod = fixture(include_str!(
        "../../../tests/fixtures/pods/real-1.35-infeasible.json"
    ));
    assert!(resize_infeasible(&pod));
    let counted = pod.effective_requests();
    assert_eq!(counted.cpu_millis, Some(600));
    assert_eq!(counted.memory_bytes, Some((2 << 30) + (128 << 20)));
}

#[test]
fn the_legacy_resize_field_counts_the_same_way() {
    // 1.31: `status.resize: Infeasible`; desired 500m, allocated 250m for admin-ui.
    let pod = fixture(include_str!(
        "../../../tests/fixtures/pods/v1.31-infeasible.json"
    ));
    assert!(resize_infeasible(&pod));
    assert_eq!(pod.effective_requests().cpu_millis, Some(350));
}

#[test]
fn a_deferred_resize_still_counts_the_largest_of_desired_allocated_and_actual() {
    let pod = fixture(include_str!(
        "../../../tests/fixtures/pods/real-1.35-deferred.json"
    ));
    assert!(!resize_infeasible(&pod));
    let desired: i64 = pod
        .containers
        .iter()
        .filter_map(|c| c.desired.effective_requests().cpu_millis)
        .sum();
    let counted = pod.effective_requests().cpu_millis.unwrap_or(0);
    assert!(counted >= desired, "{counted} < {desired}");
}
