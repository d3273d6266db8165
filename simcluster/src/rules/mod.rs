//! The simulated apiserver's own rules: quantities, QoS and resize validation written from the
//! upstream rules and the real-server observations, independent of podsize's `model` (the code
//! under test), so tests that use the simulator check podsize against an independent oracle.

pub mod admission;
pub mod create;
pub mod field;
pub mod qos;
pub mod quantity;
pub mod resize;
pub mod spec;
pub mod view;

use field::FieldError;
use quantity::{Quantity, QuantityError};
use view::{PodView, Resources};

/// What the server answers to a request that gives a pod new container resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Stored (200).
    Accepted,
    /// A quantity did not decode (422 on the `patch` field); the offending text.
    Malformed(QuantityError, String),
    /// Refused by validation (422), causes in the server's order.
    Refused(Vec<FieldError>),
}

fn store(r: &mut Resources) -> Result<(), (QuantityError, String)> {
    for map in [&mut r.requests, &mut r.limits] {
        for text in map.values_mut() {
            let q = Quantity::parse(text.trim()).map_err(|e| (e, text.clone()))?;
            *text = q.to_string();
        }
    }
    Ok(())
}

/// Decodes and stores the sent quantities (as the server would write them back).
pub fn decode(pod: &mut PodView) -> Result<(), (QuantityError, String)> {
    for c in pod
        .containers
        .iter_mut()
        .chain(pod.init_containers.iter_mut())
    {
        store(&mut c.resources)?;
    }
    match pod.pod_resources.as_mut() {
        Some(r) => store(r),
        None => Ok(()),
    }
}

/// The whole server path for a resize on `1.minor`: decode, default, validate. Before 1.32 this
/// is a pod update and only the QoS rule applies; from 1.32 it is `pods/resize`.
pub fn check(minor: u32, old: &PodView, sent: &PodView) -> Verdict {
    let mut new = sent.clone();
    if let Err((e, text)) = decode(&mut new) {
        return Verdict::Malformed(e, text);
    }
    spec::default_pod(&mut new);
    // The sim refuses such an update alone, with a diff after this text (§4.1).
    if minor < 32 && resize::update_changes_more(old, &new) {
        return Verdict::Refused(vec![FieldError::forbidden(
            "spec",
            resize::FORBIDDEN_UPDATE,
        )]);
    }
    let errors = if minor >= 32 {
        resize::validate_resize(minor, old, &new)
    } else {
        resize::validate_update(old, &new)
    };
    if errors.is_empty() {
        Verdict::Accepted
    } else {
        Verdict::Refused(errors)
    }
}
