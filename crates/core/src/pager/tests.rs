use super::fake_api::{FakeApi, KeyStyle, columns, identities, key_of, tick};
use super::*;
use crate::columns::Tick;
use proptest::prelude::*;

const CH: &str = "live_trades_btcusd";

fn ch() -> crate::Channel {
    CH.parse().unwrap()
}

fn request(query: &str) -> PageRequest {
    PageRequest::parse(query).unwrap()
}

fn batch(ticks: &[Tick], last_key: Option<PageKey>) -> PageBatch {
    PageBatch {
        items: columns(ticks),
        skipped: 0,
        last_key,
    }
}

/// Runs `pager` against `api` to the end (or the first error); returns everything accepted.
fn drain(pager: &mut SegmentPager, api: &mut FakeApi) -> (Columns, Option<PagerError>) {
    let mut all = Columns::default();
    for _ in 0..10_000 {
        let Some(query) = pager.next_query() else {
            return (all, None);
        };
        match pager.accept(api.answer(&query)) {
            Ok(fresh) => all.append(&fresh),
            Err(e) => return (all, Some(e)),
        }
    }
    panic!("paging did not end");
}

fn expected(items: &[Tick], from: i64, to: i64) -> Vec<(i64, i64)> {
    items
        .iter()
        .filter(|t| (from..=to).contains(&t.ts))
        .map(|t| (t.ts, t.id))
        .collect()
}

/// Ten items at ts 100, 110, .., 190 (ids 1..=10), and order events sharing ids at one timestamp.
fn ten() -> Vec<Tick> {
    (0..10).map(|i| tick(100 + 10 * i, i + 1)).collect()
}

#[test]
fn rejects_a_bad_range() {
    assert_eq!(
        SegmentPager::new(ch(), 5, 4).unwrap_err(),
        PagerError::InvalidRange { from: 5, to: 4 }
    );
    assert!(SegmentPager::new(ch(), -1, 4).is_err());
    assert!(SegmentPager::new(ch(), 4, 4).is_ok());
}

#[test]
fn first_query_asks_the_whole_segment_without_cursor() {
    let p = SegmentPager::new(ch(), 100, 200)
        .unwrap()
        .with_limit(Some(3));
    let r = request(&p.next_query().unwrap());
    assert_eq!(
        (r.channel.name(), r.from, r.to, r.after, r.limit),
        (CH, 100, 200, None, Some(3))
    );
    assert_eq!(p.mode(), PagerMode::Cursor);
    assert!(!p.is_done());
}

#[test]
fn follows_last_evaluated_key_until_a_page_has_none() {
    let items = ten();
    let mut p = SegmentPager::new(ch(), 100, 200).unwrap();
    let page1 = p
        .accept(batch(&items[..4], Some(key_of(CH, &items[3]))))
        .unwrap();
    assert_eq!(page1.len(), 4);
    let r = request(&p.next_query().unwrap());
    assert_eq!((r.from, r.after), (100, Some(key_of(CH, &items[3]))));
    let page2 = p.accept(batch(&items[4..], None)).unwrap();
    assert_eq!(identities(&page2), expected(&items[4..], 0, 1000));
    assert!(p.is_done());
    assert_eq!(p.next_query(), None);
    assert_eq!(p.stats().pages, 2);
    assert_eq!(p.stats().items, 10);
    assert_eq!(p.last_ts(), Some(190));
    assert_eq!(p.mode(), PagerMode::Cursor);
    assert_eq!(p.accept(batch(&[], None)), Err(PagerError::Finished));
}

#[test]
fn a_key_then_an_empty_last_page_ends_the_segment() {
    let items = ten();
    let mut api = FakeApi::new(CH, items.clone(), true, vec![5]);
    api.key_style = KeyStyle::WhenFull;
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    let (all, err) = drain(&mut p, &mut api);
    assert_eq!(err, None);
    assert_eq!(identities(&all), expected(&items, 0, 1000));
    assert_eq!(api.calls, 3, "two full pages and an empty one");
    assert_eq!(p.stats().pages, 3);
    assert_eq!(p.mode(), PagerMode::Cursor);
}

#[test]
fn an_empty_segment_is_done_after_one_page() {
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    assert!(p.accept(batch(&[], None)).unwrap().is_empty());
    assert!(p.is_done());
    assert_eq!(p.last_ts(), None);
}

#[test]
fn page_one_again_switches_to_time_cursor_paging() {
    let items = ten();
    let mut p = SegmentPager::new(ch(), 100, 200).unwrap();
    p.accept(batch(&items[..4], Some(key_of(CH, &items[3]))))
        .unwrap();
    // The API ignored the cursor: page one again.
    let again = p
        .accept(batch(&items[..4], Some(key_of(CH, &items[3]))))
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(p.mode(), PagerMode::TimeCursor);
    assert_eq!(p.stats().duplicates, 4);
    let r = request(&p.next_query().unwrap());
    assert_eq!((r.from, r.to, r.after), (130, 200, None));
    // Time-cursor page from 130: item 130 again, then new ones.
    let fresh = p
        .accept(batch(&items[3..7], Some(key_of(CH, &items[6]))))
        .unwrap();
    assert_eq!(identities(&fresh), expected(&items[4..7], 0, 1000));
    assert_eq!(request(&p.next_query().unwrap()).from, 160);
    let fresh = p.accept(batch(&items[6..], None)).unwrap();
    assert_eq!(identities(&fresh), expected(&items[7..], 0, 1000));
    assert!(p.is_done());
    assert_eq!(p.stats().items, 10);
}

#[test]
fn the_original_lambda_is_paged_by_time() {
    let items = ten();
    let mut api = FakeApi::new(CH, items.clone(), false, vec![3]);
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    let (all, err) = drain(&mut p, &mut api);
    assert_eq!(err, None);
    assert_eq!(identities(&all), expected(&items, 0, 1000));
    assert_eq!(p.mode(), PagerMode::TimeCursor);
}

#[test]
fn a_seen_first_item_at_the_key_timestamp_means_the_cursor_was_ignored() {
    // Every item at one timestamp: the first-item-before-key test cannot tell, identity must.
    let items: Vec<Tick> = (1..=6).map(|id| tick(500, id)).collect();
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    p.accept(batch(&items[..3], Some(key_of(CH, &items[2]))))
        .unwrap();
    let again = p
        .accept(batch(&items[..3], Some(key_of(CH, &items[2]))))
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(p.mode(), PagerMode::TimeCursor);
    assert_eq!(request(&p.next_query().unwrap()).from, 500);
}

#[test]
fn stuck_when_more_than_a_page_shares_a_timestamp_and_cursors_are_ignored() {
    let mut items: Vec<Tick> = (1..=6).map(|id| tick(500, id)).collect();
    items.push(tick(600, 99));
    let mut api = FakeApi::new(CH, items, false, vec![4]);
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    let (all, err) = drain(&mut p, &mut api);
    assert_eq!(err, Some(PagerError::Stuck { ts: 500 }));
    assert_eq!(all.len(), 4);
    let message = err.unwrap().to_string();
    assert!(
        message.contains("500") && message.contains("ignores `cursor`"),
        "{message}"
    );
    // Stuck is not a transient state: the same query, the same answer.
    let query = p.next_query().unwrap();
    assert_eq!(
        p.accept(api.answer(&query)),
        Err(PagerError::Stuck { ts: 500 })
    );
    assert_eq!(p.next_query(), Some(query));
}

#[test]
fn a_cursor_honouring_api_is_not_stuck_on_a_big_group() {
    let mut items: Vec<Tick> = (1..=20).map(|id| tick(500, id)).collect();
    items.push(tick(600, 99));
    let mut api = FakeApi::new(CH, items.clone(), true, vec![4]);
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    let (all, err) = drain(&mut p, &mut api);
    assert_eq!(err, None);
    assert_eq!(identities(&all), expected(&items, 0, 1000));
}

#[test]
fn same_id_at_another_timestamp_is_a_different_item() {
    // Several events of one order share its id.
    let items = vec![
        tick(100, 7),
        tick(100, 8),
        tick(110, 7),
        tick(110, 8),
        tick(120, 7),
    ];
    let mut api = FakeApi::new(CH, items.clone(), false, vec![3]);
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    let (all, err) = drain(&mut p, &mut api);
    assert_eq!(err, None);
    assert_eq!(identities(&all), expected(&items, 0, 1000));
    assert_eq!(p.mode(), PagerMode::TimeCursor);
}

#[test]
fn out_of_range_items_are_dropped_and_counted() {
    let items = ten();
    let mut p = SegmentPager::new(ch(), 120, 160).unwrap();
    let mut b = batch(&items[..4], Some(key_of(CH, &items[3])));
    b.skipped = 2;
    let fresh = p.accept(b).unwrap();
    assert_eq!(identities(&fresh), vec![(120, 3), (130, 4)]);
    assert_eq!((p.stats().out_of_range, p.stats().skipped), (2, 4));
    assert!(!p.is_done());
    // An item after `to` ends the segment even though the page carries a key.
    let fresh = p
        .accept(batch(&items[4..], Some(key_of(CH, &items[9]))))
        .unwrap();
    assert_eq!(identities(&fresh), vec![(140, 5), (150, 6), (160, 7)]);
    assert!(p.is_done());
    assert_eq!(p.stats().out_of_range, 5);
    assert_eq!(p.stats().items, 5);
}

#[test]
fn a_page_going_backwards_is_rejected_and_changes_nothing() {
    let items = ten();
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    p.accept(batch(&items[..2], Some(key_of(CH, &items[1]))))
        .unwrap();
    let before = (p.next_query(), *p.stats());
    let shuffled = [items[3], items[2]];
    assert_eq!(
        p.accept(batch(&shuffled, Some(key_of(CH, &items[2])))),
        Err(PagerError::Backwards {
            prev_ts: 130,
            ts: 120
        })
    );
    assert_eq!((p.next_query(), *p.stats()), before);
}

#[test]
fn a_time_cursor_page_before_the_asked_from_is_rejected() {
    let items = ten();
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    p.accept(batch(&items[..3], Some(key_of(CH, &items[2]))))
        .unwrap();
    p.accept(batch(&items[..3], Some(key_of(CH, &items[2]))))
        .unwrap();
    assert_eq!(p.mode(), PagerMode::TimeCursor);
    // Asked from 120, the API answers from the start again: it ignores `from` too.
    assert_eq!(
        p.accept(batch(&items[..5], Some(key_of(CH, &items[4])))),
        Err(PagerError::Backwards {
            prev_ts: 120,
            ts: 100
        })
    );
}

#[test]
fn re_asking_after_a_failure_resumes_exactly() {
    let items = ten();
    let mut api = FakeApi::new(CH, items.clone(), true, vec![3]);
    let mut p = SegmentPager::new(ch(), 0, 1000)
        .unwrap()
        .with_limit(Some(3));
    let mut all = Columns::default();
    let mut attempt = 0;
    while let Some(query) = p.next_query() {
        attempt += 1;
        if attempt % 2 == 1 {
            // The fetch failed (network, 5xx, truncated body): nothing is accepted; asking again is the same.
            assert_eq!(p.next_query(), Some(query));
            continue;
        }
        all.append(&p.accept(api.answer(&query)).unwrap());
    }
    assert_eq!(identities(&all), expected(&items, 0, 1000));
}

#[test]
fn a_key_that_does_not_advance_falls_back_to_time_paging() {
    let items = ten();
    let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
    p.accept(batch(&items[..3], Some(key_of(CH, &items[2]))))
        .unwrap();
    // An empty page carrying the same key again would loop forever in cursor mode.
    p.accept(batch(&[], Some(key_of(CH, &items[2])))).unwrap();
    assert_eq!(p.mode(), PagerMode::TimeCursor);
    assert_eq!(request(&p.next_query().unwrap()).from, 120);
    // A key for another channel cannot be passed back either.
    let mut q = SegmentPager::new(ch(), 0, 1000).unwrap();
    q.accept(batch(
        &items[..3],
        Some(key_of("live_trades_ethusd", &items[2])),
    ))
    .unwrap();
    assert_eq!(q.mode(), PagerMode::TimeCursor);
}

/// Sorted items with many shared timestamps: `(ts, id)` unique, order within a timestamp arbitrary.
fn arb_items() -> impl Strategy<Value = Vec<Tick>> {
    prop::collection::vec((0i64..60, 0i64..8), 0..120).prop_map(|pairs| {
        let mut seen = HashSet::new();
        let mut items: Vec<Tick> = pairs
            .into_iter()
            .filter(|&(ts, id)| seen.insert((ts, id)))
            .map(|(ts, id)| tick(ts * 10, id))
            .collect();
        items.sort_by_key(|t| t.ts); // stable: the generated order stays within a timestamp
        items
    })
}

fn max_group(items: &[Tick], from: i64, to: i64) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for t in items.iter().filter(|t| (from..=to).contains(&t.ts)) {
        run = if prev == Some(t.ts) { run + 1 } else { 1 };
        prev = Some(t.ts);
        best = best.max(run);
    }
    best
}

proptest! {
    #[test]
    fn cursor_paging_returns_every_item_once_in_order(
        items in arb_items(),
        from in 0i64..300,
        len in 0i64..700,
        sizes in prop::collection::vec(1usize..9, 1..6),
        when_full: bool,
    ) {
        let to = from + len;
        let mut api = FakeApi::new(CH, items.clone(), true, sizes);
        api.key_style = if when_full { KeyStyle::WhenFull } else { KeyStyle::WhenMore };
        let mut p = SegmentPager::new(ch(), from, to).unwrap();
        let (all, err) = drain(&mut p, &mut api);
        prop_assert_eq!(err, None);
        prop_assert_eq!(identities(&all), expected(&items, from, to));
        prop_assert_eq!(p.mode(), PagerMode::Cursor);
        prop_assert_eq!(p.stats().items as usize, all.len());
        prop_assert_eq!(p.stats().duplicates, 0);
    }

    #[test]
    fn time_cursor_paging_returns_every_item_once_or_says_it_is_stuck(
        items in arb_items(),
        from in 0i64..300,
        len in 0i64..700,
        sizes in prop::collection::vec(1usize..9, 1..6),
        when_full: bool,
    ) {
        let to = from + len;
        let min_size = *sizes.iter().min().unwrap();
        let mut api = FakeApi::new(CH, items.clone(), false, sizes);
        api.key_style = if when_full { KeyStyle::WhenFull } else { KeyStyle::WhenMore };
        let mut p = SegmentPager::new(ch(), from, to).unwrap();
        let (all, err) = drain(&mut p, &mut api);
        let want = expected(&items, from, to);
        match err {
            None => prop_assert_eq!(identities(&all), want),
            Some(PagerError::Stuck { ts }) => {
                // Only when a page's worth of items share that timestamp.
                let group = items.iter().filter(|t| t.ts == ts).count();
                prop_assert!(group >= min_size, "stuck at {} with a group of {}", ts, group);
                let got = identities(&all);
                prop_assert_eq!(&got[..], &want[..got.len()]);
            }
            Some(e) => prop_assert!(false, "unexpected error {:?}", e),
        }
        if max_group(&items, from, to) < min_size {
            prop_assert_eq!(p.next_query(), None, "must finish when no timestamp fills a page");
        }
    }

    #[test]
    fn failed_fetches_anywhere_do_not_change_the_result(
        items in arb_items(),
        honours: bool,
        sizes in prop::collection::vec(5usize..12, 1..4),
        failures in prop::collection::vec(any::<bool>(), 1..40),
    ) {
        let mut api = FakeApi::new(CH, items.clone(), honours, sizes);
        let mut p = SegmentPager::new(ch(), 0, 1000).unwrap();
        let mut all = Columns::default();
        let mut n = 0;
        let mut failed = false;
        while let Some(query) = p.next_query() {
            n += 1;
            prop_assert!(n < 10_000);
            if failures[n % failures.len()] && !failed {
                failed = true;
                continue; // lost answer: ask again
            }
            failed = false;
            match p.accept(api.answer(&query)) {
                Ok(fresh) => all.append(&fresh),
                Err(PagerError::Stuck { .. }) => return Ok(()),
                Err(e) => prop_assert!(false, "unexpected error {:?}", e),
            }
        }
        prop_assert_eq!(identities(&all), expected(&items, 0, 1000));
    }
}

#[test]
fn accepted_trades_keep_their_order_ids() {
    let mut pager = SegmentPager::new(ch(), 0, 1_000).unwrap();
    let mut items = Columns::default();
    for t in ten() {
        items.push_with_order_ids(t, [t.id * 2, t.id * 2 + 1]);
    }
    let page = PageBatch {
        items,
        skipped: 0,
        last_key: None,
    };
    let fresh = pager.accept(page).unwrap();
    assert_eq!(fresh.len(), 10);
    assert_eq!(fresh.order_ids_of(9), Some([20, 21]));
}
