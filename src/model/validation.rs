//! Resize validation as the kube-apiserver does it, with the server's exact error texts.
//!
//! Pure functions over the old and new resources of each container and the server's minor
//! version. The simulated cluster turns the errors into `Status` bodies; the editor can run the
//! same checks before sending a request.

use super::qos::{QosClass, qos_class};
use super::quantity::Quantity;
use super::resources::{CpuMem, ResourceSpec};
use std::collections::BTreeMap;
use std::fmt;

/// The regular expression apimachinery quotes when a quantity cannot be parsed.
pub const QUANTITY_REGEX_MESSAGE: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// Kind of a field error, as in apimachinery's `field.ErrorType`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `Invalid value: "<value>": <detail>`
    Invalid(String),
    /// `Forbidden: <detail>`
    Forbidden,
    /// `Required value`
    Required,
}

/// One validation error: field path, kind and detail text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Path such as `spec.containers[0].resources.requests`.
    pub field: String,
    /// Invalid / Forbidden / Required.
    pub kind: ErrorKind,
    /// Detail text after the kind prefix (empty for Required).
    pub detail: String,
}

impl FieldError {
    /// An `Invalid value` error.
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            kind: ErrorKind::Invalid(value.into()),
            detail: detail.into(),
        }
    }

    /// A `Forbidden` error.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind: ErrorKind::Forbidden,
            detail: detail.into(),
        }
    }

    /// A `Required value` error.
    pub fn required(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind: ErrorKind::Required,
            detail: String::new(),
        }
    }

    /// The `StatusCause.reason` the server uses for this error.
    pub fn reason(&self) -> &'static str {
        match self.kind {
            ErrorKind::Invalid(_) => "FieldValueInvalid",
            ErrorKind::Forbidden => "FieldValueForbidden",
            ErrorKind::Required => "FieldValueRequired",
        }
    }

    /// The `StatusCause.message`: the error without its field path.
    pub fn message(&self) -> String {
        match &self.kind {
            ErrorKind::Invalid(value) => format!("Invalid value: {value:?}: {}", self.detail),
            ErrorKind::Forbidden => format!("Forbidden: {}", self.detail),
            ErrorKind::Required => "Required value".to_string(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message())
    }
}

/// The Status message for a refused object: `Pod "NAME" is invalid: e` or `... [e1, e2]`.
pub fn invalid_message(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let body = match errors {
        [one] => one.to_string(),
        many => {
            let parts: Vec<String> = many.iter().map(ToString::to_string).collect();
            format!("[{}]", parts.join(", "))
        }
    };
    format!("{kind} {name:?} is invalid: {body}")
}

/// What can be resized, and how errors are worded, for a server minor version (1.27..=1.37).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResizeRules {
    /// Server minor version.
    pub minor: u32,
}

impl ResizeRules {
    /// Rules of server `1.<minor>`.
    pub fn for_minor(minor: u32) -> Self {
        Self { minor }
    }
    /// Resizes go through `pods/resize` (1.32+), not a plain pod update.
    pub fn uses_subresource(&self) -> bool {
        self.minor >= 32
    }
    /// `resizePolicy` may change in a resize (1.32 only).
    pub fn resize_policy_mutable(&self) -> bool {
        self.minor == 32
    }
    /// Memory limit decreases with NotRequired are refused (1.33 only).
    pub fn forbids_memory_limit_decrease(&self) -> bool {
        self.minor == 33
    }
    /// Removing requests or limits is refused (1.32+ resize path).
    pub fn forbids_removal(&self) -> bool {
        self.minor >= 32
    }
    /// Sidecar init containers can be resized (1.33+).
    pub fn sidecars_resizable(&self) -> bool {
        self.minor >= 33
    }
}

/// The resources of one container as the server holds them (quantity texts keyed by resource).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerResources {
    /// Container name.
    pub name: String,
    /// `resources.requests`.
    pub requests: BTreeMap<String, String>,
    /// `resources.limits`.
    pub limits: BTreeMap<String, String>,
    /// `resizePolicy`: resource name → restart policy.
    pub resize_policy: BTreeMap<String, String>,
    /// An init container (`spec.initContainers`).
    pub init: bool,
    /// An init container with `restartPolicy: Always`.
    pub sidecar: bool,
}

impl ContainerResources {
    /// Builds one from parsed cpu/memory values, written in the server's canonical form.
    pub fn from_spec(name: &str, spec: &ResourceSpec) -> Self {
        Self {
            name: name.to_string(),
            requests: cpu_mem_map(&spec.requests),
            limits: cpu_mem_map(&spec.limits),
            ..Self::default()
        }
    }

    /// The cpu and memory values; malformed quantities count as absent.
    pub fn spec(&self) -> ResourceSpec {
        ResourceSpec {
            requests: parse_cpu_mem(&self.requests),
            limits: parse_cpu_mem(&self.limits),
        }
    }

    fn path(&self, index: usize) -> String {
        let list = if self.init {
            "initContainers"
        } else {
            "containers"
        };
        format!("spec.{list}[{index}]")
    }
}

fn cpu_mem_map(values: &CpuMem) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(m) = values.cpu_millis {
        out.insert("cpu".to_string(), super::quantity::cpu_canonical(m));
    }
    if let Some(b) = values.memory_bytes {
        out.insert("memory".to_string(), super::quantity::memory_canonical(b));
    }
    out
}

fn parse_cpu_mem(map: &BTreeMap<String, String>) -> CpuMem {
    let get = |key: &str| map.get(key).and_then(|t| Quantity::parse(t).ok());
    CpuMem {
        cpu_millis: get("cpu").map(|q| q.millis()),
        memory_bytes: get("memory").map(|q| q.units()),
    }
}

fn is_cpu_mem(key: &str) -> bool {
    key == "cpu" || key == "memory"
}

/// Standard validation of one container's resources (every version): malformed or negative
/// quantities, and requests above limits.
pub fn validate_container_resources(index: usize, c: &ContainerResources) -> Vec<FieldError> {
    let base = format!("{}.resources", c.path(index));
    let mut errors = Vec::new();
    let mut parsed = |kind: &str, map: &BTreeMap<String, String>| {
        let mut out = BTreeMap::new();
        for (key, text) in map {
            let field = format!("{base}.{kind}[{key}]");
            match Quantity::parse(text) {
                Ok(q) if q.is_negative() => errors.push(FieldError::invalid(
                    field,
                    text.clone(),
                    "must be greater than or equal to 0",
                )),
                Ok(q) => {
                    out.insert(key.clone(), q);
                }
                Err(_) => errors.push(FieldError::invalid(
                    field,
                    text.clone(),
                    QUANTITY_REGEX_MESSAGE,
                )),
            }
        }
        out
    };
    let limits = parsed("limits", &c.limits);
    let requests = parsed("requests", &c.requests);
    for (key, request) in &requests {
        if let Some(limit) = limits.get(key)
            && request > limit
        {
            let text = c.requests.get(key).cloned().unwrap_or_default();
            let limit_text = c.limits.get(key).cloned().unwrap_or_default();
            errors.push(FieldError::invalid(
                format!("{base}.requests"),
                text,
                format!("must be less than or equal to {key} limit of {limit_text}"),
            ));
        }
    }
    errors
}

/// QoS class of a pod from its containers' resources.
pub fn pod_qos(containers: &[ContainerResources]) -> QosClass {
    let specs: Vec<ResourceSpec> = containers.iter().map(ContainerResources::spec).collect();
    qos_class(specs.iter())
}

/// Validates a resize request: `old` is the stored pod's containers (regular then init),
/// `new` the containers after the patch. Returns every error, in the server's order.
pub fn validate_resize(
    rules: ResizeRules,
    old: &[ContainerResources],
    new: &[ContainerResources],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let counts =
        |list: &[ContainerResources], init: bool| list.iter().filter(|c| c.init == init).count();
    let mut index = [0usize; 2];
    let mut positions = Vec::with_capacity(new.len());
    for c in new {
        let slot = usize::from(c.init);
        positions.push(index[slot]);
        index[slot] += 1;
    }
    for (c, i) in new.iter().zip(&positions) {
        errors.extend(validate_container_resources(*i, c));
    }
    let same_shape =
        counts(old, false) == counts(new, false) && counts(old, true) == counts(new, true);
    if !same_shape {
        errors.push(FieldError::forbidden(
            "spec.containers",
            "containers may not be added or removed on resize",
        ));
        return errors;
    }
    if old
        .iter()
        .zip(new)
        .any(|(o, n)| o.name != n.name || o.init != n.init)
    {
        errors.push(FieldError::forbidden(
            "spec.containers",
            "containers may not be renamed or reordered on resize",
        ));
        return errors;
    }
    let old_qos = pod_qos(old);
    if old_qos != pod_qos(new) {
        errors.push(FieldError::invalid(
            "spec",
            old_qos.as_str(),
            "Pod QOS Class may not change as a result of resizing",
        ));
    }
    let mut other_changed = false;
    for (o, n) in old.iter().zip(new) {
        let others = |m: &BTreeMap<String, String>| {
            m.iter()
                .filter(|(k, _)| !is_cpu_mem(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        if others(&o.requests) != others(&n.requests) || others(&o.limits) != others(&n.limits) {
            other_changed = true;
        }
        if o.resize_policy != n.resize_policy && !rules.resize_policy_mutable() {
            other_changed = true;
        }
        let resources_changed = o.requests != n.requests || o.limits != n.limits;
        if o.init
            && resources_changed
            && !(o.sidecar && rules.sidecars_resizable())
            && rules.minor < 36
        {
            other_changed = true;
        }
    }
    if other_changed {
        errors.push(FieldError::forbidden(
            "spec",
            "only cpu and memory resources are mutable",
        ));
    }
    for ((o, n), i) in old.iter().zip(new).zip(&positions) {
        errors.extend(removal_errors(rules, *i, o, n));
    }
    errors
}

fn removal_errors(
    rules: ResizeRules,
    index: usize,
    o: &ContainerResources,
    n: &ContainerResources,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !rules.forbids_removal() {
        return errors;
    }
    let base = format!("{}.resources", o.path(index));
    let (os, ns) = (o.spec(), n.spec());
    let limit_removed = (os.limits.cpu_millis.is_some() && ns.limits.cpu_millis.is_none())
        || (os.limits.memory_bytes.is_some() && ns.limits.memory_bytes.is_none());
    if limit_removed {
        errors.push(FieldError::forbidden(
            format!("{base}.limits"),
            "resource limits cannot be removed",
        ));
    }
    let (oe, ne) = (os.effective_requests(), ns.effective_requests());
    let request_removed = (oe.cpu_millis.is_some() && ne.cpu_millis.is_none())
        || (oe.memory_bytes.is_some() && ne.memory_bytes.is_none());
    if request_removed {
        errors.push(FieldError::forbidden(
            format!("{base}.requests"),
            "resource requests cannot be removed",
        ));
    }
    if rules.forbids_memory_limit_decrease() {
        let restart = n.resize_policy.get("memory").map(String::as_str) == Some("RestartContainer");
        let field = format!("{base}.limits[memory]");
        match (os.limits.memory_bytes, ns.limits.memory_bytes) {
            (Some(old), Some(new)) if new < old && !restart => errors.push(FieldError::forbidden(
                field,
                "memory limits cannot be decreased unless resizePolicy is RestartContainer",
            )),
            (None, Some(_)) if !restart => errors.push(FieldError::forbidden(
                field,
                "memory limits cannot be added unless resizePolicy is RestartContainer",
            )),
            _ => {}
        }
    }
    errors
}

/// The pre-1.32 QoS error for a pod update that changes the class.
pub fn legacy_qos_error(
    old: &[ContainerResources],
    new: &[ContainerResources],
) -> Option<FieldError> {
    let old_qos = pod_qos(old);
    (old_qos != pod_qos(new))
        .then(|| FieldError::invalid("metadata", old_qos.as_str(), "Pod QoS is immutable"))
}

/// The 1.32+ version-skew guard error (a running container without reported resources).
pub fn node_without_resize_support() -> FieldError {
    FieldError::forbidden("spec", "Pod running on node without support for resize")
}

/// The 1.36+ `PodResizeValidator` admission detail when requests exceed node allocatable, or
/// `None` when they fit. Values are millicores and bytes.
pub fn node_capacity_message(requested: CpuMem, allocatable: CpuMem) -> Option<String> {
    let mut parts = Vec::new();
    if let (Some(r), Some(a)) = (requested.cpu_millis, allocatable.cpu_millis)
        && r > a
    {
        parts.push(format!("cpu, requested: {r}, allocatable: {a}"));
    }
    if let (Some(r), Some(a)) = (requested.memory_bytes, allocatable.memory_bytes)
        && r > a
    {
        parts.push(format!("memory, requested: {r}, allocatable: {a}"));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "Node didn't have enough allocatable resources: {}",
            parts.join("; ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str, req: &[(&str, &str)], lim: &[(&str, &str)]) -> ContainerResources {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        ContainerResources {
            name: name.into(),
            requests: map(req),
            limits: map(lim),
            ..Default::default()
        }
    }

    fn r35() -> ResizeRules {
        ResizeRules::for_minor(35)
    }

    #[test]
    fn accepts_a_plain_cpu_increase() {
        let old = [c(
            "c1",
            &[("cpu", "250m"), ("memory", "128Mi")],
            &[("cpu", "1"), ("memory", "256Mi")],
        )];
        let new = [c(
            "c1",
            &[("cpu", "500m"), ("memory", "128Mi")],
            &[("cpu", "1"), ("memory", "256Mi")],
        )];
        assert!(validate_resize(r35(), &old, &new).is_empty());
    }

    #[test]
    fn request_above_limit_has_the_server_text() {
        let old = [c("c1", &[("cpu", "250m")], &[("cpu", "1")])];
        let new = [c("c1", &[("cpu", "2")], &[("cpu", "1")])];
        let errs = validate_resize(r35(), &old, &new);
        assert_eq!(errs.len(), 1);
        assert_eq!(
            invalid_message("Pod", "resize-demo", &errs),
            "Pod \"resize-demo\" is invalid: spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"
        );
        assert_eq!(errs[0].reason(), "FieldValueInvalid");
    }

    #[test]
    fn two_errors_are_bracketed() {
        let old = [
            c("c1", &[("cpu", "250m")], &[("cpu", "1")]),
            c("c2", &[("memory", "64Mi")], &[("memory", "128Mi")]),
        ];
        let new = [
            c("c1", &[("cpu", "2")], &[("cpu", "1")]),
            c("c2", &[("memory", "1Gi")], &[("memory", "128Mi")]),
        ];
        let msg = invalid_message("Pod", "resize-demo", &validate_resize(r35(), &old, &new));
        assert_eq!(
            msg,
            "Pod \"resize-demo\" is invalid: [spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1, spec.containers[1].resources.requests: Invalid value: \"1Gi\": must be less than or equal to memory limit of 128Mi]"
        );
    }

    #[test]
    fn negative_value() {
        let old = [c("c1", &[("cpu", "250m")], &[])];
        let new = [c("c1", &[("cpu", "-1")], &[])];
        let errs = validate_resize(r35(), &old, &new);
        assert_eq!(
            errs[0].to_string(),
            "spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"
        );
    }

    #[test]
    fn qos_change_is_refused() {
        let old = [c(
            "c1",
            &[("cpu", "1"), ("memory", "1Gi")],
            &[("cpu", "1"), ("memory", "1Gi")],
        )];
        let new = [c(
            "c1",
            &[("cpu", "500m"), ("memory", "1Gi")],
            &[("cpu", "1"), ("memory", "1Gi")],
        )];
        let errs = validate_resize(r35(), &old, &new);
        assert_eq!(
            errs[0].to_string(),
            "spec: Invalid value: \"Guaranteed\": Pod QOS Class may not change as a result of resizing"
        );
    }

    #[test]
    fn other_resources_and_policy_are_immutable() {
        let old = [c("c1", &[("cpu", "1")], &[])];
        let new = [c("c1", &[("cpu", "1"), ("ephemeral-storage", "1Gi")], &[])];
        let errs = validate_resize(r35(), &old, &new);
        assert_eq!(
            errs[0].to_string(),
            "spec: Forbidden: only cpu and memory resources are mutable"
        );
        let mut with_policy = old[0].clone();
        with_policy
            .resize_policy
            .insert("cpu".into(), "RestartContainer".into());
        assert_eq!(
            validate_resize(r35(), &old, std::slice::from_ref(&with_policy)).len(),
            1
        );
        assert!(validate_resize(ResizeRules::for_minor(32), &old, &[with_policy]).is_empty());
    }

    #[test]
    fn removals() {
        let old = [
            c("c1", &[("cpu", "100m")], &[]),
            c("c2", &[("memory", "64Mi")], &[("memory", "128Mi")]),
        ];
        let new = [
            c("c1", &[("cpu", "100m")], &[]),
            c("c2", &[("memory", "64Mi")], &[]),
        ];
        let errs = validate_resize(r35(), &old, &new);
        assert_eq!(
            errs[0].to_string(),
            "spec.containers[1].resources.limits: Forbidden: resource limits cannot be removed"
        );
        let new = [c("c1", &[], &[]), old[1].clone()];
        let errs = validate_resize(r35(), &old, &new);
        assert!(errs.iter().any(|e| e.to_string()
            == "spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed"));
        // A request removed where a limit exists is re-filled by defaulting: accepted.
        let new = [old[0].clone(), c("c2", &[], &[("memory", "128Mi")])];
        assert!(validate_resize(r35(), &old, &new).is_empty());
        // Before 1.32 removals are allowed when QoS stays.
        let new = [
            c("c1", &[("cpu", "100m")], &[]),
            c("c2", &[("memory", "64Mi")], &[]),
        ];
        assert!(validate_resize(ResizeRules::for_minor(31), &old, &new).is_empty());
    }

    #[test]
    fn memory_limit_decrease_only_refused_in_133() {
        let old = [c("c1", &[("memory", "64Mi")], &[("memory", "256Mi")])];
        let new = [c("c1", &[("memory", "64Mi")], &[("memory", "128Mi")])];
        let errs = validate_resize(ResizeRules::for_minor(33), &old, &new);
        assert_eq!(
            errs[0].to_string(),
            "spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer"
        );
        assert!(validate_resize(ResizeRules::for_minor(34), &old, &new).is_empty());
    }

    #[test]
    fn container_shape() {
        let old = [c("c1", &[("cpu", "1")], &[]), c("c2", &[("cpu", "1")], &[])];
        let errs = validate_resize(r35(), &old, &old[..1]);
        assert_eq!(
            errs[0].to_string(),
            "spec.containers: Forbidden: containers may not be added or removed on resize"
        );
        let swapped = [old[1].clone(), old[0].clone()];
        let errs = validate_resize(r35(), &old, &swapped);
        assert_eq!(
            errs[0].detail,
            "containers may not be renamed or reordered on resize"
        );
    }

    #[test]
    fn capacity_message_and_legacy_qos() {
        let msg = node_capacity_message(
            CpuMem {
                cpu_millis: Some(24000),
                memory_bytes: Some(1),
            },
            CpuMem {
                cpu_millis: Some(16000),
                memory_bytes: Some(10),
            },
        );
        assert_eq!(
            msg.as_deref(),
            Some(
                "Node didn't have enough allocatable resources: cpu, requested: 24000, allocatable: 16000"
            )
        );
        let old = [c(
            "c1",
            &[("cpu", "1"), ("memory", "1Gi")],
            &[("cpu", "1"), ("memory", "1Gi")],
        )];
        let new = [c(
            "c1",
            &[("cpu", "1"), ("memory", "1Gi")],
            &[("memory", "1Gi")],
        )];
        assert_eq!(
            legacy_qos_error(&old, &new)
                .map(|e| e.to_string())
                .as_deref(),
            Some("metadata: Invalid value: \"Guaranteed\": Pod QoS is immutable")
        );
        let spec = ResourceSpec {
            requests: CpuMem {
                cpu_millis: Some(1500),
                memory_bytes: None,
            },
            ..Default::default()
        };
        assert_eq!(
            ContainerResources::from_spec("a", &spec)
                .requests
                .get("cpu")
                .map(String::as_str),
            Some("1500m")
        );
    }
}
