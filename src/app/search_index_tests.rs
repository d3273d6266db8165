use super::*;

/// The plain definition the index must agree with: the lowercased needle is a substring
/// of a lowercased namespace, name, node or container name.
fn naive(pod: &PodRow, container: Option<usize>, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    let hit = |s: &str| s.to_lowercase().contains(&needle);
    let container_hit = match container {
        Some(i) => pod.containers.get(i).is_some_and(|c| hit(&c.name)),
        None => pod.containers.iter().any(|c| hit(&c.name)),
    };
    hit(&pod.namespace) || hit(&pod.name) || container_hit || pod.node.as_deref().is_some_and(hit)
}

const NAMES: [&str; 8] = [
    "web",
    "Api-Gateway",
    "café",
    "ΣΟΦΙΑ",
    "日本語-pod",
    "x",
    "straße",
    "db-0",
];

/// Deterministic rows mixing ASCII, upper case and non-ASCII names, pods with no
/// containers, and pods without a node.
fn rows(n: usize) -> BTreeMap<PodKey, PodRow> {
    (0..n)
        .map(|i| {
            let containers: Vec<_> = (0..(i % 4))
                .map(|c| serde_json::json!({"name": NAMES[(i + c * 3) % NAMES.len()]}))
                .collect();
            let node = (i % 4 != 0).then(|| format!("Node-{}", NAMES[i % NAMES.len()]));
            let pod = serde_json::json!({
                "metadata": {"namespace": format!("{}-{}", NAMES[i % 3], i % 5),
                             "name": format!("{}-{i:04x}", NAMES[(i * 7) % NAMES.len()])},
                "spec": {"nodeName": node, "containers": containers},
            });
            let slim: crate::model::SlimPod = serde_json::from_value(pod).unwrap_or_default();
            let row = PodRow::from_slim(&slim);
            assert_eq!(row.containers.len(), i % 4);
            (row.pod_key(), row)
        })
        .collect()
}

/// (slot, container) of every row, as build_index enumerates them.
fn row_refs(pods: &BTreeMap<PodKey, PodRow>, per_pod: bool) -> Vec<(usize, Option<usize>)> {
    let mut out = Vec::new();
    for (slot, pod) in pods.values().enumerate() {
        if per_pod || pod.containers.is_empty() {
            out.push((slot, None));
        } else {
            out.extend((0..pod.containers.len()).map(|c| (slot, Some(c))));
        }
    }
    out
}

#[test]
fn scan_and_row_checks_agree_with_the_naive_filter() {
    let pods = rows(300);
    let by_slot: Vec<&PodRow> = pods.values().collect();
    let needles = [
        "",
        "w",
        "WEB",
        "-0",
        "café",
        "CAFÉ",
        "σοφια",
        "ΣΟΦ",
        "日本",
        "straße",
        "STRASSE",
        "node-x",
        "e-0",
        "0\u{0}1",
        "zz",
        "a",
        "-",
        "pod-00",
    ];
    for per_pod in [false, true] {
        let index = SearchIndex::build(&pods, per_pod);
        let refs = row_refs(&pods, per_pod);
        assert_eq!(index.rows(), refs.len());
        for text in needles {
            let needle = Needle::new(text);
            let hits = index.scan(&needle);
            for (slot, container) in &refs {
                let row = index.row_of(*slot, *container).unwrap();
                let want = !text.contains('\0') && naive(by_slot[*slot], *container, text);
                assert_eq!(hits[row], want, "{text:?} per_pod={per_pod} row {row}");
                assert_eq!(index.row_matches(&needle, row), want, "{text:?} row {row}");
            }
        }
    }
}

#[test]
fn rows_outside_the_index_are_refused_not_panicked_on() {
    let pods = rows(3);
    let index = SearchIndex::build(&pods, false);
    assert_eq!(index.row_of(99, None), None);
    assert_eq!(index.row_of(1, Some(7)), None);
    assert!(!index.row_matches(&Needle::new("web"), 999));
    let empty = SearchIndex::build(&BTreeMap::new(), false);
    assert!(empty.scan(&Needle::new("a")).is_empty());
}

/// The cache gives build_index's rows (with `Matcher`), in the same order, for plain and
/// negated filters, both row modes, a namespace restriction and every sort.
#[test]
fn the_cache_gives_the_rows_build_index_gives() {
    use crate::app::view::build_index;
    let pods = rows(240);
    let texts = [
        "",
        "!",
        "web",
        "!web",
        "CAFÉ",
        "!σοφ",
        "-0",
        "日本語-POD",
        "zz",
    ];
    for per_pod in [false, true] {
        let mut cache = FilterCache::default();
        for (i, text) in texts.iter().enumerate() {
            let filter = Filter {
                text: text.to_string(),
            };
            let sort = SortKey::ALL[i % SortKey::ALL.len()];
            let ns = (i % 2 == 1).then_some("web-1");
            let got = cache.rebuild(&pods, &filter, sort, per_pod, ns, &Verdicts::default());
            assert_eq!(
                got,
                build_index(&pods, &filter, sort, per_pod, ns, &Verdicts::default()),
                "{text:?}"
            );
        }
    }
}

/// Typing a filter one character at a time and narrowing each time ends with the rows a
/// fresh build gives, through both the scan and the row-by-row path.
#[test]
fn narrowing_key_by_key_matches_a_fresh_build() {
    use crate::app::view::build_index;
    let pods = rows(400);
    for text in ["straße-00", "ΣΟΦΙΑ-0", "node-web"] {
        for per_pod in [false, true] {
            let mut cache = FilterCache::default();
            let mut index = cache.rebuild(
                &pods,
                &Filter::default(),
                SortKey::Name,
                per_pod,
                None,
                &Verdicts::default(),
            );
            let mut typed = String::new();
            let want = |filter: &Filter| {
                build_index(
                    &pods,
                    filter,
                    SortKey::Name,
                    per_pod,
                    None,
                    &Verdicts::default(),
                )
            };
            for c in text.chars() {
                let before = typed.clone();
                typed.push(c);
                let filter = Filter {
                    text: typed.clone(),
                };
                cache.narrow(&pods, &filter, per_pod, &mut index, &before);
                assert_eq!(index, want(&filter), "{typed:?} per_pod={per_pod}");
            }
            // Backspace puts back what each key took out, in order, down to no filter.
            while typed.pop().is_some() {
                let filter = Filter {
                    text: typed.clone(),
                };
                assert!(cache.widen(&filter, &mut index), "{typed:?}");
                assert_eq!(index, want(&filter), "back to {typed:?} per_pod={per_pod}");
            }
        }
    }
}

/// Two Backspaces between redraws put back both keys' rows; a text never typed, or a
/// rebuild since, has nothing to put back and leaves the rebuild to the caller.
#[test]
fn widening_skips_back_several_keys_and_only_over_what_was_narrowed() {
    use crate::app::view::build_index;
    let pods = rows(200);
    let mut cache = FilterCache::default();
    let all = Filter::default();
    let mut index = cache.rebuild(
        &pods,
        &all,
        SortKey::Name,
        false,
        None,
        &Verdicts::default(),
    );
    let mut before = String::new();
    for text in ["n", "no", "nod"] {
        let filter = Filter { text: text.into() };
        cache.narrow(&pods, &filter, false, &mut index, &before);
        before = text.into();
    }
    let filter = Filter { text: "n".into() };
    assert!(cache.widen(&filter, &mut index));
    let want = build_index(
        &pods,
        &filter,
        SortKey::Name,
        false,
        None,
        &Verdicts::default(),
    );
    assert_eq!(index, want);
    assert!(!cache.widen(&Filter { text: "x".into() }, &mut index));
    cache.rebuild(
        &pods,
        &all,
        SortKey::Name,
        false,
        None,
        &Verdicts::default(),
    );
    assert!(
        !cache.widen(&all, &mut index),
        "a rebuild forgets the narrowings"
    );
}
