use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::aggregate::Interval;
use crate::columns::{Columns, EventKind, Side, Tick};

/// `(ts, id, kind, side, price, amount)`
type Event = (i64, i64, EventKind, Side, f64, f64);

fn columns(events: &[Event]) -> Columns {
    let mut c = Columns::default();
    for &(ts, id, event, side, price, amount) in events {
        c.push(Tick {
            ts,
            id,
            price,
            amount,
            side,
            event,
        });
    }
    c
}

/// The rule, replayed plainly from the start: the resting orders at `t` by id.
fn brute(events: &[Event], t: i64) -> HashMap<i64, (Side, f64, f64)> {
    let mut in_order: Vec<&Event> = events.iter().filter(|e| e.0 <= t).collect();
    in_order.sort_by_key(|e| (e.0, e.1));
    let mut book = HashMap::new();
    for &&(_, id, kind, side, price, amount) in &in_order {
        match kind {
            EventKind::OrderCreated | EventKind::OrderChanged if amount != 0.0 => {
                book.insert(id, (side, price, amount));
            }
            EventKind::OrderCreated | EventKind::OrderChanged | EventKind::OrderDeleted => {
                book.remove(&id);
            }
            EventKind::Trade => {}
        }
    }
    book
}

/// The brute book's levels of `side`, best first.
fn brute_levels(orders: &HashMap<i64, (Side, f64, f64)>, side: Side) -> Vec<Level> {
    let mut levels: Vec<Level> = Vec::new();
    let mut on_side: Vec<(f64, f64)> = orders
        .values()
        .filter(|o| o.0 == side)
        .map(|o| (o.1, o.2))
        .collect();
    on_side.sort_by(|a, b| a.0.total_cmp(&b.0));
    if side == Side::Buy {
        on_side.reverse();
    }
    for (price, amount) in on_side {
        match levels.last_mut() {
            Some(l) if l.price == price => {
                l.amount += amount;
                l.orders += 1;
            }
            _ => levels.push(Level {
                price,
                amount,
                orders: 1,
            }),
        }
    }
    levels
}

fn assert_book_is(book: &Book, events: &[Event], t: i64) {
    let orders = brute(events, t);
    assert_eq!(book.len(), orders.len(), "orders at {t}");
    for side in [Side::Buy, Side::Sell] {
        assert_eq!(
            book.levels(side).collect::<Vec<_>>(),
            brute_levels(&orders, side),
            "{side:?} at {t}"
        );
    }
}

const B: Side = Side::Buy;
const S: Side = Side::Sell;
const NEW: EventKind = EventKind::OrderCreated;
const CHANGE: EventKind = EventKind::OrderChanged;
const DELETE: EventKind = EventKind::OrderDeleted;

#[test]
fn the_rule_puts_moves_and_removes_orders() {
    let events = [
        (10, 1, NEW, B, 100.0, 1.0),
        (10, 2, NEW, S, 101.0, 2.0),
        (20, 3, CHANGE, B, 100.5, 0.5), // never created in the range: in the book all the same
        (30, 1, CHANGE, B, 99.0, 1.0),  // moved to another price
        (40, 2, CHANGE, S, 101.0, 0.0), // amount zero: gone
        (50, 3, DELETE, B, 100.5, 0.0),
        (50, 9, EventKind::Trade, B, 1.0, 1.0),
    ];
    let c = columns(&events);
    let mut replay = BookReplay::new();
    let book = replay.seek(&[&c], 20);
    assert_eq!(
        (book.best_bid(), book.best_ask()),
        (Some(100.5), Some(101.0))
    );
    assert_eq!(book.spread(), Some(0.5));
    assert_eq!(book.mid(), Some(100.75));
    let book = replay.seek(&[&c], 30);
    assert_eq!(book.best_bid(), Some(100.5));
    assert_eq!(
        book.levels(B).map(|l| l.price).collect::<Vec<_>>(),
        vec![100.5, 99.0]
    );
    let book = replay.seek(&[&c], 40);
    assert_eq!((book.best_ask(), book.spread()), (None, None));
    let book = replay.seek(&[&c], 50);
    assert_eq!(book.len(), 1);
    // Before the first event, and back again.
    assert!(replay.seek(&[&c], 5).is_empty());
    assert_eq!(replay.seek(&[&c], 10).len(), 2);
}

#[test]
fn imbalance_counts_the_amounts_near_the_mid() {
    let events = [
        (1, 1, NEW, B, 999.9, 3.0),
        (1, 2, NEW, S, 1000.1, 1.0),
        (1, 3, NEW, B, 900.0, 50.0), // 10 % away: not counted
    ];
    let c = columns(&events);
    let mut replay = BookReplay::new();
    let book = replay.seek(&[&c], 1);
    assert_eq!(book.imbalance(IMBALANCE_WITHIN), Some(0.5));
    assert_eq!(Book::default().imbalance(IMBALANCE_WITHIN), None);
}

#[test]
fn depth_sums_the_levels_from_the_best_outward_near_the_mid() {
    let events = [
        (1, 1, NEW, B, 99.5, 1.0),
        (1, 2, NEW, B, 99.0, 2.0),
        (1, 3, NEW, B, 99.0, 0.5),
        (1, 4, NEW, B, 50.0, 9.0), // far from the mid
        (1, 5, NEW, S, 100.5, 4.0),
    ];
    let c = columns(&events);
    let mut replay = BookReplay::new();
    let book = replay.seek(&[&c], 1);
    assert_eq!(book.depth(B, 0.01), vec![(99.5, 1.0), (99.0, 3.5)]);
    assert_eq!(book.depth(S, 0.01), vec![(100.5, 4.0)]);
    // One side only: around its own best.
    let book = replay.seek(&[&columns(&events[..4])], 1);
    assert_eq!(book.depth(S, 0.01), vec![]);
    assert_eq!(book.depth(B, 0.01), vec![(99.5, 1.0), (99.0, 3.5)]);
}

#[test]
fn series_give_the_book_at_each_intervals_end() {
    let s = 1_000_000;
    let events = [
        (0, 1, NEW, B, 100.0, 1.0),
        (s / 2, 2, NEW, S, 102.0, 1.0),
        (s, 3, NEW, S, 101.0, 1.0),
        (3 * s, 3, DELETE, S, 101.0, 0.0),
    ];
    let c = columns(&events);
    let points = book_series(&mut BookReplay::new(), &[&c], 0, 3 * s + 10, Interval::S1);
    let asks: Vec<_> = points.iter().map(|p| (p.at, p.best_ask)).collect();
    assert_eq!(
        asks,
        vec![
            (s - 1, Some(102.0)),
            (2 * s - 1, Some(101.0)),
            (3 * s - 1, Some(101.0)),
            (3 * s + 10, Some(102.0)),
        ]
    );
    assert_eq!(points[1].spread, Some(1.0));
    assert_eq!(points[1].mid, Some(100.5));
}

fn arb_events() -> impl Strategy<Value = Vec<Event>> {
    let kind = prop_oneof![
        4 => Just(NEW),
        3 => Just(CHANGE),
        2 => Just(DELETE),
        1 => Just(EventKind::Trade),
    ];
    let side = prop_oneof![Just(B), Just(S)];
    // Prices on a 0.5 grid and amounts in eighths: sums are exact, so levels compare exactly.
    prop::collection::vec((0i64..200, 0i64..30, kind, side, 0u32..20, 0u32..9), 0..300).prop_map(
        |raw| {
            let mut events: Vec<Event> = raw
                .into_iter()
                .map(|(ts, id, k, side, p, a)| {
                    (
                        ts,
                        id,
                        k,
                        side,
                        100.0 + f64::from(p) / 2.0,
                        f64::from(a) / 8.0,
                    )
                })
                .collect();
            events.sort_by_key(|e| (e.0, e.1));
            events.dedup_by_key(|e| (e.0, e.1));
            events
        },
    )
}

/// `events` cut into chunks at `cuts`.
fn chunked(events: &[Event], cuts: &[prop::sample::Index]) -> Vec<Columns> {
    crate::test_support::chunked(events, cuts, columns)
}

proptest! {
    #[test]
    fn a_replay_is_the_rule_at_every_instant_in_any_order_of_moves(
        events in arb_events(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        every in 1usize..40,
        moves in prop::collection::vec(-5i64..210, 1..30),
    ) {
        let chunks = chunked(&events, &cuts);
        let refs: Vec<&Columns> = chunks.iter().collect();
        let mut replay = BookReplay::every(every);
        for t in moves {
            assert_book_is(replay.seek(&refs, t), &events, t);
        }
    }

    #[test]
    fn prepared_ahead_or_not_a_replay_gives_the_same_books(
        events in arb_events(),
        every in 1usize..40,
        slice in 1usize..100,
        moves in prop::collection::vec(-5i64..210, 1..10),
    ) {
        let c = columns(&events);
        let mut replay = BookReplay::every(every);
        let mut slices = 0;
        while !replay.prepare(&[&c], slice) {
            slices += 1;
            prop_assert!(slices <= events.len(), "prepare never ends");
        }
        for t in moves {
            assert_book_is(replay.seek(&[&c], t), &events, t);
        }
    }

    #[test]
    fn more_items_loaded_start_the_replay_afresh(
        events in arb_events(),
        keep in any::<prop::sample::Index>(),
        t in 0i64..200,
    ) {
        // First a part of the items (a load in progress), then all of them.
        let part: Vec<Event> = events.iter().copied().enumerate()
            .filter(|(i, _)| i % 3 != keep.index(3)).map(|(_, e)| e).collect();
        let (c_part, c_all) = (columns(&part), columns(&events));
        let mut replay = BookReplay::every(4);
        assert_book_is(replay.seek(&[&c_part], 200), &part, 200);
        assert_book_is(replay.seek(&[&c_all], t), &events, t);
    }

    #[test]
    fn a_series_point_is_the_book_at_its_instant(
        events in arb_events(),
        from in 0i64..100,
        len in 0i64..150,
    ) {
        let mut replay = BookReplay::every(8);
        // 1 µs events on a 1 s interval ladder: scale times up so that intervals hold several events.
        let scaled: Vec<Event> = events.iter().map(|e| (e.0 * 100_000, e.1, e.2, e.3, e.4, e.5)).collect();
        let c_scaled = columns(&scaled);
        let (from, to) = (from * 100_000, (from + len) * 100_000);
        for p in book_series(&mut replay, &[&c_scaled], from, to, Interval::S1) {
            let orders = brute(&scaled, p.at);
            let best = |side| brute_levels(&orders, side).first().map(|l| l.price);
            prop_assert_eq!(p.best_bid, best(B));
            prop_assert_eq!(p.best_ask, best(S));
            prop_assert_eq!(p.spread, best(S).zip(best(B)).map(|(a, b)| a - b));
        }
    }
}
