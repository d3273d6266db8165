//! The simulated kubelet's own CPU and memory amounts: plain exact integers, kept apart from
//! podsize's types so that the oracle shares nothing with the code it judges.

/// CPU in millicores and memory in bytes; `None` when the key is absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CpuMem {
    pub cpu_millis: Option<i64>,
    pub memory_bytes: Option<i64>,
}

impl CpuMem {
    /// Both values present and zero: the start of a sum.
    pub const ZERO: CpuMem = CpuMem {
        cpu_millis: Some(0),
        memory_bytes: Some(0),
    };

    pub fn is_empty(&self) -> bool {
        self.cpu_millis.is_none() && self.memory_bytes.is_none()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_request_takes_the_limit() {
        let spec = ResourceSpec {
            requests: CpuMem {
                cpu_millis: None,
                memory_bytes: Some(5),
            },
            limits: CpuMem {
                cpu_millis: Some(500),
                memory_bytes: Some(9),
            },
        };
        let eff = spec.effective_requests();
        assert_eq!(eff.cpu_millis, Some(500));
        assert_eq!(eff.memory_bytes, Some(5));
    }
}
