//! Which Kubernetes path a request addresses.

use super::api::Target;

/// What a parsed path addresses.
#[allow(missing_docs)]
pub enum Route<'a> {
    Version,
    OpenApiV2,
    OpenApiV3,
    OpenApiV3Core,
    /// `/openapi/v3/apis/GROUP/VERSION`.
    OpenApiV3Group(&'a str, &'a str),
    Api,
    Apis,
    CoreV1,
    /// `/apis/GROUP` discovery (one APIGroup).
    Group(&'a str),
    /// `/apis/GROUP/VERSION` discovery, as `GROUP/VERSION`.
    GroupVersion(&'a str),
    AccessReview,
    RulesReview,
    PodMetrics {
        ns: Option<&'a str>,
        name: Option<&'a str>,
    },
    Namespaces {
        name: Option<&'a str>,
    },
    Nodes {
        name: Option<&'a str>,
    },
    /// `/api/v1/nodes/NAME/proxy/PATH`: the node's kubelet through the apiserver.
    NodeProxy {
        name: &'a str,
        path: String,
    },
    Pods {
        ns: Option<&'a str>,
    },
    PriorityClasses {
        name: Option<&'a str>,
    },
    Pod {
        ns: &'a str,
        name: &'a str,
        target: Target,
    },
    /// apps/v1 ReplicaSets: a collection (`name: None`) or one.
    ReplicaSets {
        ns: Option<&'a str>,
        name: Option<&'a str>,
    },
    /// A round-4 object (`object_routes.rs`).
    Object(super::object_routes::ObjRoute<'a>),
    /// autoscaling.k8s.io/v1 VerticalPodAutoscalers.
    Vpas {
        ns: Option<&'a str>,
        name: Option<&'a str>,
    },
}

pub fn route(path: &str) -> Option<Route<'_>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match segs.as_slice() {
        ["version"] => Route::Version,
        ["openapi", "v2"] => Route::OpenApiV2,
        ["openapi", "v3"] => Route::OpenApiV3,
        ["openapi", "v3", "api", "v1"] => Route::OpenApiV3Core,
        ["openapi", "v3", "apis", g, v] => Route::OpenApiV3Group(g, v),
        ["api"] => Route::Api,
        ["apis"] => Route::Apis,
        ["api", "v1"] => Route::CoreV1,
        [
            "apis",
            "authorization.k8s.io",
            "v1",
            "selfsubjectaccessreviews",
        ] => Route::AccessReview,
        [
            "apis",
            "authorization.k8s.io",
            "v1",
            "selfsubjectrulesreviews",
        ] => Route::RulesReview,
        ["apis", "scheduling.k8s.io", "v1", "priorityclasses"] => {
            Route::PriorityClasses { name: None }
        }
        ["apis", "scheduling.k8s.io", "v1", "priorityclasses", name] => {
            Route::PriorityClasses { name: Some(name) }
        }
        ["apis", "apps", "v1", "replicasets"] => Route::ReplicaSets {
            ns: None,
            name: None,
        },
        ["apis", "apps", "v1", "namespaces", ns, "replicasets"] => Route::ReplicaSets {
            ns: Some(ns),
            name: None,
        },
        ["apis", "apps", "v1", "namespaces", ns, "replicasets", name] => Route::ReplicaSets {
            ns: Some(ns),
            name: Some(name),
        },
        ["apis", "autoscaling.k8s.io", "v1", "verticalpodautoscalers"] => Route::Vpas {
            ns: None,
            name: None,
        },
        [
            "apis",
            "autoscaling.k8s.io",
            "v1",
            "namespaces",
            ns,
            "verticalpodautoscalers",
        ] => Route::Vpas {
            ns: Some(ns),
            name: None,
        },
        [
            "apis",
            "autoscaling.k8s.io",
            "v1",
            "namespaces",
            ns,
            "verticalpodautoscalers",
            name,
        ] => Route::Vpas {
            ns: Some(ns),
            name: Some(name),
        },
        ["apis", group] => Route::Group(group),
        ["apis", _, _] => Route::GroupVersion(path.trim_matches('/').trim_start_matches("apis/")),
        ["apis", "metrics.k8s.io", "v1beta1", "pods"] => Route::PodMetrics {
            ns: None,
            name: None,
        },
        [
            "apis",
            "metrics.k8s.io",
            "v1beta1",
            "namespaces",
            ns,
            "pods",
        ] => Route::PodMetrics {
            ns: Some(ns),
            name: None,
        },
        [
            "apis",
            "metrics.k8s.io",
            "v1beta1",
            "namespaces",
            ns,
            "pods",
            name,
        ] => Route::PodMetrics {
            ns: Some(ns),
            name: Some(name),
        },
        ["api", "v1", "namespaces"] => Route::Namespaces { name: None },
        ["api", "v1", "namespaces", name] => Route::Namespaces { name: Some(name) },
        ["api", "v1", "nodes"] => Route::Nodes { name: None },
        ["api", "v1", "nodes", name] => Route::Nodes { name: Some(name) },
        ["api", "v1", "nodes", name, "proxy", rest @ ..] => Route::NodeProxy {
            name,
            path: rest.join("/"),
        },
        ["api", "v1", "pods"] => Route::Pods { ns: None },
        ["api", "v1", "namespaces", ns, "pods"] => Route::Pods { ns: Some(ns) },
        ["api", "v1", "namespaces", ns, "pods", name] => Route::Pod {
            ns,
            name,
            target: Target::Pod,
        },
        ["api", "v1", "namespaces", ns, "pods", name, "resize"] => Route::Pod {
            ns,
            name,
            target: Target::Resize,
        },
        ["api", "v1", "namespaces", ns, "pods", name, "status"] => Route::Pod {
            ns,
            name,
            target: Target::Status,
        },
        _ => return None,
    })
}
