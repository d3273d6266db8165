//! The generated pods' containers: requests and limits drawn across the three QoS classes, and
//! the resize policies a container may carry, so every kind of container a resize meets shows up.

use crate::podutil::requirements;
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::{Container, ContainerResizePolicy};
use rand::Rng;
use rand::rngs::SmallRng;

/// Requests and limits for QoS class `qos` (0 BestEffort, 1 Guaranteed, else Burstable).
pub(super) fn random_resources(rng: &mut SmallRng, qos: u32) -> ResourceSpec {
    let cpu = [50, 100, 100, 200, 250, 250, 500, 500, 1000][rng.random_range(0..9)];
    let mem_mi: i64 = [64, 128, 128, 256, 256, 512, 1024][rng.random_range(0..7)];
    let mem = mem_mi << 20;
    match qos {
        0 => ResourceSpec::default(),
        1 => ResourceSpec {
            requests: CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(mem),
            },
            limits: CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(mem),
            },
        },
        _ => ResourceSpec {
            requests: CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(mem),
            },
            limits: CpuMem {
                cpu_millis: rng
                    .random_bool(0.8)
                    .then_some(cpu * [2, 4][rng.random_range(0..2)]),
                memory_bytes: Some(mem * 2),
            },
        },
    }
}

/// A container of `image` with resources `res` and resize policy `policy` (0 none, 1 all
/// NotRequired, 2 memory RestartContainer).
pub(super) fn container(name: &str, image: &str, res: &ResourceSpec, policy: u32) -> Container {
    let resize_policy = match policy {
        1 => Some(vec![
            ContainerResizePolicy {
                resource_name: "cpu".into(),
                restart_policy: "NotRequired".into(),
            },
            ContainerResizePolicy {
                resource_name: "memory".into(),
                restart_policy: "NotRequired".into(),
            },
        ]),
        2 => Some(vec![
            ContainerResizePolicy {
                resource_name: "cpu".into(),
                restart_policy: "NotRequired".into(),
            },
            ContainerResizePolicy {
                resource_name: "memory".into(),
                restart_policy: "RestartContainer".into(),
            },
        ]),
        _ => None,
    };
    let r = requirements(res);
    Container {
        name: name.to_string(),
        image: Some(image.to_string()),
        image_pull_policy: Some("IfNotPresent".into()),
        resources: (r.requests.is_some() || r.limits.is_some()).then_some(r),
        resize_policy,
        termination_message_path: Some("/dev/termination-log".into()),
        termination_message_policy: Some("File".into()),
        ..Default::default()
    }
}
