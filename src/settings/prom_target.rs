//! Where Prometheus is, as `--prometheus`, `--prometheus-service` and the config file give it.

/// Where Prometheus is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromTarget {
    Url(String),
    /// `NAMESPACE/NAME:PORT` behind the API server's service proxy.
    Service {
        namespace: String,
        name: String,
        port: String,
    },
}

impl PromTarget {
    /// Reads `NAMESPACE/NAME:PORT`.
    pub fn parse_service(text: &str) -> Result<Self, String> {
        let bad = || format!("--prometheus-service wants NAMESPACE/NAME:PORT, not {text:?}");
        let (namespace, rest) = text.split_once('/').ok_or_else(bad)?;
        let (name, port) = rest.split_once(':').ok_or_else(bad)?;
        if [namespace, name, port]
            .iter()
            .any(|p| p.is_empty() || p.contains('/'))
        {
            return Err(bad());
        }
        Ok(Self::Service {
            namespace: namespace.into(),
            name: name.into(),
            port: port.into(),
        })
    }

    /// The address as messages name it.
    pub fn describe(&self) -> String {
        match self {
            Self::Url(url) => url.clone(),
            Self::Service {
                namespace,
                name,
                port,
            } => format!("service {namespace}/{name}:{port}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_addresses() {
        assert_eq!(
            PromTarget::parse_service("monitoring/prometheus-k8s:9090"),
            Ok(PromTarget::Service {
                namespace: "monitoring".into(),
                name: "prometheus-k8s".into(),
                port: "9090".into()
            })
        );
        for bad in [
            "monitoring/prometheus",
            "prometheus:9090",
            "/p:1",
            "a/b/c:1",
        ] {
            assert!(PromTarget::parse_service(bad).is_err(), "{bad}");
        }
    }
}
