//! `authorization.k8s.io/v1` self-subject access and rules reviews, answered from the same
//! rule table that authorizes requests (see `rbac`).

use super::auth::{Attributes, User};
use super::proto;
use super::rbac;
use super::rules::field::FieldError;
use super::status::ApiError;
use serde_json::{Value, json};

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// JSON, or the protobuf envelope client-go's typed clients send.
fn parse(body: &[u8], kind: &str) -> Result<Value, ApiError> {
    if body.starts_with(b"k8s\x00") {
        return proto::review_to_json(body).ok_or_else(|| {
            ApiError::bad_request(format!(
                "{kind} in version \"v1\" cannot be handled as a {kind}: malformed protobuf"
            ))
        });
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "{kind} in version \"v1\" cannot be handled as a {kind}: {e}"
        ))
    })
}

/// `POST .../selfsubjectaccessreviews`: the request echoed back with `status.allowed`.
pub fn access_review(user: User, body: &[u8]) -> Result<Value, ApiError> {
    let mut review = parse(body, "SelfSubjectAccessReview")?;
    let spec = review.get("spec").cloned().unwrap_or(Value::Null);
    let attrs = match (
        spec.get("resourceAttributes"),
        spec.get("nonResourceAttributes"),
    ) {
        (Some(r), None) if r.is_object() => Attributes {
            verb: text(r, "verb"),
            resource_request: true,
            group: text(r, "group"),
            resource: text(r, "resource"),
            subresource: text(r, "subresource"),
            namespace: text(r, "namespace"),
            name: text(r, "name"),
            path: String::new(),
        },
        (None, Some(n)) if n.is_object() => Attributes {
            verb: text(n, "verb"),
            path: text(n, "path"),
            ..Attributes::default()
        },
        _ => {
            return Err(ApiError::invalid(
                "SelfSubjectAccessReview.authorization.k8s.io",
                "",
                &[FieldError::invalid(
                    "spec.resourceAttributes",
                    "null",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified",
                )],
            ));
        }
    };
    let status = match rbac::allowed_by(user, &attrs) {
        Some(b) => json!({"allowed": true, "reason": format!(
            "RBAC: allowed by ClusterRoleBinding {:?} of ClusterRole {:?} to {}",
            b.binding, b.role, b.subject
        )}),
        None => json!({"allowed": false}),
    };
    finish(&mut review, "SelfSubjectAccessReview", status);
    Ok(review)
}

/// `POST .../selfsubjectrulesreviews`: every rule of the identity.
pub fn rules_review(user: User, body: &[u8]) -> Result<Value, ApiError> {
    let mut review = parse(body, "SelfSubjectRulesReview")?;
    let rules = rbac::bindings(user).iter().flat_map(|b| b.rules.iter());
    let (resource, other): (Vec<_>, Vec<_>) = rules.partition(|r| !r.resources.is_empty());
    let status = json!({
        "resourceRules": resource.iter().map(|r| r.to_json()).collect::<Vec<_>>(),
        "nonResourceRules": other.iter().map(|r| r.to_json()).collect::<Vec<_>>(),
        "incomplete": false,
    });
    finish(&mut review, "SelfSubjectRulesReview", status);
    Ok(review)
}

fn finish(review: &mut Value, kind: &str, status: Value) {
    if !review.is_object() {
        *review = json!({});
    }
    if let Some(map) = review.as_object_mut() {
        map.insert("kind".into(), json!(kind));
        map.insert("apiVersion".into(), json!("authorization.k8s.io/v1"));
        map.insert("metadata".into(), json!({"creationTimestamp": null}));
        map.entry("spec").or_insert_with(|| json!({}));
        map.insert("status".into(), status);
    }
}
