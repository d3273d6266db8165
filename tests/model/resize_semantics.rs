//! Resize semantics podsize must get right on real clusters (issue #19, #20): a pod's resize is
//! atomic, stale conditions answer older requests, resizePolicy and QoS are read as the server
//! reads them, and pods the server never resizes are refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::qos::QosClass;
use podsize::model::pods::row::ResourceField;
use podsize::model::pods::tracking::{Stage, Tracker};
use podsize::model::rules::plan::{Edits, Server, plan_resize};
use podsize::model::{PodRow, ResizeState, SlimPod};
use serde_json::{Value, json};

fn fixture(file: &str) -> Value {
    let path = format!("{}/tests/fixtures/pods/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn row(value: &Value) -> PodRow {
    let pod: SlimPod = serde_json::from_value(value.clone()).unwrap();
    PodRow::from_slim(&pod)
}

fn edits(pod: &PodRow, container: &str) -> Edits {
    Edits::from_spec(&pod.container(container).unwrap().desired)
}

fn messages(plan: &podsize::model::rules::plan::ResizePlan) -> Vec<String> {
    plan.errors.iter().map(|e| e.message.clone()).collect()
}

// --- #19.1: a pending condition covers the whole pod (resize-api.md §2.2, §4.8) ---

#[test]
fn every_container_of_a_deferred_pod_is_deferred() {
    // admin-ui asked for more cpu and waits; istio-proxy's own values did not change.
    let pod = row(&fixture("real-1.35-deferred.json"));
    for c in &pod.containers {
        assert!(
            matches!(c.state, ResizeState::Deferred(_)),
            "{}: {:?}",
            c.name,
            c.state
        );
    }
    assert!(matches!(pod.state, ResizeState::Deferred(_)));
}

#[test]
fn a_tracker_on_an_unchanged_container_waits_for_the_pods_resize() {
    let pod = row(&fixture("real-1.35-deferred.json"));
    let tracker = Tracker::new(&pod, "istio-proxy", pod.generation, 0, chrono::Utc::now());
    assert!(
        matches!(tracker.stage, Stage::Deferred(_)),
        "{:?}",
        tracker.stage
    );
}

// --- #20.2: one derivation for container view, pod view and counters ---

#[test]
fn pod_and_container_states_agree_on_a_node_without_actual_values() {
    // A one-container pod on a node that reports no actual resources, with an in-progress
    // condition: both views say in progress (the kubelet's answer covers the container).
    let mut value = fixture("real-1.35-inprogress.json");
    value["spec"]["containers"] = json!([value["spec"]["containers"][0].clone()]);
    let name = value["spec"]["containers"][0]["name"].clone();
    let statuses = value["status"]["containerStatuses"].as_array().unwrap();
    let mut status = statuses.iter().find(|s| s["name"] == name).unwrap().clone();
    status.as_object_mut().unwrap().remove("resources");
    value["status"]["containerStatuses"] = json!([status]);
    let pod = row(&value);
    assert_eq!(pod.containers.len(), 1);
    assert_eq!(pod.containers[0].state, pod.state);
    assert_eq!(pod.state, ResizeState::InProgress);
}

// --- #19.2: a condition older than the pod's generation answers an older request ---

#[test]
fn a_pending_condition_of_an_older_generation_is_not_the_answer() {
    let mut value = fixture("real-1.35-infeasible.json");
    let generation = value["metadata"]["generation"].as_i64().unwrap();
    value["metadata"]["generation"] = json!(generation + 1);
    let pod = row(&value);
    for c in &pod.containers {
        assert!(
            !matches!(c.state, ResizeState::Infeasible(_)),
            "{}: {:?}",
            c.name,
            c.state
        );
    }
    assert!(!matches!(pod.state, ResizeState::Infeasible(_)));
}

#[test]
fn without_generations_the_condition_seen_at_acceptance_is_not_the_answer() {
    // 1.33 publishes no observedGeneration: the Infeasible carried by the pod the server returned
    // for a new request belongs to the previous request.
    let mut value = fixture("real-1.35-infeasible.json");
    strip_generations(&mut value);
    let accepted = row(&value);
    let tracker = Tracker::new(
        &accepted,
        &accepted.containers[0].name.clone(),
        None,
        0,
        chrono::Utc::now(),
    );
    assert!(
        !tracker.stage.is_final(),
        "the old Infeasible is not this request's answer: {:?}",
        tracker.stage
    );
}

fn strip_generations(value: &mut Value) {
    value["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("generation");
    value["status"]
        .as_object_mut()
        .unwrap()
        .remove("observedGeneration");
    for c in value["status"]["conditions"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("observedGeneration");
    }
}

// --- #20.3: reverting a Deferred resize ends when desired equals what the node has ---

#[test]
fn a_revert_of_a_deferred_resize_is_done_before_the_kubelet_reports_it() {
    // The kubelet has not reported the newest generation, its condition is for the previous
    // one, and desired now equals allocated and actual again: nothing is left to do.
    let mut value = fixture("real-1.35-deferred.json");
    let generation = value["metadata"]["generation"].as_i64().unwrap();
    value["metadata"]["generation"] = json!(generation + 1);
    value["spec"]["containers"][0]["resources"]["requests"]["cpu"] = json!("250m");
    value["spec"]["containers"][0]["resources"]["limits"]["cpu"] = json!("1");
    let pod = row(&value);
    let tracker = Tracker::new(&pod, "admin-ui", pod.generation, 0, chrono::Utc::now());
    assert_eq!(tracker.stage, Stage::Done);
}

// --- #19.3: the plan keeps each container's resizePolicy (resize-api.md §4.5) ---

#[test]
fn a_memory_limit_decrease_with_restart_container_is_allowed_on_133() {
    let pod = row(&fixture("real-1.35-deferred.json"));
    let mut e = edits(&pod, "istio-proxy"); // memory policy RestartContainer
    e.memory_limit = Some(200 << 20);
    let plan = plan_resize(&pod, "istio-proxy", e, 33, None, CpuMem::default());
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    assert!(plan.restarts);

    let mut value = fixture("real-1.35-deferred.json");
    value["spec"]["containers"][1]["resizePolicy"] = json!([]);
    let pod = row(&value);
    let plan = plan_resize(&pod, "istio-proxy", e, 33, None, CpuMem::default());
    assert!(
        messages(&plan).iter().any(|m| m
            .contains("memory limits cannot be decreased unless resizePolicy is RestartContainer")),
        "{:?}",
        plan.errors
    );
}

// --- #19.4: QoS as the server computes it (resize-api.md §1.3, upstream ComputePodQOS) ---

#[test]
fn zero_requests_are_best_effort_and_adding_cpu_changes_qos() {
    let mut value = fixture("real-1.35-none.json");
    let containers = value["spec"]["containers"].as_array_mut().unwrap();
    containers.truncate(1);
    containers[0]["resources"] = json!({"requests": {"cpu": "0", "memory": "0"}});
    value["status"]["qosClass"] = json!("BestEffort");
    let pod = row(&value);
    let name = pod.containers[0].name.clone();
    let mut e = edits(&pod, &name);
    e.cpu_request = Some(100);
    let plan = plan_resize(&pod, &name, e, 35, None, CpuMem::default());
    assert_eq!(plan.qos_before, QosClass::BestEffort);
    assert_eq!(plan.qos_after, QosClass::Burstable);
    assert!(
        messages(&plan)
            .iter()
            .any(|m| m.contains("Pod QOS Class may not change as a result of resizing")),
        "{:?}",
        plan.errors
    );
}

// --- #19.5: pods the apiserver never resizes are refused before sending ---

#[test]
fn windows_static_and_pod_level_pods_are_refused_with_the_reason() {
    let base = fixture("real-1.35-none.json");
    let name = base["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let try_plan = |value: &Value, minor: u32| {
        let pod = row(value);
        let mut e = edits(&pod, &name);
        e.cpu_limit = e.cpu_limit.map(|v| v + 100);
        plan_resize(&pod, &name, e, minor, None, CpuMem::default())
    };
    let mut windows = base.clone();
    windows["spec"]["os"] = json!({"name": "windows"});
    assert!(messages(&try_plan(&windows, 35)).contains(&"windows pods cannot be resized".into()));

    let mut mirror = base.clone();
    mirror["metadata"]["annotations"] = json!({"kubernetes.io/config.mirror": "abc", "x": "y"});
    assert!(
        messages(&try_plan(&mirror, 35))
            .iter()
            .any(|m| m.starts_with("static pods cannot be resized"))
    );

    let mut pod_level = base.clone();
    pod_level["spec"]["resources"] = json!({"limits": {"cpu": "4", "memory": "4Gi"}});
    for minor in [32, 33, 34] {
        assert!(
            messages(&try_plan(&pod_level, minor))
                .contains(&"pods with pod-level resources cannot be resized".into()),
            "1.{minor}"
        );
    }
    assert!(
        !messages(&try_plan(&pod_level, 36))
            .contains(&"pods with pod-level resources cannot be resized".into())
    );
}

#[test]
fn node_support_is_judged_by_regular_containers_only() {
    // A sidecar reports no actual values; the regular container does: the node can resize.
    let mut value = fixture("v1.35-sidecar.json");
    for s in value["status"]["initContainerStatuses"]
        .as_array_mut()
        .unwrap()
    {
        s.as_object_mut().unwrap().remove("resources");
    }
    let pod = row(&value);
    let regular = pod
        .containers
        .iter()
        .find(|c| c.kind == podsize::model::ContainerKind::Regular)
        .unwrap()
        .name
        .clone();
    let mut e = edits(&pod, &regular);
    e.cpu_limit = e.cpu_limit.map(|v| v + 100);
    let plan = plan_resize(&pod, &regular, e, 35, None, CpuMem::default());
    assert!(
        !messages(&plan)
            .iter()
            .any(|m| m.contains("without support for resize")),
        "{:?}",
        plan.errors
    );
}

// --- #19.6: a 1.32+ server without pods/resize has the feature off (resize-api.md §5.1) ---

#[test]
fn a_server_without_the_resize_subresource_says_resize_is_disabled() {
    let pod = row(&fixture("real-1.35-none.json"));
    let name = pod.containers[0].name.clone();
    let mut e = edits(&pod, &name);
    e.cpu_request = e.cpu_request.map(|v| v + 100);
    e.cpu_limit = e.cpu_limit.map(|v| v + 100);
    let server = Server {
        minor: 33,
        resize_subresource: false,
        denied: None,
    };
    let plan = plan_resize(&pod, &name, e, server, None, CpuMem::default());
    assert!(!plan.is_sendable());
    assert!(
        messages(&plan)[0].starts_with("in-place resize is disabled on this cluster"),
        "{:?}",
        plan.errors
    );
    // Before 1.32 no subresource is expected: the pod itself is patched.
    let old = Server {
        minor: 31,
        resize_subresource: false,
        denied: None,
    };
    let plan = plan_resize(&pod, &name, e, old, None, CpuMem::default());
    assert!(plan.is_sendable(), "{:?}", plan.errors);
}

// --- #19.8: quantities as the server wrote them ---

#[test]
fn desired_values_keep_the_servers_text() {
    let mut value = fixture("real-1.35-none.json");
    value["spec"]["containers"][0]["resources"] = json!({"requests": {"cpu": "100u", "memory": "512M"}, "limits": {"cpu": "1", "memory": "1G"}});
    let pod = row(&value);
    let c = &pod.containers[0];
    assert_eq!(
        c.desired_text(ResourceField::CpuRequest).as_deref(),
        Some("100u")
    );
    assert_eq!(
        c.desired_text(ResourceField::MemoryRequest).as_deref(),
        Some("512M")
    );
    assert_eq!(
        c.desired_text(ResourceField::MemoryLimit).as_deref(),
        Some("1G")
    );
    assert_eq!(
        c.desired_text(ResourceField::CpuLimit).as_deref(),
        Some("1")
    );
    let json = podsize::commands::get::container_json(&pod, c);
    assert_eq!(json["cpu"]["request"]["desired"]["quantity"], "100u");
    assert_eq!(json["memory"]["request"]["desired"]["quantity"], "512M");
    assert_eq!(json["memory"]["limit"]["desired"]["quantity"], "1G");
}

// --- #16.5: 1.36+ admission refuses requests above node allocatable (resize-api.md §4.7) ---

#[test]
fn above_allocatable_is_refused_at_admission_from_136() {
    let pod = row(&fixture("real-1.35-none.json"));
    let name = pod.containers[0].name.clone();
    let node = podsize::model::pods::events::NodeInfo {
        name: "n1".into(),
        allocatable: CpuMem {
            cpu_millis: Some(4_000),
            memory_bytes: Some(8 << 30),
        },
    };
    let mut e = edits(&pod, &name);
    e.cpu_request = Some(6_000);
    e.cpu_limit = Some(6_000);
    let on_135 = plan_resize(&pod, &name, e, 35, Some(&node), CpuMem::default());
    assert!(
        on_135.is_sendable(),
        "1.35 only marks it Infeasible: {:?}",
        on_135.errors
    );
    let on_136 = plan_resize(&pod, &name, e, 36, Some(&node), CpuMem::default());
    let refusal = messages(&on_136)
        .into_iter()
        .find(|m| m.contains("Node didn't have enough allocatable resources: cpu, requested: "))
        .unwrap_or_else(|| panic!("{:?}", on_136.errors));
    assert!(
        refusal.starts_with(&format!("pods {:?} is forbidden: ", pod.name)),
        "{refusal}"
    );
    assert!(refusal.ends_with("allocatable: 4000"), "{refusal}");
}

#[test]
fn the_servers_stored_class_is_what_a_resize_must_keep() {
    // upstream GetPodQOS: status.qosClass, not a recomputation, is the old class (§1.3, #19.4).
    let mut value = fixture("real-1.35-none.json");
    value["status"]["qosClass"] = json!("Burstable");
    let pod = row(&value);
    let name = pod.containers[0].name.clone();
    let mut e = edits(&pod, &name);
    e.cpu_request = e.cpu_request.map(|v| v + 100);
    e.cpu_limit = e.cpu_limit.map(|v| v + 100);
    let plan = plan_resize(&pod, &name, e, 35, None, CpuMem::default());
    assert_eq!(plan.qos_before, QosClass::Burstable);
    assert!(
        messages(&plan)
            .iter()
            .any(|m| m.contains("Invalid value: \"Burstable\": Pod QOS Class may not change")),
        "{:?}",
        plan.errors
    );
}

// --- #16.4: the preview names the real target ---

#[test]
fn the_preview_names_the_pod_itself_before_132() {
    let pod = row(&fixture("real-1.35-none.json"));
    let name = pod.containers[0].name.clone();
    let mut e = edits(&pod, &name);
    e.cpu_request = e.cpu_request.map(|v| v + 100);
    e.cpu_limit = e.cpu_limit.map(|v| v + 100);
    let old = plan_resize(&pod, &name, e, 27, None, CpuMem::default());
    assert!(!old.to_subresource);
    assert!(
        old.target_description()
            .starts_with(&format!("the pod itself, pods/{}", pod.name))
    );
    let new = plan_resize(&pod, &name, e, 35, None, CpuMem::default());
    assert_eq!(
        new.target_description(),
        format!("pods/{}/resize", pod.name)
    );
}
