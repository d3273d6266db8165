//! `/_sim/...` HTTP control endpoints: fault injection and the request log.

use super::faults::FaultCode;
use super::server::{Shared, error_response, ok_value, parse_query};
use super::status::ApiError;
use axum::extract::Request;
use axum::response::Response;
use serde_json::json;
use std::time::Duration;

/// `/_sim/...` control endpoints (no authentication).
pub fn control(s: &Shared, req: &Request, path: &str) -> Response {
    let q = parse_query(req);
    let method = req.method();
    let ok = || ok_value(&json!({"ok": true}));
    match (method.as_str(), path) {
        ("GET", "/_sim/requests") => {
            ok_value(&serde_json::to_value(s.log.snapshot()).unwrap_or_default())
        }
        ("DELETE", "/_sim/requests") => {
            s.log.clear();
            ok()
        }
        ("POST", "/_sim/faults/drop-watches") => {
            s.faults.drop_watches();
            ok()
        }
        ("POST", "/_sim/faults/expire-next-watch") => {
            s.faults.expire_next_watch();
            ok()
        }
        ("POST", "/_sim/faults/compact") => {
            s.api.store.compact();
            ok()
        }
        ("POST", "/_sim/faults/error") => {
            let code = match q.get("code").map(String::as_str) {
                Some("500") => FaultCode::Internal,
                _ => FaultCode::TooManyRequests,
            };
            if let Some(secs) = q.get("seconds").and_then(|v| v.parse::<f64>().ok()) {
                s.faults
                    .fail_for(code, Duration::from_secs_f64(secs.clamp(0.0, 86_400.0)));
            } else {
                s.faults.fail_next(
                    code,
                    q.get("count").and_then(|v| v.parse().ok()).unwrap_or(1),
                );
            }
            ok()
        }
        ("POST", "/_sim/faults/latency") => {
            s.faults.set_latency(Duration::from_millis(
                q.get("ms").and_then(|v| v.parse().ok()).unwrap_or(0),
            ));
            ok()
        }
        ("POST", "/_sim/faults/clear") => {
            s.faults.clear();
            ok()
        }
        _ => error_response(&ApiError::no_route()),
    }
}
