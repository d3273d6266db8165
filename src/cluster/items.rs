//! An incremental scanner over a list body (`{"metadata":{..},"items":[{..},{..}]}`) as it
//! arrives: hands each element of the top-level `items` array to the caller as soon as its
//! last byte is in, so the whole body is never held (only the element that spans two chunks).

/// The body is not the JSON object a list answer is.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed list body at byte {0}")]
pub struct ScanError(pub u64);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Capture {
    Item,
    Metadata,
}

#[derive(Debug, Default)]
pub struct ItemScanner {
    /// Open objects and arrays around the current byte.
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// At depth 1: a `:` was seen, so the next string or bracket is a value.
    value_next: bool,
    reading_key: bool,
    key: Vec<u8>,
    /// Inside the top-level `items` array (depth 2).
    in_items: bool,
    capture: Option<Capture>,
    /// The part of the captured value that arrived in earlier chunks.
    spill: Vec<u8>,
    metadata: Vec<u8>,
    offset: u64,
    closed: bool,
}

impl ItemScanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Scans one chunk, calling `on_item` with the bytes of each completed element.
    pub fn feed(&mut self, chunk: &[u8], mut on_item: impl FnMut(&[u8])) -> Result<(), ScanError> {
        // Where the value being captured starts in this chunk.
        let mut start = self.capture.map(|_| 0);
        for (i, &b) in chunk.iter().enumerate() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    self.reading_key = false;
                } else if self.reading_key {
                    self.key.push(b);
                }
                continue;
            }
            let at = self.offset + i as u64;
            match b {
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 && !self.value_next {
                        self.reading_key = true;
                        self.key.clear();
                    }
                }
                b'{' | b'[' => {
                    if self.closed {
                        return Err(ScanError(at));
                    }
                    if self.depth == 1 && self.value_next {
                        match (b, self.key.as_slice()) {
                            (b'[', b"items") => self.in_items = true,
                            (b'{', b"metadata") => self.begin(Capture::Metadata, i, &mut start),
                            _ => {}
                        }
                    } else if self.depth == 2 && self.in_items && b == b'{' {
                        self.begin(Capture::Item, i, &mut start);
                    }
                    self.depth += 1;
                }
                b'}' | b']' => {
                    self.depth = self.depth.checked_sub(1).ok_or(ScanError(at))?;
                    match self.depth {
                        0 => self.closed = true,
                        1 => {
                            self.in_items = false;
                            if self.capture == Some(Capture::Metadata) {
                                self.end(chunk, start.take().unwrap_or(0), i, &mut on_item);
                            }
                        }
                        2 if self.capture == Some(Capture::Item) => {
                            self.end(chunk, start.take().unwrap_or(0), i, &mut on_item);
                        }
                        _ => {}
                    }
                }
                b':' if self.depth == 1 => self.value_next = true,
                b',' if self.depth == 1 => self.value_next = false,
                _ => {}
            }
        }
        if let (Some(_), Some(s)) = (self.capture, start) {
            self.spill
                .extend_from_slice(chunk.get(s..).unwrap_or_default());
        }
        self.offset += chunk.len() as u64;
        Ok(())
    }

    fn begin(&mut self, what: Capture, i: usize, start: &mut Option<usize>) {
        self.capture = Some(what);
        self.spill.clear();
        *start = Some(i);
    }

    fn end(&mut self, chunk: &[u8], start: usize, i: usize, on_item: &mut impl FnMut(&[u8])) {
        let tail = chunk.get(start..=i).unwrap_or_default();
        let whole: &[u8] = if self.spill.is_empty() {
            tail
        } else {
            self.spill.extend_from_slice(tail);
            &self.spill
        };
        match self.capture.take() {
            Some(Capture::Item) => on_item(whole),
            Some(Capture::Metadata) => self.metadata = whole.to_vec(),
            None => {}
        }
        self.spill.clear();
    }

    /// After the last chunk: the list's `metadata` (`{}` if there was none), or an error
    /// when the body ended early.
    pub fn finish(&self) -> Result<&[u8], ScanError> {
        if !self.closed || self.in_string {
            return Err(ScanError(self.offset));
        }
        Ok(if self.metadata.is_empty() {
            b"{}"
        } else {
            &self.metadata
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const BODY: &str = r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[{"metadata":{"name":"a}]\"{"},"x":[1,{"y":2}]},{"metadata":{"name":"b"}} ]}"#;

    fn scan_in_chunks(body: &[u8], size: usize) -> (Vec<String>, String) {
        let mut s = ItemScanner::new();
        let mut items = Vec::new();
        for chunk in body.chunks(size) {
            s.feed(chunk, |b| {
                items.push(String::from_utf8(b.to_vec()).unwrap())
            })
            .unwrap();
        }
        let meta = String::from_utf8(s.finish().unwrap().to_vec()).unwrap();
        (items, meta)
    }

    #[test]
    fn every_chunking_gives_the_same_items() {
        let whole = scan_in_chunks(BODY.as_bytes(), BODY.len());
        assert_eq!(
            whole.0,
            vec![
                r#"{"metadata":{"name":"a}]\"{"},"x":[1,{"y":2}]}"#,
                r#"{"metadata":{"name":"b"}}"#
            ]
        );
        assert_eq!(whole.1, r#"{"resourceVersion":"42"}"#);
        for size in 1..BODY.len() {
            assert_eq!(
                scan_in_chunks(BODY.as_bytes(), size),
                whole,
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn keys_named_items_elsewhere_are_not_the_list() {
        let body = r#"{"metadata":{"items":[{"no":1}]},"other":{"items":[{"no":2}]},"items":[]}"#;
        let (items, _) = scan_in_chunks(body.as_bytes(), 7);
        assert!(items.is_empty());
    }

    #[test]
    fn truncated_or_unbalanced_bodies_are_errors() {
        let mut s = ItemScanner::new();
        s.feed(&BODY.as_bytes()[..BODY.len() - 3], |_| {}).unwrap();
        assert!(s.finish().is_err());
        let mut s = ItemScanner::new();
        assert!(s.feed(b"{}]", |_| {}).is_err());
        let mut s = ItemScanner::new();
        assert!(s.feed(b"{}{", |_| {}).is_err());
    }
}
