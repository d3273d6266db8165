//! What the written history holds that the cluster no longer shows (issue #26): one Deployment
//! rolled out halfway through the window — the pods of its earlier ReplicaSet, gone now, are in
//! the history up to the rollout and its current pods from then on — and a few containers
//! OOM-killed once, counted as cAdvisor counts them (`container_oom_events_total`). Chosen by
//! name, so a test can tell which without reading this code's state.

use super::usage_history::hash;
use k8s_openapi::api::core::v1::Pod;

/// The characters Kubernetes uses for generated name parts (`utilrand.SafeEncodeString`).
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `len` generated-name characters from `seed`.
fn safe_name(mut seed: u64, len: usize) -> String {
    (0..len)
        .map(|_| {
            let c = SAFE_ALPHABET[(seed % SAFE_ALPHABET.len() as u64) as usize];
            seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ 0x5bd1;
            char::from(c)
        })
        .collect()
}

/// The rolled-out Deployment: its namespace and name, and its current ReplicaSet's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollout {
    pub namespace: String,
    pub deployment: String,
    pub replica_set: String,
}

/// A pod's controlling ReplicaSet, when a Deployment named it (`<deployment>-<hash>`).
fn deployment_of(pod: &Pod) -> Option<Rollout> {
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true) && o.kind == "ReplicaSet")?;
    let (deployment, _) = owner.name.rsplit_once('-')?;
    Some(Rollout {
        namespace: pod.metadata.namespace.clone()?,
        deployment: deployment.to_string(),
        replica_set: owner.name.clone(),
    })
}

/// The Deployment whose earlier ReplicaSet the history keeps: the first by namespace and name
/// among the running pods' Deployments.
pub fn rollout(pods: &[std::sync::Arc<Pod>]) -> Option<Rollout> {
    pods.iter()
        .filter_map(|p| deployment_of(p))
        .min_by(|a, b| (&a.namespace, &a.deployment).cmp(&(&b.namespace, &b.deployment)))
}

impl Rollout {
    /// Whether `pod` is one of the current ReplicaSet's.
    pub fn owns(&self, pod: &Pod) -> bool {
        deployment_of(pod).is_some_and(|r| r == *self)
    }

    /// The earlier ReplicaSet's name: another pod-template-hash of the same Deployment.
    pub fn past_replica_set(&self) -> String {
        let past = format!(
            "{}-{}",
            self.deployment,
            safe_name(hash(&[&self.namespace, &self.deployment, "past"]), 9)
        );
        if past == self.replica_set {
            format!("{}-{}", self.deployment, safe_name(7, 8))
        } else {
            past
        }
    }

    /// The name the earlier ReplicaSet gave the pod that `current` replaced.
    pub fn past_pod(&self, current: &str) -> String {
        format!(
            "{}-{}",
            self.past_replica_set(),
            safe_name(hash(&[&self.namespace, current, "past"]), 5)
        )
    }
}

/// When in `start..=end` a container of `pod` was OOM-killed, for about one container in
/// eight that has a memory limit (a kill needs one): three quarters into the window.
pub fn oom_kill_at(
    ns: &str,
    pod: &str,
    container: &str,
    has_memory_limit: bool,
    start: i64,
    end: i64,
) -> Option<i64> {
    (has_memory_limit && hash(&[ns, pod, container, "oom"]).is_multiple_of(8))
        .then(|| start + (end - start) * 3 / 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_names_are_generated_names_of_the_same_deployment() {
        let r = Rollout {
            namespace: "shop".into(),
            deployment: "web".into(),
            replica_set: "web-7d9fc".into(),
        };
        let rs = r.past_replica_set();
        let hash_part = rs.strip_prefix("web-").unwrap_or_default();
        assert!(!hash_part.is_empty() && !hash_part.contains('-'), "{rs}");
        assert_ne!(rs, r.replica_set);
        let pod = r.past_pod("web-7d9fc-x2k4q");
        let tail = pod.strip_prefix(&format!("{rs}-")).unwrap_or_default();
        assert_eq!(tail.len(), 5, "{pod}");
        assert!(tail.bytes().all(|b| SAFE_ALPHABET.contains(&b)), "{pod}");
        assert_ne!(pod, r.past_pod("web-7d9fc-b8m2z"));
    }
}
