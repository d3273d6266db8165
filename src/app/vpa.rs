//! The VPAs the app knows and which of them covers a pod: kept from the VPA source's plain
//! snapshots; matching is the model's pure rule over the pod's owner chain.

use crate::model::PodRow;
use crate::model::decide::vpa::{Vpa, VpaSnapshot, manual_change_warning, owner_chain, vpa_for};
use crate::model::pods::row::Owner;
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct VpaIndex {
    vpas: Vec<Vpa>,
    rs_owner: HashMap<(String, String), Owner>,
}

impl VpaIndex {
    pub fn from_snapshot(snap: VpaSnapshot) -> Self {
        Self {
            vpas: snap.vpas,
            rs_owner: snap
                .rs_owners
                .into_iter()
                .map(|(ns, rs, owner)| ((ns, rs), owner))
                .collect(),
        }
    }

    /// The VPA covering `pod`, through its controller and (for a ReplicaSet) that one's owner.
    pub fn covering(&self, pod: &PodRow) -> Option<&Vpa> {
        self.covering_at(pod).and_then(|i| self.vpas.get(i))
    }

    /// Where in this index the VPA covering `pod` is ([`VpaIndex::at`] gives it back), so a
    /// workload's VPA is looked up once per VPA list, not at every metrics reading.
    pub fn covering_at(&self, pod: &PodRow) -> Option<usize> {
        // Asked for every container at every metrics reading: with no VPA in the pod's
        // namespace (most clusters have none at all) no owner chain is built.
        if !self.vpas.iter().any(|v| v.namespace == pod.namespace) {
            return None;
        }
        let chain = owner_chain(pod.owner.as_ref(), |rs| {
            self.rs_owner
                .get(&(pod.namespace.clone(), rs.to_string()))
                .cloned()
        });
        let found = vpa_for(&pod.namespace, &chain, &self.vpas)?;
        self.vpas.iter().position(|v| std::ptr::eq(v, found))
    }

    /// The VPA at `at`, from [`VpaIndex::covering_at`] on this same index.
    pub fn at(&self, at: usize) -> Option<&Vpa> {
        self.vpas.get(at)
    }

    /// The editor's warning for `container` of `pod`, when its VPA will undo a manual change.
    pub fn editor_warning(&self, pod: &PodRow, container: &str) -> Option<String> {
        manual_change_warning(self.covering(pod)?, container)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decide::vpa::{TargetRef, VpaContainer};

    fn owner(kind: &str, name: &str) -> Owner {
        Owner {
            kind: kind.into(),
            name: name.into(),
        }
    }

    #[test]
    fn warns_only_through_a_known_owner_chain_and_an_overwriting_mode() {
        let vpa = Vpa {
            namespace: "shop".into(),
            name: "web-vpa".into(),
            target: TargetRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                name: "web".into(),
            },
            update_mode: "Auto".into(),
            containers: vec![VpaContainer {
                name: "web".into(),
                ..VpaContainer::default()
            }],
        };
        let mut pod = PodRow::from_slim(&crate::model::SlimPod::default());
        pod.namespace = "shop".into();
        pod.name = "web-abc-1".into();
        pod.owner = Some(owner("ReplicaSet", "web-abc"));
        let mut snap = VpaSnapshot {
            vpas: vec![vpa],
            rs_owners: Vec::new(),
        };
        // The ReplicaSet's owner is not known yet: no match, no warning.
        assert_eq!(
            VpaIndex::from_snapshot(snap.clone()).editor_warning(&pod, "web"),
            None
        );
        snap.rs_owners
            .push(("shop".into(), "web-abc".into(), owner("Deployment", "web")));
        let index = VpaIndex::from_snapshot(snap.clone());
        let warning = index.editor_warning(&pod, "web").expect("a warning");
        assert!(
            warning.contains("web-vpa") && warning.contains("Auto"),
            "{warning}"
        );
        snap.vpas[0].update_mode = "Initial".into();
        assert_eq!(
            VpaIndex::from_snapshot(snap).editor_warning(&pod, "web"),
            None
        );
    }
}
