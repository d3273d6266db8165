//! Pod creation as the apiserver runs it: decode, the Priority and LimitRanger mutations,
//! defaulting, validation (containers, resizePolicy, pod-level resources), then the
//! LimitRanger and ResourceQuota validations, and the quota's status written once stored.

use super::*;

impl ApiServer {
    /// Creates a pod in `namespace` from JSON (apiserver defaulting applied).
    pub fn create_pod_json(
        &self,
        namespace: &str,
        body: &[u8],
        dry_run: bool,
        manager: &str,
    ) -> Result<Entry<Pod>, ApiError> {
        let mut value: Value = serde_json::from_slice(body).map_err(bad_object)?;
        // Decoding stops at the quantity's own error; the value is not appended (facts "Still
        // answered differently": malformed quantity in a PUT).
        patch::canonicalize_pod(&mut value).map_err(|(e, _)| {
            ApiError::bad_request(format!(
                "Pod in version \"v1\" cannot be handled as a Pod: {e}"
            ))
        })?;
        let mut pod: Pod = serde_json::from_value(value).map_err(bad_object)?;
        pod.metadata.namespace = Some(namespace.to_string());
        if pod.metadata.name.as_deref().unwrap_or("").is_empty() {
            let Some(prefix) = pod.metadata.generate_name.clone() else {
                return Err(ApiError::invalid(
                    "Pod",
                    "",
                    &[FieldError::required("metadata.name")],
                ));
            };
            let n = self.uid.fetch_add(1, Ordering::Relaxed);
            pod.metadata.name = Some(format!("{prefix}{}", &make_uid(n, n)[..5]));
        }
        crate::priority::admit(&mut pod)?;
        // Mutating admission (LimitRanger's defaults) before the QoS class is worked out.
        crate::limitranger::mutate(&self.store, namespace, &mut pod, true);
        if let Some(spec) = pod.spec.as_mut() {
            crate::rules::create::default_pod_level(spec);
        }
        self.prepare_new_pod(&mut pod, manager);
        let name = pod.metadata.name.clone().unwrap_or_default();
        // Validation, before the validating admission plugins (round4 README §5).
        let mut errors = crate::rules::spec::pod_spec(&PodView::of(&pod));
        errors.extend(
            pod.spec
                .as_ref()
                .map(crate::rules::create::validate)
                .unwrap_or_default(),
        );
        if !errors.is_empty() {
            return Err(ApiError::invalid("Pod", &name, &errors));
        }
        // Validating admission: LimitRanger, then ResourceQuota (round4 README §1, §2).
        crate::limitranger::validate(&self.store, namespace, &pod)
            .map_err(|e| ApiError::admission_forbidden("pods", &name, &e))?;
        let charges = crate::quota::check(&self.store, namespace, &name, None, &pod)?;
        if dry_run {
            return Ok(Entry {
                json: serde_json::to_vec(&pod).unwrap_or_default().into(),
                obj: Arc::new(pod),
            });
        }
        let entry = self
            .store
            .create(pod)
            .map_err(|_| ApiError::already_exists("pods", &name))?;
        crate::quota::charge(&self.store, namespace, charges);
        Ok(entry)
    }
}
