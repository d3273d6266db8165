//! The real kube client against the simulator: paged lists, get, watcher events, raw watch
//! bookmarks, 410 Expired recovery, streaming lists and resize through `patch_subresource`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::watcher;
use serde_json::{Value, json};
use sim_common::*;
use simcluster::{Identity, SimCluster, SimConfig};
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn kube_lists_with_paging_and_gets() {
    let sim = SimCluster::start(SimConfig {
        pods: 130,
        nodes: 4,
        namespaces: 5,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let api: Api<Pod> = Api::all(client.clone());
    let mut names = HashSet::new();
    let mut lp = ListParams::default().limit(40);
    let mut pages = 0;
    loop {
        let list = api.list(&lp).await.unwrap();
        pages += 1;
        names.extend(list.items.iter().map(|p| {
            (
                p.metadata.namespace.clone().unwrap(),
                p.metadata.name.clone().unwrap(),
            )
        }));
        match list.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(c) => lp = lp.continue_token(&c),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(names.len(), 130);
    let (ns, name) = names.iter().next().cloned().unwrap();
    let one = Api::<Pod>::namespaced(client.clone(), &ns)
        .get(&name)
        .await
        .unwrap();
    assert_eq!(one.metadata.name.as_deref(), Some(name.as_str()));
    assert!(one.metadata.managed_fields.is_some());
    let err = Api::<Pod>::namespaced(client, "default")
        .get("nope")
        .await
        .unwrap_err();
    match err {
        kube::Error::Api(s) => assert_eq!((s.code, s.reason.as_str()), (404, "NotFound")),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn kube_patches_resize_and_viewer_is_refused() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    sim.create_pod(resize_demo()).unwrap();
    eventually("running", || async {
        sim.pod("default", "resize-demo").filter(running)
    })
    .await;
    let api: Api<Pod> = Api::namespaced(sim.client(Identity::Admin).await.unwrap(), "default");
    let patch =
        json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"800m"}}}]}});
    let pod = api
        .patch_subresource(
            "resize",
            "resize-demo",
            &PatchParams::default(),
            &Patch::Strategic(&patch),
        )
        .await
        .unwrap();
    assert_eq!(pod.metadata.generation, Some(2));
    let got = api.get_subresource("resize", "resize-demo").await.unwrap();
    assert_eq!(
        got.spec.unwrap().containers[0]
            .resources
            .as_ref()
            .unwrap()
            .requests
            .as_ref()
            .unwrap()["cpu"]
            .0,
        "800m"
    );
    let viewer: Api<Pod> = Api::namespaced(sim.client(Identity::Viewer).await.unwrap(), "default");
    match viewer
        .patch_subresource(
            "resize",
            "resize-demo",
            &PatchParams::default(),
            &Patch::Strategic(&patch),
        )
        .await
    {
        Err(kube::Error::Api(s)) => {
            assert_eq!(s.code, 403);
            assert_eq!(
                s.message,
                "pods \"resize-demo\" is forbidden: User \"viewer\" cannot patch resource \"pods/resize\" in API group \"\" in the namespace \"default\""
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn watcher_sees_added_modified_deleted_and_recovers_from_410() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    let api: Api<Pod> = Api::namespaced(sim.client(Identity::Admin).await.unwrap(), "default");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let stream = watcher(api.clone(), watcher::Config::default().any_semantic());
    let task = tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(ev) = stream.next().await {
            let text = match ev {
                Ok(watcher::Event::Apply(p)) => format!(
                    "apply {} {}",
                    p.metadata.name.unwrap_or_default(),
                    p.metadata
                        .labels
                        .unwrap_or_default()
                        .get("touched")
                        .cloned()
                        .unwrap_or_default()
                ),
                Ok(watcher::Event::Delete(p)) => {
                    format!("delete {}", p.metadata.name.unwrap_or_default())
                }
                Ok(watcher::Event::InitApply(p)) => {
                    format!("init {}", p.metadata.name.unwrap_or_default())
                }
                Ok(watcher::Event::Init) => "init-start".into(),
                Ok(watcher::Event::InitDone) => "init-done".into(),
                Err(e) => format!("error {e}"),
            };
            if tx.send(text).is_err() {
                return;
            }
        }
    });
    wait_for(&mut rx, "init-done").await;
    sim.create_pod(pod(
        "w1",
        vec![container("app", &[("cpu", "100m")], &[], false)],
    ))
    .unwrap();
    wait_for(&mut rx, "apply w1 ").await;
    api.patch(
        "w1",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata":{"labels":{"touched":"yes"}}})),
    )
    .await
    .unwrap();
    wait_for(&mut rx, "apply w1 yes").await;
    // Drop the watch and make the next one expire: the watcher re-lists and carries on.
    sim.faults().expire_next_watch();
    sim.faults().drop_watches();
    wait_for(&mut rx, "init-done").await;
    sim.create_pod(pod(
        "w2",
        vec![container("app", &[("cpu", "100m")], &[], false)],
    ))
    .unwrap();
    wait_for(&mut rx, "apply w2 ").await;
    api.delete("w1", &Default::default()).await.unwrap();
    wait_for(&mut rx, "delete w1").await;
    task.abort();
}

async fn wait_for(rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>, want: &str) {
    loop {
        let got = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("watch event")
            .unwrap();
        if got == want {
            return;
        }
    }
}

fn parse(line: &str) -> Value {
    serde_json::from_str(line).unwrap()
}

#[tokio::test]
async fn raw_watch_bookmarks_410_and_initial_events() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    sim.create_pod(resize_demo()).unwrap();
    eventually("running", || async {
        sim.pod("default", "resize-demo").filter(running)
    })
    .await;
    let rv: u64 = sim
        .pod("default", "resize-demo")
        .unwrap()
        .metadata
        .resource_version
        .unwrap()
        .parse()
        .unwrap();
    // Bookmarks.
    let mut rx = watch_lines(
        sim.addr(),
        &format!("/api/v1/pods?watch=1&resourceVersion={rv}&allowWatchBookmarks=true"),
        ADMIN,
    )
    .await;
    let line = next_line(&mut rx).await.unwrap();
    assert_eq!(
        parse(&line),
        json!({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":rv.to_string()},"spec":{"containers":null},"status":{}}})
    );
    // Live events after the bookmark.
    sim.delete_pod("default", "resize-demo");
    loop {
        let v = parse(&next_line(&mut rx).await.unwrap());
        if v["type"] == "DELETED" {
            assert_eq!(v["object"]["metadata"]["name"], "resize-demo");
            break;
        }
    }
    // 410 for a compacted resourceVersion.
    sim.compact();
    let mut rx = watch_lines(sim.addr(), "/api/v1/pods?watch=1&resourceVersion=2", ADMIN).await;
    let v = parse(&next_line(&mut rx).await.unwrap());
    assert_eq!(v["type"], "ERROR");
    assert_eq!(v["object"]["code"], 410);
    assert_eq!(v["object"]["reason"], "Expired");
    assert!(
        v["object"]["message"]
            .as_str()
            .unwrap()
            .starts_with("too old resource version: 2 (")
    );
    assert!(
        next_line(&mut rx).await.is_none(),
        "the stream closes after the ERROR"
    );
    // Streaming list: ADDED per pod, then the annotated bookmark.
    sim.create_pod(pod(
        "a",
        vec![container("app", &[("cpu", "100m")], &[], false)],
    ))
    .unwrap();
    sim.create_pod(pod(
        "b",
        vec![container("app", &[("cpu", "100m")], &[], false)],
    ))
    .unwrap();
    let mut rx = watch_lines(
        sim.addr(),
        "/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
        ADMIN,
    )
    .await;
    let mut added = 0;
    loop {
        let v = parse(&next_line(&mut rx).await.unwrap());
        if v["type"] == "ADDED" {
            added += 1;
            continue;
        }
        assert_eq!(v["type"], "BOOKMARK");
        assert_eq!(
            v["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
            "true"
        );
        break;
    }
    assert_eq!(added, 2);
    // timeoutSeconds ends the stream cleanly.
    let mut rx = watch_lines(sim.addr(), "/api/v1/pods?watch=1&timeoutSeconds=1", ADMIN).await;
    while next_line(&mut rx).await.is_some() {}
}

#[tokio::test]
async fn list_then_watch_from_list_rv_replays_nothing_old() {
    let sim = SimCluster::start(SimConfig {
        pods: 30,
        nodes: 2,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let api: Api<Pod> = Api::all(sim.client(Identity::Admin).await.unwrap());
    let list = api.list(&ListParams::default()).await.unwrap();
    let rv = list.metadata.resource_version.unwrap();
    let params = kube::api::WatchParams::default().timeout(2);
    let stream = api.watch(&params, &rv).await.unwrap();
    sim.create_pod(pod(
        "fresh",
        vec![container("app", &[("cpu", "100m")], &[], false)],
    ))
    .unwrap();
    // The kubelet lives on (a resize in progress at start finishes, an OOM kill restarts a
    // container), so other pods may change too: every event must be newer than the list, and
    // the fresh pod must come.
    let listed: u64 = rv.parse().unwrap();
    let events: Vec<_> = stream.take(20).try_collect().await.unwrap();
    let mut fresh = false;
    for event in &events {
        let p = match event {
            kube::api::WatchEvent::Added(p) | kube::api::WatchEvent::Modified(p) => p,
            kube::api::WatchEvent::Bookmark(_) => continue,
            other => panic!("unexpected {other:?}"),
        };
        let at: u64 = p
            .metadata
            .resource_version
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        assert!(at > listed, "replayed an old change: {at} <= {listed}");
        fresh |= matches!(event, kube::api::WatchEvent::Added(_))
            && p.metadata.name.as_deref() == Some("fresh");
    }
    assert!(fresh, "the fresh pod was not seen: {events:?}");
}
