//! Collection reads: lists with paging (`limit`/`continue`), selectors, server-side Tables and
//! the hand-off to watch streams.

use super::continue_token;
use super::discovery;
use super::rules::field::FieldError;
use super::selector::{FieldSelector, LabelSelector};
use super::server::{Query, Shared, json_response, ok_value};
use super::status::ApiError;
use super::store::{Entry, Kind, Stored};
use super::tables;
use super::watch::{self, WatchRequest};
use axum::body::Body;
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use http::{Method, StatusCode, header};
use k8s_openapi::api::core::v1::Node;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// `watch=1` or `watch=true`.
pub fn is_watch(q: &Query) -> bool {
    q.get("watch").is_some_and(|v| v == "1" || v == "true")
}

fn list_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Pod => "PodList",
        Kind::Node => "NodeList",
        Kind::Namespace => "NamespaceList",
        Kind::ReplicaSet => "ReplicaSetList",
        Kind::Vpa => "VerticalPodAutoscalerList",
        Kind::LimitRange => "LimitRangeList",
        Kind::ResourceQuota => "ResourceQuotaList",
        Kind::Hpa => "HorizontalPodAutoscalerList",
        Kind::Deployment => "DeploymentList",
        Kind::Pdb => "PodDisruptionBudgetList",
    }
}

/// GET on a collection: a list page, a Table, or a watch stream.
pub fn collection<T: Stored>(
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
    if limit.is_none() && T::KIND == Kind::Pod && s.faults.refuses_unpaged_lists() {
        return Err(ApiError::internal("unpaged list refused (injected)"));
    }
    let cont = q
        .get("continue")
        .filter(|c| !c.is_empty())
        .map(|c| continue_token::decode(c))
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
    let next = page.next.as_ref().map(|k| continue_token::encode(rv, k));
    // The server can count what is left only without selectors; with one it omits the count.
    let remaining = simple.then_some(page.remaining);
    if T::KIND != Kind::Namespace && discovery::wants_table(accept) {
        return Ok(table(&page.items, rv, next, remaining));
    }
    let mut meta = format!("{{\"resourceVersion\":\"{rv}\"");
    if let Some(next) = next {
        meta.push_str(&format!(",\"continue\":\"{next}\""));
        if let Some(n) = remaining {
            meta.push_str(&format!(",\"remainingItemCount\":{n}"));
        }
    }
    meta.push('}');
    let total: usize = page.items.iter().map(|e| e.json.len() + 1).sum();
    let mut out = BytesMut::with_capacity(total + 128);
    out.extend_from_slice(
        format!(
            "{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":{meta},\"items\":[",
            list_kind(T::KIND),
            watch::api_version(T::KIND)
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
    let mut resp = json_response(StatusCode::OK, out.freeze());
    // For realistic mode's per-object server time (pacing.rs).
    resp.extensions_mut()
        .insert(super::pacing::ObjectCount(page.items.len()));
    Ok(resp)
}

/// A meta.k8s.io Table of pods or nodes (other kinds have no Table here).
pub fn table<T: Stored>(
    items: &[Entry<T>],
    rv: u64,
    next: Option<String>,
    remaining: Option<usize>,
) -> Response {
    let (columns, rows): (Value, Vec<Value>) = match T::KIND {
        Kind::Pod => (
            tables::pod_columns(),
            items
                .iter()
                .filter_map(|e| T::as_pod(&e.obj))
                .map(|p| tables::pod_row(&p))
                .collect(),
        ),
        Kind::ReplicaSet | Kind::Vpa => super::replicasets::table_parts(T::KIND, items),
        Kind::Node => (
            tables::node_columns(),
            items
                .iter()
                .filter_map(|e| serde_json::from_slice::<Node>(&e.json).ok())
                .map(|n| tables::node_row(&n))
                .collect(),
        ),
        _ => super::objects::name_age_table(items),
    };
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let (Some(next), Some(m)) = (next, meta.as_object_mut()) {
        m.insert("continue".into(), json!(next));
        if let Some(n) = remaining {
            m.insert("remainingItemCount".into(), json!(n));
        }
    }
    ok_value(
        &json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
        "columnDefinitions": columns, "rows": rows}),
    )
}
