//! `Status` error bodies shaped like the real apiserver's (fixtures/real-1.35/errors).

use super::rules::field::{FieldError, invalid_message};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

/// A refused request: HTTP code plus the `Status` object to send.
#[derive(Clone, Debug)]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// The full `Status` JSON.
    pub body: Value,
}

impl ApiError {
    fn new(code: u16, reason: &str, message: String, details: Option<Value>) -> Self {
        let mut body = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason,
        });
        if let (Some(d), Some(map)) = (details, body.as_object_mut()) {
            map.insert("details".into(), d);
        }
        if let Some(map) = body.as_object_mut() {
            map.insert("code".into(), json!(code));
        }
        Self { code, body }
    }

    /// 404 `pods "NAME" not found`.
    pub fn not_found(resource: &str, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{resource} {name:?} not found"),
            Some(json!({"name": name, "kind": resource})),
        )
    }

    /// 404 for an object of a named API group: `deployments.apps "NAME" not found`.
    pub fn not_found_in(group: &str, resource: &str, name: &str) -> Self {
        if group.is_empty() {
            return Self::not_found(resource, name);
        }
        Self::new(
            404,
            "NotFound",
            format!("{resource}.{group} {name:?} not found"),
            Some(json!({"name": name, "group": group, "kind": resource})),
        )
    }

    /// 403 from an admission plugin as `admission.NewForbidden` words it: the plural resource
    /// and the name in `details`, no causes (round4 README: every admission refusal).
    pub fn admission_forbidden(resource: &str, name: &str, detail: &str) -> Self {
        Self::new(
            403,
            "Forbidden",
            format!("{resource} {name:?} is forbidden: {detail}"),
            Some(json!({"name": name, "kind": resource})),
        )
    }

    /// 404 for a path the server does not serve.
    pub fn no_route() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource".into(),
            Some(json!({})),
        )
    }

    /// 405 for a verb the path does not support.
    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            format!("the server does not allow this method on the requested resource: {method}"),
            Some(json!({})),
        )
    }

    /// 406 for a representation the simulator cannot produce (protobuf).
    pub fn not_acceptable() -> Self {
        Self::new(
            406,
            "NotAcceptable",
            "only the following media types are accepted: application/json".into(),
            Some(json!({})),
        )
    }

    /// 409 Conflict for a stale resourceVersion.
    pub fn conflict(resource: &str, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {resource} {name:?}: the object has been modified; please apply your changes to the latest version and try again"
            ),
            Some(json!({"name": name, "kind": resource})),
        )
    }

    /// 409 AlreadyExists on create.
    pub fn already_exists(resource: &str, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{resource} {name:?} already exists"),
            Some(json!({"name": name, "kind": resource})),
        )
    }

    /// 422 Invalid with one cause per field error.
    pub fn invalid(kind: &str, name: &str, errors: &[FieldError]) -> Self {
        let causes: Vec<Value> = errors
            .iter()
            .map(|e| json!({"reason": e.reason(), "message": e.message(), "field": e.field}))
            .collect();
        Self::new(
            422,
            "Invalid",
            invalid_message(kind, name, errors),
            Some(json!({"name": name, "kind": kind, "causes": causes})),
        )
    }

    /// 422 for a patch whose quantities do not parse (message has no object name, cause field `patch`).
    pub fn invalid_patch(error: &FieldError) -> Self {
        Self::new(
            422,
            "Invalid",
            format!(" \"\" is invalid: {error}"),
            Some(
                json!({"causes": [{"reason": error.reason(), "message": error.message(), "field": error.field}]}),
            ),
        )
    }

    /// 422 for a JSON patch that cannot be applied (failed `test`, missing path).
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message.into(), None)
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message.into(), None)
    }

    /// 415 for a PATCH whose Content-Type is no patch type, worded as the real server's.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            "415: Unsupported Media Type".into(),
            Some(json!({})),
        )
    }

    /// 401 Unauthorized.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized".into(), None)
    }

    /// 403 from authorization, worded as `NewForbidden`: `pods "NAME" is forbidden: REASON`,
    /// `pods is forbidden: ...` for collections, `forbidden: ...` for non-resource paths.
    pub fn forbidden(group: &str, resource: &str, name: Option<&str>, reason: String) -> Self {
        let qualified = if group.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}.{group}")
        };
        let message = match (qualified.is_empty(), name) {
            (true, _) => format!("forbidden: {reason}"),
            (false, None) => format!("{qualified} is forbidden: {reason}"),
            (false, Some(n)) => format!("{qualified} {n:?} is forbidden: {reason}"),
        };
        let mut details = serde_json::Map::new();
        if let Some(n) = name {
            details.insert("name".into(), json!(n));
        }
        if !group.is_empty() {
            details.insert("group".into(), json!(group));
        }
        if !resource.is_empty() {
            details.insert("kind".into(), json!(resource));
        }
        Self::new(403, "Forbidden", message, Some(Value::Object(details)))
    }

    /// 403 from an admission plugin, with one cause of type `cause`.
    pub fn admission(resource: &str, name: &str, detail: &str, cause: &str) -> Self {
        Self::new(
            403,
            "Forbidden",
            format!("{resource} {name:?} is forbidden: {detail}"),
            Some(
                json!({"name": name, "kind": resource, "causes": [{"reason": cause, "message": detail}]}),
            ),
        )
    }

    /// 410 Expired for a too-old resourceVersion.
    pub fn expired(requested: u64, oldest: u64) -> Self {
        Self::new(
            410,
            "Expired",
            format!("too old resource version: {requested} ({oldest})"),
            None,
        )
    }

    /// 429 TooManyRequests (fault injection).
    pub fn too_many_requests() -> Self {
        Self::new(
            429,
            "TooManyRequests",
            "Too many requests, please try again later.".into(),
            Some(json!({"retryAfterSeconds": 1})),
        )
    }

    /// 500 InternalError (fault injection).
    pub fn internal(message: &str) -> Self {
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {message}"),
            Some(json!({"causes": [{"message": message}]})),
        )
    }

    /// The HTTP status code.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The serialized body.
    pub fn bytes(&self) -> Bytes {
        Bytes::from(serde_json::to_vec(&self.body).unwrap_or_default())
    }
}
