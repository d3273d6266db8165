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

/// real-apiserver-facts.md "Error order": requests removed, limits removed, then the
/// per-container mutability error.
#[test]
fn removals_come_before_mutability_in_server_order() {
    let mut old = c(
        "c1",
        &[("cpu", "250m"), ("memory", "128Mi")],
        &[("cpu", "1")],
    );
    old.resize_policy
        .insert("memory".into(), "RestartContainer".into());
    let new = c("c1", &[("cpu", "250m")], &[]);
    let errs: Vec<String> = validate_resize(r35(), &[old], &[new])
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        [
            "spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed",
            "spec.containers[0].resources.limits: Forbidden: resource limits cannot be removed",
            "spec: Forbidden: only cpu and memory resources are mutable",
        ]
    );
}

/// Facts "Third round": one cause per reordered container; init container texts.
#[test]
fn reorder_and_init_container_texts() {
    let old = [c("c1", &[("cpu", "1")], &[]), c("c2", &[("cpu", "1")], &[])];
    let swapped = [old[1].clone(), old[0].clone()];
    let fields: Vec<String> = validate_resize(r35(), &old, &swapped)
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        ["spec.containers[0].name", "spec.containers[1].name"]
    );
    let init = ContainerResources {
        init: true,
        ..c("i", &[("cpu", "100m")], &[])
    };
    let resized = ContainerResources {
        requests: [("cpu".to_string(), "200m".to_string())].into(),
        ..init.clone()
    };
    let errs = validate_resize(
        r35(),
        &[old[0].clone(), init.clone()],
        &[old[0].clone(), resized.clone()],
    );
    assert_eq!(
        errs[0].to_string(),
        "spec: Forbidden: resources for non-sidecar init containers are immutable"
    );
    assert!(
        validate_resize(
            ResizeRules::for_minor(36),
            &[old[0].clone(), init],
            &[old[0].clone(), resized]
        )
        .is_empty()
    );
}
