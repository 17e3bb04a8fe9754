use super::*;
use crate::columns::{Columns, EventKind, Side, Tick};
use proptest::prelude::*;

fn columns(items: &[(i64, i64)], with_ids: bool) -> Columns {
    let mut c = Columns::default();
    for (i, &(ts, id)) in items.iter().enumerate() {
        let tick = Tick {
            ts,
            id,
            price: 41_000.5 + i as f64,
            amount: 0.012_345_678 * (i + 1) as f64,
            side: if i % 2 == 0 { Side::Buy } else { Side::Sell },
            event: if with_ids {
                EventKind::Trade
            } else {
                EventKind::OrderChanged
            },
        };
        if with_ids {
            c.push_with_order_ids(tick, [id * 2, id * 2 + 1]);
        } else {
            c.push(tick);
        }
    }
    c
}

#[test]
fn a_stretch_reads_back_as_written() {
    for with_ids in [false, true] {
        let c = columns(&[(10, 1), (10, 2), (20, 1)], with_ids);
        assert_eq!(decode(&encode(&c)), Ok(c));
    }
    assert_eq!(decode(&encode(&Columns::default())), Ok(Columns::default()));
}

#[test]
fn damaged_bytes_are_refused() {
    let bytes = encode(&columns(&[(10, 1), (20, 2), (30, 3)], true));
    let mut flipped = bytes.clone();
    flipped[20] ^= 1;
    assert_eq!(decode(&flipped), Err(CacheError::Checksum));
    assert!(decode(&bytes[..bytes.len() - 3]).is_err());
    assert!(matches!(decode(b"TSC1"), Err(CacheError::Malformed(_))));
    assert!(matches!(
        decode(b"not a cache file at all"),
        Err(CacheError::Malformed(_))
    ));
    // Well formed, checksum right, but not in key order: written by something else.
    let mut backwards = Columns::default();
    for c in [columns(&[(30, 1)], false), columns(&[(10, 1)], false)] {
        backwards.append(&c);
    }
    assert_eq!(
        decode(&encode(&backwards)),
        Err(CacheError::Malformed("items out of order"))
    );
}

#[test]
fn cover_reads_what_is_stored_and_fetches_the_rest() {
    use Piece::*;
    let stored = [(1, 100, 199), (2, 150, 299), (3, 400, 499)];
    assert_eq!(
        cover(&stored, 0, 999),
        vec![
            Missing { from: 0, to: 99 },
            Stored {
                id: 1,
                from: 100,
                to: 199
            },
            Stored {
                id: 2,
                from: 200,
                to: 299
            },
            Missing { from: 300, to: 399 },
            Stored {
                id: 3,
                from: 400,
                to: 499
            },
            Missing { from: 500, to: 999 },
        ]
    );
    // Stretch 1 is read to its end, then stretch 2 for what it has beyond.
    assert_eq!(
        cover(&stored, 420, 450),
        vec![Stored {
            id: 3,
            from: 420,
            to: 450
        }]
    );
    assert_eq!(cover(&[], 5, 5), vec![Missing { from: 5, to: 5 }]);
    assert_eq!(cover(&stored, 9, 8), vec![]);
}

#[test]
fn the_index_replaces_what_a_new_stretch_holds_and_evicts_the_least_recently_used() {
    let range = |channel: &str, from, to| StoredRange {
        api: "http://a/prod".into(),
        channel: channel.into(),
        from,
        to,
    };
    let mut index = CacheIndex::default();
    let (a, _) = index.add(range("live_trades_btcusd", 0, 99), 10, 1_000, 1.0);
    let (b, _) = index.add(range("live_trades_btcusd", 200, 299), 10, 1_000, 2.0);
    let (c, _) = index.add(range("live_orders_btcusd", 0, 999), 10, 1_000, 3.0);
    // A stretch over 0..=299 holds a and b: they go.
    let (d, replaced) = index.add(range("live_trades_btcusd", 0, 299), 20, 2_000, 4.0);
    assert_eq!(replaced, vec![a, b]);
    assert_eq!(
        index.stretches("http://a/prod", "live_trades_btcusd"),
        vec![(d, 0, 299)]
    );
    assert_eq!(
        index.stretches("http://other/prod", "live_trades_btcusd"),
        vec![]
    );
    assert_eq!(index.total_bytes(), 3_000);
    index.touch(c, 5.0);
    // d was used before c: it goes first.
    assert_eq!(index.evict(1_500), vec![d]);
    assert_eq!(index.evict(1_500), Vec::<u64>::new());
    let again = CacheIndex::parse(&index.to_json());
    assert_eq!(again, index);
    assert_eq!(CacheIndex::parse("{broken"), CacheIndex::default());
    let mut index = again;
    assert_eq!(index.clear(), vec![c]);
    let (e, _) = index.add(range("live_trades_btcusd", 0, 1), 1, 1, 6.0);
    assert!(e > d, "ids are never reused");
}

#[test]
fn only_what_has_settled_is_stored() {
    let now = 1_000_000_000;
    assert_eq!(storable_end(0, 500_000_000, now), Some(500_000_000));
    assert_eq!(storable_end(0, now, now), Some(now - SETTLE_US));
    assert_eq!(storable_end(now - 1_000, now, now), None);
}

proptest! {
    #[test]
    fn any_columns_round_trip(
        items in prop::collection::vec((0i64..1_000, 0i64..50), 0..200),
        with_ids in any::<bool>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let mut items = items;
        items.sort();
        items.dedup();
        let c = columns(&items, with_ids);
        let bytes = encode(&c);
        prop_assert_eq!(decode(&bytes), Ok(c));
        let mut damaged = bytes.clone();
        let at = flip.index(damaged.len());
        damaged[at] ^= 0x40;
        prop_assert!(decode(&damaged).is_err());
    }

    #[test]
    fn pages_encode_as_their_items_together(
        items in prop::collection::vec((0i64..1_000, 0i64..50), 0..200),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        ids in prop::collection::vec(any::<bool>(), 5),
    ) {
        let mut items = items;
        items.sort();
        items.dedup();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(items.len() + 1)).collect();
        cuts.extend([0, items.len()]);
        cuts.sort();
        cuts.dedup();
        // Pages with and without order ids: the whole carries `[0, 0]` for those without.
        let pages: Vec<Columns> = cuts
            .windows(2)
            .zip(&ids)
            .map(|(w, &with_ids)| columns(&items[w[0]..w[1]], with_ids))
            .collect();
        let mut whole = Columns::default();
        for p in &pages {
            whole.append(p);
        }
        let refs: Vec<&Columns> = pages.iter().collect();
        let parts: Vec<u8> = Encoder::new(&refs).flatten().collect();
        prop_assert_eq!(&parts, &encode(&whole));
        prop_assert_eq!(decode(&parts), Ok(whole));
    }

    #[test]
    fn cover_tiles_the_range(
        stretches in prop::collection::vec((0i64..1_000, 0i64..300), 0..6),
        from in 0i64..1_000,
        len in 0i64..1_000,
    ) {
        let stretches: Vec<(u64, i64, i64)> =
            stretches.iter().enumerate().map(|(i, &(a, w))| (i as u64, a, a + w)).collect();
        let to = from + len;
        let pieces = cover(&stretches, from, to);
        let mut at = from;
        for p in &pieces {
            let (a, b) = match *p {
                Piece::Stored { id, from, to } => {
                    let s = stretches.iter().find(|s| s.0 == id).unwrap();
                    prop_assert!(s.1 <= from && to <= s.2, "{p:?} outside {s:?}");
                    (from, to)
                }
                Piece::Missing { from, to } => {
                    prop_assert!(stretches.iter().all(|s| s.2 < from || to < s.1), "{p:?} is stored");
                    (from, to)
                }
            };
            prop_assert_eq!(a, at);
            prop_assert!(a <= b);
            at = b + 1;
        }
        prop_assert_eq!(at, to + 1);
    }
}
