//! Memory above the limit a container has is not a reading but an OOM kill (design.md §3):
//! the kubelet restarts the container (`restartCount` + 1, `lastState.terminated.reason:
//! OOMKilled`, exit code 137), counts the kill for the metrics, and backs off between kills
//! of the same container as CrashLoopBackOff does (10 s doubling, at most 5 min).

use super::*;
use crate::kstatus::over_memory_limit;

fn backoff(restarts: i32) -> Duration {
    let doublings = u32::try_from(restarts.clamp(0, 5)).unwrap_or(5);
    (Duration::from_secs(10) * 2u32.pow(doublings)).min(Duration::from_secs(300))
}

/// Pods looked at for an OOM kill per tick (each second): every pod of an ordinary cluster;
/// at 150,000 pods a full pass takes 30 s instead of a whole core every second.
const OOM_CHECKS_PER_TICK: usize = 5_000;

impl Kubelet {
    pub(super) fn kill_over_limit(&mut self) {
        let now = Instant::now();
        let page = self.store.list::<Pod>(
            None,
            self.oom_cursor.as_ref(),
            Some(OOM_CHECKS_PER_TICK),
            &|_| true,
        );
        self.oom_cursor = page.next;
        for pod in page.items.into_iter().map(|e| e.obj) {
            if !started(&pod) || terminal(&pod) || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let key = podutil::key(&pod);
            for (container, _, _) in over_memory_limit(&pod) {
                let slot = (key.clone(), container.clone());
                if self.oom_backoff.get(&slot).is_some_and(|at| *at > now) {
                    continue;
                }
                let restarts = self.oom_kill(&key, &container);
                self.store
                    .counters
                    .add_oom((key.0.clone(), key.1.clone(), container));
                self.oom_backoff.insert(slot, now + backoff(restarts));
            }
        }
        if self.oom_cursor.is_none() {
            self.oom_backoff
                .retain(|(k, _), _| self.allocs.contains_key(k));
        }
    }

    /// Restarts `container` of the pod as OOM-killed; returns its new restart count.
    fn oom_kill(&mut self, key: &Key, container: &str) -> i32 {
        let ts = podutil::now();
        let mut count = 0;
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let mut p = (**p).clone();
            set_managed(&mut p, status_entry("kubelet"));
            let st = p.status.get_or_insert_with(Default::default);
            let cs = st
                .container_statuses
                .iter_mut()
                .flatten()
                .chain(st.init_container_statuses.iter_mut().flatten())
                .find(|c| c.name == container);
            let Some(cs) = cs else {
                return Ok(None);
            };
            let started_at = cs
                .state
                .as_ref()
                .and_then(|s| s.running.as_ref())
                .and_then(|r| r.started_at.clone());
            cs.restart_count += 1;
            count = cs.restart_count;
            cs.last_state = Some(ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: 137,
                    reason: Some("OOMKilled".into()),
                    started_at,
                    finished_at: Some(ts.clone()),
                    container_id: cs.container_id.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            });
            cs.state = Some(ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(ts.clone()),
                }),
                ..Default::default()
            });
            Ok(Some(p))
        });
        count
    }
}
