//! The objects the round-4 facts add (LimitRange, ResourceQuota, HPA, Deployment, ReplicaSet
//! writes, PodDisruptionBudget, node status): how each is named in URLs and errors, whether its
//! registry keeps `metadata.generation`, the status it is created with, and its server-side
//! defaults — each as the round4 fixtures show them.

use super::hpa::{self, HorizontalPodAutoscaler};
use super::patch;
use super::store::Stored;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// A kind served by the generic object handlers (`objects.rs`).
pub trait Served: Stored + DeserializeOwned + kube::Resource<DynamicType = ()> {
    /// Plural resource name (URLs, RBAC, Status details).
    const PLURAL: &'static str;
    /// API group (`""` for core).
    const GROUP: &'static str;
    /// Whether the registry keeps `metadata.generation`, raised by each spec change.
    const GENERATION: bool;
    /// The status a new object is stored with (`None`: the kind has no status).
    fn initial_status() -> Option<Value> {
        None
    }
    /// Server defaulting and canonical quantities, on create and on every write.
    fn default_json(_v: &mut Value) {}
    /// `deployments.apps`, `limitranges`: the resource as messages name it.
    fn qualified() -> String {
        if Self::GROUP.is_empty() {
            Self::PLURAL.to_string()
        } else {
            format!("{}.{}", Self::PLURAL, Self::GROUP)
        }
    }
}

/// Rewrites every quantity of a resource map (`{"cpu": "1.5"}`) into its stored text.
fn canonical_map(map: Option<&mut Value>) {
    if let Some(Value::Object(m)) = map {
        for v in m.values_mut() {
            if let Ok(Some(q)) = super::rules::quantity::Quantity::from_json(v) {
                *v = Value::String(q.to_string());
            }
        }
    }
}

/// An empty map is dropped when stored (quota-03: `used: {}` is not kept).
fn drop_empty(obj: &mut Value, key: &str) {
    if let Some(map) = obj.as_object_mut()
        && map
            .get(key)
            .is_some_and(|v| v.as_object().is_some_and(Map::is_empty) || v.is_null())
    {
        map.remove(key);
    }
}

impl Served for LimitRange {
    const PLURAL: &'static str = "limitranges";
    const GROUP: &'static str = "";
    const GENERATION: bool = false;
    fn default_json(v: &mut Value) {
        if let Some(Value::Array(items)) = v.pointer_mut("/spec/limits") {
            for item in items {
                for key in [
                    "max",
                    "min",
                    "default",
                    "defaultRequest",
                    "maxLimitRequestRatio",
                ] {
                    canonical_map(item.get_mut(key));
                }
            }
        }
    }
}

impl Served for ResourceQuota {
    const PLURAL: &'static str = "resourcequotas";
    const GROUP: &'static str = "";
    const GENERATION: bool = false;
    fn initial_status() -> Option<Value> {
        Some(json!({}))
    }
    fn default_json(v: &mut Value) {
        canonical_map(v.pointer_mut("/spec/hard"));
        if let Some(st) = v.get_mut("status") {
            canonical_map(st.get_mut("hard"));
            canonical_map(st.get_mut("used"));
            drop_empty(st, "hard");
            drop_empty(st, "used");
        }
    }
}

impl Served for HorizontalPodAutoscaler {
    const PLURAL: &'static str = "horizontalpodautoscalers";
    const GROUP: &'static str = "autoscaling";
    const GENERATION: bool = false;
    fn initial_status() -> Option<Value> {
        Some(hpa::initial_status())
    }
    fn default_json(v: &mut Value) {
        if let Some(spec) = v.get_mut("spec") {
            hpa::default_spec(spec);
        }
    }
}

/// `SetDefaults_PodSpec` and the container defaults of a pod template (dep-01, rs-01): what a
/// template gets, which is less than a pod (no tolerations, priority or service links).
fn default_template(v: &mut Value) {
    let Some(spec) = v.pointer_mut("/spec/template/spec") else {
        return;
    };
    if let Some(map) = spec.as_object_mut() {
        map.entry("restartPolicy").or_insert(json!("Always"));
        map.entry("terminationGracePeriodSeconds")
            .or_insert(json!(30));
        map.entry("dnsPolicy").or_insert(json!("ClusterFirst"));
        map.entry("securityContext").or_insert(json!({}));
        map.entry("schedulerName")
            .or_insert(json!("default-scheduler"));
    }
    for list in ["containers", "initContainers"] {
        let Some(Value::Array(cs)) = spec.get_mut(list) else {
            continue;
        };
        for c in cs.iter_mut().filter_map(Value::as_object_mut) {
            c.entry("terminationMessagePath")
                .or_insert(json!("/dev/termination-log"));
            c.entry("terminationMessagePolicy").or_insert(json!("File"));
            let image = c.get("image").and_then(Value::as_str).unwrap_or("");
            let tag = image.rsplit('/').next().unwrap_or("");
            let always = !tag.contains(':') || tag.ends_with(":latest");
            c.entry("imagePullPolicy").or_insert(json!(if always {
                "Always"
            } else {
                "IfNotPresent"
            }));
            // A limit without a request gives the request its value, as on a pod.
            if let Some(res) = c.get_mut("resources").and_then(Value::as_object_mut) {
                let limits = res.get("limits").cloned().unwrap_or(Value::Null);
                if let Some(lim) = limits.as_object() {
                    let req = res.entry("requests").or_insert(json!({}));
                    if let Some(req) = req.as_object_mut() {
                        for (k, q) in lim {
                            req.entry(k.clone()).or_insert(q.clone());
                        }
                    }
                }
            }
        }
    }
    if let Some(template) = v.pointer_mut("/spec/template") {
        let _ = patch::canonicalize_pod(template);
    }
}

fn default_replicas(v: &mut Value) {
    if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
        spec.entry("replicas").or_insert(json!(1));
    }
}

impl Served for Deployment {
    const PLURAL: &'static str = "deployments";
    const GROUP: &'static str = "apps";
    const GENERATION: bool = true;
    fn initial_status() -> Option<Value> {
        Some(json!({}))
    }
    fn default_json(v: &mut Value) {
        default_replicas(v);
        if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
            spec.entry("strategy")
                .or_insert(json!({"type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}));
            spec.entry("revisionHistoryLimit").or_insert(json!(10));
            spec.entry("progressDeadlineSeconds").or_insert(json!(600));
        }
        default_template(v);
    }
}

impl Served for ReplicaSet {
    const PLURAL: &'static str = "replicasets";
    const GROUP: &'static str = "apps";
    const GENERATION: bool = true;
    fn initial_status() -> Option<Value> {
        Some(json!({"replicas": 0}))
    }
    fn default_json(v: &mut Value) {
        default_replicas(v);
        default_template(v);
    }
}

impl Served for PodDisruptionBudget {
    const PLURAL: &'static str = "poddisruptionbudgets";
    const GROUP: &'static str = "policy";
    const GENERATION: bool = true;
    fn initial_status() -> Option<Value> {
        Some(
            json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}),
        )
    }
}

impl Served for Node {
    const PLURAL: &'static str = "nodes";
    const GROUP: &'static str = "";
    const GENERATION: bool = false;
}
