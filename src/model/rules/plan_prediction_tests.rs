//! The kubelet admits a resize that asks for no more than the pod holds, even on a node whose
//! pods together ask for more than it has: only growth is predicted Deferred.

use super::*;
use crate::model::decide::node_room::tests::{node, pod, row};

#[test]
fn a_decrease_on_an_over_committed_node_is_predicted_admitted_growth_deferred() {
    let p = row(pod("p", "n", (1000, 256), (1000, 256), (1000, 256)));
    let n = node("n", 4000, 8192);
    // The others already count 3500m: 500m free for a pod holding 1000m.
    let others = CpuMem {
        cpu_millis: Some(3500),
        memory_bytes: Some(0),
    };
    let mut edits = Edits::from_spec(&p.containers[0].desired);
    edits.cpu_request = Some(800);
    let down = plan_resize(&p, "c", edits, 35, Some(&n), others);
    assert_eq!(down.prediction, Prediction::FitsNow);
    edits.cpu_request = Some(1200);
    let up = plan_resize(&p, "c", edits, 35, Some(&n), others);
    assert!(
        matches!(up.prediction, Prediction::Deferred { .. }),
        "{:?}",
        up.prediction
    );
}
