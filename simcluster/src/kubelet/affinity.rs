//! Which nodes a pod may be bound to, as the scheduler's NodeAffinity plugin decides it: every
//! `spec.nodeSelector` label must match, and one of the required node-affinity terms must hold
//! (`In`, `NotIn`, `Exists`, `DoesNotExist`; the numeric `Gt`/`Lt` are not used by the sim's
//! workloads and hold for no node here, which keeps such a pod Pending rather than misplaced).

use k8s_openapi::api::core::v1::{Node, NodeSelectorRequirement, Pod};
use std::collections::BTreeMap;

fn labels(node: &Node) -> BTreeMap<String, String> {
    node.metadata.labels.clone().unwrap_or_default()
}

fn holds(req: &NodeSelectorRequirement, labels: &BTreeMap<String, String>) -> bool {
    let value = labels.get(&req.key);
    let listed = |v: &String| req.values.iter().flatten().any(|w| w == v);
    match req.operator.as_str() {
        "In" => value.is_some_and(listed),
        "NotIn" => !value.is_some_and(listed),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        _ => false,
    }
}

/// Whether `pod` may run on `node` by its node selector and required node affinity.
pub fn allows(pod: &Pod, node: &Node) -> bool {
    let labels = labels(node);
    let Some(spec) = pod.spec.as_ref() else {
        return true;
    };
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    // Terms are ORed; the expressions of one term are ANDed.
    let affinity_ok = required.is_none_or(|r| {
        r.node_selector_terms.iter().any(|term| {
            term.match_expressions
                .iter()
                .flatten()
                .all(|req| holds(req, &labels))
        })
    });
    selector_ok && affinity_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        Affinity, NodeAffinity, NodeSelector, NodeSelectorTerm, PodSpec,
    };

    fn node(labels: &[(&str, &str)]) -> Node {
        let mut n = Node::default();
        n.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        n
    }

    fn pod_avoiding(key: &str) -> Pod {
        Pod {
            spec: Some(PodSpec {
                affinity: Some(Affinity {
                    node_affinity: Some(NodeAffinity {
                        required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                            node_selector_terms: vec![NodeSelectorTerm {
                                match_expressions: Some(vec![NodeSelectorRequirement {
                                    key: key.into(),
                                    operator: "DoesNotExist".into(),
                                    values: None,
                                }]),
                                ..Default::default()
                            }],
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn required_affinity_and_node_selector_are_honoured() {
        let avoid = pod_avoiding("old");
        assert!(allows(&avoid, &node(&[("zone", "a")])));
        assert!(!allows(&avoid, &node(&[("old", "true")])));
        let pick = Pod {
            spec: Some(PodSpec {
                node_selector: Some(BTreeMap::from([("zone".into(), "b".into())])),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(!allows(&pick, &node(&[("zone", "a")])));
        assert!(allows(&pick, &node(&[("zone", "b")])));
        assert!(allows(&Pod::default(), &node(&[])));
    }
}
