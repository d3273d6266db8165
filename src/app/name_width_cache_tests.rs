use super::*;
use crate::app::name_widths::measure;
use crate::app::view::{Filter, Verdicts, build_index};
use crate::model::ContainerKind;
use crate::settings::SortKey;

/// Pods with names of several lengths (one non-ASCII), 0–3 containers of every kind, some
/// without a node, some boosted.
fn pods(n: usize) -> BTreeMap<PodKey, PodRow> {
    (0..n)
        .map(|i| {
            let containers: Vec<_> = (0..(i % 4))
                .map(|c| serde_json::json!({"name": format!("c{}{}", "x".repeat(i % 7), c)}))
                .collect();
            let pod = serde_json::json!({
                "metadata": {"namespace": format!("ns-{}", "n".repeat(i % 5)),
                             "name": format!("{}-{i}", if i % 9 == 0 { "日本語" } else { "pod" })},
                "spec": {"nodeName": (i % 3 != 0).then(|| format!("node-{}", i % 11)),
                         "containers": containers},
            });
            let slim: crate::model::SlimPod = serde_json::from_value(pod).unwrap_or_default();
            let mut row = PodRow::from_slim(&slim);
            for (c, container) in row.containers.iter_mut().enumerate() {
                container.kind = match (i + c) % 3 {
                    0 => ContainerKind::Regular,
                    1 => ContainerKind::Sidecar,
                    _ => ContainerKind::Init,
                };
            }
            if i % 13 == 5 {
                row.boost = Some("until ready".into());
            }
            (row.pod_key(), row)
        })
        .collect()
}

/// The pods the rows of `index` belong to, counted the plain way.
fn pods_of(index: &[RowRef]) -> usize {
    index.iter().map(|r| &r.pod).collect::<BTreeSet<_>>().len()
}

#[test]
fn the_cache_measures_what_the_rows_themselves_measure() {
    let pods = pods(300);
    let cache = NameWidthCache::build(&pods);
    let some_marked: BTreeSet<PodKey> = pods.keys().step_by(17).cloned().collect();
    for per_pod in [false, true] {
        for text in ["", "日本", "pod-5", "nnnn", "node-3", "xxxxxx", "zz"] {
            let filter = Filter { text: text.into() };
            let index = build_index(
                &pods,
                &filter,
                SortKey::Name,
                per_pod,
                None,
                &Verdicts::default(),
            );
            for marked in [BTreeSet::new(), some_marked.clone()] {
                let (longest, visible) = cache.measure(&index, &marked);
                assert_eq!(
                    longest,
                    measure(&index, &pods, &marked),
                    "{text:?} {per_pod}"
                );
                assert_eq!(visible, pods_of(&index), "{text:?} {per_pod}");
            }
        }
    }
}

/// A boost that starts or ends in place keeps the names' widths but must move the resize
/// cell's width: a cache that kept the old list would cut the new badge or keep room for
/// a gone one.
#[test]
fn a_boost_changed_in_place_is_measured_after_refresh_boosted() {
    let mut pods = pods(60);
    let mut cache = NameWidthCache::build(&pods);
    let index = build_index(
        &pods,
        &Filter::default(),
        SortKey::Name,
        false,
        None,
        &Verdicts::default(),
    );
    for pod in pods.values_mut() {
        pod.boost = None;
    }
    cache.refresh_boosted(&pods);
    let none = BTreeSet::new();
    assert_eq!(cache.measure(&index, &none).0.boosted_resize, 0);
    assert_eq!(
        cache.measure(&index, &none).0,
        measure(&index, &pods, &none)
    );
    if let Some(pod) = pods.values_mut().nth(7) {
        pod.boost = Some("until ready".into());
    }
    cache.refresh_boosted(&pods);
    let (longest, _) = cache.measure(&index, &none);
    assert!(longest.boosted_resize > 0);
    assert_eq!(longest, measure(&index, &pods, &none));
    // A resize turned Deferred in place: its words are measured with the next refresh.
    assert_eq!(longest.resize_words, 0);
    let message = "Node didn't have enough resource: cpu";
    if let Some(pod) = pods.values_mut().nth(4) {
        pod.state = crate::model::ResizeState::Deferred(message.into());
    }
    cache.refresh_boosted(&pods);
    let (longest, _) = cache.measure(&index, &none);
    let label = crate::model::ResizeState::Deferred(String::new()).label();
    let words = label.chars().count() + 2 + message.len();
    assert_eq!(usize::from(longest.resize_words), words);
    assert_eq!(longest, measure(&index, &pods, &none));
}

#[test]
fn rows_from_another_store_are_skipped_not_panicked_on() {
    let small = NameWidthCache::build(&pods(3));
    let big = pods(50);
    let index = build_index(
        &big,
        &Filter::default(),
        SortKey::Name,
        false,
        None,
        &Verdicts::default(),
    );
    let (longest, visible) = small.measure(&index, &BTreeSet::new());
    assert!(visible <= 3);
    assert!(longest.namespace <= 8);
    let empty = NameWidthCache::build(&BTreeMap::new());
    assert_eq!(empty.measure(&index, &BTreeSet::new()).1, 0);
}
