//! The splitter alone: items whole wherever frames cut, only the cut item carried, errors
//! placed in the whole answer.

use super::*;
use serde_json::Value;

/// The items of `body` fed in the given frames, each read back as a JSON value.
fn split(frames: &[&[u8]]) -> Result<Vec<Value>, String> {
    let mut splitter = ItemSplitter::default();
    let mut items = Vec::new();
    let mut on_item = |item: &str| {
        items.push(serde_json::from_str::<Value>(item)?);
        Ok(())
    };
    for frame in frames {
        splitter
            .feed(frame, &mut on_item)
            .map_err(|e| e.to_string())?;
    }
    splitter.finish().map_err(|e| e.to_string())?;
    Ok(items)
}

/// Every way of cutting `body` once, and byte by byte.
fn every_framing(body: &str) -> impl Iterator<Item = Vec<&[u8]>> {
    let b = body.as_bytes();
    let once = (0..=b.len()).map(move |cut| vec![&b[..cut], &b[cut..]]);
    once.chain(std::iter::once(b.chunks(1).collect()))
}

/// Keys before and after `items`, brackets and quotes inside strings, every escape.
const TRICKY: &str = r#"{"kind":"PodMetricsList","metadata":{"a":[1,{"b":"]}"}]},
    "items": [ {"metadata":{"name":"q\"}]\\","namespace":"n\u002d1"},"n":-1.5e3,"ok":true},
    {"containers":[{"name":"\\\"","usage":{}}]} , "ignored?" ,17,null ],
    "apiVersion":"metrics.k8s.io/v1beta1","z":"\\"}"#;

#[test]
fn items_come_whole_wherever_the_frames_cut() {
    let whole: Value = serde_json::from_str(TRICKY).unwrap();
    let want = whole["items"].as_array().unwrap().clone();
    assert_eq!(want.len(), 5);
    for frames in every_framing(TRICKY) {
        assert_eq!(split(&frames), Ok(want.clone()), "{frames:?}");
    }
}

#[test]
fn only_the_unfinished_item_is_carried() {
    let body = r#"{"items":[{"a":"xx"},{"b":"yyyy"},{"c":"zz"}]}"#;
    let cut = body.find("yy").unwrap();
    let mut splitter = ItemSplitter::default();
    let mut seen = Vec::new();
    splitter
        .feed(&body.as_bytes()[..cut], &mut |item: &str| {
            seen.push(item.to_string());
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, [r#"{"a":"xx"}"#]);
    assert_eq!(
        splitter.carry, br#"{"b":""#,
        "nothing but the cut item is held"
    );
    splitter
        .feed(&body.as_bytes()[cut..], &mut |item: &str| {
            seen.push(item.to_string());
            Ok(())
        })
        .unwrap();
    assert!(splitter.carry.is_empty());
    splitter.finish().unwrap();
    assert_eq!(seen[1..], [r#"{"b":"yyyy"}"#, r#"{"c":"zz"}"#]);
}

#[test]
fn items_may_come_first_last_escaped_or_not_at_all() {
    for body in [
        r#"{"items":[{"a":1}],"kind":"PodMetricsList","metadata":{}}"#,
        r#"{"kind":"PodMetricsList","metadata":{},"items":[{"a":1}]}"#,
        r#" { "it\u0065ms" : [ { "a" : 1 } ] } "#,
    ] {
        assert_eq!(
            split(&[body.as_bytes()]),
            Ok(vec![serde_json::json!({"a": 1})])
        );
    }
    assert_eq!(split(&[br#"{"kind":"PodMetricsList"}"#]), Ok(vec![]));
    assert_eq!(split(&[b"{}", b"\n"]), Ok(vec![]));
    assert_eq!(split(&[br#"{"items":[]}"#]), Ok(vec![]));
}

#[test]
fn errors_name_the_place_in_the_whole_answer_however_it_was_cut() {
    for (body, want) in [
        ("", "EOF while parsing a PodMetricsList at line 1 column 0"),
        (
            "{\"items\":[{}",
            "EOF while parsing a PodMetricsList at line 1 column 12",
        ),
        (
            "{\"items\":[{\"a\":\"x",
            "EOF while parsing a PodMetricsList at line 1 column 17",
        ),
        (
            "{\n\"kind\": tru}",
            "EOF while parsing a value at line 2 column 11",
        ),
        (
            "{\"items\": [\n {\"a\":\n1,,}]}",
            "key must be a string at line 3 column 3",
        ),
        (
            "{\"items\": [{]}",
            "key must be a string at line 1 column 13",
        ),
        ("{\"items\": [1,]}", "expected a value at line 1 column 14"),
        (
            "{\"items\": [1 2]}",
            "expected `,` or `]` after an item at line 1 column 14",
        ),
        (
            "{\"items\": {}}",
            "invalid type: expected `items` to be an array of PodMetrics at line 1 column 11",
        ),
        (
            "{\"items\": [], \"items\": []}",
            "duplicate field `items` at line 1 column 24",
        ),
        (
            "{\"items\": []} x",
            "trailing characters at line 1 column 15",
        ),
        ("{\"a\" 1}", "expected `:` at line 1 column 6"),
        (
            "{\"a\":1 \"b\":2}",
            "expected `,` or `}` after a member of the PodMetricsList at line 1 column 8",
        ),
        (
            "{1:2}",
            "expected a key of the PodMetricsList at line 1 column 2",
        ),
        ("{\"a\":}", "expected a value at line 1 column 6"),
        ("[]", "expected a PodMetricsList object at line 1 column 1"),
        ("{\"\\x\":1}", "invalid escape at line 1 column 4"),
    ] {
        for frames in every_framing(body) {
            assert_eq!(
                split(&frames),
                Err(want.to_string()),
                "{body:?} in {frames:?}"
            );
        }
    }
}

#[test]
fn an_answer_that_is_not_utf8_is_refused() {
    let body = b"{\"items\":[{\"a\":\"\xff\"}]}";
    let err = split(&[body]).unwrap_err();
    assert!(
        err.contains("invalid UTF-8") && err.contains("line 1 column 11"),
        "{err}"
    );
    // A character cut by a frame's end is whole once the next frame comes.
    let body = "{\"items\":[{\"a\":\"zürich\"}]}".as_bytes();
    let cut = body.iter().position(|&b| b >= 0x80).unwrap() + 1;
    let items = split(&[&body[..cut], &body[cut..]]).unwrap();
    assert_eq!(items[0]["a"], "zürich");
}
