//! Start-up boosts for a rollout (`podsize boost -l SEL --until-ready --watch`): which of the
//! pods a watch shows should be boosted now. Pure: the command watches, plans each boost with
//! the same validation as a single boost, and sends it.
//!
//! A pod is boosted once, while it starts: not yet Ready, scheduled (so the kubelet that
//! runs it acts on the resize), not being deleted, carrying no boost, and never handled
//! before by this watch (a pod reverted at the bound while still not Ready is not boosted
//! again).

use crate::model::pods::row::PodRow;

/// What to do with one pod the watch shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Boost this container now.
    Boost(String),
    /// Never boost this pod; say why once.
    Skip(String),
    /// Nothing to do or say (yet): Ready, already handled, not scheduled, carries a boost.
    Pass,
}

/// The decision for `pod`; `handled` says whether this watch already boosted or skipped it,
/// `container` is the `-c` choice.
pub fn pick(pod: &PodRow, handled: bool, container: Option<&str>) -> Pick {
    if handled || pod.deleting || pod.boost.is_some() {
        return Pick::Pass;
    }
    if pod.ready {
        return Pick::Pass;
    }
    if pod.node.is_none() || pod.phase == "Succeeded" || pod.phase == "Failed" {
        return Pick::Pass;
    }
    match container {
        Some(name) if pod.container(name).is_some() => Pick::Boost(name.to_string()),
        Some(name) => Pick::Skip(format!("has no container {name:?}")),
        None => match pod.containers.as_slice() {
            [only] => Pick::Boost(only.name.clone()),
            several => Pick::Skip(format!(
                "has {} containers ({}): say which with -c",
                several.len(),
                several
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pods::slim::SlimPod;

    /// The real 1.35 resize-demo pod (two containers, c1 and c2), made a starting pod.
    fn starting() -> PodRow {
        let text = include_str!("../../../tests/fixtures/pods/real-1.35-resize-demo.json");
        let pod: SlimPod = serde_json::from_str(text).unwrap_or_default();
        let mut row = PodRow::from_slim(&pod);
        row.ready = false;
        row.node = Some("node-1".into());
        row
    }

    #[test]
    fn a_starting_pod_is_boosted_once() {
        let pod = starting();
        assert_eq!(pick(&pod, false, Some("c2")), Pick::Boost("c2".into()));
        assert_eq!(pick(&pod, true, Some("c2")), Pick::Pass, "handled before");
    }

    #[test]
    fn ready_unscheduled_deleting_or_boosted_pods_are_passed_over() {
        let mut ready = starting();
        ready.ready = true;
        let mut pending = starting();
        pending.node = None;
        let mut deleting = starting();
        deleting.deleting = true;
        let mut boosted = starting();
        boosted.boost = Some("{}".into());
        for pod in [ready, pending, deleting, boosted] {
            assert_eq!(pick(&pod, false, Some("c2")), Pick::Pass, "{pod:?}");
        }
    }

    #[test]
    fn the_container_must_be_clear() {
        let pod = starting();
        let Pick::Skip(why) = pick(&pod, false, None) else {
            panic!("two containers and no -c");
        };
        assert!(why.contains("c1, c2") && why.contains("-c"), "{why}");
        assert!(matches!(pick(&pod, false, Some("app")), Pick::Skip(_)));
        let mut one = pod.clone();
        one.containers.truncate(1);
        assert_eq!(pick(&one, false, None), Pick::Boost("c1".into()));
    }
}
