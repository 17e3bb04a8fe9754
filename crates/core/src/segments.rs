//! One channel loaded over `[from, to]` in K parallel time segments: the split, the segments' pagers and their
//! loaded items. Segments are disjoint in time and in order, so the channel's items in order are the segments'
//! items concatenated.
//!
//! Segments rarely hold equal work: channels differ in density by 50×, and trading comes in bursts. So when a
//! segment is done, the one with the most left is split ([`ChannelLoad::busiest`], [`ChannelLoad::split`]) and
//! the loader keeps the same number of requests in flight until the end, instead of waiting on the slowest
//! segment alone. New segments are appended; the items' order is the segments' order by time.
//!
//! Each segment keeps its pages' items as they came, one exact-size [`Columns`] per page:
//! appending to one growing vector would double it and copy it again and again, and wasm memory never shrinks
//! back from such a high-water mark.

use crate::columns::Columns;
use crate::pager::{PagerError, PagerStats, SegmentPager};
use crate::progress::Coverage;
use crate::response::PageBatch;

/// Splits `[from, to]` (inclusive) into `k` contiguous, non-overlapping inclusive segments that cover it exactly,
/// as equal as integers allow (lengths differ by at most 1 µs). Fewer segments when the range has fewer than `k`
/// microseconds; `k = 0` counts as 1; none when `from > to`.
pub fn split(from: i64, to: i64, k: usize) -> Vec<(i64, i64)> {
    if from > to {
        return Vec::new();
    }
    let span = to as i128 - from as i128 + 1;
    let k = (k.max(1) as i128).min(span);
    let start = |i: i128| from as i128 + span * i / k;
    (0..k)
        .map(|i| (start(i) as i64, (start(i + 1) - 1) as i64))
        .collect()
}

/// One segment's pager and the items it has loaded, page by page (no empty page kept).
#[derive(Debug, Clone)]
struct Segment {
    pager: SegmentPager,
    pages: Vec<Columns>,
    error: Option<PagerError>,
}

impl Segment {
    fn items(&self) -> usize {
        self.pages.iter().map(Columns::len).sum()
    }

    fn is_pending(&self) -> bool {
        self.error.is_none() && !self.pager.is_done()
    }

    /// Time not yet covered: `(last item, to]`, or all of it before the first page.
    fn left(&self) -> (i64, i64) {
        let (from, to) = self.pager.range();
        let start = self.pager.last_ts().map_or(from, |t| t.saturating_add(1));
        (start, to)
    }
}

/// A segment worth splitting has at least this many pages left, by estimate: then both halves have a page or
/// more to load, and the page already asked for falls in the first half.
pub const SPLIT_MIN_PAGES: f64 = 2.0;

/// A channel's load: K [`SegmentPager`]s over consecutive segments of `[from, to]` and their items.
///
/// Requests for different segments may be in flight together and answered in any order; each segment's answers
/// must be accepted in the order of that segment's queries (ask `next_query(i)`, accept its answer, ask again).
#[derive(Debug, Clone)]
pub struct ChannelLoad {
    channel: String,
    from: i64,
    to: i64,
    segments: Vec<Segment>,
}

impl ChannelLoad {
    /// `channel` over `[from, to]` in `k` segments (see [`split`]).
    pub fn new(
        channel: impl Into<String>,
        from: i64,
        to: i64,
        k: usize,
    ) -> Result<Self, PagerError> {
        let channel = channel.into();
        // Checks the channel and the range even when the split is empty.
        SegmentPager::new(channel.clone(), from, to)?;
        let segments = split(from, to, k)
            .into_iter()
            .map(|(a, b)| {
                Ok(Segment {
                    pager: SegmentPager::new(channel.clone(), a, b)?,
                    pages: Vec::new(),
                    error: None,
                })
            })
            .collect::<Result<_, PagerError>>()?;
        Ok(Self {
            channel,
            from,
            to,
            segments,
        })
    }

    /// Asks every segment for at most `limit` items per page.
    pub fn with_limit(mut self, limit: Option<u32>) -> Self {
        for s in &mut self.segments {
            s.pager = s.pager.clone().with_limit(limit);
        }
        self
    }

    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// The whole range, inclusive.
    pub fn range(&self) -> (i64, i64) {
        (self.from, self.to)
    }

    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Segment `i`'s pager (its range, mode, counters), if there is such a segment.
    pub fn pager(&self, i: usize) -> Option<&SegmentPager> {
        self.segments.get(i).map(|s| &s.pager)
    }

    pub fn pagers(&self) -> impl Iterator<Item = &SegmentPager> {
        self.segments.iter().map(|s| &s.pager)
    }

    /// The query string of segment `i`'s next request; `None` when it is complete, has failed, or does not exist.
    pub fn next_query(&self, i: usize) -> Option<String> {
        let s = self.segments.get(i)?;
        if s.error.is_some() {
            return None;
        }
        s.pager.next_query()
    }

    /// Segments that still need requests: neither complete nor failed.
    pub fn pending(&self) -> impl Iterator<Item = usize> + '_ {
        self.segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_pending())
            .map(|(i, _)| i)
    }

    /// The pending segment with the most pages left, by estimate, and that estimate: its uncovered time at the
    /// channel's density so far (items per µs covered), in the channel's average page size. `None` until a page
    /// has arrived or when nothing is pending.
    pub fn busiest(&self) -> Option<(usize, f64)> {
        let stats = self.stats();
        let covered = Coverage::of_load(self).covered_us;
        if stats.pages == 0 || stats.items == 0 || covered == 0 {
            return None;
        }
        let items_per_us = stats.items as f64 / covered as f64;
        let items_per_page = stats.items as f64 / stats.pages as f64;
        self.segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_pending())
            .map(|(i, s)| {
                let (start, to) = s.left();
                let left_us = (to as f64 - start as f64 + 1.0).max(0.0);
                (i, left_us * items_per_us / items_per_page)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Splits pending segment `i` in the middle of its uncovered time: it keeps the first half and a new segment,
    /// appended, gets the second. Returns the new segment's index; `None` when `i` is not pending or has less
    /// than 2 µs left.
    pub fn split(&mut self, i: usize) -> Option<usize> {
        let s = self.segments.get_mut(i).filter(|s| s.is_pending())?;
        let (start, to) = s.left();
        let mid = start + (to - start) / 2;
        if mid >= to {
            return None;
        }
        // The second half's pager first: the segment is shortened only once its rest has a pager to go to.
        let pager = SegmentPager::new(self.channel.clone(), mid + 1, to)
            .ok()?
            .with_limit(s.pager.limit());
        if !s.pager.shorten(mid) {
            return None;
        }
        self.segments.push(Segment {
            pager,
            pages: Vec::new(),
            error: None,
        });
        Some(self.segments.len() - 1)
    }

    /// Takes the answer to `next_query(i)`. Returns how many new items it brought. An error is kept (the
    /// segment stops being pending until [`ChannelLoad::clear_error`]) and returned.
    pub fn accept(&mut self, i: usize, batch: PageBatch) -> Result<usize, PagerError> {
        let s = self
            .segments
            .get_mut(i)
            .ok_or(PagerError::NoSuchSegment { index: i })?;
        if let Some(e) = &s.error {
            return Err(e.clone());
        }
        match s.pager.accept(batch) {
            Ok(mut fresh) => {
                let count = fresh.len();
                if count > 0 {
                    // Items the pager dropped (out of range, repeated) left room behind.
                    fresh.shrink_to_fit();
                    s.pages.push(fresh);
                }
                Ok(count)
            }
            Err(e) => {
                s.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Segments that failed, with their errors.
    pub fn errors(&self) -> impl Iterator<Item = (usize, &PagerError)> {
        self.segments
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.error.as_ref().map(|e| (i, e)))
    }

    /// Forgets segment `i`'s error so that it is pending again (its pager resumes where it was).
    pub fn clear_error(&mut self, i: usize) {
        if let Some(s) = self.segments.get_mut(i) {
            s.error = None;
        }
    }

    /// True when every segment is complete.
    pub fn is_done(&self) -> bool {
        self.segments.iter().all(|s| s.pager.is_done())
    }

    /// How many items segment `i` has loaded.
    pub fn segment_items(&self, i: usize) -> Option<usize> {
        self.segments.get(i).map(Segment::items)
    }

    /// The loaded items as chunks, segment after segment in time and page after page: together, the channel's
    /// items in order, without a copy. No chunk is empty.
    pub fn chunks(&self) -> impl Iterator<Item = &Columns> {
        let mut in_time: Vec<&Segment> = self.segments.iter().collect();
        in_time.sort_by_key(|s| s.pager.range().0);
        in_time.into_iter().flat_map(|s| &s.pages)
    }

    /// The channel's items loaded so far, in order, in one `Columns` (a copy).
    pub fn merged(&self) -> Columns {
        let mut all = Columns::with_capacity(self.items());
        for c in self.chunks() {
            all.append(c);
        }
        all
    }

    /// Items loaded, in all segments.
    pub fn items(&self) -> usize {
        self.segments.iter().map(Segment::items).sum()
    }

    /// The segments' counters summed (`last_ts`: the latest of any segment).
    pub fn stats(&self) -> PagerStats {
        self.segments
            .iter()
            .fold(PagerStats::default(), |mut sum, s| {
                let st = s.pager.stats();
                sum.pages += st.pages;
                sum.items += st.items;
                sum.skipped += st.skipped;
                sum.out_of_range += st.out_of_range;
                sum.duplicates += st.duplicates;
                sum.handed_over += st.handed_over;
                sum.last_ts = sum.last_ts.max(st.last_ts);
                sum
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::Tick;
    use crate::pager::fake_api::{FakeApi, KeyStyle, identities, tick};
    use proptest::prelude::*;
    use std::collections::HashSet;

    const CH: &str = "live_orders_ethusd";

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
    fn new_checks_channel_and_range() {
        assert!(matches!(
            ChannelLoad::new("x", 0, 1, 2),
            Err(PagerError::InvalidChannel(_))
        ));
        assert!(matches!(
            ChannelLoad::new(CH, 2, 1, 2),
            Err(PagerError::InvalidRange { .. })
        ));
        let load = ChannelLoad::new(CH, 0, 99, 4).unwrap().with_limit(Some(7));
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
        let mut load = ChannelLoad::new(CH, 0, 999, 3).unwrap();
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
        let mut load = ChannelLoad::new(CH, 0, 999, 2).unwrap();
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
        let mut load = ChannelLoad::new(CH, 0, 999, 2).unwrap();
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
    fn a_split_works_when_the_api_ignores_cursors() {
        let items: Vec<Tick> = (0..60).map(|i| tick(i * 10, i)).collect();
        // Page two is page one again (cursor ignored); page three asks from 60 and, in flight during the split, is
        // long: it reaches past the new end.
        let mut api = FakeApi::new(CH, items.clone(), false, vec![7, 7, 40]);
        let mut load = ChannelLoad::new(CH, 0, 599, 1).unwrap();
        let q = load.next_query(0).unwrap();
        load.accept(0, api.answer(&q)).unwrap();
        let q = load.next_query(0).unwrap();
        load.accept(0, api.answer(&q)).unwrap();
        assert_eq!(load.pager(0).unwrap().mode(), crate::PagerMode::TimeCursor);
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
            let mut load = ChannelLoad::new(CH, from, to, k).unwrap();
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
            let want: Vec<(i64, i64)> = items
                .iter()
                .filter(|t| (from..=to).contains(&t.ts))
                .map(|t| (t.ts, t.id))
                .collect();
            prop_assert_eq!(identities(&load.merged()), want.clone());
            let chained: Vec<(i64, i64)> = load.chunks().flat_map(identities).collect();
            prop_assert_eq!(chained, want);
            prop_assert!(load.chunks().all(|c| !c.is_empty()));
            prop_assert_eq!(load.stats().skipped, 0, "items handed over are not malformed");
            prop_assert_eq!(Coverage::of_load(&load).fraction(), 1.0);
        }
    }
}
