//! Resize validation as the kube-apiserver does it, with the server's exact error texts.
//!
//! Pure functions over the old and new resources of each container and the server's minor
//! version. The simulated cluster turns the errors into `Status` bodies; the editor can run the
//! same checks before sending a request.

use crate::model::ground::quantity::Quantity;
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::qos::{QosClass, qos_class};
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
    /// The class the server stored (`status.qosClass`): it compares the new class with this one,
    /// not with a recomputation (upstream `GetPodQOS`). `None`: computed from the old spec.
    pub stored_qos: Option<QosClass>,
}

impl ResizeRules {
    /// Rules of server `1.<minor>`.
    pub fn for_minor(minor: u32) -> Self {
        Self {
            minor,
            stored_qos: None,
        }
    }

    /// The same rules for a pod whose stored class is `qos`.
    pub fn with_stored_qos(self, qos: Option<QosClass>) -> Self {
        Self {
            stored_qos: qos,
            ..self
        }
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
        out.insert(
            "cpu".to_string(),
            crate::model::ground::quantity::cpu_canonical(m),
        );
    }
    if let Some(b) = values.memory_bytes {
        out.insert(
            "memory".to_string(),
            crate::model::ground::quantity::memory_canonical(b),
        );
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

mod resize;
pub use resize::{FORBIDDEN_UPDATE, legacy_qos_error, validate_resize};

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
#[path = "validation_tests.rs"]
mod tests;
