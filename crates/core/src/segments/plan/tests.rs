use super::*;
use proptest::prelude::*;

/// A channel listed with `pages` pages' worth of items over `[0, 999]`.
fn listed(pages: f64) -> Density {
    Density::Listed {
        count: (pages * ITEMS_PER_PAGE) as u64,
        first: 0,
        last: 999,
    }
}

/// `n` channels, each to fetch over `[0, 999]`.
fn whole(n: usize) -> Vec<Vec<(i64, i64)>> {
    vec![vec![(0, 999)]; n]
}

#[test]
fn the_protocol_sets_the_requests_in_flight() {
    assert_eq!(in_flight_for("h2", true), H2_IN_FLIGHT);
    assert_eq!(in_flight_for("h3", true), H2_IN_FLIGHT);
    assert_eq!(in_flight_for("http/1.1", true), H1_IN_FLIGHT);
    assert_eq!(in_flight_for("http/1.1", false), H1_IN_FLIGHT);
    // Not said (cross-origin without Timing-Allow-Origin): browsers speak HTTP/2 only over TLS.
    assert_eq!(in_flight_for("", true), H2_IN_FLIGHT);
    assert_eq!(in_flight_for("", false), H1_IN_FLIGHT);
}

#[test]
fn listed_channels_get_segments_of_equal_pages_in_the_fewest_rounds() {
    let channels = [listed(2.0), listed(10.0), listed(20.0)];
    // Half a page each would be 64 requests; a page each is 32.
    assert_eq!(
        first_round(&channels, &whole(channels.len()), 48),
        vec![2, 10, 20]
    );
    // Six connections: 7 pages per segment is the fewest that fit (6 pages would be 1 + 2 + 4 = 7 requests).
    assert_eq!(
        first_round(&channels, &whole(channels.len()), 6),
        vec![1, 2, 3]
    );
    // Plenty: half a page each.
    assert_eq!(
        first_round(&channels, &whole(channels.len()), 100),
        vec![4, 20, 40]
    );
}

#[test]
fn only_the_part_of_the_range_with_items_counts() {
    // The range is half the listed span: half the items.
    assert_eq!(
        first_round(&[listed(20.0)], &[vec![(0, 499)]], 10),
        vec![10]
    );
    // A range beside the data, or an empty channel: one request to be sure.
    assert_eq!(
        first_round(&[listed(20.0)], &[vec![(2_000, 3_000)]], 10),
        vec![1]
    );
    let empty = Density::Listed {
        count: 0,
        first: 0,
        last: 999,
    };
    assert_eq!(first_round(&[empty], &whole(1), 10), vec![1]);
}

#[test]
fn channels_without_counts_are_probed_and_leave_the_rest_to_the_listed() {
    let unknown = Density::Unknown;
    assert_eq!(first_round(&[unknown; 4], &whole(4), 48), vec![4; 4]);
    // Six connections for four channels: one probe each.
    assert_eq!(first_round(&[unknown; 4], &whole(4), 6), vec![1; 4]);
    // 4 probes; 44 requests left: half a page each of 10 pages.
    assert_eq!(
        first_round(&[unknown, listed(10.0)], &whole(2), 48),
        vec![4, 20]
    );
    // Fewer requests than channels: one each all the same.
    assert_eq!(
        first_round(&[listed(30.0), unknown, listed(9.0)], &whole(3), 2),
        vec![1, 1, 1]
    );
}

#[test]
fn what_the_cache_holds_is_not_planned() {
    let channels = [listed(20.0), listed(20.0)];
    // The first channel is all cached; the second has half its range to fetch.
    let plan = first_round(&channels, &[vec![], vec![(0, 499)]], 48);
    assert_eq!(plan, vec![0, 20]);
    // Over two stretches to fetch, segments go where the items are, one at least each.
    let ranges = [(0, 99), (500, 999)];
    let placed = place_all(&ranges, 6, &listed(10.0));
    assert_eq!(placed.len(), 6);
    assert_eq!(placed.iter().filter(|s| s.1 <= 99).count(), 1);
    assert_eq!(place_all(&ranges, 1, &Density::Unknown).len(), 2);
}

#[test]
fn segments_are_placed_where_the_items_are() {
    let data = Density::Listed {
        count: 1_000,
        first: 400,
        last: 599,
    };
    assert_eq!(
        place(0, 999, 4, &data),
        vec![(0, 449), (450, 499), (500, 549), (550, 999)]
    );
    // Without counts, or data outside the range: equal in time.
    assert_eq!(
        place(0, 999, 2, &Density::Unknown),
        vec![(0, 499), (500, 999)]
    );
    assert_eq!(place(700, 999, 2, &data), vec![(700, 849), (850, 999)]);
    assert_eq!(place(0, 999, 1, &data), vec![(0, 999)]);
}

proptest! {
    #[test]
    fn a_plan_fits_its_budget_and_more_budget_never_means_more_rounds(
        pages in prop::collection::vec(prop::option::of(0.0..500.0f64), 1..6),
        budget in 1usize..100,
    ) {
        let densities: Vec<Density> = pages.iter().map(|p| p.map_or(Density::Unknown, listed)).collect();
        let plan = first_round(&densities, &whole(densities.len()), budget);
        prop_assert_eq!(plan.len(), densities.len());
        prop_assert!(plan.iter().all(|&s| s >= 1));
        let total: usize = plan.iter().sum();
        prop_assert!(total <= budget.max(densities.len()), "{plan:?} over {budget}");
        // Rounds: the most pages of any listed segment.
        let rounds = |plan: &[usize]| {
            plan.iter().zip(&pages).filter_map(|(&s, p)| p.map(|p| (p / s as f64).ceil())).fold(0.0, f64::max)
        };
        let more = first_round(&densities, &whole(densities.len()), budget + 10);
        prop_assert!(rounds(&more) <= rounds(&plan), "{more:?} against {plan:?}");
    }

    #[test]
    fn placed_segments_cover_the_range_in_order(
        from in 0i64..1_000, len in 0i64..5_000, first in 0i64..6_000, width in 0i64..3_000, k in 1usize..20,
    ) {
        let to = from + len;
        let density = Density::Listed { count: 10, first, last: first + width };
        let parts = place(from, to, k, &density);
        prop_assert_eq!(parts.first().map(|p| p.0), Some(from));
        prop_assert_eq!(parts.last().map(|p| p.1), Some(to));
        for w in parts.windows(2) {
            prop_assert_eq!(w[0].1 + 1, w[1].0);
        }
        prop_assert!(parts.iter().all(|(a, b)| a <= b));
    }
}
