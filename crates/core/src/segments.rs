//! One channel loaded over `[from, to]` in K parallel time segments: the split, the segments' pagers and their
//! loaded items. Segments are disjoint in time and in order, so the channel's items in order are the segments'
//! items concatenated.
//!
//! Segments rarely hold equal work: channels differ in density by 50×, and trading comes in bursts. So when a
//! segment is done, the one with the most left is split ([`ChannelLoad::busiest`], [`ChannelLoad::split`]) and
//! the loader keeps the same number of requests in flight until the end, instead of waiting on the slowest
//! segment alone. New segments are appended; the items' order is the segments' order by time.
//!
//! Items are kept in key order, `(ts, id)`, whatever order the API returns items that share a timestamp in
//! (DynamoDB's is its hash order): a taker sweep is many trades at one microtimestamp, and open, close and the
//! newest items depend on which comes last. Segments are disjoint in time, so a run of equal timestamps is in one
//! segment; within it, a run that spans a page cut is moved to the later page (see `Segment::push_page`).
//!
//! Each segment keeps its pages' items, one exact-size [`Columns`] per page:
//! appending to one growing vector would double it and copy it again and again, and wasm memory never shrinks
//! back from such a high-water mark.

use std::rc::Rc;

use crate::channel::Channel;
use crate::columns::Columns;
use crate::pager::{PagerError, PagerStats, SegmentPager};
use crate::progress::Coverage;
use crate::response::PageBatch;

mod held;
mod live;
mod plan;

pub use held::{Held, uncovered};
use live::Live;
pub use live::{LOOKBACK_US, POLL_MS, QUIET_POLL_MS, poll_delay_ms};
pub use plan::{
    Density, H1_IN_FLIGHT, H2_IN_FLIGHT, ITEMS_PER_PAGE, PROBES_PER_CHANNEL, first_round,
    in_flight_for,
};

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
    /// Shared with a stretch being kept in the cache, until it is written (so changed only by copy on write).
    pages: Vec<Rc<Columns>>,
    error: Option<PagerError>,
    /// Read from the cache, not fetched.
    held: bool,
}

impl Segment {
    fn pending(pager: SegmentPager) -> Self {
        Self {
            pager,
            pages: Vec::new(),
            error: None,
            held: false,
        }
    }

    fn items(&self) -> usize {
        self.pages.iter().map(|p| p.len()).sum()
    }

    fn is_pending(&self) -> bool {
        self.error.is_none() && !self.pager.is_done()
    }

    /// Keeps a page's new items in key order, `(ts, id)`, whatever order the API gave items sharing a timestamp.
    /// Such a run may begin on the previous page: it is moved here, so that no timestamp is in two pages and
    /// sorting one page puts the segment in order.
    fn push_page(&mut self, mut fresh: Columns) {
        let Some(&first) = fresh.ts.first() else {
            return;
        };
        if let Some(last) = self
            .pages
            .last_mut()
            .filter(|p| p.ts.last() == Some(&first))
        {
            let last = Rc::make_mut(last);
            let mut run = last.split_off(last.ts.partition_point(|&t| t < first));
            if last.is_empty() {
                self.pages.pop();
            } else {
                last.shrink_to_fit();
            }
            run.append(&fresh);
            fresh = run;
        }
        fresh.sort_by_key();
        // Items the pager dropped (out of range, repeated) left room behind.
        fresh.shrink_to_fit();
        self.pages.push(Rc::new(fresh));
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
    channel: Channel,
    from: i64,
    to: i64,
    segments: Vec<Segment>,
    /// Once following ([`ChannelLoad::follow`]): every item, and the poll in progress.
    live: Option<Live>,
}

impl ChannelLoad {
    /// `channel` over `[from, to]` in `k` equal segments (see [`split`]).
    pub fn new(channel: Channel, from: i64, to: i64, k: usize) -> Result<Self, PagerError> {
        Self::planned(channel, from, to, Vec::new(), k, &Density::Unknown)
    }

    /// `channel` over `[from, to]`: the `held` stretches as they are (complete, in order, within the range), and
    /// what they leave in about `k` segments, equal in time over where its items are by `density` (see
    /// [`first_round`] for `k`).
    pub fn planned(
        channel: Channel,
        from: i64,
        to: i64,
        held: Vec<Held>,
        k: usize,
        density: &Density,
    ) -> Result<Self, PagerError> {
        // Checks the range even when the split is empty.
        SegmentPager::new(channel.clone(), from, to)?;
        let spans: Vec<(i64, i64)> = held.iter().map(|h| (h.from, h.to)).collect();
        let fetched = plan::place_all(&uncovered(from, to, &spans), k, density)
            .into_iter()
            .map(|(a, b)| Ok(Segment::pending(SegmentPager::new(channel.clone(), a, b)?)));
        let held = held.into_iter().map(|h| h.into_segment(&channel));
        let segments = fetched.chain(held).collect::<Result<_, PagerError>>()?;
        Ok(Self {
            channel,
            from,
            to,
            segments,
            live: None,
        })
    }

    /// Asks every segment for at most `limit` items per page.
    #[cfg(test)]
    pub(crate) fn with_limit(mut self, limit: Option<u32>) -> Self {
        for s in &mut self.segments {
            s.pager = s.pager.clone().with_limit(limit);
        }
        self
    }

    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// The whole range, inclusive: it moves while following.
    pub fn range(&self) -> (i64, i64) {
        (self.from, self.to)
    }

    #[cfg(test)]
    pub(crate) fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Segment `i`'s pager (its range, mode, counters), if there is such a segment.
    #[cfg(test)]
    pub(crate) fn pager(&self, i: usize) -> Option<&SegmentPager> {
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

    /// The pending segment with the most pages left, by estimate, and that estimate: its uncovered time at its
    /// own density so far (items per µs covered; the channel's before its first page), in the channel's average
    /// page size. Bursts make neighbouring segments differ by far more than channels differ on average. `None`
    /// until a page has arrived or when nothing is pending.
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
                let own = Coverage::of_pager(&s.pager);
                let density = if own.items > 0 && own.covered_us > 0 {
                    own.items as f64 / own.covered_us as f64
                } else {
                    items_per_us
                };
                (i, left_us * density / items_per_page)
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
        self.segments.push(Segment::pending(pager));
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
            Ok(fresh) => {
                let count = fresh.len();
                s.push_page(fresh);
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

    /// True when every segment is complete (and, while following, no poll is in progress).
    pub fn is_done(&self) -> bool {
        self.segments.iter().all(|s| s.pager.is_done())
            && !self.live.as_ref().is_some_and(Live::is_polling)
    }

    /// How many items segment `i` has loaded.
    #[cfg(test)]
    pub(crate) fn segment_items(&self, i: usize) -> Option<usize> {
        self.segments.get(i).map(Segment::items)
    }

    /// The loaded items as chunks, segment after segment in time and page after page: together, the channel's
    /// items in order, without a copy. No chunk is empty.
    pub fn chunks(&self) -> impl Iterator<Item = &Columns> {
        let mut in_time: Vec<&Segment> = self.segments.iter().collect();
        in_time.sort_by_key(|s| s.pager.range().0);
        let live = self.live.iter().flat_map(Live::chunks);
        in_time
            .into_iter()
            .flat_map(|s| &s.pages)
            .chain(live)
            .map(|p| &**p)
    }

    /// The channel's items loaded so far, in order, in one `Columns` (a copy).
    #[cfg(test)]
    pub(crate) fn merged(&self) -> Columns {
        let mut all = Columns::with_capacity(self.items());
        for c in self.chunks() {
            all.append(c);
        }
        all
    }

    /// Items held: loaded, less what the sliding window forgot.
    pub fn items(&self) -> usize {
        let live: usize = self
            .live
            .iter()
            .flat_map(Live::chunks)
            .map(|c| c.len())
            .sum();
        self.segments.iter().map(Segment::items).sum::<usize>() + live
    }

    /// The segments' and the polls' counters summed (`last_ts`: the latest of any).
    pub fn stats(&self) -> PagerStats {
        let polls = self.live.as_ref().map(Live::stats);
        self.segments
            .iter()
            .map(|s| s.pager.stats())
            .chain(polls)
            .fold(PagerStats::default(), |mut sum, st| {
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
mod tests;
