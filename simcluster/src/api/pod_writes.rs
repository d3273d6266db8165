//! What the server does with a changed pod: a resize through the subresource or (before
//! 1.33) an update, each checked by the version's rules, admitted, and stamped with a new
//! generation where the version tracks one.

use super::*;

impl ApiServer {
    pub(super) fn resize(
        &self,
        old: &Pod,
        req: Pod,
        name: &str,
        manager: &str,
    ) -> Result<Pod, ApiError> {
        let mut new = old.clone();
        let (Some(new_spec), Some(req_spec)) = (new.spec.as_mut(), req.spec.as_ref()) else {
            return Err(ApiError::bad_request("spec is required"));
        };
        // The resize strategy keeps only resources and resizePolicy (and pod-level resources from
        // 1.36, or on 1.35 with the alpha gate); a request whose containers do not line up goes
        // to validation unchanged.
        let same_names = |a: &[k8s_openapi::api::core::v1::Container],
                          b: &[k8s_openapi::api::core::v1::Container]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.name == y.name)
        };
        let req_init = req_spec.init_containers.clone().unwrap_or_default();
        let old_init = new_spec.init_containers.clone().unwrap_or_default();
        if same_names(&new_spec.containers, &req_spec.containers)
            && same_names(&old_init, &req_init)
        {
            let pairs = new_spec
                .containers
                .iter_mut()
                .zip(&req_spec.containers)
                .chain(new_spec.init_containers.iter_mut().flatten().zip(&req_init));
            for (c, r) in pairs {
                c.resources = r.resources.clone();
                c.resize_policy = r.resize_policy.clone();
                podutil::default_requests(&mut c.resources);
            }
        } else {
            new_spec.containers = req_spec.containers.clone();
            new_spec.init_containers = req_spec.init_containers.clone();
        }
        if self.pod_level_resize() {
            new_spec.resources = req_spec.resources.clone();
        }
        let ns = old.metadata.namespace.clone().unwrap_or_default();
        // LimitRanger's defaults come back for a removed limit before validation (lr-17, lr-10).
        super::super::limitranger::mutate(&self.store, &ns, &mut new, false);
        // The pod-level consistency errors come before the resize rules' (plr-08).
        let mut errors = new
            .spec
            .as_ref()
            .map(crate::rules::create::pod_resources)
            .unwrap_or_default();
        errors.extend(resize::validate_resize_gated(
            self.minor,
            self.pod_level_resize(),
            &PodView::of(old),
            &PodView::of(&new),
        ));
        if !errors.is_empty() {
            return Err(ApiError::invalid("Pod", name, &errors));
        }
        // Validating admission runs on every resize, a no-op included (quota-20).
        super::super::limitranger::validate(&self.store, &ns, &new)
            .map_err(|e| ApiError::admission_forbidden("pods", name, &e))?;
        super::super::quota::check(&self.store, &ns, name, Some(old), &new)?;
        let changed = old.spec != new.spec;
        if changed && self.minor >= 36 {
            self.admit(&new, name)?;
        }
        if changed {
            self.mark_changed(&mut new);
            set_managed(
                &mut new,
                managed_entry(
                    manager,
                    Some("resize"),
                    json!({"f:spec": {"f:containers": {}}}),
                ),
            );
        }
        Ok(new)
    }

    pub(super) fn admit(&self, pod: &Pod, name: &str) -> Result<(), ApiError> {
        let Some(node_name) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
            return Ok(());
        };
        let Some(node) = self.store.get::<Node>("", &node_name) else {
            return Ok(());
        };
        let (want, have) = (
            podutil::pod_requests(pod),
            podutil::node_allocatable(&node.obj),
        );
        let pair = |w: Option<i64>, h: Option<i64>| (w.unwrap_or(0), h.unwrap_or(i64::MAX));
        match admission::node_capacity_message(
            pair(want.cpu_millis, have.cpu_millis),
            pair(want.memory_bytes, have.memory_bytes),
        ) {
            Some(detail) => Err(ApiError::admission("pods", name, &detail, "NodeCapacity")),
            None => Ok(()),
        }
    }

    /// Records an accepted spec change: generation (1.33+) or `status.resize: Proposed` (≤1.32).
    pub(super) fn mark_changed(&self, pod: &mut Pod) {
        if self.tracks_generation() {
            pod.metadata.generation = Some(pod.metadata.generation.unwrap_or(1) + 1);
        } else if let Some(st) = pod.status.as_mut() {
            st.resize = Some("Proposed".into());
        }
    }

    pub(super) fn update(&self, old: &Pod, req: Pod, name: &str) -> Result<Pod, ApiError> {
        let legacy = self.resizes_by_update();
        let (Some(old_spec), Some(req_spec)) = (old.spec.as_ref(), req.spec.as_ref()) else {
            return Err(ApiError::bad_request("spec is required"));
        };
        // Reset the fields a pod update may change, then anything left is a forbidden change.
        let mut probe = req_spec.clone();
        let same_shape = probe.containers.len() == old_spec.containers.len()
            && probe.init_containers.as_ref().map_or(0, Vec::len)
                == old_spec.init_containers.as_ref().map_or(0, Vec::len);
        if same_shape {
            for (p, o) in probe.containers.iter_mut().zip(&old_spec.containers) {
                p.image = o.image.clone();
                if legacy {
                    p.resources =
                        only_cpu_memory_changes(p.resources.as_ref(), o.resources.as_ref());
                }
            }
            for (p, o) in probe
                .init_containers
                .iter_mut()
                .flatten()
                .zip(old_spec.init_containers.iter().flatten())
            {
                p.image = o.image.clone();
            }
            probe.active_deadline_seconds = old_spec.active_deadline_seconds;
            probe.tolerations = old_spec.tolerations.clone();
            probe.termination_grace_period_seconds = old_spec.termination_grace_period_seconds;
        }
        if !same_shape || probe != *old_spec {
            // The real server diffs the old spec against the new one with the mutable fields
            // put back (its "munged" spec), so an image change alone shows no line.
            let shown = if same_shape { &probe } else { req_spec };
            let detail = format!(
                "{}\n{}",
                FORBIDDEN_UPDATE,
                crate::diff::spec_diff(old_spec, shown)
            );
            return Err(ApiError::invalid(
                "Pod",
                name,
                &[FieldError::forbidden("spec", detail)],
            ));
        }
        let mut new = old.clone();
        new.metadata.labels = req.metadata.labels.clone();
        new.metadata.annotations = req.metadata.annotations.clone();
        let mut spec = req_spec.clone();
        let all = spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten());
        for c in all {
            podutil::default_requests(&mut c.resources);
        }
        new.spec = Some(spec);
        if legacy {
            let errors = resize::validate_update(&PodView::of(old), &PodView::of(&new));
            if !errors.is_empty() {
                return Err(ApiError::invalid("Pod", name, &errors));
            }
            let (a, b) = (PodView::of(old), PodView::of(&new));
            let resources = |p: &PodView| {
                p.containers
                    .iter()
                    .chain(&p.init_containers)
                    .map(|c| c.resources.clone())
                    .collect::<Vec<_>>()
            };
            if resources(&a) != resources(&b) {
                self.mark_changed(&mut new);
            }
        } else if new.spec != old.spec && self.tracks_generation() {
            new.metadata.generation = Some(new.metadata.generation.unwrap_or(1) + 1);
        }
        Ok(new)
    }
}

/// 1.27–1.31 pod update: the new resources with their cpu and memory put back to the old
/// values (upstream `dropCPUMemoryUpdates`), so any other change stays visible.
fn only_cpu_memory_changes(
    new: Option<&ResourceRequirements>,
    old: Option<&ResourceRequirements>,
) -> Option<ResourceRequirements> {
    let merge = |n: Option<&BTreeMap<String, KQuantity>>,
                 o: Option<&BTreeMap<String, KQuantity>>| {
        let mut out: BTreeMap<String, KQuantity> = n
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k != "cpu" && *k != "memory")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in o.into_iter().flatten() {
            if k == "cpu" || k == "memory" {
                out.insert(k.clone(), v.clone());
            }
        }
        (o.is_some() || !out.is_empty()).then_some(out)
    };
    let mut out = old.cloned().unwrap_or_default();
    out.requests = merge(
        new.and_then(|r| r.requests.as_ref()),
        old.and_then(|r| r.requests.as_ref()),
    );
    out.limits = merge(
        new.and_then(|r| r.limits.as_ref()),
        old.and_then(|r| r.limits.as_ref()),
    );
    (old.is_some() || out != ResourceRequirements::default()).then_some(out)
}
