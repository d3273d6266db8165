//! What podsize knows of the server a resize is for (version, `pods/resize`, RBAC), and the
//! refusals that follow from it before anything is sent — for container and pod-level plans.

use crate::model::pods::row::{ContainerKind, PodRow, RunState};

/// What podsize knows of the server a plan is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// Minor version (1.27..=1.37).
    pub minor: u32,
    /// Discovery lists `pods/resize`; a 1.32+ server without it has the feature disabled.
    pub resize_subresource: bool,
    /// The server's access review refused the identity a resize: why.
    pub denied: Option<String>,
}

impl Server {
    /// A server whose discovery matches its version (`pods/resize` from 1.32 on).
    pub fn with_minor(minor: u32) -> Self {
        Self {
            minor,
            resize_subresource: minor >= 32,
            denied: None,
        }
    }

    /// In-place resize is switched off: 1.32+ without `pods/resize` (resize-api.md §5.1).
    pub fn resize_disabled(&self) -> bool {
        self.minor >= 32 && !self.resize_subresource
    }
}

impl From<u32> for Server {
    fn from(minor: u32) -> Self {
        Self::with_minor(minor)
    }
}

/// Why the apiserver will refuse any resize of this pod or container, before anything is sent
/// (resize-api.md §1.3, §1.4, §4.7, §4.9).
pub(crate) fn unresizable_reasons(
    pod: &PodRow,
    kind: ContainerKind,
    run: RunState,
    server: &Server,
) -> Vec<String> {
    let minor = server.minor;
    let mut out = Vec::new();
    if let Some(denied) = &server.denied {
        out.push(denied.clone());
    }
    if server.resize_disabled() {
        out.push(
            "in-place resize is disabled on this cluster (the server does not serve pods/resize)"
                .into(),
        );
        return out;
    }
    if minor >= 32 && pod.windows {
        out.push("windows pods cannot be resized".into());
    }
    if minor >= 32 && pod.mirror {
        out.push("static pods cannot be resized: edit the manifest on the node instead".into());
    }
    if (32..=34).contains(&minor) && pod.pod_resources.is_some() {
        out.push("pods with pod-level resources cannot be resized".into());
    }
    match kind {
        ContainerKind::Init if minor < 36 => out.push(
            "init containers cannot be resized before Kubernetes 1.36 (sidecars can, from 1.33)"
                .into(),
        ),
        ContainerKind::Init if run != RunState::Running => {
            out.push("only a running init container can be resized; this one is not running".into())
        }
        ContainerKind::Sidecar if minor < 33 => {
            out.push("sidecar containers can be resized from Kubernetes 1.33".into())
        }
        _ => {}
    }
    // 1.32+ servers refuse resizes of pods whose node reports no actual resources for a running
    // regular container (the version-skew guard looks at regular containers only).
    let node_lacks_resize = pod.containers.iter().any(|c| {
        c.kind == ContainerKind::Regular && c.run_state == RunState::Running && c.actual.is_none()
    });
    if minor >= 32 && node_lacks_resize {
        out.push(crate::model::rules::validation::node_without_resize_support().to_string());
    }
    out
}
