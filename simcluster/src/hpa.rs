//! HorizontalPodAutoscalers (`autoscaling/v2`, preferred, and `autoscaling/v1`), stored in the
//! v2 shape as a real server stores them (round4 README §3, fixtures hpa-*): `minReplicas`
//! defaults to 1, a spec without metrics gets CPU utilisation 80, the stored status is
//! `{"desiredReplicas":0,"currentMetrics":null}` (an explicit null, which is why the object is
//! kept as JSON rather than k8s-openapi's typed struct) and there is no `metadata.generation`.

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::borrow::Cow;

/// A stored HPA: typed metadata, spec and status as JSON in the autoscaling/v2 shape.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HorizontalPodAutoscaler {
    pub api_version: String,
    pub kind: String,
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub spec: Value,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub status: Value,
}

impl kube::Resource for HorizontalPodAutoscaler {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;
    fn kind(_: &()) -> Cow<'_, str> {
        "HorizontalPodAutoscaler".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "autoscaling".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v2".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "horizontalpodautoscalers".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// The status a new HPA is stored with (hpa-03): no controller has looked at it yet.
pub fn initial_status() -> Value {
    json!({"desiredReplicas": 0, "currentMetrics": null})
}

fn cpu_utilization(percent: i64) -> Value {
    json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": percent}}})
}

/// `SetDefaults_HorizontalPodAutoscaler` (v2): minReplicas 1, and CPU 80 % without metrics.
pub fn default_spec(spec: &mut Value) {
    let Some(map) = spec.as_object_mut() else {
        return;
    };
    map.entry("minReplicas").or_insert(json!(1));
    let no_metrics = map
        .get("metrics")
        .is_none_or(|m| m.as_array().is_none_or(Vec::is_empty));
    if no_metrics {
        map.insert("metrics".into(), json!([cpu_utilization(80)]));
    }
}

/// An autoscaling/v1 body converted to the stored v2 shape (`targetCPUUtilizationPercentage`
/// becomes a CPU utilisation metric).
pub fn from_v1(mut v: Value) -> Value {
    v["apiVersion"] = json!("autoscaling/v2");
    if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut)
        && let Some(target) = spec.remove("targetCPUUtilizationPercentage")
    {
        let percent = target.as_i64().unwrap_or(80);
        spec.insert("metrics".into(), json!([cpu_utilization(percent)]));
    }
    v
}

/// The stored (v2) object as autoscaling/v1 shows it (hpa-07): the CPU utilisation target as
/// `targetCPUUtilizationPercentage`, status reduced to the replica counts.
pub fn to_v1(v2: &Value) -> Value {
    let mut out = v2.clone();
    out["apiVersion"] = json!("autoscaling/v1");
    let spec = &v2["spec"];
    let cpu_target = spec["metrics"].as_array().and_then(|ms| {
        ms.iter().find_map(|m| {
            let r = &m["resource"];
            (m["type"] == "Resource" && r["name"] == "cpu" && r["target"]["type"] == "Utilization")
                .then(|| r["target"]["averageUtilization"].clone())
        })
    });
    let mut v1_spec = json!({
        "scaleTargetRef": spec["scaleTargetRef"],
        "minReplicas": spec["minReplicas"],
        "maxReplicas": spec["maxReplicas"],
    });
    if let (Some(t), Some(map)) = (cpu_target, v1_spec.as_object_mut()) {
        map.insert("targetCPUUtilizationPercentage".into(), t);
    }
    out["spec"] = v1_spec;
    let st = &v2["status"];
    let mut v1_status = json!({
        "currentReplicas": st["currentReplicas"].as_i64().unwrap_or(0),
        "desiredReplicas": st["desiredReplicas"].as_i64().unwrap_or(0),
    });
    for key in ["observedGeneration", "lastScaleTime"] {
        if let (Some(x), Some(map)) = (st.get(key), v1_status.as_object_mut()) {
            map.insert(key.into(), x.clone());
        }
    }
    out["status"] = v1_status;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_v1_view() {
        let mut spec = json!({"scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"}, "maxReplicas": 3});
        default_spec(&mut spec);
        assert_eq!(spec["minReplicas"], 1);
        assert_eq!(
            spec["metrics"][0]["resource"]["target"]["averageUtilization"],
            80
        );
        let v2 = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
            "spec": spec, "status": initial_status()});
        let v1 = to_v1(&v2);
        assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], 80);
        assert_eq!(
            v1["status"],
            json!({"currentReplicas": 0, "desiredReplicas": 0})
        );
    }
}
