//! Version, discovery documents and the kubectl server-side Table, shaped like a real 1.35 server.

use serde_json::{Value, json};

/// `GET /version` for server `1.minor`.
pub fn version(minor: u32) -> Value {
    json!({
        "major": "1", "minor": minor.to_string(),
        "emulationMajor": "1", "emulationMinor": minor.to_string(),
        "minCompatibilityMajor": "1", "minCompatibilityMinor": minor.saturating_sub(1).to_string(),
        "gitVersion": format!("v1.{minor}.0"),
        "gitCommit": format!("podsize-sim-v1.{minor}.0"),
        "gitTreeState": "clean",
        "buildDate": "2026-11-28T00:00:00Z",
        "goVersion": "go1.25.0",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

/// `GET /api`.
pub fn api_versions(addr: &str) -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"],
           "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": addr}]})
}

/// The optional API groups a simulated cluster serves.
#[derive(Clone, Copy, Debug, Default)]
pub struct Optional {
    /// metrics.k8s.io (an aggregated API).
    pub metrics: bool,
    /// autoscaling.k8s.io (the VPA CRDs).
    pub vpa: bool,
}

/// Groups `/apis` lists besides the core group, in the real server's order (hpa-08): built-in
/// groups, then CRD groups (priority 1000), then aggregated APIs such as metrics.k8s.io
/// (priority 100). Each group's versions come preferred first (autoscaling: v2, v1).
fn group_names(opt: Optional) -> Vec<(&'static str, &'static [&'static str])> {
    let mut groups: Vec<(&'static str, &'static [&'static str])> = vec![
        ("apps", &["v1"]),
        ("authorization.k8s.io", &["v1"]),
        ("autoscaling", &["v2", "v1"]),
        ("policy", &["v1"]),
        ("scheduling.k8s.io", &["v1"]),
    ];
    if opt.vpa {
        groups.push(("autoscaling.k8s.io", &["v1"]));
    }
    if opt.metrics {
        groups.push(("metrics.k8s.io", &["v1beta1"]));
    }
    groups
}

fn api_group(name: &str, versions: &[&str]) -> Value {
    let gvs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{name}/{v}"), "version": v}))
        .collect();
    json!({"name": name, "versions": gvs, "preferredVersion": gvs.first()})
}

/// `GET /apis`.
pub fn api_groups(opt: Optional) -> Value {
    let groups: Vec<Value> = group_names(opt)
        .into_iter()
        .map(|(name, versions)| api_group(name, versions))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/GROUP` (hpa-11): one APIGroup.
pub fn group(name: &str, opt: Optional) -> Option<Value> {
    let (name, versions) = group_names(opt).into_iter().find(|(g, _)| *g == name)?;
    let mut v = api_group(name, versions);
    if let Some(map) = v.as_object_mut() {
        map.insert("kind".into(), json!("APIGroup"));
        map.insert("apiVersion".into(), json!("v1"));
    }
    Some(v)
}

/// `GET /apis/GROUP/VERSION` for the groups `/apis` lists.
pub fn group_version(gv: &str, opt: Optional) -> Option<Value> {
    let resources = match gv {
        "apps/v1" => apps_v1(),
        "authorization.k8s.io/v1" => authorization_v1(),
        "autoscaling/v2" | "autoscaling/v1" => autoscaling(),
        "policy/v1" => policy_v1(),
        "scheduling.k8s.io/v1" => super::priority::discovery(),
        "autoscaling.k8s.io/v1" if opt.vpa => super::vpa::discovery_resources(),
        "metrics.k8s.io/v1beta1" if opt.metrics => return Some(metrics_v1beta1()),
        _ => return None,
    };
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
    )
}

/// Every group with each version it serves and that version's APIResourceList, for
/// aggregated discovery.
pub fn all_group_versions(opt: Optional) -> Vec<(&'static str, Vec<(&'static str, Value)>)> {
    group_names(opt)
        .into_iter()
        .map(|(g, versions)| {
            let lists = versions
                .iter()
                .filter_map(|v| Some((*v, group_version(&format!("{g}/{v}"), opt)?)))
                .collect();
            (g, lists)
        })
        .collect()
}

/// autoscaling v2 and v1 (hpa-10): the same resource in both.
fn autoscaling() -> Vec<Value> {
    let mut hpa = res(
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        true,
        "HorizontalPodAutoscaler",
        CRUD,
        &["hpa"],
    );
    if let Some(map) = hpa.as_object_mut() {
        map.insert("categories".into(), json!(["all"]));
    }
    let status = res(
        "horizontalpodautoscalers/status",
        "",
        true,
        "HorizontalPodAutoscaler",
        &["get", "patch", "update"],
        &[],
    );
    vec![hpa, status]
}

fn policy_v1() -> Vec<Value> {
    vec![
        res(
            "poddisruptionbudgets",
            "poddisruptionbudget",
            true,
            "PodDisruptionBudget",
            CRUD,
            &["pdb"],
        ),
        res(
            "poddisruptionbudgets/status",
            "",
            true,
            "PodDisruptionBudget",
            &["get", "patch", "update"],
            &[],
        ),
    ]
}

/// A subresource whose kind lives in another group version (`deployments/scale` is an
/// autoscaling/v1 Scale, `pods/eviction` a policy/v1 Eviction), as the legacy list marks it.
fn foreign(mut v: Value, group: &str, version: &str) -> Value {
    if let Some(map) = v.as_object_mut() {
        map.insert("group".into(), json!(group));
        map.insert("version".into(), json!(version));
    }
    v
}

const CRUD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

fn apps_v1() -> Vec<Value> {
    const SUB: &[&str] = &["get", "patch", "update"];
    let mut list = Vec::new();
    for (plural, singular, kind, short) in [
        (
            "controllerrevisions",
            "controllerrevision",
            "ControllerRevision",
            &[][..],
        ),
        ("daemonsets", "daemonset", "DaemonSet", &["ds"][..]),
        ("deployments", "deployment", "Deployment", &["deploy"][..]),
        ("replicasets", "replicaset", "ReplicaSet", &["rs"][..]),
        ("statefulsets", "statefulset", "StatefulSet", &["sts"][..]),
    ] {
        let mut main = res(plural, singular, true, kind, CRUD, short);
        if let (true, Some(map)) = (plural != "controllerrevisions", main.as_object_mut()) {
            map.insert("categories".into(), json!(["all"]));
        }
        list.push(main);
        if plural != "controllerrevisions" && plural != "daemonsets" {
            let scale = res(&format!("{plural}/scale"), "", true, "Scale", SUB, &[]);
            list.push(foreign(scale, "autoscaling", "v1"));
        }
        if plural != "controllerrevisions" {
            list.push(res(&format!("{plural}/status"), "", true, kind, SUB, &[]));
        }
    }
    list
}

fn authorization_v1() -> Vec<Value> {
    let create = &["create"][..];
    vec![
        res(
            "localsubjectaccessreviews",
            "localsubjectaccessreview",
            true,
            "LocalSubjectAccessReview",
            create,
            &[],
        ),
        res(
            "selfsubjectaccessreviews",
            "selfsubjectaccessreview",
            false,
            "SelfSubjectAccessReview",
            create,
            &[],
        ),
        res(
            "selfsubjectrulesreviews",
            "selfsubjectrulesreview",
            false,
            "SelfSubjectRulesReview",
            create,
            &[],
        ),
        res(
            "subjectaccessreviews",
            "subjectaccessreview",
            false,
            "SubjectAccessReview",
            create,
            &[],
        ),
    ]
}

fn res(
    name: &str,
    singular: &str,
    namespaced: bool,
    kind: &str,
    verbs: &[&str],
    short: &[&str],
) -> Value {
    let mut v = json!({"name": name, "singularName": singular, "namespaced": namespaced, "kind": kind, "verbs": verbs});
    if let (false, Some(map)) = (short.is_empty(), v.as_object_mut()) {
        map.insert("shortNames".into(), json!(short));
    }
    v
}

/// `GET /api/v1`; `pods/resize` is listed from 1.32.
pub fn core_v1(minor: u32, resize_feature: bool) -> Value {
    const ALL: &[&str] = &[
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ];
    const SUB: &[&str] = &["get", "patch", "update"];
    let mut list = vec![
        res("bindings", "binding", true, "Binding", &["create"], &[]),
        res("configmaps", "configmap", true, "ConfigMap", ALL, &["cm"]),
        res("events", "event", true, "Event", ALL, &["ev"]),
        res(
            "limitranges",
            "limitrange",
            true,
            "LimitRange",
            ALL,
            &["limits"],
        ),
        res(
            "namespaces",
            "namespace",
            false,
            "Namespace",
            &[
                "create", "delete", "get", "list", "patch", "update", "watch",
            ],
            &["ns"],
        ),
        res("namespaces/status", "", false, "Namespace", SUB, &[]),
        res("nodes", "node", false, "Node", ALL, &["no"]),
        res("nodes/status", "", false, "Node", SUB, &[]),
        res("pods", "pod", true, "Pod", ALL, &["po"]),
        res(
            "pods/attach",
            "",
            true,
            "PodAttachOptions",
            &["create", "get"],
            &[],
        ),
        res("pods/binding", "", true, "Binding", &["create"], &[]),
        res("pods/ephemeralcontainers", "", true, "Pod", SUB, &[]),
        foreign(
            res("pods/eviction", "", true, "Eviction", &["create"], &[]),
            "policy",
            "v1",
        ),
        res(
            "pods/exec",
            "",
            true,
            "PodExecOptions",
            &["create", "get"],
            &[],
        ),
        res("pods/log", "", true, "Pod", &["get"], &[]),
        res(
            "pods/portforward",
            "",
            true,
            "PodPortForwardOptions",
            &["create", "get"],
            &[],
        ),
    ];
    if minor >= 32 && resize_feature {
        list.push(res("pods/resize", "", true, "Pod", SUB, &[]));
    }
    list.push(res("pods/status", "", true, "Pod", SUB, &[]));
    list.push(res(
        "resourcequotas",
        "resourcequota",
        true,
        "ResourceQuota",
        ALL,
        &["quota"],
    ));
    list.push(res(
        "resourcequotas/status",
        "",
        true,
        "ResourceQuota",
        SUB,
        &[],
    ));
    list.push(res("secrets", "secret", true, "Secret", ALL, &[]));
    list.push(res(
        "serviceaccounts",
        "serviceaccount",
        true,
        "ServiceAccount",
        ALL,
        &["sa"],
    ));
    list.push(res("services", "service", true, "Service", ALL, &["svc"]));
    if let Some(pods) = list.iter_mut().find(|r| r["name"] == "pods")
        && let Some(map) = pods.as_object_mut()
    {
        map.insert("categories".into(), json!(["all"]));
    }
    json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": list})
}

/// `GET /apis/metrics.k8s.io/v1beta1`.
fn metrics_v1beta1() -> Value {
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "metrics.k8s.io/v1beta1", "resources": [
        res("nodes", "", false, "NodeMetrics", &["get", "list"], &[]),
        res("pods", "", true, "PodMetrics", &["get", "list"], &[]),
    ]})
}

/// Whether an Accept header asks for a meta.k8s.io Table.
pub fn wants_table(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=Table"))
}
