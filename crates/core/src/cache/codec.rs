//! One stored stretch of columns as bytes: a header (magic, item count, whether order ids are there), each column
//! little-endian, and a trailing FNV-1a checksum of everything before it. Reading checks all of it and that the
//! items are in key order, so a truncated, corrupted or foreign file is an error, never data.

use std::fmt;

use crate::columns::{Columns, EventKind, Side};

const MAGIC: &[u8; 4] = b"TSC1";
const HEADER: usize = 4 + 4 + 1;
const ORDER_IDS: u8 = 1;

/// Why stored bytes were not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheError {
    /// Not a stored stretch of this version, or cut short.
    Malformed(&'static str),
    /// The bytes differ from what was written.
    Checksum,
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "not a cached stretch: {why}"),
            Self::Checksum => f.write_str("the cached stretch does not match its checksum"),
        }
    }
}

/// FNV-1a, 64 bits, carried on from `h` over `bytes` (so it runs over a stretch written in parts): enough to tell
/// a damaged file, and as fast in wasm as natively.
fn checksum_on(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

const CHECKSUM_START: u64 = 0xcbf2_9ce4_8422_2325;

fn checksum(bytes: &[u8]) -> u64 {
    checksum_on(CHECKSUM_START, bytes)
}

/// The stored bytes of one stretch, in one piece.
#[cfg(test)]
pub fn encode(columns: &Columns) -> Vec<u8> {
    Encoder::new(&[columns]).flatten().collect()
}

/// The stored bytes of the items of `pages` (in key order together), in parts: the header, each column page by
/// page, the checksum. So a stretch is written from the pages a load holds, without first copying them into one
/// `Columns` and then into bytes: a load's high-water mark in wasm memory stays where it was.
pub struct Encoder<'a> {
    pages: &'a [&'a Columns],
    with_ids: bool,
    /// 0: the header; then column `(step - 1) / pages` of page `(step - 1) % pages`; then the checksum.
    step: usize,
    sum: u64,
}

impl<'a> Encoder<'a> {
    pub fn new(pages: &'a [&'a Columns]) -> Self {
        Self {
            pages,
            with_ids: pages.iter().any(|p| !p.order_ids.is_empty()),
            step: 0,
            sum: CHECKSUM_START,
        }
    }

    fn header(&self) -> Vec<u8> {
        let n: usize = self.pages.iter().map(|p| p.len()).sum();
        let mut out = Vec::with_capacity(HEADER);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(n as u32).to_le_bytes());
        out.push(if self.with_ids { ORDER_IDS } else { 0 });
        out
    }
}

/// Column `column` of `page`, little-endian; order ids `[0, 0]` where a page has none.
fn column_bytes(page: &Columns, column: usize) -> Vec<u8> {
    match column {
        0 => le_bytes(&page.ts, i64::to_le_bytes),
        1 => le_bytes(&page.id, i64::to_le_bytes),
        2 => le_bytes(&page.price, f64::to_le_bytes),
        3 => le_bytes(&page.amount, f64::to_le_bytes),
        4 => page.side.iter().map(|&s| s as u8).collect(),
        5 => page.event.iter().map(|&e| e as u8).collect(),
        _ if page.order_ids.is_empty() => vec![0; 16 * page.len()],
        _ => le_bytes(page.order_ids.as_flattened(), i64::to_le_bytes),
    }
}

fn le_bytes<T: Copy, const N: usize>(values: &[T], bytes: fn(T) -> [u8; N]) -> Vec<u8> {
    let mut out = Vec::with_capacity(N * values.len());
    for &v in values {
        out.extend_from_slice(&bytes(v));
    }
    out
}

impl Iterator for Encoder<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        let columns = if self.with_ids { 7 } else { 6 };
        let body = columns * self.pages.len();
        let part = match self.step {
            0 => self.header(),
            s if s <= body => {
                let (column, page) = ((s - 1) / self.pages.len(), (s - 1) % self.pages.len());
                column_bytes(self.pages[page], column)
            }
            s if s == body + 1 => self.sum.to_le_bytes().to_vec(),
            _ => return None,
        };
        self.sum = checksum_on(self.sum, &part);
        self.step += 1;
        Some(part)
    }
}

pub fn decode(bytes: &[u8]) -> Result<Columns, CacheError> {
    let (body, sum) = bytes
        .split_last_chunk::<8>()
        .ok_or(CacheError::Malformed("too short"))?;
    if body.len() < HEADER || &body[..4] != MAGIC {
        return Err(CacheError::Malformed("no header"));
    }
    if checksum(body) != u64::from_le_bytes(*sum) {
        return Err(CacheError::Checksum);
    }
    let n = u32::from_le_bytes(body[4..8].try_into().expect("4 bytes")) as usize;
    let with_ids = match body[8] {
        0 => false,
        ORDER_IDS => true,
        _ => return Err(CacheError::Malformed("unknown flags")),
    };
    let per_item = 8 * 4 + 2 + if with_ids { 16 } else { 0 };
    if body.len() != HEADER + n * per_item {
        return Err(CacheError::Malformed("wrong length"));
    }
    let mut at = HEADER;
    let mut take = |len: usize| {
        let part = &body[at..at + len];
        at += len;
        part
    };
    let ts = words(take(8 * n), i64::from_le_bytes);
    let id = words(take(8 * n), i64::from_le_bytes);
    let price = words(take(8 * n), f64::from_le_bytes);
    let amount = words(take(8 * n), f64::from_le_bytes);
    let side = bytes_as(take(n), Side::from_u8, "unknown side")?;
    let event = bytes_as(take(n), EventKind::from_u8, "unknown event")?;
    let order_ids = if with_ids {
        words(take(16 * n), i64::from_le_bytes)
            .chunks_exact(2)
            .map(|pair| [pair[0], pair[1]])
            .collect()
    } else {
        Vec::new()
    };
    let columns = Columns {
        ts,
        id,
        price,
        amount,
        side,
        event,
        order_ids,
    };
    if !columns.is_in_key_order() {
        return Err(CacheError::Malformed("items out of order"));
    }
    Ok(columns)
}

/// Little-endian 8-byte values, read straight into their column.
fn words<T>(part: &[u8], read: fn([u8; 8]) -> T) -> Vec<T> {
    part.chunks_exact(8)
        .map(|c| read(c.try_into().expect("8 bytes")))
        .collect()
}

/// One byte per item, each a known value or the whole stretch is refused.
fn bytes_as<T>(
    part: &[u8],
    read: fn(u8) -> Option<T>,
    why: &'static str,
) -> Result<Vec<T>, CacheError> {
    part.iter()
        .map(|&b| read(b).ok_or(CacheError::Malformed(why)))
        .collect()
}
