//! Which parts of a range stored stretches cover: the range in time order as pieces read from a stretch or
//! fetched, together exactly the range. Stretches may overlap (two loads of overlapping ranges); at each point the
//! stretch that reaches furthest is read.

/// A part of the requested range, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Read from stored stretch `id`: its items in `[from, to]`.
    Stored { id: u64, from: i64, to: i64 },
    /// Not stored: fetch it.
    Missing { from: i64, to: i64 },
}

/// `[from, to]` in pieces over `stretches` (`(id, from, to)`, inclusive, in any order).
pub fn cover(stretches: &[(u64, i64, i64)], from: i64, to: i64) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut at = from;
    while at <= to {
        let reaching = stretches
            .iter()
            .filter(|s| s.1 <= at && at <= s.2)
            .max_by_key(|s| s.2);
        if let Some(&(id, _, end)) = reaching {
            let end = end.min(to);
            pieces.push(Piece::Stored {
                id,
                from: at,
                to: end,
            });
            match end.checked_add(1) {
                Some(next) => at = next,
                None => break,
            }
            continue;
        }
        let next = stretches.iter().map(|s| s.1).filter(|&s| s > at).min();
        let end = next.map_or(to, |n| (n - 1).min(to));
        pieces.push(Piece::Missing { from: at, to: end });
        match end.checked_add(1) {
            Some(n) => at = n,
            None => break,
        }
    }
    pieces
}
