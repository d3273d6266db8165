//! The HTTP front: the filter chain (faults, authentication, authorization), routing of the
//! Kubernetes paths the simulator serves, and the request log.

use super::api::{ApiServer, make_uid};
use super::auth::{self, User};
use super::discovery;
use super::faults::{FaultCode, Faults, LoggedRequest, RequestLog};
use super::list;
use super::rbac;
use super::routes::{Route, route};
use super::status::ApiError;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use http::{Method, StatusCode, header};
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

mod route_answers;
use route_answers::serve;

/// Everything request handlers share.
pub struct Shared {
    /// Pod write logic and the store.
    pub api: ApiServer,
    /// Injected faults.
    pub faults: Arc<Faults>,
    /// Served requests.
    pub log: Arc<RequestLog>,
    /// Serve metrics.k8s.io.
    pub metrics: bool,
    /// Serve autoscaling.k8s.io (VPA).
    pub vpa: bool,
    /// Interval between watch bookmarks.
    pub bookmark_interval: Duration,
    /// Listening address (for discovery).
    pub addr: SocketAddr,
}

impl Shared {
    /// The optional groups discovery lists.
    pub fn optional(&self) -> discovery::Optional {
        discovery::Optional {
            metrics: self.metrics,
            vpa: self.vpa,
        }
    }
}

/// The router serving every path.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

pub(super) fn json_response(code: StatusCode, body: Bytes) -> Response {
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

pub(super) fn ok_value(v: &Value) -> Response {
    json_response(
        StatusCode::OK,
        Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
    )
}

pub(super) fn error_response(err: &ApiError) -> Response {
    json_response(err.status(), err.bytes())
}

static AUDIT_IDS: AtomicU64 = AtomicU64::new(1);

async fn handle(State(s): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().to_string();
    let uri = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.to_string());
    let user = auth::authenticate(req.headers());
    let identity = match &user {
        Ok(u) => u.name(),
        Err(_) => "unauthenticated",
    };
    let mut resp = dispatch(&s, req, user).await;
    // Every answer of a real apiserver carries these two.
    let n = AUDIT_IDS.fetch_add(1, Ordering::Relaxed);
    let headers = resp.headers_mut();
    if let Ok(id) = http::HeaderValue::from_str(&make_uid(0xA0D1, n)) {
        headers.insert("audit-id", id);
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(http::HeaderValue::from_static("no-cache, private"));
    s.log.push(LoggedRequest {
        method,
        uri,
        identity: identity.to_string(),
        status: resp.status().as_u16(),
    });
    resp
}

/// Query parameters.
pub type Query = HashMap<String, String>;

pub(super) fn parse_query(req: &Request) -> Query {
    axum::extract::Query::<Query>::try_from_uri(req.uri())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// One request as the handlers need it, body read.
pub struct Req {
    /// HTTP method.
    pub method: Method,
    /// Authenticated user.
    pub user: User,
    /// Query parameters.
    pub query: Query,
    /// `Accept`.
    pub accept: String,
    /// `Content-Type`.
    pub content_type: String,
    /// `User-Agent`.
    pub user_agent: String,
    /// The request body.
    pub body: Bytes,
}

impl Req {
    /// The field manager: `fieldManager`, else the User-Agent up to its first `/`, as the
    /// apiserver derives it (`kubectl/v1.32.0 (linux/amd64) ...` → `kubectl`).
    pub fn manager(&self) -> String {
        match self.query.get("fieldManager") {
            Some(m) if !m.is_empty() => m.clone(),
            _ => self
                .user_agent
                .split('/')
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_control())
                .take(128)
                .collect(),
        }
    }

    /// `dryRun=All`.
    pub fn dry_run(&self) -> bool {
        self.query.get("dryRun").is_some_and(|v| v == "All")
    }
}

fn header_text(req: &Request, name: header::HeaderName) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn dispatch(s: &Arc<Shared>, req: Request, user: Result<User, ApiError>) -> Response {
    let arrived = super::pacing::Pacer::start(super::pacing::ListPath::List);
    let path = req.uri().path().to_string();
    if path.starts_with("/_sim/") {
        return super::control::control(s, &req, &path);
    }
    let latency = s.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(code) = s.faults.take_error() {
        return error_response(&match code {
            FaultCode::TooManyRequests => ApiError::too_many_requests(),
            FaultCode::Internal => ApiError::internal("injected fault"),
        });
    }
    // As the apiserver's filter chain: authenticate, authorize, then route.
    let user = match user {
        Ok(u) => u,
        Err(e) => return error_response(&e),
    };
    let query = parse_query(&req);
    let real_resize = req.method() == Method::PATCH
        && path.ends_with("/resize")
        && query.get("dryRun").is_none_or(|v| v != "All");
    if real_resize && s.faults.take_resize_refusal() {
        let name = path.rsplit('/').nth(1).unwrap_or_default();
        return error_response(&ApiError::conflict("pods", name));
    }
    let attrs = auth::attributes(req.method(), &path, list::is_watch(&query));
    if rbac::allowed_by(user, &attrs).is_none() {
        return error_response(&rbac::forbidden(user, &attrs));
    }
    // The round-4 objects (LimitRange, quota, HPA, apps writes, PDB, node status) first.
    let object = super::object_routes::route(&path);
    let Some(rt) = object.map(Route::Object).or_else(|| route(&path)) else {
        return error_response(&ApiError::no_route());
    };
    // A pod list (not a watch stream) is gzipped when asked, and paced by the fault.
    let pod_list =
        matches!(rt, Route::Pods { .. }) && req.method() == Method::GET && !list::is_watch(&query);
    let gzip = pod_list && super::encoding::wants_gzip(&header_text(&req, header::ACCEPT_ENCODING));
    let pace = pod_list.then(|| s.faults.list_pace()).flatten();
    let paged = query.contains_key("limit");
    let realistic = (pod_list && s.faults.realistic())
        .then(|| arrived.with_path(super::pacing::ListPath::of_list(paged, gzip)));
    let accept = header_text(&req, header::ACCEPT);
    let content_type = header_text(&req, header::CONTENT_TYPE);
    let user_agent = header_text(&req, header::USER_AGENT);
    let method = req.method().clone();
    let body = match axum::body::to_bytes(req.into_body(), 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => return error_response(&ApiError::bad_request(format!("reading body: {e}"))),
    };
    let r = Req {
        method,
        user,
        query,
        accept,
        content_type,
        user_agent,
        body,
    };
    let resp = serve(s, rt, &r)
        .await
        .unwrap_or_else(|e| error_response(&e));
    super::encoding::encode(resp, gzip, pace, realistic).await
}
