//! Helpers for tests that drive a simulated cluster: a raw HTTP/1.1 client (to see exactly
//! what went over the wire), pod builders and a polling helper. Used by this crate's tests and
//! by podsize's, so the two never keep two copies. Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use k8s_openapi::api::core::v1::{
    Container, ContainerResizePolicy, Pod, PodSpec, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

pub const ADMIN: &str = crate::ADMIN_TOKEN;
pub const VIEWER: &str = crate::VIEWER_TOKEN;

/// One HTTP request; returns status code and body.
pub async fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    raw_with(addr, method, path, token, content_type, None, body).await
}

pub async fn raw_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = [
        ("Authorization", auth.as_deref()),
        ("Content-Type", content_type),
        ("Accept", accept),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let (code, _head, body) = raw_headers(addr, method, path, &headers, body).await;
    (code, body)
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n]);
        rest = &tail[n + 2..];
    }
    out
}

/// Opens a watch; yields each JSON line.
pub async fn watch_lines(addr: SocketAddr, path: &str, token: &str) -> mpsc::Receiver<String> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let (tx, rx) = mpsc::channel(100_000);
    tokio::spawn(async move {
        let mut r = BufReader::new(s);
        let mut line = String::new();
        // Skip headers.
        loop {
            line.clear();
            if r.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        let mut pending = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            if n == 0 {
                return;
            }
            let mut chunk = vec![0u8; n + 2];
            if r.read_exact(&mut chunk).await.is_err() {
                return;
            }
            pending.push_str(&String::from_utf8_lossy(&chunk[..n]));
            while let Some((one, tail)) = pending.split_once('\n') {
                if tx.send(one.to_string()).await.is_err() {
                    return;
                }
                pending = tail.to_string();
            }
        }
    });
    rx
}

/// Next line within 10 s.
pub async fn next_line(rx: &mut mpsc::Receiver<String>) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .ok()
        .flatten()
}

/// Polls `f` until it returns Some, for up to 15 s.
pub async fn eventually<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn map(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, Quantity>> {
    (!pairs.is_empty()).then(|| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
            .collect()
    })
}

/// A container with requests, limits and an optional memory RestartContainer policy.
pub fn container(
    name: &str,
    req: &[(&str, &str)],
    lim: &[(&str, &str)],
    restart_memory: bool,
) -> Container {
    Container {
        name: name.into(),
        image: Some(format!("registry.example.com/{name}:v1")),
        resources: Some(ResourceRequirements {
            requests: map(req),
            limits: map(lim),
            ..Default::default()
        }),
        resize_policy: restart_memory.then(|| {
            vec![
                ContainerResizePolicy {
                    resource_name: "cpu".into(),
                    restart_policy: "NotRequired".into(),
                },
                ContainerResizePolicy {
                    resource_name: "memory".into(),
                    restart_policy: "RestartContainer".into(),
                },
            ]
        }),
        ..Default::default()
    }
}

/// A pod in `default` with the given containers.
pub fn pod(name: &str, containers: Vec<Container>) -> Pod {
    let mut p = Pod {
        spec: Some(PodSpec {
            containers,
            ..Default::default()
        }),
        ..Default::default()
    };
    p.metadata.name = Some(name.into());
    p.metadata.namespace = Some("default".into());
    p
}

/// The standard two-container demo pod of the fixtures (Burstable).
pub fn resize_demo() -> Pod {
    pod(
        "resize-demo",
        vec![
            container(
                "c1",
                &[("cpu", "250m"), ("memory", "128Mi")],
                &[("cpu", "1"), ("memory", "256Mi")],
                false,
            ),
            container(
                "c2",
                &[("cpu", "100m"), ("memory", "64Mi")],
                &[("cpu", "500m"), ("memory", "128Mi")],
                false,
            ),
        ],
    )
}

/// Whether a pod has been started by the simulated kubelet.
pub fn running(p: &Pod) -> bool {
    p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
        && p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .is_some()
}

/// One HTTP request with arbitrary extra headers (e.g. User-Agent); returns status, head, body.
pub async fn raw_headers(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap();
    let code: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    (code, head.to_string(), body)
}
