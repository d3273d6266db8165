//! Paths of the objects served by the generic handlers (`objects.rs`): LimitRanges,
//! ResourceQuotas, HPAs (v2 and v1), Deployments, ReplicaSets, PDBs, node status and pod
//! evictions. Kept apart from `routes.rs` so each table stays short.

/// Which resource a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Res {
    LimitRange,
    ResourceQuota,
    /// autoscaling `v2` (stored) or `v1` (converted), per the route's version.
    Hpa,
    Deployment,
    ReplicaSet,
    Pdb,
    Node,
    /// `pods/NAME/eviction` (policy/v1 Eviction).
    Eviction,
}

/// A path to a collection (`name: None`), an object or one of its subresources.
#[derive(Clone, Copy, Debug)]
pub struct ObjRoute<'a> {
    pub res: Res,
    /// The URL's API version (`v2` or `v1` for HPAs).
    pub version: &'a str,
    pub ns: Option<&'a str>,
    pub name: Option<&'a str>,
    pub sub: Option<&'a str>,
}

fn res_of(group: &str, version: &str, plural: &str) -> Option<Res> {
    Some(match (group, version, plural) {
        ("", "v1", "limitranges") => Res::LimitRange,
        ("", "v1", "resourcequotas") => Res::ResourceQuota,
        ("", "v1", "nodes") => Res::Node,
        ("autoscaling", "v2" | "v1", "horizontalpodautoscalers") => Res::Hpa,
        ("apps", "v1", "deployments") => Res::Deployment,
        ("apps", "v1", "replicasets") => Res::ReplicaSet,
        ("policy", "v1", "poddisruptionbudgets") => Res::Pdb,
        _ => return None,
    })
}

/// The route of `path`, when it is one of these objects'.
pub fn route(path: &str) -> Option<ObjRoute<'_>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let (ns, rest) = match rest {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some(*ns), rest),
        _ => (None, rest),
    };
    if let (Some(_), ["pods", name, "eviction"]) = (ns, rest) {
        return (group.is_empty()).then_some(ObjRoute {
            res: Res::Eviction,
            version,
            ns,
            name: Some(name),
            sub: None,
        });
    }
    let (plural, name, sub) = match rest {
        [plural] => (*plural, None, None),
        [plural, name] => (*plural, Some(*name), None),
        [plural, name, sub] => (*plural, Some(*name), Some(*sub)),
        _ => return None,
    };
    let res = res_of(group, version, plural)?;
    // Nodes are cluster-scoped; the rest are namespaced, listed across namespaces only as a
    // collection.
    match (res, ns, name) {
        (Res::Node, Some(_), _) | (Res::Node, None, None) => return None,
        (Res::Node, None, Some(_)) => {}
        (_, None, Some(_)) => return None,
        _ => {}
    }
    Some(ObjRoute {
        res,
        version,
        ns,
        name,
        sub,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = route("/apis/apps/v1/namespaces/x/deployments/d/scale").unwrap();
        assert_eq!(
            (r.res, r.ns, r.name, r.sub),
            (Res::Deployment, Some("x"), Some("d"), Some("scale"))
        );
        let r = route("/apis/autoscaling/v1/horizontalpodautoscalers").unwrap();
        assert_eq!((r.res, r.version, r.ns), (Res::Hpa, "v1", None));
        assert!(route("/api/v1/nodes").is_none());
        assert_eq!(route("/api/v1/nodes/n/status").unwrap().sub, Some("status"));
        assert_eq!(
            route("/api/v1/namespaces/a/pods/p/eviction").unwrap().res,
            Res::Eviction
        );
        assert!(route("/api/v1/namespaces/a/pods/p").is_none());
    }
}
