//! Splitting a metrics.k8s.io `PodMetricsList` into its items as its bytes arrive.
//!
//! At 10,000 pods the answer is about 4.7 MB every 15 s, and holding it whole to read it cost a
//! fifth of each reading's CPU (page faults copying it, twice, into fresh memory). So the
//! list's outline — its object, its keys, the `items` array — is read here, byte by byte as
//! frames arrive, and each complete item is handed on as one `&str`: straight from the frame
//! when the item lies within it; only the bytes of the one item (or other value) cut by a
//! frame's end are carried over to the next frame.
//!
//! Inside an item only strings, escapes and brackets are followed; the item itself is read
//! (and refused when malformed) by serde, in metrics_parse.rs. Every error names its line and
//! column in the whole answer, so it is the same wherever the frames were cut.

use serde::de::{Error as _, IgnoredAny};

/// Where the reading is in the list's outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outline {
    /// Before the list's `{`.
    Start,
    /// After `{`: a key or `}`.
    FirstKey,
    /// After a `,` between the list's members: a key.
    NextKey,
    /// After a key: its `:`.
    Colon,
    /// After `:`: the member's value.
    Value,
    /// After a member's value: `,` or `}`.
    AfterValue,
    /// After the `[` of `items`: an item or `]`.
    FirstItem,
    /// After a `,` between items: an item.
    NextItem,
    /// After an item: `,` or `]`.
    AfterItem,
    /// After the list's `}`: nothing but whitespace.
    End,
}

/// What a piece of the answer is read as once it is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PieceKind {
    /// One of the list's keys.
    Key,
    /// The value of a key other than `items` (kind, apiVersion, metadata): checked, unused.
    Value,
    /// One of the `items`.
    Item,
}

/// A key, value or item being read: how far its end is, in brackets, strings and escapes.
#[derive(Debug)]
struct Piece {
    kind: PieceKind,
    /// Brackets open in it; 0 for a lone string or a number or literal.
    depth: u32,
    in_string: bool,
    /// The last byte was the `\` of an escape inside a string.
    escaped: bool,
    /// A number or literal (`true`, `null`), which ends at the first delimiter.
    scalar: bool,
    /// Where it begins in the answer, for errors inside it.
    line: u64,
    column: u64,
}

/// Position bookkeeping over the whole answer, for errors.
#[derive(Debug)]
struct Position {
    /// Offset in the answer of the current frame's first byte.
    frame_start: u64,
    line: u64,
    /// Offset in the answer of the current line's first byte.
    line_start: u64,
}

impl Position {
    fn newline(&mut self, i: usize) {
        self.line += 1;
        self.line_start = self.frame_start + i as u64 + 1;
    }

    /// The 1-based column of the frame's byte `i`.
    fn column(&self, i: usize) -> u64 {
        (self.frame_start + i as u64 + 1).saturating_sub(self.line_start)
    }

    fn error(&self, i: usize, what: &str) -> serde_json::Error {
        located(what, self.line, self.column(i))
    }
}

fn located(what: &str, line: u64, column: u64) -> serde_json::Error {
    serde_json::Error::custom(format!("{what} at line {line} column {column}"))
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl Piece {
    /// Scans the frame from `i` for the piece's end: the index after its last byte, or `None`
    /// when the frame ends inside it.
    fn scan(&mut self, frame: &[u8], mut i: usize, pos: &mut Position) -> Option<usize> {
        while i < frame.len() {
            if self.escaped {
                self.escaped = false;
                i += 1;
            } else if self.in_string {
                // Most of an item is strings: jump to the next quote or escape.
                i += memchr::memchr2(b'"', b'\\', &frame[i..])?;
                if frame[i] == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                i += 1;
            } else if self.scalar {
                if matches!(frame[i], b',' | b'}' | b']') || is_whitespace(frame[i]) {
                    return Some(i);
                }
                i += 1;
            } else {
                match frame[i] {
                    b'"' => self.in_string = true,
                    b'{' | b'[' => self.depth += 1,
                    b'}' | b']' => {
                        self.depth = self.depth.saturating_sub(1);
                        if self.depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    b'\n' => pos.newline(i),
                    _ => {}
                }
                i += 1;
            }
        }
        None
    }
}

/// What a complete piece was.
enum Read {
    Key { is_items: bool },
    Value,
    Item,
}

/// Splits a `PodMetricsList`, fed in frames of any size, into its complete items.
#[derive(Debug)]
pub(super) struct ItemSplitter {
    at: Outline,
    piece: Option<Piece>,
    /// Index in the current frame where the piece began, when it began in this frame.
    piece_start: usize,
    /// The bytes of a piece cut by a frame's end.
    carry: Vec<u8>,
    /// The key just read is `items`.
    key_is_items: bool,
    seen_items: bool,
    pos: Position,
}

impl Default for ItemSplitter {
    fn default() -> Self {
        Self {
            at: Outline::Start,
            piece: None,
            piece_start: 0,
            carry: Vec::new(),
            key_is_items: false,
            seen_items: false,
            pos: Position {
                frame_start: 0,
                line: 1,
                line_start: 0,
            },
        }
    }
}

impl ItemSplitter {
    /// Reads the answer's next frame, handing each item completed in it to `on_item`.
    pub(super) fn feed(
        &mut self,
        frame: &[u8],
        on_item: &mut impl FnMut(&str) -> Result<(), serde_json::Error>,
    ) -> Result<(), serde_json::Error> {
        let mut i = 0;
        while i < frame.len() {
            let Some(mut piece) = self.piece.take() else {
                self.outline(frame, i)?;
                i += 1;
                continue;
            };
            let Some(end) = piece.scan(frame, i, &mut self.pos) else {
                self.piece = Some(piece);
                break;
            };
            // Taken out so the piece can be read from it while the outline moves on.
            let mut carry = std::mem::take(&mut self.carry);
            let bytes = if carry.is_empty() {
                &frame[self.piece_start..end]
            } else {
                carry.extend_from_slice(&frame[..end]);
                &carry[..]
            };
            let read = read_piece(&piece, bytes, on_item);
            carry.clear();
            self.carry = carry;
            self.after(read.map_err(|e| relocated(e, piece.line, piece.column))?);
            i = end;
        }
        if self.piece.is_some() {
            // The frame ends inside a piece (perhaps begun with its last byte): kept for the next.
            let from = if self.carry.is_empty() {
                self.piece_start
            } else {
                0
            };
            self.carry.extend_from_slice(&frame[from..]);
        }
        self.pos.frame_start += frame.len() as u64;
        Ok(())
    }

    /// The answer has ended: an error unless the list was complete.
    pub(super) fn finish(&self) -> Result<(), serde_json::Error> {
        if self.at == Outline::End && self.piece.is_none() {
            return Ok(());
        }
        let column = self.pos.frame_start.saturating_sub(self.pos.line_start);
        Err(located(
            "EOF while parsing a PodMetricsList",
            self.pos.line,
            column,
        ))
    }

    /// One byte of the outline, outside any piece; may begin a piece with it.
    fn outline(&mut self, frame: &[u8], i: usize) -> Result<(), serde_json::Error> {
        use Outline::*;
        let b = frame[i];
        if is_whitespace(b) {
            if b == b'\n' {
                self.pos.newline(i);
            }
            return Ok(());
        }
        let err = |what: &str| Err(self.pos.error(i, what));
        self.at = match (self.at, b) {
            (Start, b'{') => FirstKey,
            (Start, _) => return err("expected a PodMetricsList object"),
            (FirstKey, b'}') | (AfterValue, b'}') => End,
            (FirstKey | NextKey, b'"') => self.begin(PieceKind::Key, frame, i),
            (FirstKey | NextKey, _) => return err("expected a key of the PodMetricsList"),
            (Colon, b':') => Value,
            (Colon, _) => return err("expected `:`"),
            (Value, b'[') if self.key_is_items && self.seen_items => {
                return err("duplicate field `items`");
            }
            (Value, b'[') if self.key_is_items => {
                self.seen_items = true;
                FirstItem
            }
            (Value, _) if self.key_is_items => {
                return err("invalid type: expected `items` to be an array of PodMetrics");
            }
            (FirstItem, b']') => AfterValue,
            (Value | FirstItem | NextItem, b',' | b':' | b'}' | b']') => {
                return err("expected a value");
            }
            (Value, _) => self.begin(PieceKind::Value, frame, i),
            (FirstItem | NextItem, _) => self.begin(PieceKind::Item, frame, i),
            (AfterValue, b',') => NextKey,
            (AfterValue, _) => {
                return err("expected `,` or `}` after a member of the PodMetricsList");
            }
            (AfterItem, b',') => NextItem,
            (AfterItem, b']') => AfterValue,
            (AfterItem, _) => return err("expected `,` or `]` after an item"),
            (End, _) => return err("trailing characters"),
        };
        Ok(())
    }

    /// Begins a piece with the frame's byte `i`, its first. The outline stays where it is until
    /// the piece is complete.
    fn begin(&mut self, kind: PieceKind, frame: &[u8], i: usize) -> Outline {
        let first = frame[i];
        self.piece = Some(Piece {
            kind,
            depth: u32::from(matches!(first, b'{' | b'[')),
            in_string: first == b'"',
            escaped: false,
            scalar: !matches!(first, b'{' | b'[' | b'"'),
            line: self.pos.line,
            column: self.pos.column(i),
        });
        self.piece_start = i;
        self.at
    }

    fn after(&mut self, read: Read) {
        self.at = match read {
            Read::Key { is_items } => {
                self.key_is_items = is_items;
                Outline::Colon
            }
            Read::Value => Outline::AfterValue,
            Read::Item => Outline::AfterItem,
        };
    }
}

/// Reads a complete piece: a key decoded, another value checked, an item handed on.
fn read_piece(
    piece: &Piece,
    bytes: &[u8],
    on_item: &mut impl FnMut(&str) -> Result<(), serde_json::Error>,
) -> Result<Read, serde_json::Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        serde_json::Error::custom(format!("invalid UTF-8 after byte {}", e.valid_up_to()))
    })?;
    match piece.kind {
        PieceKind::Key => {
            let key: String = serde_json::from_str(text)?;
            Ok(Read::Key {
                is_items: key == "items",
            })
        }
        PieceKind::Value => serde_json::from_str::<IgnoredAny>(text).map(|_| Read::Value),
        PieceKind::Item => on_item(text).map(|()| Read::Item),
    }
}

/// An error serde found inside a piece, with the line and column moved from the piece's own
/// to the whole answer's.
fn relocated(e: serde_json::Error, line: u64, column: u64) -> serde_json::Error {
    let text = e.to_string();
    if e.line() == 0 {
        return located(&text, line, column);
    }
    // serde_json writes its position last, as "… at line L column C".
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = text.strip_suffix(&suffix).unwrap_or(&text);
    let (l, c) = (e.line() as u64, e.column() as u64);
    if l == 1 {
        located(what, line, (column + c).saturating_sub(1))
    } else {
        located(what, line + l - 1, c)
    }
}

#[cfg(test)]
#[path = "metrics_items_tests.rs"]
mod tests;
