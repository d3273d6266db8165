//! The wire form of a Pod reduced to what a resize table needs.
//!
//! Decoding a full `k8s_openapi` Pod costs ~4× the time and ~14× the memory
//! (design.md §5); serde skips every field not named here without building it,
//! managedFields included.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Resource map as sent by the server: key → quantity text (strings or JSON numbers).
pub type RawResources = BTreeMap<String, RawQuantity>;

/// A quantity as it appears on the wire; numbers are accepted as the server accepts them.
#[derive(Clone, Debug, PartialEq)]
pub struct RawQuantity(pub String);

impl<'de> Deserialize<'de> for RawQuantity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Self(s)),
            serde_json::Value::Number(n) => Ok(Self(n.to_string())),
            serde_json::Value::Null => Ok(Self(String::new())),
            other => Ok(Self(other.to_string())),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimOwner {
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub controller: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimMeta {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub namespace: String,
    #[serde(deserialize_with = "lenient")]
    pub uid: String,
    #[serde(deserialize_with = "lenient")]
    pub resource_version: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub generation: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub creation_timestamp: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub deletion_timestamp: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub owner_references: Vec<SlimOwner>,
    #[serde(deserialize_with = "null_as_default")]
    pub annotations: SlimAnnotations,
}

/// The annotation that marks the mirror pod of a static pod (resize-api.md §4.7).
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// The annotation holding a boost's plan (JSON, see `decide::boost`): read here so the row
/// carries it.
pub const BOOST_ANNOTATION: &str = "podsize.dev/boost";

/// An owner's word on make-room: `never` keeps the pod out of every plan.
pub const MAKE_ROOM_ANNOTATION: &str = "podsize.dev/make-room";

/// The room a make-room shrink lent (JSON, see `decide::lent`): the victim's original values
/// and the pod it made room for, so any podsize can give the room back.
pub const LENT_ANNOTATION: &str = "podsize.dev/lent";

/// Only the annotations podsize acts on; every other key is skipped without being kept.
#[derive(Clone, Debug, Default)]
pub struct SlimAnnotations {
    /// `kubernetes.io/config.mirror` is present: a static pod's mirror, never resizable.
    pub mirror: bool,
    /// The raw text of `podsize.dev/boost` (a timed boost's plan), parsed by `model::boost`.
    pub boost: Option<String>,
    /// `podsize.dev/make-room: never`: the owner asked that make-room never shrink this pod.
    pub make_room_never: bool,
    /// The raw text of `podsize.dev/lent` (room lent to a waiting resize), parsed by
    /// `decide::lent`.
    pub lent: Option<String>,
}

impl<'de> Deserialize<'de> for SlimAnnotations {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = SlimAnnotations;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an annotation map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = SlimAnnotations::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == BOOST_ANNOTATION || key == LENT_ANNOTATION {
                        // A non-string value is kept as its JSON text: parsing reports it.
                        let value = map.next_value::<serde_json::Value>()?;
                        let text = match value {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        };
                        if key == BOOST_ANNOTATION {
                            out.boost = Some(text);
                        } else {
                            out.lent = Some(text);
                        }
                        continue;
                    }
                    if key == MAKE_ROOM_ANNOTATION {
                        let value = map.next_value::<serde_json::Value>()?;
                        out.make_room_never |= value.as_str().map(str::trim) == Some("never");
                        continue;
                    }
                    map.next_value::<serde::de::IgnoredAny>()?;
                    out.mirror |= key == MIRROR_ANNOTATION;
                }
                Ok(out)
            }
            // Anything but a map (a wrong type from an odd server) means no annotations.
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(SlimAnnotations::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(SlimAnnotations::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(SlimAnnotations::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(SlimAnnotations::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(SlimAnnotations::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(SlimAnnotations::default())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(SlimAnnotations::default())
            }
        }
        d.deserialize_any(Keys)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimRequirements {
    pub requests: Option<RawResources>,
    pub limits: Option<RawResources>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimResizePolicy {
    #[serde(deserialize_with = "lenient")]
    pub resource_name: String,
    #[serde(deserialize_with = "lenient")]
    pub restart_policy: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimContainer {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    pub resources: Option<SlimRequirements>,
    pub resize_policy: Option<Vec<SlimResizePolicy>>,
    /// `Always` on an init container marks a sidecar.
    #[serde(deserialize_with = "lenient")]
    pub restart_policy: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimOs {
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimSpec {
    #[serde(deserialize_with = "lenient")]
    pub node_name: Option<String>,
    /// Pod-level `spec.resources` (resize-api.md §1.3).
    pub resources: Option<SlimRequirements>,
    #[serde(deserialize_with = "null_as_default")]
    pub os: SlimOs,
    #[serde(deserialize_with = "lenient")]
    pub priority: Option<i32>,
    #[serde(deserialize_with = "lenient")]
    pub restart_policy: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub containers: Vec<SlimContainer>,
    #[serde(deserialize_with = "null_as_default")]
    pub init_containers: Vec<SlimContainer>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimCondition {
    #[serde(rename = "type")]
    #[serde(deserialize_with = "lenient")]
    pub type_: String,
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub message: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub observed_generation: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub last_transition_time: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimContainerState {
    pub running: Option<serde::de::IgnoredAny>,
    pub waiting: Option<SlimStateReason>,
    pub terminated: Option<SlimStateReason>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimStateReason {
    #[serde(deserialize_with = "lenient")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimContainerStatus {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub restart_count: i32,
    pub state: Option<SlimContainerState>,
    pub last_state: Option<SlimContainerState>,
    pub allocated_resources: Option<RawResources>,
    pub resources: Option<SlimRequirements>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SlimStatus {
    #[serde(deserialize_with = "lenient")]
    pub phase: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub qos_class: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub resize: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub observed_generation: Option<i64>,
    #[serde(deserialize_with = "null_as_default")]
    pub conditions: Vec<SlimCondition>,
    #[serde(deserialize_with = "null_as_default")]
    pub container_statuses: Vec<SlimContainerStatus>,
    #[serde(deserialize_with = "null_as_default")]
    pub init_container_statuses: Vec<SlimContainerStatus>,
    /// Pod-level `status.allocatedResources` (1.35+, resize-api.md §2.6).
    pub allocated_resources: Option<RawResources>,
    /// Pod-level `status.resources` (1.35+, resize-api.md §2.6).
    pub resources: Option<SlimRequirements>,
}

/// A Pod as podsize reads it from the API.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SlimPod {
    #[serde(deserialize_with = "null_as_default")]
    pub metadata: SlimMeta,
    #[serde(deserialize_with = "null_as_default")]
    pub spec: SlimSpec,
    #[serde(deserialize_with = "null_as_default")]
    pub status: SlimStatus,
}

/// Reads a leaf value leniently: a wrong type becomes the default instead of failing the
/// whole pod (one odd field must not stop the table from loading).
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// Treats JSON `null` like a missing field, as the apiserver's Go clients do.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl SlimPod {
    /// Reads a full k8s-openapi Pod through its JSON form, so there is one projection path.
    pub fn from_pod(pod: &k8s_openapi::api::core::v1::Pod) -> Result<Self, serde_json::Error> {
        serde_json::from_value(serde_json::to_value(pod)?)
    }
}
