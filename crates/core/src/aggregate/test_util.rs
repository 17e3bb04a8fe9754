//! Builders for the aggregates' tests.

use crate::columns::{Columns, EventKind, Side, Tick};

pub const S: i64 = 1_000_000;

pub fn item(ts: i64, price: f64, amount: f64, side: Side, event: EventKind) -> Tick {
    Tick {
        ts,
        id: ts,
        price,
        amount,
        side,
        event,
    }
}

/// A buy-taker trade.
pub fn trade(ts: i64, price: f64, amount: f64) -> Tick {
    item(ts, price, amount, Side::Buy, EventKind::Trade)
}

pub fn sell(ts: i64, price: f64, amount: f64) -> Tick {
    item(ts, price, amount, Side::Sell, EventKind::Trade)
}

pub fn order(ts: i64, price: f64, amount: f64, side: Side, event: EventKind) -> Tick {
    item(ts, price, amount, side, event)
}

pub fn cols(ticks: &[Tick]) -> Columns {
    let mut c = Columns::default();
    for &t in ticks {
        c.push(t);
    }
    c
}

/// `ticks` split before each index of `cuts` (sorted, deduplicated, clamped): the segments of one channel.
pub fn split(ticks: &[Tick], cuts: &[usize]) -> Vec<Columns> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(ticks.len())).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts.into_iter().chain([ticks.len()]) {
        out.push(cols(&ticks[start..c]));
        start = c;
    }
    out
}

pub fn refs(segments: &[Columns]) -> Vec<&Columns> {
    segments.iter().collect()
}
