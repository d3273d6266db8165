//! QoS class as upstream `ComputePodQOS` computes it: only cpu and memory quantities above
//! zero count; pod-level `spec.resources` decide the class when set; init containers count.

use super::quantity::Quantity;
use super::view::{PodView, Resources};
use std::collections::BTreeMap;

/// Adds the positive cpu/memory quantities of `list` into `sum`; returns the names seen.
fn accumulate(list: &BTreeMap<String, String>, sum: &mut BTreeMap<String, i128>) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in list {
        if name != "cpu" && name != "memory" {
            continue;
        }
        let Ok(q) = Quantity::parse(text.trim()) else {
            continue;
        };
        if q.signum() > 0 {
            *sum.entry(name.clone()).or_insert(0) += q.nanos();
            found.push(name.clone());
        }
    }
    found
}

/// `BestEffort`, `Burstable` or `Guaranteed`.
pub fn compute(pod: &PodView) -> &'static str {
    let mut requests = BTreeMap::new();
    let mut limits = BTreeMap::new();
    let mut guaranteed = true;
    let mut add = |r: &Resources, all_limits_required: bool| {
        accumulate(&r.requests, &mut requests);
        let found = accumulate(&r.limits, &mut limits);
        let both = found.iter().any(|n| n == "cpu") && found.iter().any(|n| n == "memory");
        if all_limits_required && !both {
            guaranteed = false;
        }
    };
    match pod.pod_resources.as_ref().filter(|r| !r.is_empty()) {
        // Pod-level limits only make the pod non-guaranteed when some are set but not both.
        Some(r) => add(r, !r.limits.is_empty()),
        None => {
            for c in pod.containers.iter().chain(&pod.init_containers) {
                add(&c.resources, true);
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    let equal = requests.iter().all(|(n, r)| limits.get(n) == Some(r));
    if guaranteed && equal && requests.len() == limits.len() {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// The class the server holds for a pod: `status.qosClass` when set (`GetPodQOS`).
pub fn stored(pod: &PodView) -> String {
    match pod.qos_class.as_deref() {
        Some(c) if !c.is_empty() => c.to_string(),
        _ => compute(pod).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::view::ContainerView;

    fn pod(req: &[(&str, &str)], lim: &[(&str, &str)]) -> PodView {
        let map = |p: &[(&str, &str)]| {
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        PodView {
            containers: vec![ContainerView {
                name: "c".into(),
                resources: Resources {
                    requests: map(req),
                    limits: map(lim),
                },
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    /// real-apiserver-facts.md "Third round": only quantities above zero count.
    #[test]
    fn zero_requests_are_best_effort() {
        assert_eq!(
            compute(&pod(&[("cpu", "0"), ("memory", "0")], &[])),
            "BestEffort"
        );
        assert_eq!(compute(&pod(&[("cpu", "100m")], &[])), "Burstable");
        let g = pod(
            &[("cpu", "1"), ("memory", "1Gi")],
            &[("cpu", "1000m"), ("memory", "1024Mi")],
        );
        assert_eq!(compute(&g), "Guaranteed");
        assert_eq!(compute(&pod(&[("cpu", "1")], &[("cpu", "1")])), "Burstable");
    }

    /// real-apiserver-facts.md "Third round": pod-level resources decide the class.
    #[test]
    fn pod_level_resources_decide() {
        let mut p = pod(&[], &[]);
        let r = Resources {
            requests: [
                ("cpu".to_string(), "1".to_string()),
                ("memory".into(), "1Gi".into()),
            ]
            .into(),
            limits: [
                ("cpu".to_string(), "1".to_string()),
                ("memory".into(), "1Gi".into()),
            ]
            .into(),
        };
        p.pod_resources = Some(r);
        assert_eq!(compute(&p), "Guaranteed");
        p.pod_resources.as_mut().map(|r| r.limits.remove("memory"));
        assert_eq!(compute(&p), "Burstable");
    }
}
