//! Which boosts on watched pods a (not read-only) dashboard should act on now. Pure: the
//! dashboard sends the reverts through `cluster::boost`, which decides again on a fresh read
//! of the pod before claiming the revert.

use crate::model::PodRow;
use crate::model::decide::boost::{BoostPlan, Decision, revert_due};
use crate::model::pods::events::ClusterEvent;
use crate::model::pods::row::PodKey;
use chrono::{DateTime, Utc};

/// Pods whose boost is due for a revert or a stand-down (a manual change, already back).
pub fn due<'a>(pods: impl IntoIterator<Item = &'a PodRow>, now: DateTime<Utc>) -> Vec<PodKey> {
    pods.into_iter()
        .filter(|p| {
            let Some(Ok(plan)) = p.boost.as_deref().map(BoostPlan::from_annotation) else {
                return false;
            };
            !matches!(revert_due(&plan, p, now), Decision::Wait(_))
        })
        .map(PodRow::pod_key)
        .collect()
}

/// The watched pods that carry a boost plan, looked for again only after an event that adds,
/// changes or removes pods: the once-a-second check for due reverts then reads those few pods
/// instead of walking every pod of the cluster (issue #30: idle cost must not grow with it).
#[derive(Debug)]
pub struct BoostedPods {
    keys: Vec<PodKey>,
    stale: bool,
}

impl Default for BoostedPods {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            stale: true,
        }
    }
}

impl BoostedPods {
    /// Notes an event the app has taken: one that touches pods means looking again.
    pub fn saw(&mut self, event: &ClusterEvent) {
        use ClusterEvent::*;
        if matches!(
            event,
            PodsReset(_)
                | ListStarted
                | ListBatch(_)
                | ListDone
                | PodApplied(_)
                | PodDeleted { .. }
        ) {
            self.stale = true;
        }
    }

    /// The pods were replaced some other way (a context switch): look again.
    pub fn forget(&mut self) {
        self.stale = true;
    }

    /// The boosted pods whose revert or stand-down is due, as [`due`] finds over every pod.
    pub fn due(&mut self, state: &super::AppState, now: DateTime<Utc>) -> Vec<PodKey> {
        if self.stale {
            self.keys = (state.pods.iter())
                .filter(|(_, p)| p.boost.is_some())
                .map(|(k, _)| k.clone())
                .collect();
            self.stale = false;
        }
        due(self.keys.iter().filter_map(|k| state.pods.get(k)), now)
    }
}

/// `b`: opens the boost form on the selected container (not in read-only mode).
pub fn open_form(state: &mut super::AppState, now: DateTime<Utc>) {
    if state.readonly() {
        state.set_status("read-only mode: boosting is disabled", true);
        return;
    }
    let Some((pod, container)) = state.edit_target() else {
        return;
    };
    let mut form = super::boost_form::BoostForm::open(pod, &container);
    form.replan(&state.plan_context(pod), now);
    super::preflight::check_boost(state, &mut form);
    state.boost_form = Some(form);
    state.dirty = true;
}

/// `B`: start-up boosts for the selected pod's workload (not in read-only mode); the
/// dashboard finds the workload's selector and starts or stops the watch.
pub fn startup_boosts(state: &mut super::AppState) -> Vec<super::Effect> {
    if state.readonly() {
        state.set_status("read-only mode: boosting is disabled", true);
        return Vec::new();
    }
    let Some(key) = state.selected_pod().map(PodRow::pod_key) else {
        return Vec::new();
    };
    state.set_status(
        format!("start-up boosts: finding the workload of {}", key.name),
        false,
    );
    vec![super::Effect::StartupBoosts(key)]
}

/// A key while the boost form is open: it takes every key.
pub fn form_key(
    state: &mut super::AppState,
    key: crossterm::event::KeyEvent,
    now: DateTime<Utc>,
) -> Vec<super::Effect> {
    use super::boost_form::{Outcome, on_key};
    let Some(mut form) = state.boost_form.take() else {
        return Vec::new();
    };
    state.dirty = true;
    match on_key(&mut form, key) {
        Outcome::Close => Vec::new(),
        Outcome::Send(plans) => {
            state.boost_form = Some(form);
            vec![super::Effect::Boost(plans)]
        }
        Outcome::Stay => {
            if let Some(pod) =
                state
                    .pods
                    .get(&PodKey::new(form.cluster, &form.namespace, &form.pod))
            {
                form.replan(&state.plan_context(pod), now);
            }
            super::preflight::check_boost(state, &mut form);
            state.boost_form = Some(form);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decide::boost::Until;

    #[test]
    fn only_due_boosts_are_picked() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let (mut pod, plan) = boosted_pod("api", now);
        let mut plain = pod.clone();
        plain.boost = None;
        assert_eq!(due([&pod, &plain], now).len(), 1);
        let mut later = plan.clone();
        later.until = Until::Deadline(now + chrono::TimeDelta::seconds(5));
        pod.boost = Some(later.to_annotation());
        assert!(due([&pod], now).is_empty());
        pod.boost = Some("not json".into());
        assert!(
            due([&pod], now).is_empty(),
            "an unreadable plan is shown, never acted on"
        );
    }

    /// A pod of the fixture with a boost whose deadline is `now`, so it is due, and its plan.
    fn boosted_pod(name: &str, now: DateTime<Utc>) -> (PodRow, BoostPlan) {
        let text = include_str!("../../tests/fixtures/pods/real-1.35-resize-demo.json");
        let slim: crate::model::SlimPod = serde_json::from_str(text).unwrap_or_default();
        let mut pod = PodRow::from_slim(&slim);
        pod.name = name.into();
        let original = pod.containers[0].desired;
        let mut boosted = original;
        boosted.requests.cpu_millis = Some(900);
        pod.containers[0].desired = boosted;
        let plan = BoostPlan {
            container: pod.containers[0].name.clone(),
            uid: pod.uid.clone(),
            original,
            original_exact: Default::default(),
            boosted,
            until: Until::Deadline(now),
            started_at: now - chrono::TimeDelta::seconds(30),
            started_by: "me".into(),
            claim: None,
        };
        pod.boost = Some(plan.to_annotation());
        (pod, plan)
    }

    fn due_boosted(name: &str, now: DateTime<Utc>) -> PodRow {
        boosted_pod(name, now).0
    }

    #[test]
    fn the_clock_reads_only_the_boosted_pods_until_a_pod_event_says_look_again() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut state = crate::app::AppState::new(Default::default(), Default::default());
        let first = due_boosted("first", now);
        let plain = PodRow {
            name: "plain".into(),
            boost: None,
            ..first.clone()
        };
        for pod in [&first, &plain] {
            state.pods.insert(pod.pod_key(), pod.clone());
        }
        let mut boosted = BoostedPods::default();
        assert_eq!(boosted.due(&state, now), vec![first.pod_key()]);
        // A pod that arrived with no event seen is not looked for: no tick walks every pod.
        let second = due_boosted("second", now);
        state.pods.insert(second.pod_key(), second.clone());
        assert_eq!(boosted.due(&state, now), vec![first.pod_key()]);
        // A node event or a metrics reading changes no pod.
        boosted.saw(&ClusterEvent::Usage(None));
        assert_eq!(boosted.due(&state, now).len(), 1);
        boosted.saw(&ClusterEvent::PodApplied(Box::new(second.clone())));
        assert_eq!(
            boosted.due(&state, now),
            vec![first.pod_key(), second.pod_key()]
        );
        // A pod gone, or its boost ended, drops out even before the next event.
        state.pods.remove(&first.pod_key());
        assert_eq!(boosted.due(&state, now), vec![second.pod_key()]);
        boosted.forget();
        state.pods.clear();
        assert!(boosted.due(&state, now).is_empty());
    }
}
