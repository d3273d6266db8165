//! The RBAC rules of each identity: one table that both request authorization and the access
//! review endpoints read, so a review can never disagree with what a request gets.

use super::auth::{Attributes, User};
use super::status::ApiError;
use serde_json::{Value, json};

/// One PolicyRule: a resource rule when `resources` is non-empty, else a non-resource rule.
#[derive(Debug)]
pub struct Rule {
    /// Verbs (`*` = all).
    pub verbs: &'static [&'static str],
    /// API groups (`*` = all).
    pub groups: &'static [&'static str],
    /// Resources, `resource/subresource` for subresources (`*` = all, `*/sub`).
    pub resources: &'static [&'static str],
    /// Non-resource URL paths (`*` suffix = prefix match).
    pub urls: &'static [&'static str],
}

/// A role bound to a user or group, and how the binding is named in review reasons.
#[derive(Debug)]
pub struct Binding {
    /// The ClusterRoleBinding.
    pub binding: &'static str,
    /// The ClusterRole.
    pub role: &'static str,
    /// Its subject, as RBAC words it (`User "admin"`).
    pub subject: &'static str,
    /// The role's rules.
    pub rules: &'static [Rule],
}

const READ: &[&str] = &["get", "list", "watch"];

const fn res(
    verbs: &'static [&'static str],
    groups: &'static [&'static str],
    resources: &'static [&'static str],
) -> Rule {
    Rule {
        verbs,
        groups,
        resources,
        urls: &[],
    }
}

const fn urls(verbs: &'static [&'static str], urls: &'static [&'static str]) -> Rule {
    Rule {
        verbs,
        groups: &[],
        resources: &[],
        urls,
    }
}

const CLUSTER_ADMIN: &[Rule] = &[res(&["*"], &["*"], &["*"]), urls(&["*"], &["*"])];

/// The built-in `view` ClusterRole (with what aggregates into it): read-only, and notably no
/// rule for `pods/resize`, `pods/exec`, secrets or nodes.
const VIEW: &[Rule] = &[
    res(
        READ,
        &[""],
        &[
            "configmaps",
            "endpoints",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "pods",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/status",
        ],
    ),
    res(
        READ,
        &[""],
        &[
            "bindings",
            "events",
            "limitranges",
            "namespaces/status",
            "pods/log",
            "pods/status",
            "replicationcontrollers/status",
            "resourcequotas",
            "resourcequotas/status",
        ],
    ),
    res(READ, &[""], &["namespaces"]),
    res(READ, &["discovery.k8s.io"], &["endpointslices"]),
    res(
        READ,
        &["apps"],
        &[
            "controllerrevisions",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
        ],
    ),
    res(
        READ,
        &["autoscaling"],
        &[
            "horizontalpodautoscalers",
            "horizontalpodautoscalers/status",
        ],
    ),
    res(
        READ,
        &["batch"],
        &["cronjobs", "cronjobs/status", "jobs", "jobs/status"],
    ),
    res(
        READ,
        &["policy"],
        &["poddisruptionbudgets", "poddisruptionbudgets/status"],
    ),
    res(
        READ,
        &["networking.k8s.io"],
        &["ingresses", "ingresses/status", "networkpolicies"],
    ),
    res(READ, &["metrics.k8s.io"], &["pods", "nodes"]),
];

/// `view` has no nodes; the sim's viewer also reads them (for the dashboard's node headroom),
/// as a read-only kubeconfig usually does through a second binding.
const NODE_READER: &[Rule] = &[res(READ, &[""], &["nodes"])];

/// What every authenticated user gets: `system:basic-user` and `system:discovery`.
const AUTHENTICATED: &[Rule] = &[
    res(
        &["create"],
        &["authorization.k8s.io"],
        &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    ),
    res(
        &["create"],
        &["authentication.k8s.io"],
        &["selfsubjectreviews"],
    ),
    urls(
        &["get"],
        &[
            "/api",
            "/api/*",
            "/apis",
            "/apis/*",
            "/healthz",
            "/livez",
            "/openapi",
            "/openapi/*",
            "/readyz",
            "/version",
            "/version/",
        ],
    ),
];

/// `system:public-info-viewer`, bound to everyone including `system:anonymous`.
const PUBLIC_INFO: &[Rule] = &[urls(
    &["get"],
    &["/healthz", "/livez", "/readyz", "/version", "/version/"],
)];

const ADMIN_BINDINGS: &[Binding] = &[
    Binding {
        binding: "podsize-admin",
        role: "cluster-admin",
        subject: "User \"admin\"",
        rules: CLUSTER_ADMIN,
    },
    Binding {
        binding: "system:basic-user",
        role: "system:basic-user",
        subject: "Group \"system:authenticated\"",
        rules: AUTHENTICATED,
    },
];

const VIEWER_BINDINGS: &[Binding] = &[
    Binding {
        binding: "podsize-viewer",
        role: "view",
        subject: "User \"viewer\"",
        rules: VIEW,
    },
    Binding {
        binding: "podsize-viewer-nodes",
        role: "podsize-node-reader",
        subject: "User \"viewer\"",
        rules: NODE_READER,
    },
    Binding {
        binding: "system:basic-user",
        role: "system:basic-user",
        subject: "Group \"system:authenticated\"",
        rules: AUTHENTICATED,
    },
    Binding {
        binding: "system:public-info-viewer",
        role: "system:public-info-viewer",
        subject: "Group \"system:authenticated\"",
        rules: PUBLIC_INFO,
    },
];

const ANONYMOUS_BINDINGS: &[Binding] = &[Binding {
    binding: "system:public-info-viewer",
    role: "system:public-info-viewer",
    subject: "Group \"system:unauthenticated\"",
    rules: PUBLIC_INFO,
}];

/// The one table of rules per identity.
pub fn bindings(user: User) -> &'static [Binding] {
    match user {
        User::Admin => ADMIN_BINDINGS,
        User::Viewer => VIEWER_BINDINGS,
        User::Anonymous => ANONYMOUS_BINDINGS,
    }
}

fn has(list: &[&str], want: &str) -> bool {
    list.iter().any(|v| *v == "*" || *v == want)
}

impl Rule {
    /// Whether this rule allows the request, by RBAC's matching (a subresource is its own
    /// resource: `pods` does not cover `pods/resize`, `*` does).
    pub fn allows(&self, a: &Attributes) -> bool {
        if !has(self.verbs, &a.verb) {
            return false;
        }
        if !a.resource_request {
            return self.urls.iter().any(|u| match u.strip_suffix('*') {
                Some(prefix) => a.path.starts_with(prefix),
                None => *u == a.path,
            });
        }
        let full = a.full_resource();
        has(self.groups, &a.group)
            && self.resources.iter().any(|r| {
                *r == "*"
                    || *r == full
                    || (!a.subresource.is_empty() && r.strip_prefix("*/") == Some(&a.subresource))
            })
    }

    /// The rule as a SelfSubjectRulesReview lists it.
    pub fn to_json(&self) -> Value {
        if self.resources.is_empty() {
            json!({"verbs": self.verbs, "nonResourceURLs": self.urls})
        } else {
            json!({"verbs": self.verbs, "apiGroups": self.groups, "resources": self.resources})
        }
    }
}

/// The binding that allows the request, if any.
pub fn allowed_by(user: User, a: &Attributes) -> Option<&'static Binding> {
    bindings(user)
        .iter()
        .find(|b| b.rules.iter().any(|r| r.allows(a)))
}

/// The 403 the apiserver's authorization filter writes.
pub fn forbidden(user: User, a: &Attributes) -> ApiError {
    let name = user.name();
    if !a.resource_request {
        return ApiError::forbidden(
            "",
            "",
            None,
            format!("User {name:?} cannot {} path {:?}", a.verb, a.path),
        );
    }
    let scope = if a.namespace.is_empty() {
        " at the cluster scope".to_string()
    } else {
        format!(" in the namespace {:?}", a.namespace)
    };
    ApiError::forbidden(
        &a.group,
        &a.resource,
        (!a.name.is_empty()).then_some(a.name.as_str()),
        format!(
            "User {name:?} cannot {} resource {:?} in API group {:?}{scope}",
            a.verb,
            a.full_resource(),
            a.group
        ),
    )
}
