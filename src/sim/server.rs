//! The HTTP front: authentication, RBAC for the read-only identity, routing of the Kubernetes
//! paths the simulator serves, fault injection and the request log.

use super::api::{ApiServer, Body as WriteBody, Target};
use super::discovery;
use super::faults::{FaultCode, Faults, LoggedRequest, RequestLog};
use super::kubelet;
use super::openapi;
use super::patch::PatchKind;
use super::rules::field::FieldError;
use super::selector::{FieldSelector, LabelSelector};
use super::status::ApiError;
use super::store::{Entry, Kind, Stored};
use super::watch::{self, WatchRequest};
use super::{ADMIN_TOKEN, VIEWER_TOKEN};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use http::{HeaderMap, Method, StatusCode, header};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

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
    /// Interval between watch bookmarks.
    pub bookmark_interval: Duration,
    /// Listening address (for discovery).
    pub addr: SocketAddr,
}

/// The router serving every path.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

fn identify(headers: &HeaderMap) -> Option<&'static str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    match value.strip_prefix("Bearer ")?.trim() {
        ADMIN_TOKEN => Some("admin"),
        VIEWER_TOKEN => Some("viewer"),
        _ => None,
    }
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

async fn handle(State(s): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().to_string();
    let uri = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.to_string());
    let identity = identify(req.headers());
    let resp = dispatch(&s, req, identity).await;
    s.log.push(LoggedRequest {
        method,
        uri,
        identity: identity.unwrap_or("anonymous").to_string(),
        status: resp.status().as_u16(),
    });
    resp
}

pub(super) type Query = HashMap<String, String>;

pub(super) fn parse_query(req: &Request) -> Query {
    axum::extract::Query::<Query>::try_from_uri(req.uri())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// What a parsed path addresses.
enum Route<'a> {
    Version,
    OpenApiV2,
    OpenApiV3,
    OpenApiV3Core,
    Api,
    Apis,
    CoreV1,
    MetricsDiscovery,
    PodMetrics {
        ns: Option<&'a str>,
        name: Option<&'a str>,
    },
    Namespaces {
        name: Option<&'a str>,
    },
    Nodes {
        name: Option<&'a str>,
    },
    Pods {
        ns: Option<&'a str>,
    },
    Pod {
        ns: &'a str,
        name: &'a str,
        target: Target,
    },
}

fn route(path: &str) -> Option<Route<'_>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match segs.as_slice() {
        ["version"] => Route::Version,
        ["openapi", "v2"] => Route::OpenApiV2,
        ["openapi", "v3"] => Route::OpenApiV3,
        ["openapi", "v3", "api", "v1"] => Route::OpenApiV3Core,
        ["api"] => Route::Api,
        ["apis"] => Route::Apis,
        ["api", "v1"] => Route::CoreV1,
        ["apis", "metrics.k8s.io", "v1beta1"] => Route::MetricsDiscovery,
        ["apis", "metrics.k8s.io", "v1beta1", "pods"] => Route::PodMetrics {
            ns: None,
            name: None,
        },
        [
            "apis",
            "metrics.k8s.io",
            "v1beta1",
            "namespaces",
            ns,
            "pods",
        ] => Route::PodMetrics {
            ns: Some(ns),
            name: None,
        },
        [
            "apis",
            "metrics.k8s.io",
            "v1beta1",
            "namespaces",
            ns,
            "pods",
            name,
        ] => Route::PodMetrics {
            ns: Some(ns),
            name: Some(name),
        },
        ["api", "v1", "namespaces"] => Route::Namespaces { name: None },
        ["api", "v1", "namespaces", name] => Route::Namespaces { name: Some(name) },
        ["api", "v1", "nodes"] => Route::Nodes { name: None },
        ["api", "v1", "nodes", name] => Route::Nodes { name: Some(name) },
        ["api", "v1", "pods"] => Route::Pods { ns: None },
        ["api", "v1", "namespaces", ns, "pods"] => Route::Pods { ns: Some(ns) },
        ["api", "v1", "namespaces", ns, "pods", name] => Route::Pod {
            ns,
            name,
            target: Target::Pod,
        },
        ["api", "v1", "namespaces", ns, "pods", name, "resize"] => Route::Pod {
            ns,
            name,
            target: Target::Resize,
        },
        ["api", "v1", "namespaces", ns, "pods", name, "status"] => Route::Pod {
            ns,
            name,
            target: Target::Status,
        },
        _ => return None,
    })
}

fn verb_of(method: &Method, named: bool) -> &'static str {
    match *method {
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if named => "delete",
        Method::DELETE => "deletecollection",
        _ => "get",
    }
}

/// The 403 a read-only identity gets for any write.
fn rbac_denial(user: &str, method: &Method, route: &Route<'_>) -> ApiError {
    let (resource, name, ns): (String, Option<&str>, Option<&str>) = match route {
        Route::Pod { ns, name, target } => {
            let r = match target {
                Target::Pod => "pods",
                Target::Resize => "pods/resize",
                Target::Status => "pods/status",
            };
            (r.to_string(), Some(name), Some(ns))
        }
        Route::Pods { ns } => ("pods".into(), None, *ns),
        Route::Nodes { name } => ("nodes".into(), *name, None),
        Route::Namespaces { name } => ("namespaces".into(), *name, None),
        _ => ("".into(), None, None),
    };
    ApiError::rbac(user, verb_of(method, name.is_some()), &resource, name, ns)
}

async fn dispatch(s: &Arc<Shared>, req: Request, identity: Option<&'static str>) -> Response {
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
    let Some(user) = identity else {
        return error_response(&ApiError::unauthorized());
    };
    let Some(rt) = route(&path) else {
        return error_response(&ApiError::no_route());
    };
    let method = req.method().clone();
    if user == "viewer" && method != Method::GET {
        return error_response(&rbac_denial(user, &method, &rt));
    }
    let query = parse_query(&req);
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = match axum::body::to_bytes(req.into_body(), 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => return error_response(&ApiError::bad_request(format!("reading body: {e}"))),
    };
    let result = serve(s, &method, rt, &query, &accept, &content_type, &body).await;
    result.unwrap_or_else(|e| error_response(&e))
}

fn openapi_version(s: &Shared) -> String {
    format!("v1.{}.0", s.api.minor)
}

fn is_watch(q: &Query) -> bool {
    q.get("watch").is_some_and(|v| v == "1" || v == "true")
}

async fn serve(
    s: &Arc<Shared>,
    method: &Method,
    rt: Route<'_>,
    q: &Query,
    accept: &str,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let get_only = |m: &Method| {
        if *m == Method::GET {
            Ok(())
        } else {
            Err(ApiError::method_not_allowed(m.as_str()))
        }
    };
    match rt {
        Route::Version => get_only(method).map(|_| ok_value(&discovery::version(s.api.minor))),
        Route::OpenApiV2 => {
            get_only(method)?;
            // kubectl asks for protobuf first; JSON is what the simulator speaks.
            if accept.contains("protobuf") && !accept.contains("json") {
                return Err(ApiError::not_acceptable());
            }
            Ok(ok_value(&openapi::v2(&openapi_version(s))))
        }
        Route::OpenApiV3 => get_only(method).map(|_| ok_value(&openapi::v3_index())),
        Route::OpenApiV3Core => {
            get_only(method).map(|_| ok_value(&openapi::v3_core(&openapi_version(s))))
        }
        Route::Api => {
            get_only(method).map(|_| ok_value(&discovery::api_versions(&s.addr.to_string())))
        }
        Route::Apis => get_only(method).map(|_| ok_value(&discovery::api_groups(s.metrics))),
        Route::CoreV1 => get_only(method).map(|_| ok_value(&discovery::core_v1(s.api.minor))),
        Route::MetricsDiscovery if s.metrics => {
            get_only(method).map(|_| ok_value(&discovery::metrics_v1beta1()))
        }
        Route::PodMetrics { ns, name } if s.metrics => {
            get_only(method)?;
            pod_metrics(s, ns, name)
        }
        Route::MetricsDiscovery | Route::PodMetrics { .. } => Err(ApiError::no_route()),
        Route::Namespaces { name: Some(n) } => {
            get_only(method)?;
            get_one::<Namespace>(s, "", n, "namespaces")
        }
        Route::Namespaces { name: None } => collection::<Namespace>(s, method, None, q, accept),
        Route::Nodes { name: Some(n) } => {
            get_only(method)?;
            get_one::<Node>(s, "", n, "nodes")
        }
        Route::Nodes { name: None } => collection::<Node>(s, method, None, q, accept),
        Route::Pods { ns } if *method == Method::POST => {
            let ns = ns.ok_or_else(|| ApiError::method_not_allowed("POST"))?;
            if s.api.store.get::<Namespace>("", ns).is_none() {
                return Err(ApiError::not_found("namespaces", ns));
            }
            let entry = s.api.create_pod_json(ns, body, dry_run(q))?;
            Ok(json_response(StatusCode::CREATED, entry.json))
        }
        Route::Pods { ns } => collection::<Pod>(s, method, ns, q, accept),
        Route::Pod { ns, name, target } => {
            pod_item(s, method, ns, name, target, q, accept, content_type, body)
        }
    }
}

fn dry_run(q: &Query) -> bool {
    q.get("dryRun").is_some_and(|v| v == "All")
}

fn get_one<T: Stored>(
    s: &Shared,
    ns: &str,
    name: &str,
    resource: &str,
) -> Result<Response, ApiError> {
    let entry = s
        .api
        .store
        .get::<T>(ns, name)
        .ok_or_else(|| ApiError::not_found(resource, name))?;
    Ok(json_response(StatusCode::OK, entry.json))
}

#[allow(clippy::too_many_arguments)]
fn pod_item(
    s: &Shared,
    method: &Method,
    ns: &str,
    name: &str,
    target: Target,
    q: &Query,
    accept: &str,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    if target == Target::Resize && s.api.minor < 32 {
        return Err(ApiError::no_route());
    }
    let manager = q.get("fieldManager").map_or("unknown", String::as_str);
    let entry = match *method {
        Method::GET => {
            let entry = s
                .api
                .store
                .get::<Pod>(ns, name)
                .ok_or_else(|| ApiError::not_found("pods", name))?;
            if discovery::wants_table(accept) {
                return Ok(table(&[entry], s.api.store.rv(), None, 0));
            }
            entry
        }
        Method::DELETE if target == Target::Pod => s.api.delete_pod(ns, name)?,
        Method::PATCH => {
            let kind = PatchKind::from_content_type(content_type).ok_or_else(|| ApiError {
                code: 415,
                body: json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
                    "reason": "UnsupportedMediaType", "code": 415}),
            })?;
            s.api.write_pod(
                ns,
                name,
                target,
                WriteBody::Patch(kind, body),
                dry_run(q),
                manager,
            )?
        }
        Method::PUT => {
            s.api
                .write_pod(ns, name, target, WriteBody::Put(body), dry_run(q), manager)?
        }
        _ => return Err(ApiError::method_not_allowed(method.as_str())),
    };
    Ok(json_response(StatusCode::OK, entry.json))
}

fn decode_continue(token: &str) -> Result<(u64, (String, String)), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let (rv, hex) = token.split_once('-').ok_or_else(bad)?;
    let rv: u64 = rv.parse().map_err(|_| bad())?;
    let bytes: Result<Vec<u8>, _> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect();
    let text = String::from_utf8(bytes.map_err(|_| bad())?).map_err(|_| bad())?;
    let (ns, name) = text.split_once('\u{0}').ok_or_else(bad)?;
    Ok((rv, (ns.to_string(), name.to_string())))
}

fn encode_continue(rv: u64, key: &(String, String)) -> String {
    let raw = format!("{}\u{0}{}", key.0, key.1);
    let hex: String = raw.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{rv}-{hex}")
}

fn list_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Pod => "PodList",
        Kind::Node => "NodeList",
        Kind::Namespace => "NamespaceList",
    }
}

fn collection<T: Stored>(
    s: &Arc<Shared>,
    method: &Method,
    ns: Option<&str>,
    q: &Query,
    accept: &str,
) -> Result<Response, ApiError> {
    if *method != Method::GET {
        return Err(ApiError::method_not_allowed(method.as_str()));
    }
    let labels = LabelSelector::parse(q.get("labelSelector").map_or("", String::as_str))
        .map_err(ApiError::bad_request)?;
    let fields = FieldSelector::parse(q.get("fieldSelector").map_or("", String::as_str))
        .map_err(ApiError::bad_request)?;
    if is_watch(q) {
        let initial_events = q.get("sendInitialEvents").is_some_and(|v| v == "true");
        // The WatchList gate is alpha (off) up to 1.31, on in 1.32, shipped off in 1.33, on again from 1.34.
        if initial_events && (s.api.minor <= 31 || s.api.minor == 33) {
            return Err(ApiError::invalid(
                "ListOptions.meta.k8s.io",
                "",
                &[FieldError::forbidden(
                    "sendInitialEvents",
                    "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled",
                )],
            ));
        }
        let rv =
            match q.get("resourceVersion").map(String::as_str) {
                None | Some("") => None,
                Some(text) => Some(text.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(format!("invalid resource version: {text}"))
                })?),
            };
        let req = WatchRequest {
            kind: T::KIND,
            namespace: ns.map(str::to_string),
            labels,
            fields,
            rv,
            bookmarks: q
                .get("allowWatchBookmarks")
                .is_some_and(|v| v == "true" || v == "1"),
            initial_events,
            timeout: q
                .get("timeoutSeconds")
                .and_then(|t| t.parse::<u64>().ok())
                .map(Duration::from_secs),
            bookmark_interval: s.bookmark_interval,
            force_expired: s.faults.take_expire(),
        };
        let rx = watch::start::<T>(s.api.store.clone(), s.faults.clone(), req);
        let stream = tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok::<Bytes, Infallible>);
        return Ok(Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CACHE_CONTROL, "no-cache, private")
            .body(Body::from_stream(stream))
            .unwrap_or_default());
    }
    let limit = q.get("limit").and_then(|l| l.parse::<usize>().ok());
    let cont = q
        .get("continue")
        .filter(|c| !c.is_empty())
        .map(|c| decode_continue(c))
        .transpose()?;
    let keep = |obj: &T| -> bool {
        let m = obj.meta();
        let (o_ns, o_name) = (
            m.namespace.as_deref().unwrap_or(""),
            m.name.as_deref().unwrap_or(""),
        );
        match obj.pod_ref() {
            Some(p) => labels.matches(p.metadata.labels.as_ref()) && fields.matches_pod(p),
            None => labels.matches(m.labels.as_ref()) && fields.matches_meta(o_ns, o_name),
        }
    };
    let simple = labels.is_empty() && fields == FieldSelector::default();
    let page = if simple {
        s.api
            .store
            .list::<T>(ns, cont.as_ref().map(|c| &c.1), limit, &|_| true)
    } else {
        s.api
            .store
            .list::<T>(ns, cont.as_ref().map(|c| &c.1), limit, &keep)
    };
    let rv = cont.as_ref().map_or(page.rv, |c| c.0);
    let next = page.next.as_ref().map(|k| encode_continue(rv, k));
    if T::KIND == Kind::Pod && discovery::wants_table(accept) {
        return Ok(table(&page.items, rv, next, page.remaining));
    }
    let mut meta = format!("{{\"resourceVersion\":\"{rv}\"");
    if let Some(next) = next {
        meta.push_str(&format!(
            ",\"continue\":\"{next}\",\"remainingItemCount\":{}",
            page.remaining
        ));
    }
    meta.push('}');
    let total: usize = page.items.iter().map(|e| e.json.len() + 1).sum();
    let mut out = BytesMut::with_capacity(total + 128);
    out.extend_from_slice(
        format!(
            "{{\"kind\":\"{}\",\"apiVersion\":\"v1\",\"metadata\":{meta},\"items\":[",
            list_kind(T::KIND)
        )
        .as_bytes(),
    );
    for (i, e) in page.items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",");
        }
        out.extend_from_slice(&e.json);
    }
    out.extend_from_slice(b"]}");
    Ok(json_response(StatusCode::OK, out.freeze()))
}

fn table<T: Stored>(
    items: &[Entry<T>],
    rv: u64,
    next: Option<String>,
    remaining: usize,
) -> Response {
    let rows: Vec<Value> = items
        .iter()
        .filter_map(|e| T::as_pod(&e.obj))
        .map(|p| discovery::pod_row(&p))
        .collect();
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let (Some(next), Some(m)) = (next, meta.as_object_mut()) {
        m.insert("continue".into(), json!(next));
        m.insert("remainingItemCount".into(), json!(remaining));
    }
    ok_value(
        &json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
        "columnDefinitions": discovery::pod_columns(), "rows": rows}),
    )
}

fn pod_metrics(s: &Shared, ns: Option<&str>, name: Option<&str>) -> Result<Response, ApiError> {
    let pods: Vec<Arc<Pod>> = match (ns, name) {
        (Some(ns), Some(name)) => {
            let e = s
                .api
                .store
                .get::<Pod>(ns, name)
                .ok_or_else(|| ApiError::not_found("pods.metrics.k8s.io", name))?;
            return Ok(ok_value(&kubelet::pod_metrics(&e.obj)));
        }
        (ns, _) => s.api.store.all::<Pod>(ns),
    };
    let items: Vec<Value> = pods
        .iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .map(|p| kubelet::pod_metrics(p))
        .collect();
    Ok(ok_value(
        &json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
    ))
}
