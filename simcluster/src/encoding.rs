//! Content coding of list answers: gzip when the client asks for it (as a real server does
//! for large answers), and the paced-list fault that sends a body in small timed chunks.

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use futures::StreamExt;
use http::{HeaderValue, header};
use std::io::Write;
use std::time::Duration;

/// Bytes per chunk of a paced body.
const PACED_CHUNK: usize = 16 * 1024;

pub fn wants_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|c| {
        c.split(';')
            .next()
            .is_some_and(|name| name.trim() == "gzip")
    })
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::fast());
    enc.write_all(body).ok()?;
    enc.finish().ok()
}

/// Re-encodes a finished (non-watch) answer: gzip when asked, paced when the fault is on,
/// and given a real server's time per object in realistic mode.
pub async fn encode(
    resp: Response,
    gzip_wanted: bool,
    pace: Option<Duration>,
    realistic: Option<super::pacing::Pacer>,
) -> Response {
    if !gzip_wanted && pace.is_none() && realistic.is_none() {
        return resp;
    }
    let objects = super::pacing::objects_of(&resp);
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(pacer) = realistic {
        parts.headers.remove(header::CONTENT_LENGTH);
        let body = if gzip_wanted {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            super::pacing::paced_gzip_body(pacer, bytes, objects)
        } else {
            super::pacing::paced_body(pacer, bytes, objects)
        };
        return Response::from_parts(parts, body);
    }
    let bytes = match gzip_wanted.then(|| gzip(&bytes)).flatten() {
        Some(z) => {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            Bytes::from(z)
        }
        None => bytes,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let Some(pause) = pace else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let chunks: Vec<Bytes> = (0..bytes.len())
        .step_by(PACED_CHUNK)
        .map(|at| bytes.slice(at..(at + PACED_CHUNK).min(bytes.len())))
        .collect();
    let stream = futures::stream::iter(chunks).then(move |chunk| async move {
        tokio::time::sleep(pause).await;
        Ok::<Bytes, std::convert::Infallible>(chunk)
    });
    Response::from_parts(parts, Body::from_stream(stream))
}
