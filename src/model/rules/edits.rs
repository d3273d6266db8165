//! The four values a resize sets, as absolute targets: each as podsize counts it (millicores,
//! bytes) and, where it says more, the exact quantity the server holds or a person typed.

use crate::model::ground::quantity::Quantity;
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::row::{ContainerRow, ResourceField};
use crate::model::rules::edit::{FieldValue, Kind};
use crate::model::rules::patch::ExactSpec;

/// The four editable values of one container, as absolute targets (`None` removes the key).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Edits {
    pub cpu_request: FieldValue,
    pub cpu_limit: FieldValue,
    pub memory_request: FieldValue,
    pub memory_limit: FieldValue,
    /// The exact quantity behind a value, where it says more than the value (`100u` is 1
    /// millicore rounded up; `512M` is written in decimal). Ignored where it no longer
    /// matches the value, so setting a value alone never sends a stale text.
    pub exact: ExactSpec,
}

impl Edits {
    /// The container's current desired values.
    pub fn from_spec(spec: &ResourceSpec) -> Self {
        Self {
            cpu_request: spec.requests.cpu_millis,
            cpu_limit: spec.limits.cpu_millis,
            memory_request: spec.requests.memory_bytes,
            memory_limit: spec.limits.memory_bytes,
            exact: ExactSpec::default(),
        }
    }

    /// A container's current desired values, exactly as the server holds them.
    pub fn from_container(c: &ContainerRow) -> Self {
        let mut edits = Self::from_spec(&c.desired);
        for (i, field) in ResourceField::ALL.into_iter().enumerate() {
            let text = c.server_texts.as_ref().and_then(|_| c.desired_text(field));
            edits.exact[i] = text.and_then(|t| Quantity::parse(&t).ok());
        }
        edits
    }

    fn kind(i: usize) -> Kind {
        if i < 2 { Kind::Cpu } else { Kind::Memory }
    }

    /// The value of field `i` (cpu request, cpu limit, memory request, memory limit).
    pub fn value(&self, i: usize) -> FieldValue {
        [
            self.cpu_request,
            self.cpu_limit,
            self.memory_request,
            self.memory_limit,
        ][i]
    }

    /// Sets field `i` to an exact quantity (`None` removes it).
    pub fn set_exact(&mut self, i: usize, q: Option<Quantity>) {
        let value = q.map(|q| Self::kind(i).value(&q));
        match i {
            0 => self.cpu_request = value,
            1 => self.cpu_limit = value,
            2 => self.memory_request = value,
            _ => self.memory_limit = value,
        }
        self.exact[i] = q;
    }

    /// Field `i` exactly: its exact quantity where that still matches the value.
    pub fn exact_value(&self, i: usize) -> Option<Quantity> {
        let value = self.value(i)?;
        let kind = Self::kind(i);
        Some(
            self.exact[i]
                .filter(|q| kind.value(q) == value)
                .unwrap_or_else(|| kind.quantity(value)),
        )
    }

    /// Keeps the form a person typed for field `i` (`2G` stays `2G`) where it is the value.
    pub fn keep_typed(&mut self, i: usize, typed: &str) {
        if let Ok(q) = Quantity::parse(typed)
            && self.value(i) == Some(Self::kind(i).value(&q))
        {
            self.exact[i] = Some(q);
        }
    }

    /// Values worked out from ones the server held (a boost's scaled limit) keep the suffix
    /// family the server held them in: a `1G` limit raised by 1.5 is `1500M`, not bytes.
    pub fn keep_families(&mut self) {
        for i in 0..4 {
            if let (Some(q), Some(value)) = (self.exact[i], self.value(i)) {
                let kind = Self::kind(i);
                if kind.value(&q) != value {
                    self.exact[i] = Some(Quantity::with_nanos(
                        kind.quantity(value).nanos(),
                        q.format(),
                    ));
                }
            }
        }
    }

    /// All four values exactly.
    pub fn exact_spec(&self) -> ExactSpec {
        std::array::from_fn(|i| self.exact_value(i))
    }

    pub fn spec(&self) -> ResourceSpec {
        ResourceSpec {
            requests: CpuMem {
                cpu_millis: self.cpu_request,
                memory_bytes: self.memory_request,
            },
            limits: CpuMem {
                cpu_millis: self.cpu_limit,
                memory_bytes: self.memory_limit,
            },
        }
    }
}
