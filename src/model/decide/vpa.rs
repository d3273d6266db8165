//! VerticalPodAutoscaler recommendations as plain data, and the pure rules around them:
//! which VPA covers a pod (through `spec.targetRef` and the pod's owner chain), what its
//! update mode means for a manual change, and the usage a VPA contributes to `recommend`.

use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::Owner;
use crate::model::pods::usage::{Source, Usage};
// The VPA objects are plain data the cluster side sends; they live with the pods.
pub use crate::model::pods::vpa_object::{TargetRef, Vpa, VpaContainer, VpaSnapshot};

/// The update mode a VPA without `spec.updatePolicy.updateMode` runs in.
pub const DEFAULT_UPDATE_MODE: &str = "Auto";

/// Modes in which the VPA updater changes running pods (by eviction or in place), so a manual
/// resize will be overwritten; `Off` and `Initial` only recommend or act at creation.
pub fn overwrites_manual_change(update_mode: &str) -> bool {
    matches!(update_mode, "Recreate" | "InPlaceOrRecreate" | "Auto")
}

/// A pod's controllers, nearest first: its controller owner, then that owner's controller
/// (a ReplicaSet's Deployment), as far as they are known.
pub type OwnerChain = Vec<Owner>;

/// The owner chain of a pod whose controller is `direct`: a ReplicaSet's own controller is
/// looked up with `rs_owner` (by ReplicaSet name); other controllers end the chain.
pub fn owner_chain(direct: Option<&Owner>, rs_owner: impl Fn(&str) -> Option<Owner>) -> OwnerChain {
    let Some(direct) = direct else {
        return Vec::new();
    };
    let parent = (direct.kind == "ReplicaSet")
        .then(|| rs_owner(&direct.name))
        .flatten();
    std::iter::once(direct.clone()).chain(parent).collect()
}

/// `apps/v1` → `apps`; `v1` → `` (the core group).
fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Well-known workload controllers and their API groups, for a targetRef's apiVersion check.
fn owner_group(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => Some("apps"),
        "Job" | "CronJob" => Some("batch"),
        "ReplicationController" => Some(""),
        _ => None,
    }
}

fn covers(vpa: &Vpa, owner: &Owner) -> bool {
    vpa.target.kind == owner.kind
        && vpa.target.name == owner.name
        && owner_group(&owner.kind).is_none_or(|g| g == group_of(&vpa.target.api_version))
}

/// The VPA covering a pod in `namespace` with owner `chain`: the one targeting the top-most
/// controller wins (as the VPA's own controller fetcher walks up to it), else one targeting
/// a nearer owner. A VPA in another namespace never covers the pod.
pub fn vpa_for<'a>(namespace: &str, chain: &[Owner], vpas: &'a [Vpa]) -> Option<&'a Vpa> {
    chain.iter().rev().find_map(|owner| {
        vpas.iter()
            .find(|v| v.namespace == namespace && covers(v, owner))
    })
}

/// The editor's warning for a container whose VPA will undo a manual change.
pub fn manual_change_warning(vpa: &Vpa, container: &str) -> Option<String> {
    if !overwrites_manual_change(&vpa.update_mode) {
        return None;
    }
    let target = vpa.container(container).map_or(String::new(), |c| {
        let cpu = c
            .target
            .cpu_millis
            .map(crate::model::ground::quantity::cpu_human);
        let mem = c
            .target
            .memory_bytes
            .map(crate::model::ground::quantity::memory_human);
        let parts: Vec<String> = [
            cpu.map(|v| format!("cpu {v}")),
            mem.map(|v| format!("memory {v}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" (its target: {})", parts.join(", "))
        }
    });
    Some(format!(
        "VPA {} is in {} mode: it will overwrite a manual change{target}",
        vpa.name, vpa.update_mode
    ))
}

impl Vpa {
    /// The usage a VPA hands the rule: its target, which wins over any usage figures.
    pub fn usage(&self, container: &str) -> Option<Usage> {
        let c = self.container(container)?;
        if c.target == CpuMem::default() {
            return None;
        }
        Some(Usage {
            vpa_target: Some(c.target),
            ..Usage::new(Source::Vpa {
                name: self.name.clone(),
                update_mode: self.update_mode.clone(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(kind: &str, name: &str) -> Owner {
        Owner {
            kind: kind.into(),
            name: name.into(),
        }
    }

    fn vpa(ns: &str, name: &str, kind: &str, target: &str, api: &str) -> Vpa {
        Vpa {
            namespace: ns.into(),
            name: name.into(),
            target: TargetRef {
                api_version: api.into(),
                kind: kind.into(),
                name: target.into(),
            },
            update_mode: "Off".into(),
            containers: vec![VpaContainer {
                name: "web".into(),
                target: CpuMem {
                    cpu_millis: Some(250),
                    memory_bytes: Some(1 << 28),
                },
                ..VpaContainer::default()
            }],
        }
    }

    #[test]
    fn a_deployment_vpa_covers_its_replicasets_pods_through_the_chain() {
        let vpas = [vpa("shop", "web-vpa", "Deployment", "web", "apps/v1")];
        let chain = vec![owner("ReplicaSet", "web-7d9f"), owner("Deployment", "web")];
        assert_eq!(
            vpa_for("shop", &chain, &vpas).map(|v| v.name.as_str()),
            Some("web-vpa")
        );
        // Without the ReplicaSet's own owner the pod cannot be matched to the Deployment.
        assert!(vpa_for("shop", &chain[..1], &vpas).is_none());
        // Same names in another namespace do not count.
        assert!(vpa_for("other", &chain, &vpas).is_none());
    }

    #[test]
    fn the_chain_follows_only_a_replicasets_owner() {
        let deploy = owner("Deployment", "web");
        let lookup = |rs: &str| (rs == "web-7d9f").then(|| deploy.clone());
        let rs = owner("ReplicaSet", "web-7d9f");
        assert_eq!(
            owner_chain(Some(&rs), lookup),
            vec![rs.clone(), deploy.clone()]
        );
        // An unknown ReplicaSet (not read yet, or gone) stops the chain at itself.
        let other = owner("ReplicaSet", "old-1234");
        assert_eq!(owner_chain(Some(&other), lookup), vec![other.clone()]);
        let sts = owner("StatefulSet", "web-7d9f");
        assert_eq!(owner_chain(Some(&sts), lookup), vec![sts.clone()]);
        assert!(owner_chain(None, lookup).is_empty());
    }

    #[test]
    fn kind_name_and_group_must_all_match_and_the_top_controller_wins() {
        let chain = vec![owner("ReplicaSet", "web-7d9f"), owner("Deployment", "web")];
        let wrong_kind = [vpa("ns", "a", "StatefulSet", "web", "apps/v1")];
        assert!(vpa_for("ns", &chain, &wrong_kind).is_none());
        let wrong_group = [vpa("ns", "a", "Deployment", "web", "example.com/v1")];
        assert!(vpa_for("ns", &chain, &wrong_group).is_none());
        let both = [
            vpa("ns", "rs", "ReplicaSet", "web-7d9f", "apps/v1"),
            vpa("ns", "deploy", "Deployment", "web", "apps/v1"),
        ];
        assert_eq!(
            vpa_for("ns", &chain, &both).map(|v| v.name.as_str()),
            Some("deploy")
        );
        let sts = [vpa("ns", "db", "StatefulSet", "db", "apps/v1")];
        assert!(vpa_for("ns", &[owner("StatefulSet", "db")], &sts).is_some());
        // A custom controller kind is matched on kind and name alone.
        let custom = [vpa("ns", "c", "Rollout", "web", "argoproj.io/v1alpha1")];
        assert!(vpa_for("ns", &[owner("Rollout", "web")], &custom).is_some());
    }

    #[test]
    fn update_modes_that_overwrite_a_manual_change() {
        for mode in ["Recreate", "InPlaceOrRecreate", "Auto"] {
            assert!(overwrites_manual_change(mode), "{mode}");
        }
        for mode in ["Off", "Initial", ""] {
            assert!(!overwrites_manual_change(mode), "{mode}");
        }
    }

    #[test]
    fn the_warning_names_the_vpa_its_mode_and_target() {
        let mut v = vpa("ns", "web-vpa", "Deployment", "web", "apps/v1");
        assert_eq!(
            manual_change_warning(&v, "web"),
            None,
            "Off never overwrites"
        );
        v.update_mode = "InPlaceOrRecreate".into();
        assert_eq!(
            manual_change_warning(&v, "web").as_deref(),
            Some(
                "VPA web-vpa is in InPlaceOrRecreate mode: it will overwrite a manual change (its target: cpu 250m, memory 256Mi)"
            )
        );
        assert!(manual_change_warning(&v, "other").is_some_and(|w| !w.contains("target")));
    }

    #[test]
    fn usage_is_the_target_labelled_with_the_vpa() {
        let v = vpa("ns", "web-vpa", "Deployment", "web", "apps/v1");
        let u = v.usage("web").expect("a target");
        assert_eq!(u.vpa_target.and_then(|t| t.cpu_millis), Some(250));
        assert_eq!(u.source.name(), "vpa");
        assert!(v.usage("sidecar").is_none());
    }
}
