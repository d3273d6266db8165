//! The pods layer: pods as podsize keeps them (the slim wire form, the projected rows) and the
//! state derived from them — resize state, pod-level status, QoS class, what the scheduler
//! counts, resize tracking — plus the plain data the cluster side sends with them (events,
//! usage figures, VPA objects). Imports only `ground`.

pub mod admitted;
pub mod cluster_policy;
pub mod counted;
mod derive;
pub mod events;
pub mod pod_level;
mod projection;
pub mod qos;
pub mod resize_state;
pub mod room_pods;
pub mod row;
pub mod slim;
pub mod tracking;
pub mod usage;
pub mod usage_reading;
pub mod vpa_object;
