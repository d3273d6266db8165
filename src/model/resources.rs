//! CPU and memory amounts of one container, as exact integers.

use super::quantity::{Quantity, QuantityError};

/// CPU in millicores and memory in bytes; `None` when the key is absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CpuMem {
    pub cpu_millis: Option<i64>,
    pub memory_bytes: Option<i64>,
}

impl CpuMem {
    pub fn is_empty(&self) -> bool {
        self.cpu_millis.is_none() && self.memory_bytes.is_none()
    }

    /// Reads the `cpu` and `memory` keys of a resource map given as (key, quantity text) pairs.
    /// Malformed values are reported, never panicked on.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, QuantityError> {
        let mut out = Self::default();
        for (key, text) in pairs {
            match key {
                "cpu" => out.cpu_millis = Some(Quantity::parse(text)?.millis()),
                "memory" => out.memory_bytes = Some(Quantity::parse(text)?.units()),
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Requests and limits of one container.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResourceSpec {
    pub requests: CpuMem,
    pub limits: CpuMem,
}

impl ResourceSpec {
    /// Requests as the apiserver defaults them: a missing request takes the limit's value.
    pub fn effective_requests(&self) -> CpuMem {
        CpuMem {
            cpu_millis: self.requests.cpu_millis.or(self.limits.cpu_millis),
            memory_bytes: self.requests.memory_bytes.or(self.limits.memory_bytes),
        }
    }
}
