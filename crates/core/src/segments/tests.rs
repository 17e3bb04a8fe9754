use super::*;
use crate::columns::{Columns, Tick};
use crate::pager::fake_api::{FakeApi, KeyStyle, identities, tick};
use proptest::prelude::*;
use std::collections::HashSet;

const CH: &str = "live_orders_ethusd";

fn ch() -> crate::Channel {
    CH.parse().unwrap()
}

fn check_split(from: i64, to: i64, k: usize) -> Vec<(i64, i64)> {
    let parts = split(from, to, k);
    if from > to {
        assert!(parts.is_empty());
        return parts;
    }
    let span = to as i128 - from as i128 + 1;
    assert_eq!(parts.len() as i128, (k.max(1) as i128).min(span));
    assert_eq!(parts.first().unwrap().0, from);
    assert_eq!(parts.last().unwrap().1, to);
    for w in parts.windows(2) {
        assert_eq!(w[0].1.checked_add(1), Some(w[1].0), "contiguous");
    }
    let lens: Vec<i128> = parts
        .iter()
        .map(|&(a, b)| b as i128 - a as i128 + 1)
        .collect();
    assert!(lens.iter().all(|&l| l >= 1));
    assert!(lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1);
    parts
}

#[test]
fn split_examples() {
    assert_eq!(
        check_split(0, 99, 4),
        vec![(0, 24), (25, 49), (50, 74), (75, 99)]
    );
    assert_eq!(check_split(10, 12, 8), vec![(10, 10), (11, 11), (12, 12)]);
    assert_eq!(check_split(5, 5, 3), vec![(5, 5)]);
    assert_eq!(check_split(0, 9, 0), vec![(0, 9)]);
    assert_eq!(check_split(0, 9, 3), vec![(0, 2), (3, 5), (6, 9)]);
    assert!(check_split(9, 0, 3).is_empty());
    check_split(i64::MIN, i64::MAX, 16);
    check_split(0, i64::MAX, 7);
}

#[test]
fn new_checks_the_range() {
    assert!(matches!(
        ChannelLoad::new(ch(), 2, 1, 2),
        Err(PagerError::InvalidRange { .. })
    ));
    let load = ChannelLoad::new(ch(), 0, 99, 4)
        .unwrap()
        .with_limit(Some(7));
    assert_eq!(load.segment_count(), 4);
    assert_eq!(load.pager(1).unwrap().range(), (25, 49));
    assert!(load.next_query(3).unwrap().contains("limit=7"));
    assert_eq!(load.next_query(4), None);
    assert_eq!(load.pending().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
}

#[test]
fn segments_load_independently_and_merge_in_order() {
    let items: Vec<Tick> = (0..100).map(|i| tick(i * 10, i)).collect();
    let mut api = FakeApi::new(CH, items.clone(), true, vec![4]);
    let mut load = ChannelLoad::new(ch(), 0, 999, 3).unwrap();
    // Last segment first.
    while let Some(q) = load.next_query(2) {
        load.accept(2, api.answer(&q)).unwrap();
    }
    assert_eq!(load.pending().collect::<Vec<_>>(), vec![0, 1]);
    assert!(!load.is_done());
    let q = load.next_query(0).unwrap();
    assert_eq!(load.accept(0, api.answer(&q)).unwrap(), 4);
    let q = load.next_query(0).unwrap();
    assert_eq!(load.accept(0, api.answer(&q)).unwrap(), 4);
    assert_eq!(load.segment_items(0), Some(8));
    // Merged so far: segment 0's first 8 items then segment 2's.
    let merged = identities(&load.merged());
    assert_eq!(merged.len(), 8 + 33);
    assert!(merged.windows(2).all(|w| w[0].0 < w[1].0));
    for i in [0, 1] {
        while let Some(q) = load.next_query(i) {
            load.accept(i, api.answer(&q)).unwrap();
        }
    }
    assert!(load.is_done());
    let want: Vec<(i64, i64)> = items.iter().map(|t| (t.ts, t.id)).collect();
    assert_eq!(identities(&load.merged()), want);
    assert_eq!(load.items(), 100);
    let held: usize = load.chunks().map(Columns::heap_bytes).sum();
    assert_eq!(held, 100 * 34, "pages are kept with no spare capacity");
    assert_eq!(load.stats().items, 100);
    assert_eq!(load.stats().last_ts, Some(990));
    let segments: Vec<usize> = (0..3).map(|i| load.segment_items(i).unwrap()).collect();
    assert_eq!(segments, vec![34, 33, 33]);
    assert_eq!(load.segment_items(3), None);
    // Pages of 4: 8 full pages and a page of 2 per segment of 34 or 33 items, none empty.
    let pages: Vec<usize> = load.chunks().map(Columns::len).collect();
    assert!(pages.iter().all(|&n| (1..=4).contains(&n)), "{pages:?}");
    assert_eq!(pages.len(), 27);
}

#[test]
fn a_failed_segment_stops_being_pending_until_cleared() {
    let mut items: Vec<Tick> = (1..=5).map(|id| tick(100, id)).collect();
    items.push(tick(900, 1));
    let mut api = FakeApi::new(CH, items, false, vec![2]);
    let mut load = ChannelLoad::new(ch(), 0, 999, 2).unwrap();
    let mut error = None;
    while let Some(q) = load.next_query(0) {
        if let Err(e) = load.accept(0, api.answer(&q)) {
            error = Some(e);
        }
    }
    assert_eq!(error, Some(PagerError::Stuck { ts: 100 }));
    assert_eq!(load.pending().collect::<Vec<_>>(), vec![1]);
    assert_eq!(
        load.errors().collect::<Vec<_>>(),
        vec![(0, &PagerError::Stuck { ts: 100 })]
    );
    assert_eq!(
        load.accept(0, PageBatch::default()),
        Err(PagerError::Stuck { ts: 100 })
    );
    assert_eq!(
        load.accept(5, PageBatch::default()),
        Err(PagerError::NoSuchSegment { index: 5 })
    );
    load.clear_error(0);
    assert_eq!(load.pending().collect::<Vec<_>>(), vec![0, 1]);
    assert!(load.next_query(0).is_some());
}

#[test]
fn the_busiest_segment_is_split_in_the_middle_of_what_it_has_left() {
    // Dense early, sparse late: segment 0 of 2 holds 90 of the 100 items.
    let mut items: Vec<Tick> = (0..90).map(|i| tick(i * 5, i)).collect();
    items.extend((0..10).map(|i| tick(500 + i * 50, 100 + i)));
    let mut api = FakeApi::new(CH, items.clone(), true, vec![10]);
    let mut load = ChannelLoad::new(ch(), 0, 999, 2).unwrap();
    assert_eq!(load.busiest(), None, "no estimate before a page");
    let in_flight = load.next_query(0).unwrap();
    // Segment 1 finishes in one page: 10 items over 500 µs.
    let q = load.next_query(1).unwrap();
    load.accept(1, api.answer(&q)).unwrap();
    let (busiest, pages) = load.busiest().unwrap();
    assert_eq!(busiest, 0);
    // 500 µs left at the channel's 10 items per 500 µs, 10 items a page.
    assert!((pages - 1.0).abs() < 1e-9, "{pages}");
    assert_eq!(load.split(0), Some(2));
    assert_eq!(load.pager(0).unwrap().range(), (0, 249));
    assert_eq!(load.pager(2).unwrap().range(), (250, 499));
    assert_eq!(load.split(1), None, "a finished segment is not split");
    // The request sent before the split still asked up to 499.
    load.accept(0, api.answer(&in_flight)).unwrap();
    for i in [0, 2] {
        while let Some(q) = load.next_query(i) {
            load.accept(i, api.answer(&q)).unwrap();
        }
    }
    assert!(load.is_done());
    let want: Vec<(i64, i64)> = items.iter().map(|t| (t.ts, t.id)).collect();
    let chained: Vec<(i64, i64)> = load.chunks().flat_map(identities).collect();
    assert_eq!(chained, want);
    assert_eq!(load.stats().skipped, 0);
}

#[test]
fn a_burst_is_found_by_its_own_segment_s_density() {
    // Segment 0 of 2 is sparse (10 items over 500 µs), segment 1 a burst (100 items over its first 100 µs, then 400
    // µs with one item every 20 µs). The channel's average would rank them alike.
    let mut items: Vec<Tick> = (0..10).map(|i| tick(i * 50, i)).collect();
    items.extend((0..100).map(|i| tick(500 + i, 100 + i)));
    items.extend((0..20).map(|i| tick(600 + i * 20, 300 + i)));
    let mut api = FakeApi::new(CH, items, true, vec![10]);
    let mut load = ChannelLoad::new(ch(), 0, 999, 2).unwrap();
    for i in [0, 1] {
        let q = load.next_query(i).unwrap();
        load.accept(i, api.answer(&q)).unwrap();
    }
    // Segment 0's first page covered 0..=450 with 10 items; segment 1's 500..=509 with 10.
    let (busiest, pages) = load.busiest().unwrap();
    assert_eq!(busiest, 1);
    // 490 µs left at 1 item per µs, 10 items a page.
    assert!((pages - 49.0).abs() < 1e-9, "{pages}");
}

#[test]
fn a_split_works_when_the_api_ignores_cursors() {
    let items: Vec<Tick> = (0..60).map(|i| tick(i * 10, i)).collect();
    // Page two is page one again (cursor ignored); page three asks from 60 and, in flight during the split, is
    // long: it reaches past the new end.
    let mut api = FakeApi::new(CH, items.clone(), false, vec![7, 7, 40]);
    let mut load = ChannelLoad::new(ch(), 0, 599, 1).unwrap();
    let q = load.next_query(0).unwrap();
    load.accept(0, api.answer(&q)).unwrap();
    let q = load.next_query(0).unwrap();
    load.accept(0, api.answer(&q)).unwrap();
    assert_eq!(
        load.pager(0).unwrap().mode(),
        crate::pager::PagerMode::TimeCursor
    );
    let in_flight = load.next_query(0).unwrap();
    let new = load.split(0).unwrap();
    assert_eq!(load.pager(0).unwrap().range(), (0, 330));
    load.accept(0, api.answer(&in_flight)).unwrap();
    assert!(load.pager(0).unwrap().is_done());
    assert_eq!(
        load.stats().handed_over,
        12,
        "340..=450 came in flight and belong to the new segment"
    );
    for i in [0, new] {
        while let Some(q) = load.next_query(i) {
            load.accept(i, api.answer(&q)).unwrap();
        }
    }
    let want: Vec<(i64, i64)> = items.iter().map(|t| (t.ts, t.id)).collect();
    assert_eq!(identities(&load.merged()), want);
    assert_eq!(load.stats().skipped, 0);
}

fn arb_items() -> impl Strategy<Value = Vec<Tick>> {
    prop::collection::vec((0i64..400, 0i64..6), 0..200).prop_map(|pairs| {
        let mut seen = HashSet::new();
        let mut items: Vec<Tick> = pairs
            .into_iter()
            .filter(|&p| seen.insert(p))
            .map(|(ts, id)| tick(ts, id))
            .collect();
        items.sort_by_key(|t| t.ts);
        items
    })
}

proptest! {
    #[test]
    fn split_covers_exactly(from in any::<i64>(), to in any::<i64>(), k in 0usize..40) {
        check_split(from, to, k);
    }

    #[test]
    fn split_covers_small_ranges_exactly(from in -50i64..50, len in 0i64..60, k in 0usize..70) {
        let parts = check_split(from, from + len, k);
        let covered: Vec<i64> = parts.iter().flat_map(|&(a, b)| a..=b).collect();
        prop_assert_eq!(covered, (from..=from + len).collect::<Vec<_>>());
    }

    /// Any split, any page sizes, any interleaving of segment requests, and segments split while a request
    /// of theirs is in flight (its answer still covers the old end): no gap, no duplicate, order kept.
    #[test]
    fn a_channel_load_yields_every_item_once_in_order(
        items in arb_items(),
        from in 0i64..100,
        len in 0i64..400,
        k in 0usize..10,
        sizes in prop::collection::vec(1usize..12, 1..5),
        when_full: bool,
        schedule in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4), 1..50),
    ) {
        let to = from + len;
        let mut api = FakeApi::new(CH, items.clone(), true, sizes);
        api.key_style = if when_full { KeyStyle::WhenFull } else { KeyStyle::WhenMore };
        let mut load = ChannelLoad::new(ch(), from, to, k).unwrap();
        let mut step = 0;
        loop {
            let pending: Vec<usize> = load.pending().collect();
            if pending.is_empty() {
                break;
            }
            let (pick, split) = schedule[step % schedule.len()];
            let i = *pick.get(&pending);
            step += 1;
            prop_assert!(step < 10_000);
            let q = load.next_query(i).unwrap();
            match split {
                0 => { load.split(i); }
                1 => { load.busiest().map(|(b, _)| load.split(b)); }
                _ => {}
            }
            let before = load.segment_items(i).unwrap();
            let fresh = load.accept(i, api.answer(&q)).unwrap();
            prop_assert_eq!(load.segment_items(i).unwrap(), before + fresh);
        }
        prop_assert!(load.is_done());
        // In key order, whatever order the API keeps ties in.
        let mut want: Vec<(i64, i64)> = items
            .iter()
            .filter(|t| (from..=to).contains(&t.ts))
            .map(|t| (t.ts, t.id))
            .collect();
        want.sort_unstable();
        prop_assert_eq!(identities(&load.merged()), want.clone());
        let chained: Vec<(i64, i64)> = load.chunks().flat_map(identities).collect();
        prop_assert_eq!(chained, want);
        prop_assert!(load.chunks().all(|c| !c.is_empty()));
        prop_assert_eq!(load.stats().skipped, 0, "items handed over are not malformed");
        prop_assert_eq!(Coverage::of_load(&load).fraction(), 1.0);
    }
}

/// Items with many ties (up to 6 share a timestamp) in key order, and the same items with every run of equal
/// timestamps in an arbitrary order, as a store answers them (DynamoDB: hash order).
fn arb_shuffled_ties() -> impl Strategy<Value = (Vec<Tick>, Vec<Tick>)> {
    (arb_items(), any::<u64>()).prop_map(|(mut items, seed)| {
        // Ties at one price would hide a wrong order: each id trades at its own.
        items
            .iter_mut()
            .for_each(|t| t.price += t.id as f64 / 100.0);
        items.sort_by_key(|t| (t.ts, t.id));
        let mut shuffled = items.clone();
        let mix = |id: i64| {
            (id as u64 ^ seed)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(29)
        };
        shuffled.sort_by_key(|t| (t.ts, mix(t.id)));
        (items, shuffled)
    })
}

proptest! {
    /// Ties in any order, within a page or across a cut, through cursors or the time cursor's re-reads, over any
    /// segments and splits: the load holds the items in `(ts, id)` order, and every aggregate equals that of the
    /// items in key order, bit for bit.
    #[test]
    fn ties_in_any_order_give_key_order_and_identical_aggregates(
        (sorted, shuffled) in arb_shuffled_ties(),
        k in 1usize..6,
        honours_cursor: bool,
        sizes in prop::collection::vec(1usize..12, 1..5),
        schedule in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 1..30),
    ) {
        use crate::aggregate::{Interval, candles, stats};
        // By time, a run must fit in a page: more than a page of ties cannot be paged without a cursor.
        let sizes: Vec<usize> = sizes.iter().map(|&n| if honours_cursor { n } else { n + 6 }).collect();
        let mut api = FakeApi::new(CH, shuffled, honours_cursor, sizes);
        let (from, to) = (0, 399);
        let mut load = ChannelLoad::new(ch(), from, to, k).unwrap();
        for step in 0.. {
            let pending: Vec<usize> = load.pending().collect();
            if pending.is_empty() {
                break;
            }
            prop_assert!(step < 10_000);
            let (pick, split) = schedule[step % schedule.len()];
            let i = *pick.get(&pending);
            let q = load.next_query(i).unwrap();
            if split {
                load.split(i);
            }
            load.accept(i, api.answer(&q)).unwrap();
        }
        let want: Vec<(i64, i64)> = sorted.iter().map(|t| (t.ts, t.id)).collect();
        let chained: Vec<(i64, i64)> = load.chunks().flat_map(identities).collect();
        prop_assert_eq!(chained, want);
        let reference = crate::pager::fake_api::columns(&sorted);
        let (chunks, whole): (Vec<&Columns>, Vec<&Columns>) = (load.chunks().collect(), vec![&reference]);
        prop_assert_eq!(stats(&chunks, from, to), stats(&whole, from, to));
        prop_assert_eq!(
            candles(&chunks, from, to, Interval::S1).iter().collect::<Vec<_>>(),
            candles(&whole, from, to, Interval::S1).iter().collect::<Vec<_>>()
        );
        prop_assert_eq!(crate::items_csv(&ch(), &chunks), crate::items_csv(&ch(), &whole));
    }
}

#[test]
fn held_stretches_are_kept_and_stored_again_only_inside_what_was_fetched() {
    let items: Vec<Tick> = (0..100).map(|i| tick(i * 10, i)).collect();
    let mut api = FakeApi::new(CH, items.clone(), true, vec![7]);
    // The cache holds 300..=599.
    let mut cached = Columns::default();
    for t in items.iter().filter(|t| (300..=599).contains(&t.ts)) {
        cached.push(*t);
    }
    let held = Held::piece(cached, 300, 599);
    let mut load = ChannelLoad::planned(ch(), 0, 999, vec![held], 4, &Density::Unknown).unwrap();
    assert_eq!(load.held_items(), 30);
    while let Some(i) = { load.pending().next() } {
        let q = load.next_query(i).unwrap();
        load.accept(i, api.answer(&q)).unwrap();
    }
    assert!(load.is_done());
    let want: Vec<(i64, i64)> = items.iter().map(|t| (t.ts, t.id)).collect();
    assert_eq!(load.chunks().flat_map(identities).collect::<Vec<_>>(), want);
    // Fetched: 0..=299 and 600..=999, stored with the held stretch between them as one, only up to 800 (newer
    // may still arrive).
    let spans = |kept: Vec<Held>| -> Vec<(i64, i64, usize)> {
        kept.iter().map(|h| (h.from, h.to, h.items())).collect()
    };
    assert_eq!(spans(load.stretches_to_store(800)), vec![(0, 800, 81)]);
    let stretch = load.stretches_to_store(999).remove(0);
    // The pages are the load's own, not copies (the cut one at 800 above is the only copy).
    assert!(
        stretch
            .pages
            .iter()
            .all(|p| std::rc::Rc::strong_count(p) == 2)
    );
    let bytes: Vec<u8> = crate::cache::Encoder::new(&stretch.chunks())
        .flatten()
        .collect();
    let kept = crate::cache::decode(&bytes).unwrap();
    assert_eq!(identities(&kept), want);
    // Up to a time inside the held stretch: its part before then goes in.
    assert_eq!(spans(load.stretches_to_store(450)), vec![(0, 450, 46)]);
    let mut following = load.clone();
    assert!(following.follow());
    assert_eq!(spans(following.stretches_to_store(999)), vec![]);

    let whole = Held::piece(kept, 300, 599);
    assert_eq!((whole.from, whole.to, whole.items()), (300, 599, 30));
    let reopened = ChannelLoad::planned(ch(), 300, 599, vec![whole], 4, &Density::Unknown).unwrap();
    assert!(reopened.is_done());
    assert_eq!(reopened.held_items(), 30);
    assert_eq!(spans(reopened.stretches_to_store(999)), vec![]);
}

#[test]
fn a_piece_of_a_stretch_holds_its_items_within_the_piece() {
    let mut columns = Columns::default();
    for i in 0..10 {
        columns.push(tick(i * 10, i));
    }
    let piece = Held::piece(columns, 25, 60);
    assert_eq!(piece.chunks()[0].ts, vec![30, 40, 50, 60]);
    assert!(Held::piece(Columns::default(), 0, 10).pages.is_empty());
}
