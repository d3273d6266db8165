//! CPU and memory amounts of one container, as exact integers.

use crate::model::ground::quantity::{Quantity, QuantityError};

/// CPU in millicores and memory in bytes; `None` when the key is absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CpuMem {
    pub cpu_millis: Option<i64>,
    pub memory_bytes: Option<i64>,
}

fn add_saturating(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, None) => None,
        _ => Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0))),
    }
}

impl CpuMem {
    /// Both values present and zero: the start of a sum.
    pub const ZERO: CpuMem = CpuMem {
        cpu_millis: Some(0),
        memory_bytes: Some(0),
    };

    /// Sum treating a missing value as zero; saturates instead of overflowing on absurd input.
    pub fn plus(self, other: CpuMem) -> CpuMem {
        CpuMem {
            cpu_millis: add_saturating(self.cpu_millis, other.cpu_millis),
            memory_bytes: add_saturating(self.memory_bytes, other.memory_bytes),
        }
    }

    /// Room left: `self` less `used` (a missing `used` counts as zero; a missing `self` stays unknown).
    pub fn minus(self, used: CpuMem) -> CpuMem {
        CpuMem {
            cpu_millis: self
                .cpu_millis
                .map(|a| a.saturating_sub(used.cpu_millis.unwrap_or(0))),
            memory_bytes: self
                .memory_bytes
                .map(|a| a.saturating_sub(used.memory_bytes.unwrap_or(0))),
        }
    }

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
