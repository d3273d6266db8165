//! Reading a metrics.k8s.io `PodMetricsList` straight into the app's [`UsageReading`].
//!
//! At 10,000 pods the answer is about 4.7 MB every 15 s, and the idle dashboard's whole budget
//! for a reading is about 45 ms. So the answer is read as it arrives, never held whole: the
//! list is split into its items as frames come (metrics_items.rs), and each item is added to
//! one `UsageReading` in one serde pass (no intermediate value of the server's shape, no string
//! of its own: names are borrowed from the item's bytes and copied into the reading's one
//! text). Everything else in an item (labels, timestamps, window) is skipped unbuilt.

use super::metrics_items::ItemSplitter;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::PodUsage;
use crate::model::pods::usage_reading::UsageReading;
use serde::Deserialize;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use std::borrow::Cow;
use std::fmt;

/// The pods' usage in one metrics.k8s.io answer (a `PodMetricsList`) held whole: the same
/// reading as [`UsageReader`]'s, given the answer as one frame.
pub fn parse(body: &str) -> Result<Vec<PodUsage>, serde_json::Error> {
    Ok(parse_reading(body)?.to_pods())
}

/// [`parse`] into the app's reading.
pub fn parse_reading(body: &str) -> Result<UsageReading, serde_json::Error> {
    let mut reader = UsageReader::default();
    reader.feed(body.as_bytes())?;
    reader.finish()
}

/// A metrics.k8s.io answer read as it arrives: fed its frames in order, then finished. Each
/// item is added to the reading as soon as its last byte is fed.
#[derive(Debug, Default)]
pub struct UsageReader {
    items: ItemSplitter,
    reading: UsageReading,
}

impl UsageReader {
    /// Reads the answer's next frame (any cut: inside a string, an escape or a character).
    pub fn feed(&mut self, frame: &[u8]) -> Result<(), serde_json::Error> {
        // Not sized beforehand: counting the items first (a memchr scan for `"containers"`)
        // cost as much as the list's doubling saved (~0.3 ms at 10,000 pods).
        let reading = &mut self.reading;
        self.items.feed(frame, &mut |item| read_item(item, reading))
    }

    /// The pods' usage, once the whole answer was fed; an error if it ended early.
    pub fn finish(self) -> Result<UsageReading, serde_json::Error> {
        self.items.finish()?;
        Ok(self.reading)
    }
}

/// One complete item of the list, added to the reading.
fn read_item(item: &str, reading: &mut UsageReading) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(item);
    Pod(reading).deserialize(&mut de)?;
    de.end()
}

/// The keys of an item read; any other (labels, timestamps, window) is skipped.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum PodKey {
    Metadata,
    Containers,
    #[serde(other)]
    Other,
}

/// One `PodMetrics` item, added to the reading.
struct Pod<'r>(&'r mut UsageReading);

impl<'de> DeserializeSeed<'de> for Pod<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Pod<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a PodMetrics object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut meta: Option<Meta> = None;
        let mut containers = false;
        while let Some(key) = map.next_key()? {
            match key {
                PodKey::Metadata if meta.is_some() => {
                    return Err(A::Error::duplicate_field("metadata"));
                }
                PodKey::Metadata => meta = Some(map.next_value()?),
                PodKey::Containers if containers => {
                    return Err(A::Error::duplicate_field("containers"));
                }
                PodKey::Containers => {
                    map.next_value_seed(Containers(&mut *self.0))?;
                    containers = true;
                }
                PodKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let meta = meta.unwrap_or_default();
        self.0.close_pod(&meta.namespace, &meta.name);
        Ok(())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Meta<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    namespace: Cow<'a, str>,
}

/// A pod's `containers` array, each added to the reading as (name, usage).
struct Containers<'r>(&'r mut UsageReading);

impl<'de> DeserializeSeed<'de> for Containers<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Containers<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of ContainerMetrics")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while let Some(c) = seq.next_element::<ContainerMetrics>()? {
            let u = &c.usage;
            let pairs = [("cpu", &u.cpu), ("memory", &u.memory)]
                .into_iter()
                .filter_map(|(k, v)| Some((k, v.as_ref()?.0.as_ref())));
            // A figure the server wrote malformed leaves the container without figures, as
            // an unreadable reading is better shown as none than as a wrong one.
            let usage = CpuMem::from_pairs(pairs).unwrap_or_default();
            self.0.push_container(&c.name, usage);
        }
        Ok(())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ContainerMetrics<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    usage: ContainerUsage<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ContainerUsage<'a> {
    #[serde(borrow)]
    cpu: Option<Text<'a>>,
    #[serde(borrow)]
    memory: Option<Text<'a>>,
}

/// A string borrowed from the body when it has no escapes. `Option<Cow<str>>` would not do:
/// serde borrows a `Cow` only when it is the field's whole type, and copied every figure.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// The same reading done the plain way, over a JSON tree: what the one-pass parse must equal.
    fn read_plainly(body: &str) -> Vec<PodUsage> {
        let tree: Value = serde_json::from_str(body).unwrap();
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let items = tree["items"].as_array().cloned().unwrap_or_default();
        items
            .iter()
            .map(|item| PodUsage {
                namespace: text(&item["metadata"]["namespace"]),
                name: text(&item["metadata"]["name"]),
                containers: item["containers"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|c| {
                        let pairs = ["cpu", "memory"]
                            .into_iter()
                            .filter_map(|k| Some((k, c["usage"][k].as_str()?)));
                        (
                            text(&c["name"]),
                            CpuMem::from_pairs(pairs).unwrap_or_default(),
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    /// `n` items as metrics-server writes them (metadata first) or as the simulated cluster
    /// does (keys sorted); every figure form, missing and malformed figures, escapes.
    fn answer(n: usize, metadata_first: bool) -> String {
        let figures = [
            json!({"cpu": "12345678n", "memory": "102400Ki"}),
            json!({"cpu": "250m", "memory": "2Gi"}),
            json!({"cpu": "3", "memory": "1234567"}),
            json!({"cpu": "1.5", "memory": "1e3"}),
            json!({"memory": "64Mi"}),
            json!({}),
            json!({"cpu": "12x", "memory": "1Mi"}),
        ];
        let items: Vec<String> = (0..n)
            .map(|i| {
                let containers: Vec<Value> = (0..i % 4)
                    .map(|c| json!({"name": format!("c{c}"), "usage": figures[(i + c) % figures.len()]}))
                    .collect();
                let meta = json!({"name": format!("web\\u002d{i}"), "namespace": format!("ns{}", i % 3),
                    "labels": {"app": "web", "containers": "x", "site": "zürich \"]}"},
                    "creationTimestamp": "2026-12-07T13:06:42Z"})
                .to_string()
                .replace("\\\\u002d", "\\u002d");
                let containers = serde_json::to_string(&containers).unwrap();
                let (ts, window) = (r#""timestamp":"2026-12-07T13:06:42Z""#, r#""window":"15s""#);
                if metadata_first {
                    format!(r#"{{"metadata":{meta},{ts},{window},"containers":{containers}}}"#)
                } else {
                    format!(r#"{{"apiVersion":"v1","containers":{containers},"kind":"PodMetrics","metadata":{meta},{ts},{window}}}"#)
                }
            })
            .collect();
        let items = items.join(",");
        if metadata_first {
            format!(r#"{{"kind":"PodMetricsList","metadata":{{}},"items":[{items}]}}"#)
        } else {
            // The simulated cluster's sorted keys: some before `items`, some after.
            format!(
                r#"{{"apiVersion":"metrics.k8s.io/v1beta1","items":[{items}],"kind":"PodMetricsList","metadata":{{}}}}"#
            )
        }
    }

    /// The answer fed to a [`UsageReader`] in frames cut at `cuts` (sorted, each ≤ its length).
    fn read_in_frames(body: &[u8], cuts: &[usize]) -> Result<Vec<PodUsage>, String> {
        let mut reader = UsageReader::default();
        let mut from = 0;
        for &cut in cuts.iter().chain([&body.len()]) {
            reader.feed(&body[from..cut]).map_err(|e| e.to_string())?;
            from = cut;
        }
        reader
            .finish()
            .map(|r| r.to_pods())
            .map_err(|e| e.to_string())
    }

    /// Answers in both key orders, and broken ones: cut short, a string unclosed, a bracket lost.
    fn answers() -> Vec<String> {
        let (sorted, metadata_first) = (answer(8, false), answer(8, true));
        let mut cut_short = sorted.clone();
        cut_short.truncate(sorted.len() / 2);
        vec![
            cut_short,
            sorted.replacen(r#""c0""#, r#""c0"#, 2),
            metadata_first.replacen("}]", "]", 3),
            sorted,
            metadata_first,
        ]
    }

    #[test]
    fn one_cut_anywhere_reads_as_the_whole_answer() {
        for body in answers() {
            let whole = parse(&body).map_err(|e| e.to_string());
            for cut in 0..=body.len() {
                assert_eq!(
                    read_in_frames(body.as_bytes(), &[cut]),
                    whole,
                    "cut at {cut}"
                );
            }
        }
        // The two whole answers read every pod; the broken ones are refused.
        let read: Vec<_> = answers()
            .iter()
            .map(|body| parse(body).map(|u| u.len()).ok())
            .collect();
        assert_eq!(read, [None, None, None, Some(8), Some(8)]);
    }

    proptest! {
        #[test]
        fn many_cuts_anywhere_read_as_the_whole_answer(
            which in 0..5usize,
            cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 1..16),
        ) {
            let body = &answers()[which];
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(body.len() + 1)).collect();
            cuts.sort_unstable();
            prop_assert_eq!(
                read_in_frames(body.as_bytes(), &cuts),
                parse(body).map_err(|e| e.to_string())
            );
        }
    }

    #[test]
    fn a_reading_equals_the_plain_reading_in_either_key_order() {
        for metadata_first in [true, false] {
            let body = answer(40, metadata_first);
            let usage = parse(&body).unwrap();
            assert_eq!(usage, read_plainly(&body));
            assert_eq!(usage.len(), 40);
            assert_eq!(usage[5].name, "web-5", "escapes are read");
            // A malformed figure leaves its container without figures, the others are read.
            assert!(
                usage
                    .iter()
                    .flat_map(|p| &p.containers)
                    .any(|c| c.1 == CpuMem::default())
            );
            assert!(
                usage
                    .iter()
                    .flat_map(|p| &p.containers)
                    .any(|c| c.1.cpu_millis == Some(13))
            );
        }
        assert_eq!(parse(r#"{"kind":"PodMetricsList"}"#).unwrap(), vec![]);
    }

    #[test]
    fn a_malformed_answer_is_a_clear_error() {
        let body = answer(6, true);
        // Cut anywhere, the answer is refused, never half read.
        for end in (0..body.len()).filter(|&end| body.is_char_boundary(end)) {
            let err = parse(&body[..end]).expect_err(&body[..end]);
            assert!(err.to_string().contains("line 1"), "{err}");
        }
        for garbage in [
            "",
            "null",
            "[]",
            "{\"items\": 3}",
            "{\"items\": [1]}",
            "{\"items\": [{\"metadata\": \"web\"}]}",
            "{\"items\": [{\"containers\": {}}]}",
            "{\"items\": [{\"containers\": [{\"usage\": {\"cpu\": 5}}]}]}",
            "{\"items\": [{\"containers\": [], \"containers\": []}]}",
            "{\"items\": [], \"items\": []}",
            "{\"items\": []} trailing",
            "{\"items\": [{]}",
            "\u{0}\u{1}garbage",
        ] {
            let err = parse(garbage).expect_err(garbage);
            assert!(err.to_string().contains("line"), "{garbage:?}: {err}");
        }
    }
}
