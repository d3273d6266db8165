//! Just enough of the Kubernetes protobuf encoding to read an access review: client-go's typed
//! clients (e.g. `kubectl auth can-i`) send `application/vnd.kubernetes.protobuf` for them.
//! The answer is JSON, which those clients also accept.

use serde_json::{Map, Value, json};

/// The `k8s\0` envelope prefix.
const MAGIC: &[u8] = b"k8s\x00";

fn varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut out = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        out |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(out);
        }
    }
    None
}

/// The length-delimited fields of a message, as (field number, bytes); other wire types are
/// skipped. None when the bytes are not a well-formed message.
fn fields(buf: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        match key & 7 {
            0 => {
                varint(buf, &mut pos)?;
            }
            1 => pos = pos.checked_add(8)?,
            5 => pos = pos.checked_add(4)?,
            2 => {
                let len = usize::try_from(varint(buf, &mut pos)?).ok()?;
                let end = pos.checked_add(len)?;
                out.push((key >> 3, buf.get(pos..end)?));
                pos = end;
            }
            _ => return None,
        }
    }
    (pos == buf.len()).then_some(out)
}

fn field<'a>(list: &[(u64, &'a [u8])], n: u64) -> Option<&'a [u8]> {
    list.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

/// A message of string fields as a JSON object, named by `names[field - 1]`.
fn strings(buf: &[u8], names: &[&str]) -> Option<Value> {
    let mut map = Map::new();
    for (n, bytes) in fields(buf)? {
        let Some(name) = usize::try_from(n)
            .ok()
            .and_then(|n| names.get(n.checked_sub(1)?))
        else {
            continue;
        };
        let text = String::from_utf8(bytes.to_vec()).ok()?;
        if !text.is_empty() {
            map.insert((*name).to_string(), json!(text));
        }
    }
    Some(Value::Object(map))
}

/// A protobuf SelfSubjectAccessReview / SelfSubjectRulesReview as the JSON the review
/// handlers read (spec only); None when it is not one.
pub fn review_to_json(body: &[u8]) -> Option<Value> {
    let unknown = fields(body.strip_prefix(MAGIC)?)?;
    let type_meta = strings(field(&unknown, 1)?, &["apiVersion", "kind"])?;
    let object = fields(field(&unknown, 2)?)?;
    let spec = fields(field(&object, 2).unwrap_or(&[]))?;
    let mut spec_json = Map::new();
    if type_meta["kind"] == "SelfSubjectRulesReview" {
        if let Some(ns) = field(&spec, 1) {
            spec_json.insert(
                "namespace".into(),
                json!(String::from_utf8(ns.to_vec()).ok()?),
            );
        }
    } else {
        if let Some(r) = field(&spec, 1) {
            let names = [
                "namespace",
                "verb",
                "group",
                "version",
                "resource",
                "subresource",
                "name",
            ];
            spec_json.insert("resourceAttributes".into(), strings(r, &names)?);
        }
        if let Some(n) = field(&spec, 2) {
            spec_json.insert(
                "nonResourceAttributes".into(),
                strings(n, &["path", "verb"])?,
            );
        }
    }
    let mut out = type_meta.as_object().cloned().unwrap_or_default();
    out.insert("spec".into(), Value::Object(spec_json));
    Some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(n: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![(n << 3) | 2, u8::try_from(body.len()).unwrap_or(0)];
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn reads_an_access_review_envelope() {
        let attrs = [
            ld(1, b"default"),
            ld(2, b"patch"),
            ld(5, b"pods"),
            ld(6, b"resize"),
        ]
        .concat();
        let spec = ld(1, &attrs);
        let object = [ld(1, b""), ld(2, &spec)].concat();
        let type_meta = [
            ld(1, b"authorization.k8s.io/v1"),
            ld(2, b"SelfSubjectAccessReview"),
        ]
        .concat();
        let body = [MAGIC.to_vec(), ld(1, &type_meta), ld(2, &object)].concat();
        let v = review_to_json(&body).unwrap_or_default();
        assert_eq!(
            v["spec"]["resourceAttributes"],
            json!({"namespace": "default", "verb": "patch", "resource": "pods", "subresource": "resize"})
        );
        assert!(review_to_json(b"k8s\x00\xff").is_none());
        assert!(review_to_json(b"{}").is_none());
    }
}
