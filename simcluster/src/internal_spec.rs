//! A v1 pod spec written as the real apiserver writes its internal `core.PodSpec` for the diff
//! of a forbidden pod update: Go's `json.MarshalIndent` with a one-space indent and no json
//! tags, so every field of the internal struct appears under its Go name, in declaration order
//! (pkg/apis/core/types.go of 1.35), with `null`, `""`, `0` or `false` when unset.
//!
//! The structs a resize diff runs through (PodSpec, Container, ResourceRequirements, the resize
//! policy, ports, env, mounts, tolerations, the pod security context, probes, volumes) are laid
//! out field by field; deeper, rarely-set structs (affinity, lifecycle, volume sources…) are
//! written from their v1 form with capitalised keys, which is close but not exact.

use k8s_openapi::api::core::v1::PodSpec;
use serde_json::{Map, Value};

mod fields;

use fields::Kind::{self, *};
use fields::{Field, HOST_FIELDS, POD_SPEC};

/// `spec` as the real server's diff shows it: the internal PodSpec, indented by one space.
pub fn render(spec: &PodSpec) -> String {
    let mut v = serde_json::to_value(spec).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        // Conversion to the internal form always allocates the security context and moves the
        // host namespace fields into it; `serviceAccount` is an alias of serviceAccountName.
        let mut sc = match obj.remove("securityContext") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for f in HOST_FIELDS {
            if let Some(x) = obj.remove(*f) {
                sc.insert((*f).to_string(), x);
            }
        }
        obj.insert("securityContext".into(), Value::Object(sc));
        if let Some(alias) = obj.remove("serviceAccount") {
            obj.entry("serviceAccountName").or_insert(alias);
        }
    }
    let mut out = String::new();
    write_struct(&mut out, POD_SPEC, v.as_object(), 0);
    out
}

fn write_struct(
    out: &mut String,
    fields: &[Field],
    obj: Option<&Map<String, Value>>,
    depth: usize,
) {
    let mut entries: Vec<(&str, Option<&Value>, Kind)> = Vec::new();
    flatten(fields, obj, &mut entries);
    if entries.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push('{');
    for (i, (name, value, kind)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, depth + 1);
        write_string(out, name);
        out.push_str(": ");
        write_field(out, *kind, *value, depth + 1);
    }
    newline(out, depth);
    out.push('}');
}

/// The fields of a struct with embedded structs promoted, as Go's encoder sees them.
fn flatten<'a>(
    fields: &[Field],
    obj: Option<&'a Map<String, Value>>,
    entries: &mut Vec<(&'static str, Option<&'a Value>, Kind)>,
) {
    for (go, json, kind) in fields {
        match kind {
            Inline(inner) => flatten(inner, obj, entries),
            _ => entries.push((go, obj.and_then(|o| o.get(*json)), *kind)),
        }
    }
}

fn write_field(out: &mut String, kind: Kind, value: Option<&Value>, depth: usize) {
    let value = value.filter(|v| !v.is_null());
    match (kind, value) {
        (Str, None) => out.push_str("\"\""),
        (Int, None) => out.push('0'),
        (Bool, None) => out.push_str("false"),
        (Val(fields), v) => write_struct(out, fields, v.and_then(Value::as_object), depth),
        (_, None) => out.push_str("null"),
        (List(fields), Some(Value::Array(items))) => {
            write_array(out, items, depth, |out, item, d| {
                write_struct(out, fields, item.as_object(), d)
            })
        }
        (Ptr(fields), Some(v)) => write_struct(out, fields, v.as_object(), depth),
        (Dict, Some(Value::Object(m))) => write_object(out, m, depth, false),
        (_, Some(v)) => write_generic(out, v, depth),
    }
}

fn write_array(
    out: &mut String,
    items: &[Value],
    depth: usize,
    each: impl Fn(&mut String, &Value, usize),
) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, depth + 1);
        each(out, item, depth + 1);
    }
    newline(out, depth);
    out.push(']');
}

/// A value of a type not laid out above: its v1 form with the keys capitalised as Go names
/// are, and map keys (resource names, labels) sorted as Go writes them.
fn write_generic(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::Array(items) => write_array(out, items, depth, write_generic),
        Value::Object(m) => write_object(out, m, depth, true),
        Value::String(s) => write_string(out, s),
        other => out.push_str(&other.to_string()),
    }
}

/// An object's entries in sorted key order (Go sorts map keys), keys capitalised as Go field
/// names when the object stands for a struct.
fn write_object(out: &mut String, m: &Map<String, Value>, depth: usize, as_struct: bool) {
    if m.is_empty() {
        out.push_str("{}");
        return;
    }
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    out.push('{');
    for (i, k) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, depth + 1);
        if as_struct {
            write_string(out, &capitalise(k));
        } else {
            write_string(out, k);
        }
        out.push_str(": ");
        write_generic(out, &m[k], depth + 1);
    }
    newline(out, depth);
    out.push('}');
}

fn capitalise(k: &str) -> String {
    let mut c = k.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', depth));
}

/// A string as Go's encoder writes it: HTML-safe escapes for `<`, `>`, `&`, and U+2028/9.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", ch as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
