use proptest::prelude::*;

use super::*;
use crate::aggregate::test_util::cols as columns;
use crate::columns::{Columns, EventKind, Side, Tick};
use crate::test_support::chunked;

fn trade(ts: i64, id: i64, amount: f64) -> Tick {
    Tick {
        ts,
        id,
        price: 100.0 + id as f64,
        amount,
        side: if id % 2 == 0 { Side::Buy } else { Side::Sell },
        event: EventKind::Trade,
    }
}

fn keys(tape: &Tape, chunks: &[&Columns]) -> Vec<(i64, i64)> {
    (0..tape.len())
        .map(|i| tape.row(chunks, i).map(|r| (r.ts, r.id)).unwrap())
        .collect()
}

#[test]
fn rows_are_the_window_s_trades_newest_first_and_big_enough() {
    let chunks = [
        columns(&[trade(10, 1, 1.0), trade(20, 2, 0.1), trade(20, 3, 2.0)]),
        columns(&[trade(30, 4, 5.0), trade(40, 5, 1.0)]),
    ];
    let refs: Vec<&Columns> = chunks.iter().collect();
    let tape = Tape::new(&refs, (20, 30), 0.5);
    assert_eq!(keys(&tape, &refs), vec![(30, 4), (20, 3)]);
    let row = tape.row(&refs, 0).unwrap();
    assert_eq!((row.price, row.amount, row.side), (104.0, 5.0, Side::Buy));
    assert_eq!(tape.row(&refs, 2), None);
    assert!(Tape::new(&refs, (41, 50), 0.0).is_empty());
}

#[test]
fn a_scrolled_view_keeps_its_trades_in_sight_as_newer_ones_arrive() {
    let old: Vec<Tick> = (0..100).map(|i| trade(i, i, 1.0)).collect();
    let new: Vec<Tick> = (100..130).map(|i| trade(i, i, 1.0)).collect();
    let query = |version| TapeQuery {
        version,
        window: (0, 1_000),
        min_amount: 0.0,
        row_px: 20.0,
        view_px: 100.0,
    };
    let before = [columns(&old)];
    let after = [columns(&old), columns(&new)];
    let before: Vec<&Columns> = before.iter().collect();
    let after: Vec<&Columns> = after.iter().collect();
    let mut view = ScrolledTape::default();
    let shown = view.show(&before, query(1), 200.0);
    assert_eq!(
        (shown.len, shown.rows[0].id, shown.scroll_px),
        (100, 89, 200.0)
    );
    // Scrolled down: the same trade stays at the top, 30 rows further down.
    let shown = view.show(&after, query(2), 200.0);
    assert_eq!(
        (shown.len, shown.rows[0].id, shown.scroll_px),
        (130, 89, 800.0)
    );
    // At the top: the newest come in above.
    let mut view = ScrolledTape::default();
    view.show(&before, query(1), 0.0);
    let shown = view.show(&after, query(2), 0.0);
    assert_eq!((shown.rows[0].id, shown.scroll_px), (129, 0.0));
}

fn arb_trades() -> impl Strategy<Value = Vec<Tick>> {
    prop::collection::vec((0i64..100, 0i64..20, 0u32..8, any::<bool>()), 0..200).prop_map(|raw| {
        let mut ticks: Vec<Tick> = raw
            .into_iter()
            .map(|(ts, id, a, is_trade)| Tick {
                event: if is_trade {
                    EventKind::Trade
                } else {
                    EventKind::OrderCreated
                },
                ..trade(ts, id, f64::from(a) / 4.0)
            })
            .collect();
        ticks.sort_by_key(|t| (t.ts, t.id));
        ticks.dedup_by_key(|t| (t.ts, t.id));
        ticks
    })
}

proptest! {
    #[test]
    fn a_tape_is_the_filtered_window_sorted_newest_first(
        ticks in arb_trades(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        from in -5i64..105,
        length in 0i64..110,
        min in 0u32..8,
        probe in (-5i64..105, 0i64..20),
    ) {
        let chunks = chunked(&ticks, &cuts, columns);
        let refs: Vec<&Columns> = chunks.iter().collect();
        let min = f64::from(min) / 4.0;
        let window = (from, from + length);
        let tape = Tape::new(&refs, window, min);
        let mut expected: Vec<(i64, i64)> = ticks
            .iter()
            .filter(|t| t.event == EventKind::Trade && t.amount >= min)
            .filter(|t| (window.0..=window.1).contains(&t.ts))
            .map(|t| (t.ts, t.id))
            .collect();
        expected.reverse();
        prop_assert_eq!(keys(&tape, &refs), expected.clone());
        let newer = expected.iter().filter(|&&k| k > probe).count();
        prop_assert_eq!(tape.position(&refs, probe), newer);
    }

    #[test]
    fn a_viewport_draws_every_row_in_sight_and_reaches_both_ends(
        len in 0usize..3_000_000,
        row_px in 10.0f64..40.0,
        view_px in 0.0f64..2_000.0,
        at in 0.0f64..=1.0,
    ) {
        let height = Viewport::new(len, row_px, view_px, 0.0).height_px;
        let max_scroll = (height - view_px).max(0.0);
        let scroll = at * max_scroll;
        let v = Viewport::new(len, row_px, view_px, scroll);
        prop_assert!(v.first + v.count <= len);
        prop_assert!(v.height_px <= MAX_SCROLL_PX);
        if len as f64 * row_px > view_px {
            // The drawn block covers the part of the list in sight.
            prop_assert!(v.offset_px <= scroll + 1e-6);
            prop_assert!(v.offset_px + v.count as f64 * row_px >= scroll + view_px - 1e-6);
        } else {
            prop_assert_eq!((v.first, v.count), (0, len));
        }
        prop_assert_eq!(Viewport::new(len, row_px, view_px, 0.0).first, 0);
        let bottom = Viewport::new(len, row_px, view_px, max_scroll);
        prop_assert_eq!(bottom.first + bottom.count, len);
        // Scrolling on never goes back up the list, and scrolling to a row shows it first.
        let further = Viewport::new(len, row_px, view_px, scroll + row_px);
        prop_assert!(further.first >= v.first);
        let back = Viewport::new(len, row_px, view_px, Viewport::scroll_for(len, row_px, view_px, v.first));
        prop_assert_eq!(back.first, v.first);
    }
}
