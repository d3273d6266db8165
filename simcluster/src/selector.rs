//! Label and field selectors (the subset kubectl and kube clients send).

use k8s_openapi::api::core::v1::Pod;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Term {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector; empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector(Vec<Term>);

fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn set_values(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    )
}

impl LabelSelector {
    /// Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for part in split_top(text) {
            let term = if let Some(k) = part.strip_prefix('!') {
                Term::NotExists(k.trim().to_string())
            } else if let Some((k, v)) = part.split_once("!=") {
                Term::NotEq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==") {
                Term::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once('=') {
                Term::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once(" notin ") {
                Term::NotIn(
                    k.trim().into(),
                    set_values(v).ok_or_else(|| format!("unable to parse requirement: {part}"))?,
                )
            } else if let Some((k, v)) = part.split_once(" in ") {
                Term::In(
                    k.trim().into(),
                    set_values(v).ok_or_else(|| format!("unable to parse requirement: {part}"))?,
                )
            } else if part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                Term::Exists(part.to_string())
            } else {
                return Err(format!("unable to parse requirement: {part}"));
            };
            terms.push(term);
        }
        Ok(Self(terms))
    }

    /// Whether `labels` satisfy every term.
    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k));
        self.0.iter().all(|t| match t {
            Term::Eq(k, v) => get(k) == Some(v),
            Term::NotEq(k, v) => get(k) != Some(v),
            Term::In(k, vs) => get(k).is_some_and(|x| vs.contains(x)),
            Term::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(x)),
            Term::Exists(k) => get(k).is_some(),
            Term::NotExists(k) => get(k).is_none(),
        })
    }

    /// True when it has no terms.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A parsed field selector over the pod fields the apiserver indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    /// Parses `metadata.name=x,spec.nodeName!=y`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for part in split_top(text) {
            let (field, eq, value) = if let Some((k, v)) = part.split_once("!=") {
                (k, false, v)
            } else if let Some((k, v)) = part.split_once("==") {
                (k, true, v)
            } else if let Some((k, v)) = part.split_once('=') {
                (k, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{part}'; can't understand '{part}'"
                ));
            };
            let field = field.trim();
            if !matches!(
                field,
                "metadata.name"
                    | "metadata.namespace"
                    | "spec.nodeName"
                    | "status.phase"
                    | "spec.restartPolicy"
                    | "spec.schedulerName"
                    | "spec.serviceAccountName"
                    | "status.podIP"
            ) {
                return Err(format!("field label not supported: {field}"));
            }
            terms.push((field.to_string(), eq, value.trim().to_string()));
        }
        Ok(Self(terms))
    }

    /// Whether `pod` satisfies every term.
    pub fn matches_pod(&self, pod: &Pod) -> bool {
        self.0.iter().all(|(field, eq, want)| {
            let spec = pod.spec.as_ref();
            let status = pod.status.as_ref();
            let have = match field.as_str() {
                "metadata.name" => pod.metadata.name.clone(),
                "metadata.namespace" => pod.metadata.namespace.clone(),
                "spec.nodeName" => spec.and_then(|s| s.node_name.clone()),
                "status.phase" => status.and_then(|s| s.phase.clone()),
                "spec.restartPolicy" => spec.and_then(|s| s.restart_policy.clone()),
                "spec.schedulerName" => spec.and_then(|s| s.scheduler_name.clone()),
                "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()),
                _ => status.and_then(|s| s.pod_ip.clone()),
            }
            .unwrap_or_default();
            (have == *want) == *eq
        })
    }

    /// Name/namespace-only matching for non-pod objects.
    pub fn matches_meta(&self, namespace: &str, name: &str) -> bool {
        self.0.iter().all(|(field, eq, want)| match field.as_str() {
            "metadata.name" => (name == want) == *eq,
            "metadata.namespace" => (namespace == want) == *eq,
            _ => true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_terms() {
        let labels: BTreeMap<String, String> = [
            ("app".to_string(), "web".to_string()),
            ("tier".into(), "fe".into()),
        ]
        .into();
        let ok = |s: &str| LabelSelector::parse(s).unwrap().matches(Some(&labels));
        assert!(ok("app=web"));
        assert!(ok("app==web,tier!=be"));
        assert!(ok("app in (web,api)"));
        assert!(!ok("app notin (web)"));
        assert!(ok("tier"));
        assert!(!ok("!tier"));
        assert!(ok(""));
        assert!(LabelSelector::parse("a in b").is_err());
    }

    #[test]
    fn field_terms() {
        let mut pod = Pod::default();
        pod.metadata.name = Some("p".into());
        let f = FieldSelector::parse("metadata.name=p,status.phase!=Running").unwrap();
        assert!(f.matches_pod(&pod));
        assert!(FieldSelector::parse("spec.bogus=1").is_err());
    }
}
