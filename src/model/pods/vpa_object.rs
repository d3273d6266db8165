//! VerticalPodAutoscalers as plain data, compacted on arrival: what the cluster side sends
//! (`events::ClusterEvent::Vpas`). Which VPA covers a pod and what it means is `decide::vpa`.

use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::Owner;

/// `spec.targetRef` of a VPA.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
}

/// One entry of `status.recommendation.containerRecommendations`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VpaContainer {
    pub name: String,
    pub target: CpuMem,
    pub lower_bound: CpuMem,
    pub upper_bound: CpuMem,
    pub uncapped_target: CpuMem,
}

/// A VPA, compacted: what podsize shows and matches on, nothing else.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vpa {
    pub namespace: String,
    pub name: String,
    pub target: TargetRef,
    /// `spec.updatePolicy.updateMode`; the CRD's default (`Auto`) when absent.
    pub update_mode: String,
    pub containers: Vec<VpaContainer>,
}

/// What the VPA source hands the app: every VPA in scope, and the owners of the ReplicaSets
/// in their namespaces (`namespace`, ReplicaSet, its controller), compact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VpaSnapshot {
    pub vpas: Vec<Vpa>,
    pub rs_owners: Vec<(String, String, Owner)>,
}

impl Vpa {
    /// This VPA's recommendation for `container`, when it has one.
    pub fn container(&self, container: &str) -> Option<&VpaContainer> {
        self.containers.iter().find(|c| c.name == container)
    }
}
