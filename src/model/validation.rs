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

/// The text the server stores and quotes for a sent quantity (its canonical form).
fn stored_text(text: &str) -> String {
    Quantity::parse(text).map_or_else(|_| text.to_string(), |q| q.canonical())
}

fn is_cpu_mem(key: &str) -> bool {
    key == "cpu" || key == "memory"
}

/// Standard validation of one container's resources (every version): malformed or negative
/// quantities, and requests above limits.
pub fn validate_container_resources(index: usize, c: &ContainerResources) -> Vec<FieldError> {
    let base = format!("{}.resources", c.path(index));
    let mut errors = Vec::new();
    let limits: BTreeMap<&str, Quantity> = c
        .limits
        .iter()
        .filter_map(|(k, t)| {
            checked(&format!("{base}.limits[{k}]"), t, &mut errors).map(|q| (k.as_str(), q))
        })
        .collect();
    // Per request, in order: its own value, then its limit (upstream's loop).
    for (key, text) in &c.requests {
        let request = checked(&format!("{base}.requests[{key}]"), text, &mut errors);
        if let (Some(request), Some(limit)) = (request, limits.get(key.as_str()))
            && request > *limit
        {
            errors.push(FieldError::invalid(
                format!("{base}.requests"),
                stored_text(text),
                format!(
                    "must be less than or equal to {key} limit of {}",
                    stored_text(text_of(&c.limits, key))
                ),
            ));
        }
    }
    errors
}

/// Parses one value, reporting a malformed or negative one; a negative value is still
/// returned so that it is compared with its limit, as the server does.
fn checked(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<Quantity> {
    match Quantity::parse(text) {
        Ok(q) => {
            if q.is_negative() {
                errors.push(FieldError::invalid(
                    field,
                    stored_text(text),
                    "must be greater than or equal to 0",
                ));
            }
            Some(q)
        }
        Err(_) => {
            errors.push(FieldError::invalid(field, text, QUANTITY_REGEX_MESSAGE));
            None
        }
    }
}

fn text_of<'a>(map: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    map.get(key).map_or("", String::as_str)
}

/// QoS class of a pod from its containers' resources.
pub fn pod_qos(containers: &[ContainerResources]) -> QosClass {
    let specs: Vec<ResourceSpec> = containers.iter().map(ContainerResources::spec).collect();
    qos_class(specs.iter())
}

/// The text of the forbidden-update error of a pre-1.32 pod update (the server adds a diff).
pub const FORBIDDEN_UPDATE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// A container with each limit's value as its request where none is set (`SetDefaults_Pod`).
fn defaulted(c: &ContainerResources) -> ContainerResources {
    let mut out = c.clone();
    for (k, v) in &c.limits {
        out.requests.entry(k.clone()).or_insert_with(|| v.clone());
    }
    out
}

/// Positions of each container in its own list (`containers` or `initContainers`).
fn positions(list: &[ContainerResources]) -> Vec<usize> {
    let mut index = [0usize; 2];
    list.iter()
        .map(|c| {
            let slot = usize::from(c.init);
            index[slot] += 1;
            index[slot] - 1
        })
        .collect()
}

/// `containers may not be added or removed` / `renamed or reordered`, per list as the server
/// reports them (one cause per misplaced container).
fn shape_errors(old: &[ContainerResources], new: &[ContainerResources]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (init, label) in [(false, "containers"), (true, "initContainers")] {
        let o: Vec<_> = old.iter().filter(|c| c.init == init).collect();
        let n: Vec<_> = new.iter().filter(|c| c.init == init).collect();
        if o.len() != n.len() {
            errors.push(FieldError::forbidden(
                format!("spec.{label}"),
                format!("{label} may not be added or removed on resize"),
            ));
            continue;
        }
        for (i, (a, b)) in o.iter().zip(&n).enumerate() {
            if a.name != b.name {
                errors.push(FieldError::forbidden(
                    format!("spec.{label}[{i}].name"),
                    format!("{label} may not be renamed or reordered on resize"),
                ));
            }
        }
    }
    errors
}

fn others_changed(o: &ContainerResources, n: &ContainerResources) -> bool {
    let others = |m: &BTreeMap<String, String>| {
        m.iter()
            .filter(|(k, _)| !is_cpu_mem(k))
            .map(|(k, v)| (k.clone(), Quantity::parse(v).ok()))
            .collect::<Vec<_>>()
    };
    others(&o.requests) != others(&n.requests) || others(&o.limits) != others(&n.limits)
}

fn resources_changed(o: &ContainerResources, n: &ContainerResources) -> bool {
    let values = |m: &BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| (k.clone(), Quantity::parse(v).ok()))
            .collect::<Vec<_>>()
    };
    values(&o.requests) != values(&n.requests)
        || values(&o.limits) != values(&n.limits)
        || o.resize_policy != n.resize_policy
}

/// Validates a resize request: `old` is the stored pod's containers (regular then init),
/// `new` the containers after the patch. Returns every error, in the server's order: spec
/// errors, QoS, container shape, removals, then what may not change (resize-api.md §4).
pub fn validate_resize(
    rules: ResizeRules,
    old: &[ContainerResources],
    new: &[ContainerResources],
) -> Vec<FieldError> {
    // The server fills missing requests from limits before it validates.
    let new: Vec<ContainerResources> = new.iter().map(defaulted).collect();
    let new = new.as_slice();
    let new_positions = positions(new);
    let mut errors: Vec<FieldError> = new
        .iter()
        .zip(&new_positions)
        .flat_map(|(c, i)| validate_container_resources(*i, c))
        .collect();
    let shape = shape_errors(old, new);
    if !rules.uses_subresource() {
        return legacy_update(old, new, shape.is_empty(), errors);
    }
    let old_qos = pod_qos(old);
    if old_qos != pod_qos(new) {
        errors.push(FieldError::invalid(
            "spec",
            old_qos.as_str(),
            "Pod QOS Class may not change as a result of resizing",
        ));
    }
    if !shape.is_empty() {
        errors.extend(shape);
        return errors;
    }
    let index = positions(old);
    let pairs = || old.iter().zip(new).zip(&index);
    // Removal checks: sidecars (1.33+) or every init container (1.36+) first, then regular.
    for ((o, n), i) in pairs().filter(|((o, _), _)| o.init) {
        if (o.sidecar && rules.sidecars_resizable()) || rules.minor >= 36 {
            errors.extend(removal_errors(rules, *i, o, n));
        }
    }
    for ((o, n), i) in pairs().filter(|((o, _), _)| !o.init) {
        errors.extend(removal_errors(rules, *i, o, n));
    }
    for ((o, n), _) in pairs().filter(|((o, _), _)| !o.init) {
        let policy = o.resize_policy != n.resize_policy && !rules.resize_policy_mutable();
        if others_changed(o, n) || policy {
            errors.push(FieldError::forbidden(
                "spec",
                "only cpu and memory resources are mutable",
            ));
        }
    }
    let mut init_changed = false;
    for ((o, n), i) in pairs().filter(|((o, _), _)| o.init) {
        init_changed |= resources_changed(o, n);
        errors.extend(init_error(rules, *i, o, n));
    }
    if errors.is_empty() && rules.minor == 32 && init_changed {
        errors.push(FieldError::forbidden(
            "spec",
            "only cpu and memory resources are mutable",
        ));
    }
    errors
}

/// 1.27–1.31: a plain pod update. Anything beyond container cpu/memory is the generic
/// forbidden update (refused alone); otherwise spec errors then the QoS rule.
fn legacy_update(
    old: &[ContainerResources],
    new: &[ContainerResources],
    same_shape: bool,
    mut errors: Vec<FieldError>,
) -> Vec<FieldError> {
    let more = !same_shape
        || old.iter().zip(new).any(|(o, n)| {
            if o.init {
                resources_changed(o, n)
            } else {
                others_changed(o, n) || o.resize_policy != n.resize_policy
            }
        });
    if more {
        return vec![FieldError::forbidden("spec", FORBIDDEN_UPDATE)];
    }
    errors.extend(legacy_qos_error(old, new));
    errors
}

/// What may not change in an init container (resize-api.md §1.4).
fn init_error(
    rules: ResizeRules,
    index: usize,
    o: &ContainerResources,
    n: &ContainerResources,
) -> Option<FieldError> {
    let mutable_changed = others_changed(o, n) || o.resize_policy != n.resize_policy;
    match rules.minor {
        ..=32 => None,
        33..=35 if o.sidecar => mutable_changed.then(|| {
            FieldError::forbidden(
                "spec",
                "only cpu and memory resources for sidecar containers are mutable",
            )
        }),
        33..=35 => resources_changed(o, n).then(|| {
            FieldError::forbidden(
                "spec",
                "resources for non-sidecar init containers are immutable",
            )
        }),
        _ => {
            let field = format!("spec.initContainers[{index}]");
            let restart = n.resize_policy.values().any(|p| p == "RestartContainer");
            if mutable_changed {
                Some(FieldError::forbidden(
                    field,
                    "only cpu and memory resources for init or sidecar containers are mutable",
                ))
            } else if !o.sidecar && restart && resources_changed(o, n) {
                Some(FieldError::forbidden(
                    field,
                    "non-sidecar init containers with a resize policy of RestartContainer cannot be resized",
                ))
            } else {
                None
            }
        }
    }
}

/// Removal checks (any resource name; a request whose limit remains is re-filled by
/// defaulting) and the 1.33-only memory limit rule, in the server's order.
fn removal_errors(
    rules: ResizeRules,
    index: usize,
    o: &ContainerResources,
    n: &ContainerResources,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let base = format!("{}.resources", o.path(index));
    let request_removed = o
        .requests
        .keys()
        .chain(o.limits.keys())
        .any(|k| !n.requests.contains_key(k) && !n.limits.contains_key(k));
    if request_removed {
        errors.push(FieldError::forbidden(
            format!("{base}.requests"),
            "resource requests cannot be removed",
        ));
    }
    if o.limits.keys().any(|k| !n.limits.contains_key(k)) {
        errors.push(FieldError::forbidden(
            format!("{base}.limits"),
            "resource limits cannot be removed",
        ));
    }
    if rules.forbids_memory_limit_decrease() {
        let (os, ns) = (o.spec(), n.spec());
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

/// The pre-1.32 QoS error for a pod update that changes the class. Its value is the class the
/// update would produce (kubernetes#131833: `"Burstable"` for a Guaranteed pod made Burstable).
pub fn legacy_qos_error(
    old: &[ContainerResources],
    new: &[ContainerResources],
) -> Option<FieldError> {
    let new_qos = pod_qos(new);
    (pod_qos(old) != new_qos)
        .then(|| FieldError::invalid("metadata", new_qos.as_str(), "Pod QoS is immutable"))
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
            // kubernetes#131833: the value is the class the update would produce.
            Some("metadata: Invalid value: \"Burstable\": Pod QoS is immutable")
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
