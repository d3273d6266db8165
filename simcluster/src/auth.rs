//! Authentication (bearer tokens) and the request attributes RBAC decides on, parsed from the
//! path the way the apiserver's RequestInfo does.

use super::status::ApiError;
use super::{ADMIN_TOKEN, VIEWER_TOKEN};
use http::{HeaderMap, Method, header};

/// Who a request comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum User {
    /// Bound to `cluster-admin`.
    Admin,
    /// Bound to the built-in `view` role.
    Viewer,
    /// No credentials at all.
    Anonymous,
}

impl User {
    /// The user name RBAC messages quote.
    pub fn name(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Viewer => "viewer",
            Self::Anonymous => "system:anonymous",
        }
    }
}

/// No Authorization header is `system:anonymous` (anonymous auth is on by default); any
/// credential that is not a known token is 401, as a real server answers.
pub fn authenticate(headers: &HeaderMap) -> Result<User, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(User::Anonymous);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match token {
        Some(ADMIN_TOKEN) => Ok(User::Admin),
        Some(VIEWER_TOKEN) => Ok(User::Viewer),
        _ => Err(ApiError::unauthorized()),
    }
}

/// What a request asks to do, in RBAC's terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    /// `get`, `list`, `watch`, `create`, `patch`, ...
    pub verb: String,
    /// False for discovery and other non-resource paths.
    pub resource_request: bool,
    /// API group (`""` for core).
    pub group: String,
    /// Resource, e.g. `pods`.
    pub resource: String,
    /// Subresource, e.g. `resize`.
    pub subresource: String,
    /// Namespace (empty at the cluster scope).
    pub namespace: String,
    /// Object name (empty for collections).
    pub name: String,
    /// The URL path (what non-resource rules match).
    pub path: String,
}

impl Attributes {
    /// `pods` or `pods/resize`.
    pub fn full_resource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }
}

/// Parses a request like the apiserver: `/api/v1/...` and `/apis/GROUP/VERSION/...` with at
/// least a resource are resource requests; everything else (discovery, /version) is a path.
pub fn attributes(method: &Method, path: &str, watch: bool) -> Attributes {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let mut attrs = Attributes {
        path: path.to_string(),
        verb: method.as_str().to_ascii_lowercase(),
        ..Attributes::default()
    };
    let rest = match parts.as_slice() {
        ["api", _version, rest @ ..] if !rest.is_empty() => rest,
        ["apis", group, _version, rest @ ..] if !rest.is_empty() => {
            attrs.group = (*group).to_string();
            rest
        }
        _ => return attrs,
    };
    attrs.resource_request = true;
    let mut rest = rest.to_vec();
    if rest.first() == Some(&"namespaces") && rest.len() > 1 {
        attrs.namespace = rest[1].to_string();
        if rest.len() > 2 {
            rest.drain(..2);
        }
    }
    attrs.resource = rest.first().map_or("", |s| *s).to_string();
    attrs.name = rest.get(1).map_or("", |s| *s).to_string();
    attrs.subresource = rest.get(2).map_or("", |s| *s).to_string();
    let named = !attrs.name.is_empty();
    attrs.verb = match *method {
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if named => "delete",
        Method::DELETE => "deletecollection",
        _ if watch => "watch",
        _ if named => "get",
        _ => "list",
    }
    .to_string();
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_request_info() {
        let a = attributes(
            &Method::GET,
            "/api/v1/namespaces/default/pods/p/resize",
            false,
        );
        assert_eq!(
            (a.verb.as_str(), a.full_resource(), a.namespace.as_str()),
            ("get", "pods/resize".to_string(), "default")
        );
        let a = attributes(&Method::GET, "/api/v1/pods", true);
        assert_eq!((a.verb.as_str(), a.resource.as_str()), ("watch", "pods"));
        let a = attributes(&Method::GET, "/api/v1/namespaces/kube-system", false);
        assert_eq!(
            (a.resource.as_str(), a.name.as_str(), a.namespace.as_str()),
            ("namespaces", "kube-system", "kube-system")
        );
        assert!(!attributes(&Method::GET, "/apis/apps/v1", false).resource_request);
        assert!(!attributes(&Method::GET, "/version", false).resource_request);
    }
}
