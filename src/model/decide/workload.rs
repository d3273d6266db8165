//! Which workload a pod's usage belongs to (issue #26): right-sizing answers once per workload
//! and container, over every pod the workload had in the window, so replicas never get
//! different values and a rollout does not start from zero. A pod the cluster still has is
//! placed by its owner chain; a pod that is gone (an earlier ReplicaSet's) by the names its
//! controller gave it — the only trace Prometheus keeps without kube-state-metrics.

use crate::model::pods::row::Owner;

/// A workload: the top of a pod's controller chain, or the pod itself when it has none.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Workload {
    pub kind: String,
    pub name: String,
}

impl Workload {
    /// The workload of pod `pod` whose controllers are `chain` (nearest first): a Deployment
    /// through its ReplicaSet, a CronJob through its Job, else the nearest controller; a bare
    /// pod is its own workload.
    pub fn of(pod: &str, chain: &[Owner]) -> Self {
        match chain.last() {
            Some(top) => Self {
                kind: top.kind.clone(),
                name: top.name.clone(),
            },
            None => Self {
                kind: "Pod".into(),
                name: pod.into(),
            },
        }
    }

    /// Whether `pod` is a name this workload's controller would give one of its pods: how a
    /// pod that is gone is placed. The generated parts use the apiserver's alphabet for random
    /// names (no vowels), so `web-api-x7k2q` is never taken for a pod of Deployment `web`.
    pub fn named_its_pod(&self, pod: &str) -> bool {
        let Some(rest) = pod
            .strip_prefix(self.name.as_str())
            .and_then(|r| r.strip_prefix('-'))
        else {
            return false;
        };
        let parts: Vec<&str> = rest.split('-').collect();
        let random = |s: &str, len: std::ops::RangeInclusive<usize>| {
            len.contains(&s.len()) && s.bytes().all(|b| SAFE_ALPHABET.contains(&b))
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match (self.kind.as_str(), parts.as_slice()) {
            // `<deployment>-<pod-template-hash>-<random>`
            ("Deployment", [hash, tail]) => random(hash, 1..=10) && random(tail, 5..=5),
            ("StatefulSet", [ordinal]) => digits(ordinal),
            ("DaemonSet" | "ReplicaSet" | "Job", [tail]) => random(tail, 5..=5),
            // `<cronjob>-<scheduled minute>-<random>`
            ("CronJob", [time, tail]) => digits(time) && random(tail, 5..=5),
            _ => false,
        }
    }
}

impl Workload {
    /// The workload of `pod` from its nearest controller alone (the dashboard keeps no owner
    /// chain): a ReplicaSet a Deployment named (`<deployment>-<hash>`, the pod named after it)
    /// stands for that Deployment, a Job a CronJob named (`<cronjob>-<minute>`) for that
    /// CronJob — so the replicas of a rollout's two ReplicaSets are one workload.
    pub fn of_nearest(pod: &str, owner: Option<&Owner>) -> Self {
        let Some(owner) = owner else {
            return Self::of(pod, &[]);
        };
        let parent = match owner.kind.as_str() {
            "ReplicaSet" => Some("Deployment"),
            "Job" => Some("CronJob"),
            _ => None,
        };
        let guess = parent.and_then(|kind| {
            let (name, _) = owner.name.rsplit_once('-')?;
            let w = Self {
                kind: kind.into(),
                name: name.into(),
            };
            w.named_its_pod(pod).then_some(w)
        });
        guess.unwrap_or_else(|| Self::of(pod, std::slice::from_ref(owner)))
    }
}

/// The characters Kubernetes uses for generated name parts (`utilrand.SafeEncodeString`).
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The workload among `known` (those of the namespace's current pods) a gone pod belonged
/// to, when its name says so.
pub fn workload_of_gone_pod<'a>(pod: &str, known: &'a [Workload]) -> Option<&'a Workload> {
    known.iter().find(|w| w.named_its_pod(pod))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(kind: &str, name: &str) -> Workload {
        Workload {
            kind: kind.into(),
            name: name.into(),
        }
    }

    #[test]
    fn the_top_controller_is_the_workload() {
        let chain = [
            Owner {
                kind: "ReplicaSet".into(),
                name: "web-7d9fc".into(),
            },
            Owner {
                kind: "Deployment".into(),
                name: "web".into(),
            },
        ];
        assert_eq!(
            Workload::of("web-7d9fc-x2k4q", &chain),
            w("Deployment", "web")
        );
        assert_eq!(Workload::of("debug", &[]), w("Pod", "debug"));
    }

    #[test]
    fn the_nearest_controller_names_the_workload() {
        let owner = |kind: &str, name: &str| Owner {
            kind: kind.into(),
            name: name.into(),
        };
        let rs = owner("ReplicaSet", "web-7d9fc");
        assert_eq!(
            Workload::of_nearest("web-7d9fc-x2k4q", Some(&rs)),
            w("Deployment", "web")
        );
        // A ReplicaSet of its own: its pods are `<replicaset>-<random>`.
        let bare = owner("ReplicaSet", "cache");
        assert_eq!(
            Workload::of_nearest("cache-x2k4q", Some(&bare)),
            w("ReplicaSet", "cache")
        );
        let job = owner("Job", "report-29000123");
        assert_eq!(
            Workload::of_nearest("report-29000123-bbq2z", Some(&job)),
            w("CronJob", "report")
        );
        let sts = owner("StatefulSet", "db");
        assert_eq!(
            Workload::of_nearest("db-0", Some(&sts)),
            w("StatefulSet", "db")
        );
        assert_eq!(Workload::of_nearest("debug", None), w("Pod", "debug"));
    }

    #[test]
    fn gone_pods_are_placed_by_the_names_their_controllers_give() {
        let known = [
            w("Deployment", "web"),
            w("StatefulSet", "db"),
            w("CronJob", "report"),
        ];
        let find = |pod: &str| workload_of_gone_pod(pod, &known).map(|w| w.name.as_str());
        assert_eq!(find("web-5c8d7f9b4-qx7zt"), Some("web"));
        assert_eq!(find("db-3"), Some("db"));
        assert_eq!(find("report-29000123-bbq2z"), Some("report"));
        // Another Deployment whose name starts with `web-` is not `web`.
        assert_eq!(find("web-api-5c8d7f9b4-qx7zt"), None);
        assert_eq!(find("web-api-qx7zt"), None);
        assert_eq!(find("webx-5c8d7f9b4-qx7zt"), None);
        assert_eq!(find("db-primary"), None);
    }
}
