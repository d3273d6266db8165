//! Churn: a rollout replacing pods (the new pod goes to the scheduler, which places it only
//! where it fits) and a vertical autoscaler nudging cpu requests.

use super::*;

/// Churn: replaces pods and resizes running Burstable pods at roughly `per_second` actions/s.
pub async fn churn(api: Arc<ApiServer>, seed: u64, per_second: f64) {
    let mut rng = SmallRng::seed_from_u64(seed ^ 0xC0FFEE);
    let period = Duration::from_secs_f64(1.0 / per_second.clamp(0.01, 10_000.0));
    let mut ticker = tokio::time::interval(period);
    let mut n = 0usize;
    loop {
        ticker.tick().await;
        n += 1;
        let pods = api.store.all::<Pod>(None);
        if pods.is_empty() {
            continue;
        }
        let pod = &pods[rng.random_range(0..pods.len())];
        let (ns, name) = podutil::key(pod);
        if n.is_multiple_of(5) {
            // Replace a pod, as a rollout would.
            let node = pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            let _ = api.delete_pod(&ns, &name);
            let mut fresh = make_pod(&mut rng, &api, n, &ns, &node, true, Seeded::Normal);
            fresh.status = None;
            // A controller's new pod has no node: the scheduler places it where it fits.
            if let Some(spec) = fresh.spec.as_mut() {
                spec.node_name = None;
            }
            api.prepare_new_pod(&mut fresh, "kube-controller-manager");
            if let Ok(created) = api.store.create(fresh) {
                crate::replicasets::adopt(&api.store, &created.obj);
            }
        } else if let Some(c) = pod.spec.as_ref().and_then(|s| s.containers.first()) {
            // A vertical autoscaler nudging the cpu request within the limit.
            let spec = podutil::spec_of(c.resources.as_ref());
            let (Some(req), Some(lim)) = (spec.requests.cpu_millis, spec.limits.cpu_millis) else {
                continue;
            };
            if req >= lim {
                continue;
            }
            let step = (req / 4).max(10);
            let new = if rng.random_bool(0.5) {
                (req + step).min(lim)
            } else {
                (req - step).max(10)
            };
            let patch = json!({"spec": {"containers": [{"name": c.name, "resources": {"requests": {"cpu": Quantity::from_millis(new).to_string()}}}]}});
            let body = serde_json::to_vec(&patch).unwrap_or_default();
            let target = if api.minor >= 32 {
                Target::Resize
            } else {
                Target::Pod
            };
            let _ = api.write_pod(
                &ns,
                &name,
                target,
                Body::Patch(PatchKind::Strategic, &body),
                false,
                "sim-autoscaler",
            );
        }
    }
}
