//! Room lent by a make-room shrink: the victim's original values and the pod it made room for,
//! kept on the victim as the annotation `podsize.dev/lent` (JSON, like a boost's plan) so any
//! podsize can give the room back. Pure: parsing, serialising and deciding; sending lives in
//! `cluster::make_room`.

use super::make_room::{Plan, Shrink};
use crate::model::ground::quantity::{Quantity, cpu_canonical, memory_canonical};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::NodeInfo;
use crate::model::pods::row::PodRow;
use crate::model::rules::plan::{Prediction, predict_requests};
use serde::{Deserialize, Serialize};

pub use crate::model::pods::slim::LENT_ANNOTATION as ANNOTATION;
pub const FORMAT_VERSION: u32 = 1;

/// The values one container (or, named `""`, the pod level) had and was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LentValues {
    pub container: String,
    pub original: ResourceSpec,
    pub lent: ResourceSpec,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lent {
    /// The waiting pod: namespace, name, uid, container.
    pub for_namespace: String,
    pub for_pod: String,
    pub for_uid: String,
    pub for_container: String,
    /// The waiting pod's requests once its resize is done: smaller ones mean it gave up the room.
    pub for_needs: CpuMem,
    pub node: String,
    pub values: Vec<LentValues>,
    /// Who sent the shrink, when.
    pub by: String,
    pub at: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Wire {
    version: u32,
    #[serde(rename = "for")]
    for_: WireFor,
    node: String,
    values: Vec<WireValues>,
    by: String,
    at: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireFor {
    namespace: String,
    pod: String,
    uid: String,
    container: String,
    #[serde(default)]
    needs: WireSpec,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireValues {
    /// `""`: the pod-level `spec.resources`.
    container: String,
    original: WireSpec,
    lent: WireSpec,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_limit: Option<String>,
}

fn wire_spec(s: &ResourceSpec) -> WireSpec {
    WireSpec {
        cpu_request: s.requests.cpu_millis.map(cpu_canonical),
        cpu_limit: s.limits.cpu_millis.map(cpu_canonical),
        memory_request: s.requests.memory_bytes.map(memory_canonical),
        memory_limit: s.limits.memory_bytes.map(memory_canonical),
    }
}

fn read(text: &Option<String>, cpu: bool) -> Result<Option<i64>, String> {
    let Some(t) = text else { return Ok(None) };
    let q = Quantity::parse(t).map_err(|e| format!("{t:?}: {e}"))?;
    Ok(Some(if cpu { q.millis() } else { q.units() }))
}

fn spec_of(w: &WireSpec) -> Result<ResourceSpec, String> {
    Ok(ResourceSpec {
        requests: CpuMem {
            cpu_millis: read(&w.cpu_request, true)?,
            memory_bytes: read(&w.memory_request, false)?,
        },
        limits: CpuMem {
            cpu_millis: read(&w.cpu_limit, true)?,
            memory_bytes: read(&w.memory_limit, false)?,
        },
    })
}

impl Lent {
    /// What `shrink` of `plan` lends, sent by `by` at `at`.
    pub fn of(plan: &Plan, shrink: &Shrink, needs: CpuMem, by: &str, at: &str) -> Self {
        let mut values: Vec<LentValues> = shrink
            .containers
            .iter()
            .map(|c| LentValues {
                container: c.container.clone(),
                original: c.before,
                lent: c.after,
            })
            .collect();
        if let Some((before, after)) = shrink.pod_level {
            values.push(LentValues {
                container: String::new(),
                original: before,
                lent: after,
            });
        }
        Self {
            for_namespace: plan.namespace.clone(),
            for_pod: plan.pod.clone(),
            for_uid: plan.uid.clone(),
            for_container: plan.container.clone(),
            for_needs: needs,
            node: plan.node.clone(),
            values,
            by: by.to_string(),
            at: at.to_string(),
        }
    }

    pub fn to_annotation(&self) -> String {
        let wire = Wire {
            version: FORMAT_VERSION,
            for_: WireFor {
                namespace: self.for_namespace.clone(),
                pod: self.for_pod.clone(),
                uid: self.for_uid.clone(),
                container: self.for_container.clone(),
                needs: wire_spec(&ResourceSpec {
                    requests: self.for_needs,
                    limits: CpuMem::default(),
                }),
            },
            node: self.node.clone(),
            values: self
                .values
                .iter()
                .map(|v| WireValues {
                    container: v.container.clone(),
                    original: wire_spec(&v.original),
                    lent: wire_spec(&v.lent),
                })
                .collect(),
            by: self.by.clone(),
            at: self.at.clone(),
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    pub fn from_annotation(text: &str) -> Result<Self, String> {
        let wire: Wire =
            serde_json::from_str(text).map_err(|e| format!("{ANNOTATION} cannot be read: {e}"))?;
        if wire.version != FORMAT_VERSION {
            return Err(format!(
                "{ANNOTATION} has format version {}, this podsize reads {FORMAT_VERSION}",
                wire.version
            ));
        }
        let values = wire
            .values
            .iter()
            .map(|v| {
                Ok(LentValues {
                    container: v.container.clone(),
                    original: spec_of(&v.original)?,
                    lent: spec_of(&v.lent)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self {
            for_namespace: wire.for_.namespace,
            for_pod: wire.for_.pod,
            for_uid: wire.for_.uid,
            for_container: wire.for_.container,
            for_needs: spec_of(&wire.for_.needs)?.requests,
            node: wire.node,
            values,
            by: wire.by,
            at: wire.at,
        })
    }

    /// Whether the waiting pod no longer needs the room: it is gone (or replaced by a new pod
    /// of its name), or it now asks for less than it asked when the room was lent.
    pub fn no_longer_needed(&self, waiting: Option<&PodRow>) -> bool {
        let Some(w) = waiting.filter(|w| w.uid == self.for_uid && !w.deleting) else {
            return true;
        };
        let now = crate::model::decide::node_room::desired_requests(w);
        let less =
            |n: Option<i64>, then: Option<i64>| matches!((n, then), (Some(n), Some(t)) if n < t);
        less(now.cpu_millis, self.for_needs.cpu_millis)
            || less(now.memory_bytes, self.for_needs.memory_bytes)
    }
}

/// What to do with a victim's lent room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GiveBack {
    /// Put these values back (container `""`: the pod level).
    Restore(Vec<LentValues>),
    /// Someone changed the victim since: its values stay, the record goes, with this note.
    Changed(String),
}

fn current_of(victim: &PodRow, container: &str) -> Option<ResourceSpec> {
    if container.is_empty() {
        return victim.pod_resources;
    }
    victim.container(container).map(|c| c.desired)
}

/// Gives back only what still holds the lent values: a victim changed by hand keeps them.
pub fn give_back(lent: &Lent, victim: &PodRow) -> GiveBack {
    for v in &lent.values {
        let label = if v.container.is_empty() {
            "the pod-level resources".to_string()
        } else {
            format!("container {}", v.container)
        };
        match current_of(victim, &v.container) {
            None => return GiveBack::Changed(format!("{label} is gone")),
            Some(now) if now != v.lent => {
                return GiveBack::Changed(format!(
                    "{label} was changed since the room was lent: its values stay as set"
                ));
            }
            Some(_) => {}
        }
    }
    GiveBack::Restore(lent.values.clone())
}

/// How much more the victim asks for once restored: the room the node must have.
pub fn restore_needs(values: &[LentValues]) -> CpuMem {
    values.iter().fold(CpuMem::ZERO, |s, v| {
        let o = v.original.effective_requests();
        let l = v.lent.effective_requests();
        s.plus(CpuMem {
            cpu_millis: Some(o.cpu_millis.unwrap_or(0) - l.cpu_millis.unwrap_or(0)),
            memory_bytes: Some(o.memory_bytes.unwrap_or(0) - l.memory_bytes.unwrap_or(0)),
        })
    })
}

/// `victim` with `values` given back: its desired values as they will be once restored.
fn restored(victim: &PodRow, values: &[LentValues]) -> PodRow {
    let mut row = victim.clone();
    for v in values {
        if v.container.is_empty() {
            row.pod_resources = Some(v.original);
        } else if let Some(c) = row.containers.iter_mut().find(|c| c.name == v.container) {
            c.desired = v.original;
        }
    }
    row
}

/// What the kubelet will do with the resize that gives `values` back to `victim` on `node`,
/// where it holds `others` for the other pods (`node_room::others_of`, `admitted.rs`). The
/// kubelet admits the victim's whole new requests against allocatable less `others`
/// (resize-api.md §4.8), not the growth alone: the victim's lent-down request is part of it.
pub fn give_back_prediction(
    victim: &PodRow,
    values: &[LentValues],
    node: &NodeInfo,
    others: CpuMem,
) -> Prediction {
    let mine = crate::model::decide::node_room::desired_requests(&restored(victim, values));
    predict_requests(mine, node, others)
}

#[cfg(test)]
#[path = "lent_tests.rs"]
mod tests;
