//! `podsize info`: one screen saying whether podsize will work here, and what to do when not.
//! Each item is asked of the server the way the dashboard asks it, so a green line means the
//! dashboard's own request works.

use super::{CommandError, connect, scope_from};
use crate::cli::{CommonArgs, InfoArgs};
use crate::cluster::access::resize_denial;
use crate::cluster::capabilities::Capabilities;
use crate::cluster::client::one_line;
use crate::cluster::prometheus::Prometheus;
use crate::settings::InitialList;
use crate::settings::PromTarget;
use kube::Client;
use std::time::{Duration, Instant};

/// How long one question may take before the server counts as not answering.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// One line of the report.
#[derive(Debug, PartialEq, Eq)]
pub struct Item {
    pub label: &'static str,
    pub value: String,
    /// Something podsize needs is missing: `--check` fails.
    pub failed: bool,
}

fn ok(label: &'static str, value: impl Into<String>) -> Item {
    Item {
        label,
        value: value.into(),
        failed: false,
    }
}

fn failed(label: &'static str, value: impl Into<String>) -> Item {
    Item {
        label,
        value: value.into(),
        failed: true,
    }
}

/// `label: value` lines, values aligned.
pub fn render(items: &[Item]) -> String {
    let width = items.iter().map(|i| i.label.len()).max().unwrap_or(0) + 1;
    items
        .iter()
        .map(|i| format!("{:<width$} {}\n", format!("{}:", i.label), i.value))
        .collect()
}

pub async fn run(common: &CommonArgs, args: &InfoArgs) -> Result<(), CommandError> {
    let items = match connect(common).await {
        Ok((client, target)) => {
            let namespace = scope_from(common, &target).namespace;
            let mut items = vec![ok("context", target.context), ok("server", target.server)];
            let initial = common
                .initial_list
                .as_deref()
                .and_then(InitialList::parse)
                .unwrap_or_default();
            items.extend(ask_server(&client, namespace.as_deref(), args, initial).await);
            items
        }
        Err(e) => vec![failed(
            "kubeconfig",
            format!("{e}: pass --kubeconfig FILE or set KUBECONFIG"),
        )],
    };
    if !args.check {
        out!("{}", render(&items));
    }
    if items.iter().any(|i| i.failed) {
        return Err(CommandError::CheckFailed);
    }
    Ok(())
}

async fn ask_server(
    client: &Client,
    namespace: Option<&str>,
    args: &InfoArgs,
    initial: InitialList,
) -> Vec<Item> {
    let started = Instant::now();
    let version = tokio::time::timeout(ANSWER_WITHIN, client.apiserver_version()).await;
    let latency = started.elapsed();
    let version = match version {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return vec![unreachable(&one_line(&e))],
        Err(_) => return vec![unreachable("no answer within 10s")],
    };
    let mut items = vec![
        ok("server version", version.git_version),
        ok(
            "latency",
            format!("{} ms for GET /version", latency.as_millis()),
        ),
    ];
    let caps = match Capabilities::detect(client).await {
        Ok(caps) => caps,
        Err(e) => {
            items.push(failed(
                "discovery",
                format!("GET /api/v1 failed: {}", one_line(&e)),
            ));
            return items;
        }
    };
    items.push(resize_item(&caps));
    items.push(strategy_item(initial));
    items.extend(group_items(client).await);
    items.push(permission_item(client, &caps, namespace).await);
    if let Some(item) = prometheus_item(client, args).await {
        items.push(item);
    }
    items
}

fn unreachable(reason: &str) -> Item {
    failed(
        "server version",
        format!(
            "unreachable ({reason}): check that the cluster is up and the kubeconfig's server address"
        ),
    )
}

fn resize_item(caps: &Capabilities) -> Item {
    if caps.resize_subresource {
        ok("pods/resize", "served: resizes go through the subresource")
    } else if caps.resize_disabled() {
        failed(
            "pods/resize",
            "not served: in-place resize is switched off; enable the InPlacePodVerticalScaling feature gate",
        )
    } else {
        ok(
            "pods/resize",
            "not served (before 1.32): resizes patch the pod itself",
        )
    }
}

fn strategy_item(chosen: InitialList) -> Item {
    let text = match chosen {
        InitialList::List => {
            "one LIST with gzip, decoded while it arrives, then watch (pages if the server refuses it)"
        }
        InitialList::Streaming => "streaming list (WATCH with sendInitialEvents), then watch",
        InitialList::Paged => "paged LIST (500 per page), then watch",
    };
    ok("list strategy", text)
}

async fn group_items(client: &Client) -> Vec<Item> {
    let groups = match client.list_api_groups().await {
        Ok(groups) => groups,
        Err(e) => {
            let why = format!("cannot list API groups: {}", one_line(&e));
            return vec![failed("api groups", why)];
        }
    };
    let served = |name: &str| groups.groups.iter().any(|g| g.name == name);
    let metrics = if served("metrics.k8s.io") {
        "served: the table shows usage"
    } else {
        "not served: install metrics-server to see usage in the table"
    };
    let vpa = if served("autoscaling.k8s.io") {
        "served: recommendations can use VPA"
    } else {
        "not served: install the Vertical Pod Autoscaler to use its recommendations"
    };
    // Both are optional: podsize works without them, with fewer figures.
    vec![ok("metrics API", metrics), ok("VPA API", vpa)]
}

async fn permission_item(client: &Client, caps: &Capabilities, namespace: Option<&str>) -> Item {
    let scope = namespace.map_or("in all namespaces".to_string(), |ns| format!("in {ns}"));
    match resize_denial(client, caps, namespace).await {
        Ok(None) => ok("may resize", format!("yes, {scope}")),
        Ok(Some(reason)) => failed(
            "may resize",
            format!("no: {reason}; ask for patch on pods/resize, or use another context"),
        ),
        Err(e) => failed(
            "may resize",
            format!(
                "unknown: the access review failed ({}); drop --readonly, which refuses it",
                one_line(&e)
            ),
        ),
    }
}

async fn prometheus_item(client: &Client, args: &InfoArgs) -> Option<Item> {
    let target = match (&args.prometheus, &args.prometheus_service) {
        (Some(url), _) => PromTarget::Url(url.clone()),
        (None, Some(service)) => match PromTarget::parse_service(service) {
            Ok(target) => target,
            Err(e) => return Some(failed("prometheus", e)),
        },
        (None, None) => return None,
    };
    let answer = match Prometheus::new(&target, client, true) {
        Ok(prom) => prom.query("vector(1)").await,
        Err(e) => Err(e),
    };
    Some(match answer {
        Ok(_) => ok("prometheus", "answers queries"),
        Err(e) => failed(
            "prometheus",
            format!("{e}: check the address, or port-forward to it"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_label_colon_value_aligned() {
        let text = render(&[ok("context", "a"), failed("pods/resize", "b")]);
        assert_eq!(text, "context:     a\npods/resize: b\n");
    }
}
