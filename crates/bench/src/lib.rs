//! Synthetic tick data for benchmarks, the same natively (criterion, `benches/`) and in wasm (`wasm`, run in
//! headless Chromium by `scripts/bench.sh`), so that the two measure the same work.

use tickscope_core::{Columns, EventKind, Side, Tick};

#[cfg(target_arch = "wasm32")]
mod wasm;

/// 2022-03-21T02:45:00Z.
pub const T0: i64 = 1_647_830_700_000_000;
/// ~3.7 h: 13,320 s, the original data window.
pub const SPAN: i64 = 13_320_000_000;

/// `items` trades (or order events) over about `SPAN` from `T0` (sorted timestamps), a random walk of prices
/// around 41,000, split evenly in `segments` segments as a load with K = `segments` leaves them.
pub fn synthetic(orders: bool, items: usize, segments: usize) -> Vec<Columns> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ orders as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let gap = (2 * SPAN as u64 / items.max(1) as u64).max(1);
    let per_segment = items.div_ceil(segments.max(1)).max(1);
    let mut out: Vec<Columns> = (0..segments.max(1))
        .map(|_| Columns::with_capacity(per_segment))
        .collect();
    let (mut ts, mut cents) = (T0, 4_100_000i64);
    for i in 0..items {
        ts += (next() % gap) as i64;
        cents += (next() % 201) as i64 - 100;
        let side = if next() % 2 == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let (price, event) = if orders {
            // Orders sit around the mid price, a few far away.
            let offset = (next() % 20_000) as i64 - 10_000;
            let far = if next() % 200 == 0 { 400_000 } else { 0 };
            let event = [
                EventKind::OrderCreated,
                EventKind::OrderChanged,
                EventKind::OrderDeleted,
            ][i % 3];
            ((cents + offset + far) as f64 / 100.0, event)
        } else {
            (cents as f64 / 100.0, EventKind::Trade)
        };
        out[i / per_segment].push(Tick {
            ts,
            id: i as i64,
            price,
            amount: (next() % 500_000_000) as f64 / 1e8,
            side,
            event,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_sorted_split_evenly_and_of_the_asked_kind() {
        let segments = synthetic(true, 1_001, 4);
        let lens: Vec<usize> = segments.iter().map(Columns::len).collect();
        assert_eq!(lens, vec![251, 251, 251, 248]);
        let ts: Vec<i64> = segments.iter().flat_map(|c| c.ts.iter().copied()).collect();
        assert!(ts.windows(2).all(|w| w[0] <= w[1]) && ts[0] >= T0);
        assert!(segments[0].event.iter().all(|&e| e != EventKind::Trade));
        assert!(
            synthetic(false, 10, 1)[0]
                .event
                .iter()
                .all(|&e| e == EventKind::Trade)
        );
    }
}
