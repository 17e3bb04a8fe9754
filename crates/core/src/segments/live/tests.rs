use super::*;
use crate::Channel;
use crate::columns::Tick;
use crate::pager::fake_api::{FakeApi, columns, identities, tick};
use proptest::prelude::*;

const CH: &str = "live_trades_btcusd";

fn ch() -> Channel {
    CH.parse().unwrap()
}

/// A store that items arrive in over time: `(arrival, tick)`, answered as it was at a poll's time.
struct Store {
    items: Vec<(i64, Tick)>,
    honours_cursor: bool,
    page_size: usize,
}

impl Store {
    /// The API as it answers at `now`: the items arrived by then, by timestamp (ties in arrival order).
    fn at(&self, now: i64) -> FakeApi {
        let mut visible: Vec<(i64, Tick)> = self
            .items
            .iter()
            .copied()
            .filter(|(a, _)| *a <= now)
            .collect();
        visible.sort_by_key(|(a, t)| (t.ts, *a));
        let ticks = visible.into_iter().map(|(_, t)| t).collect();
        FakeApi::new(CH, ticks, self.honours_cursor, vec![self.page_size])
    }

    /// Every item with a timestamp in `[from, to]`, in key order.
    fn holds(&self, from: i64, to: i64) -> Vec<(i64, i64)> {
        let mut all: Vec<(i64, i64)> = self
            .items
            .iter()
            .map(|(_, t)| (t.ts, t.id))
            .filter(|(ts, _)| (from..=to).contains(ts))
            .collect();
        all.sort_unstable();
        all
    }
}

/// Loads `[from, to]` as the store is at `to`, then starts following.
fn load_and_follow(store: &Store, from: i64, to: i64) -> ChannelLoad {
    let mut load = ChannelLoad::new(ch(), from, to, 2).unwrap();
    let mut api = store.at(to);
    loop {
        let Some(i) = load.pending().next() else {
            break;
        };
        let q = load.next_query(i).unwrap();
        load.accept(i, api.answer(&q)).unwrap();
    }
    assert!(load.follow());
    load
}

/// One poll at `now`, page after page.
fn poll(load: &mut ChannelLoad, store: &Store, now: i64) -> usize {
    assert!(load.begin_poll(now));
    let mut api = store.at(now);
    let mut new = 0;
    while let Some(q) = load.poll_query() {
        new += load.accept_poll(api.answer(&q)).unwrap();
    }
    assert_eq!(load.range().1, now, "the range ends where the poll did");
    new
}

fn held(load: &ChannelLoad) -> Vec<(i64, i64)> {
    load.chunks().flat_map(identities).collect()
}

#[test]
fn a_poll_brings_what_is_newer_and_a_late_item_once() {
    // Trades at 1 s apart arrive 0.5 s after their time; one arrives 2 s late, after a poll covered it.
    let mut items: Vec<(i64, Tick)> = (1..=20)
        .map(|s| (s * 1_000_000 + 500_000, tick(s * 1_000_000, s)))
        .collect();
    items.push((12_500_000, tick(10_200_000, 99)));
    let store = Store {
        items,
        honours_cursor: true,
        page_size: 3,
    };
    let mut load = load_and_follow(&store, 0, 5_000_000);
    assert_eq!(held(&load), store.holds(0, 4_000_000));
    assert_eq!(poll(&mut load, &store, 11_000_000), 6, "5 s to 10 s");
    assert_eq!(poll(&mut load, &store, 11_000_000), 0, "nothing new");
    assert_eq!(
        poll(&mut load, &store, 13_000_000),
        3,
        "11 s, 12 s and the late one"
    );
    assert_eq!(poll(&mut load, &store, 30_000_000), 8);
    assert_eq!(held(&load), store.holds(0, 30_000_000));
    assert!(load.chunks().all(Columns::is_in_key_order));
    assert_eq!(load.items(), 21);
    assert_eq!(load.range(), (0, 30_000_000));
    assert!(
        load.stats().duplicates > 0,
        "each poll asks the last 3 s again"
    );
}

#[test]
fn following_needs_a_complete_load_and_one_poll_at_a_time() {
    let store = Store {
        items: vec![(1, tick(1, 1))],
        honours_cursor: true,
        page_size: 5,
    };
    let mut load = ChannelLoad::new(ch(), 0, 10, 1).unwrap();
    assert!(!load.follow() && !load.begin_poll(20));
    let q = load.next_query(0).unwrap();
    load.accept(0, store.at(10).answer(&q)).unwrap();
    assert!(load.follow() && load.follow());
    assert!(load.begin_poll(20));
    assert!(!load.begin_poll(30), "a poll is in progress");
    assert!(!load.is_done());
    load.abandon_poll();
    assert!(load.is_done() && load.poll_query().is_none());
    assert_eq!(load.range(), (0, 10), "an abandoned poll covers nothing");
    // The poll starts 3 s back of the range's end, never before its start.
    assert!(load.begin_poll(20));
    assert!(load.poll_query().unwrap().contains("from=0&to=20"));
}

#[test]
fn the_window_slides() {
    let items: Vec<(i64, Tick)> = (0..100)
        .map(|i| (i * 100_000, tick(i * 100_000, i)))
        .collect();
    let store = Store {
        items,
        honours_cursor: false,
        page_size: 7,
    };
    let mut load = load_and_follow(&store, 0, 9_900_000);
    assert_eq!(load.items(), 100);
    assert_eq!(load.drop_before(2_050_000), 21);
    assert_eq!(load.range(), (2_050_000, 9_900_000));
    assert_eq!(held(&load), store.holds(2_050_000, 9_900_000));
    assert_eq!(load.drop_before(1_000_000), 0, "never back");
    assert_eq!(load.drop_before(i64::MAX), 78, "never past the end");
    assert_eq!(load.range(), (9_900_000, 9_900_000));
    assert_eq!((load.items(), load.dropped()), (1, 99));
    assert_eq!(
        ChannelLoad::new(ch(), 0, 9, 1).unwrap().drop_before(5),
        0,
        "only while following"
    );
}

#[test]
fn small_chunks_are_joined() {
    // A poll a second, an item each: the list does not grow a chunk per poll.
    let items: Vec<(i64, Tick)> = (0..3_000)
        .map(|s| (s * 1_000_000, tick(s * 1_000_000, s)))
        .collect();
    let store = Store {
        items,
        honours_cursor: true,
        page_size: 100,
    };
    let mut load = load_and_follow(&store, 0, 1_000_000);
    for now in 2..3_000 {
        poll(&mut load, &store, now * 1_000_000);
    }
    assert_eq!(load.items(), 3_000);
    assert!(
        load.chunks().count() <= 3,
        "{} chunks",
        load.chunks().count()
    );
    assert_eq!(held(&load), store.holds(0, 3_000_000_000));
}

proptest! {
    /// Whatever the arrival delays (within the lookback), ties, page sizes, cursor handling and poll times, a
    /// following load ends up holding each item of its range once, in key order.
    #[test]
    fn polls_hold_every_item_once_in_order(
        raw in prop::collection::vec((0i64..40, 0i64..(LOOKBACK_US - 1)), 0..120),
        polls in prop::collection::vec(1i64..4_000_000, 1..12),
        honours_cursor in any::<bool>(),
        page_size in 3usize..20,
        load_to in 0i64..10_000_000,
    ) {
        // Timestamps on a coarse grid, so that many share one (a taker sweep); ids unique.
        let items: Vec<(i64, Tick)> = raw
            .iter()
            .enumerate()
            .map(|(i, &(slot, delay))| {
                let ts = slot * 500_000;
                (ts + delay, tick(ts, i as i64))
            })
            .collect();
        // By time, a page must hold more than the largest run of equal timestamps (else paging is stuck, as
        // the pager says).
        let largest_run = (0..40).map(|slot| raw.iter().filter(|r| r.0 == slot).count()).max().unwrap_or(0);
        let page_size = if honours_cursor { page_size } else { page_size.max(largest_run + 1) };
        let store = Store { items, honours_cursor, page_size };
        let mut load = load_and_follow(&store, 0, load_to);
        let mut now = load_to;
        for step in polls {
            now += step;
            poll(&mut load, &store, now);
            prop_assert!(load.chunks().all(Columns::is_in_key_order));
        }
        // The store has settled: a last poll after every arrival.
        now += LOOKBACK_US + 40 * 500_000;
        poll(&mut load, &store, now);
        let held = held(&load);
        let mut sorted = held.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(&held, &sorted, "in key order, each once");
        prop_assert_eq!(held, store.holds(0, now));
    }
}

#[test]
fn columns_helper_is_used() {
    // `columns` builds a page for `merge` directly: an empty page changes nothing.
    let mut chunks = vec![std::rc::Rc::new(columns(&[tick(1, 1), tick(2, 2)]))];
    assert_eq!(merge(&mut chunks, &Columns::default()), (0, 0));
    assert_eq!(
        merge(&mut chunks, &columns(&[tick(2, 2), tick(2, 3)])),
        (1, 1)
    );
    assert_eq!(
        chunks
            .iter()
            .flat_map(|c| identities(c))
            .collect::<Vec<_>>(),
        vec![(1, 1), (2, 2), (2, 3)]
    );
}

#[test]
fn quiet_channels_are_polled_less_often() {
    let delays: Vec<u32> = [0.0, 5_000.0, 6_000.0, 15_000.0, 30_000.0, 3.6e6]
        .into_iter()
        .map(poll_delay_ms)
        .collect();
    assert_eq!(delays, vec![2_000, 2_000, 2_000, 5_000, 10_000, 10_000]);
    assert_eq!(poll_delay_ms(f64::NAN), POLL_MS);
    assert_eq!(poll_delay_ms(-1.0), POLL_MS);
}
