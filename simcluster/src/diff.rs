//! The diff after the forbidden-update error: the real server writes the old and the new
//! internal PodSpec as indented JSON (internal_spec.rs) and prints a unified diff of the two
//! with three lines of context, hunks found by the Ratcliff/Obershelp longest-match rule of
//! Python's difflib (which Go's difflib port follows), without file headers.

use k8s_openapi::api::core::v1::PodSpec;
use std::collections::HashMap;

/// The `@@ -a,b +c,d @@` hunks between the internal forms of `old` and `new`.
pub fn spec_diff(old: &PodSpec, new: &PodSpec) -> String {
    let (a, b) = (
        crate::internal_spec::render(old),
        crate::internal_spec::render(new),
    );
    unified(&a, &b, 3)
}

#[derive(Clone, Copy, PartialEq)]
enum Tag {
    Equal,
    Replace,
    Delete,
    Insert,
}

/// One opcode: tag and the ranges `a[i1..i2]`, `b[j1..j2]`.
type Op = (Tag, usize, usize, usize, usize);

/// A unified diff of two texts split into lines, `context` lines around each change.
pub fn unified(a: &str, b: &str, context: usize) -> String {
    let a: Vec<&str> = a.split('\n').collect();
    let b: Vec<&str> = b.split('\n').collect();
    let mut out = String::new();
    for group in grouped(&opcodes(&a, &b), context) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(first.1, last.2),
            range(first.3, last.4)
        ));
        for &(tag, i1, i2, j1, j2) in &group {
            if tag == Tag::Equal {
                a[i1..i2]
                    .iter()
                    .for_each(|l| out.push_str(&format!(" {l}\n")));
                continue;
            }
            if matches!(tag, Tag::Replace | Tag::Delete) {
                a[i1..i2]
                    .iter()
                    .for_each(|l| out.push_str(&format!("-{l}\n")));
            }
            if matches!(tag, Tag::Replace | Tag::Insert) {
                b[j1..j2]
                    .iter()
                    .for_each(|l| out.push_str(&format!("+{l}\n")));
            }
        }
    }
    out
}

/// A hunk range: `start` alone for one line, `start,len` otherwise (`start-1,0` when empty).
fn range(start: usize, stop: usize) -> String {
    match stop - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        n => format!("{},{n}", start + 1),
    }
}

/// The opcodes split into hunks with `n` lines of context, equal runs longer than 2n cut.
fn grouped(codes: &[Op], n: usize) -> Vec<Vec<Op>> {
    let mut codes = codes.to_vec();
    if codes.is_empty() {
        codes.push((Tag::Equal, 0, 1, 0, 1));
    }
    if let Some(c) = codes.first_mut().filter(|c| c.0 == Tag::Equal) {
        *c = (
            c.0,
            c.1.max(c.2.saturating_sub(n)),
            c.2,
            c.3.max(c.4.saturating_sub(n)),
            c.4,
        );
    }
    if let Some(c) = codes.last_mut().filter(|c| c.0 == Tag::Equal) {
        *c = (c.0, c.1, c.2.min(c.1 + n), c.3, c.4.min(c.3 + n));
    }
    let mut groups = Vec::new();
    let mut group = Vec::new();
    for (tag, mut i1, i2, mut j1, j2) in codes {
        if tag == Tag::Equal && i2 - i1 > 2 * n {
            group.push((tag, i1, i2.min(i1 + n), j1, j2.min(j1 + n)));
            groups.push(std::mem::take(&mut group));
            i1 = i1.max(i2.saturating_sub(n));
            j1 = j1.max(j2.saturating_sub(n));
        }
        group.push((tag, i1, i2, j1, j2));
    }
    if !(group.is_empty() || group.len() == 1 && group[0].0 == Tag::Equal) {
        groups.push(group);
    }
    groups
}

fn opcodes(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::new();
    for (ai, bj, size) in matching_blocks(a, b) {
        let tag = match (i < ai, j < bj) {
            (true, true) => Some(Tag::Replace),
            (true, false) => Some(Tag::Delete),
            (false, true) => Some(Tag::Insert),
            (false, false) => None,
        };
        if let Some(tag) = tag {
            ops.push((tag, i, ai, j, bj));
        }
        (i, j) = (ai + size, bj + size);
        if size > 0 {
            ops.push((Tag::Equal, ai, i, bj, j));
        }
    }
    ops
}

/// The matching blocks `(i, j, len)`, in order, ending with the `(len a, len b, 0)` sentinel.
fn matching_blocks(a: &[&str], b: &[&str]) -> Vec<(usize, usize, usize)> {
    let mut b2j: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, line) in b.iter().enumerate() {
        b2j.entry(line).or_default().push(j);
    }
    // difflib's automatic junk rule: in 200 lines or more, a line seen more than 1% of the
    // time is no anchor for a match (it can still extend one).
    if b.len() >= 200 {
        let most = b.len() / 100 + 1;
        b2j.retain(|_, js| js.len() <= most);
    }
    let mut blocks = Vec::new();
    let mut queue = vec![(0, a.len(), 0, b.len())];
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = longest_match(a, b, &b2j, (alo, ahi, blo, bhi));
        if k > 0 {
            blocks.push((i, j, k));
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    blocks.sort_unstable();
    let mut merged: Vec<(usize, usize, usize)> = Vec::new();
    for (i, j, k) in blocks {
        match merged.last_mut() {
            Some(m) if m.0 + m.2 == i && m.1 + m.2 == j => m.2 += k,
            _ => merged.push((i, j, k)),
        }
    }
    merged.push((a.len(), b.len(), 0));
    merged
}

/// The longest run equal in `a[alo..ahi]` and `b[blo..bhi]`, earliest in `a` then in `b`.
fn longest_match(
    a: &[&str],
    b: &[&str],
    b2j: &HashMap<&str, Vec<usize>>,
    (alo, ahi, blo, bhi): (usize, usize, usize, usize),
) -> (usize, usize, usize) {
    let (mut besti, mut bestj, mut best) = (alo, blo, 0);
    let mut j2len: HashMap<usize, usize> = HashMap::new();
    for (i, line) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut next = HashMap::new();
        for &j in b2j.get(line).map(Vec::as_slice).unwrap_or(&[]) {
            if j < blo {
                continue;
            }
            if j >= bhi {
                break;
            }
            let k = j.checked_sub(1).and_then(|p| j2len.get(&p)).unwrap_or(&0) + 1;
            next.insert(j, k);
            if k > best {
                (besti, bestj, best) = (i + 1 - k, j + 1 - k, k);
            }
        }
        j2len = next;
    }
    while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
        (besti, bestj, best) = (besti - 1, bestj - 1, best + 1);
    }
    while besti + best < ahi && bestj + best < bhi && a[besti + best] == b[bestj + best] {
        best += 1;
    }
    (besti, bestj, best)
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn one_changed_line_has_three_lines_of_context() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9";
        let b = "1\n2\n3\n4\nX\n6\n7\n8\n9";
        assert_eq!(
            unified(a, b, 3),
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_are_separate_hunks_and_near_ones_merge() {
        let a: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
        let mut b = a.clone();
        b[1] = "x".into();
        b[17] = "y".into();
        let d = unified(&a.join("\n"), &b.join("\n"), 3);
        assert!(d.starts_with("@@ -1,5 +1,5 @@\n"), "{d}");
        assert!(d.contains("@@ -15,6 +15,6 @@\n"), "{d}");
        b[8] = "z".into();
        b[17] = "18".into();
        let d = unified(&a.join("\n"), &b.join("\n"), 3);
        assert!(d.starts_with("@@ -1,12 +1,12 @@\n"), "{d}");
    }

    #[test]
    fn same_text_has_no_hunk() {
        assert_eq!(unified("a\nb", "a\nb", 3), "");
    }
}
