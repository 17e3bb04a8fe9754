//! Paging one channel over one inclusive time segment `[from, to]`: which request comes next, and which items of
//! an answer are new.
//!
//! Two modes:
//! - **Cursor**: follow `LastEvaluatedKey` by passing it back as `cursor` (DynamoDB's `ExclusiveStartKey`).
//! - **TimeCursor**: for APIs that ignore `cursor` and answer page one again (the original Lambda among them).
//!   Detected when a page does not advance past the key it was asked to resume after; from then on each request
//!   asks `from` = the timestamp of the last item received, without a cursor, and the items already accepted at
//!   that timestamp are dropped. Only the identities `(id, ts)` accepted at the latest timestamp are remembered,
//!   so memory stays bounded by the largest group of items sharing one timestamp.
//!
//! Either way every item of the segment is returned exactly once, in time order; items sharing a timestamp come as
//! the API gave them, and [`crate::ChannelLoad`] puts them in key order. The pager's state changes only in
//! [`SegmentPager::accept`], and only when it succeeds: after a failed fetch (or a rejected page) asking
//! [`SegmentPager::next_query`] again resumes exactly where paging was.

use std::collections::HashSet;
use std::fmt;

use crate::channel::Channel;
use crate::columns::Columns;
use crate::cursor::PageKey;
use crate::query::PageRequest;
use crate::response::PageBatch;

#[cfg(test)]
pub(crate) mod fake_api;
#[cfg(test)]
mod tests;

/// How the next page is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagerMode {
    /// `cursor` = the previous page's `LastEvaluatedKey`.
    Cursor,
    /// `from` = the timestamp of the last item received, no cursor (the API ignores cursors).
    TimeCursor,
}

/// What a pager has seen so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PagerStats {
    /// Pages accepted.
    pub pages: u64,
    /// New items returned by `accept`, in all.
    pub items: u64,
    /// Items not returned because they are unusable: the pages' own `skipped` (unknown shapes) plus
    /// `out_of_range`.
    pub skipped: u64,
    /// Items outside `[from, to]`, dropped (part of `skipped`).
    pub out_of_range: u64,
    /// Items received again (time-cursor paging re-reads the boundary timestamp), dropped; not part of `skipped`.
    pub duplicates: u64,
    /// Items after the segment's end that it had before [`SegmentPager::shorten`] handed them to another
    /// segment: a request in flight still asked for them. Dropped; not part of `skipped`.
    pub handed_over: u64,
    /// The timestamp of the last item accepted.
    pub last_ts: Option<i64>,
}

/// Why a pager cannot go on (or cannot start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagerError {
    /// `from` is negative or after `to`.
    InvalidRange { from: i64, to: i64 },
    /// Time-cursor paging cannot get past `ts`: a page asked `from = ts` came back cut, with no item after `ts`,
    /// so asking again would return the same page. More than a page of items share this timestamp and the API
    /// ignores cursors.
    Stuck { ts: i64 },
    /// A page's items are not in time order (or start before the `from` that was asked for).
    Backwards { prev_ts: i64, ts: i64 },
    /// `accept` was called after the segment was complete.
    Finished,
    /// A [`crate::segments::ChannelLoad`] was asked about a segment it does not have.
    NoSuchSegment { index: usize },
}

impl fmt::Display for PagerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRange { from, to } => write!(
                f,
                "time range {from}..{to} is not valid: expected 0 <= from <= to (µs since the Unix epoch)"
            ),
            Self::Stuck { ts } => write!(
                f,
                "paging is stuck at timestamp {ts} µs: more than one page of items share this timestamp and the \
                 API ignores `cursor`, so asking by time cannot get past them; use an API that honours `cursor` \
                 (or a larger page)"
            ),
            Self::Backwards { prev_ts, ts } => write!(
                f,
                "the API returned an item at {ts} µs after one at {prev_ts} µs: pages must come in time order \
                 (does the API ignore `from`?)"
            ),
            Self::Finished => f.write_str("the segment is already complete: no page was asked for"),
            Self::NoSuchSegment { index } => write!(f, "there is no segment {index}"),
        }
    }
}

impl std::error::Error for PagerError {}

/// Pages one channel over one inclusive time segment.
#[derive(Debug, Clone)]
pub struct SegmentPager {
    channel: Channel,
    from: i64,
    to: i64,
    /// `to` before any [`SegmentPager::shorten`]: answers to requests sent before it may reach this far.
    asked_to: i64,
    limit: Option<u32>,
    mode: PagerMode,
    /// Cursor mode: the key to resume after.
    after: Option<PageKey>,
    /// Time-cursor mode: the `from` of the next request.
    time_from: i64,
    done: bool,
    /// Ids of the items accepted at `stats.last_ts`.
    seen_at_last: HashSet<i64>,
    stats: PagerStats,
}

impl SegmentPager {
    /// A pager for `channel` over `[from, to]` (µs, inclusive).
    pub fn new(channel: Channel, from: i64, to: i64) -> Result<Self, PagerError> {
        if from < 0 || from > to {
            return Err(PagerError::InvalidRange { from, to });
        }
        Ok(Self {
            channel,
            from,
            to,
            asked_to: to,
            limit: None,
            mode: PagerMode::Cursor,
            after: None,
            time_from: from,
            done: false,
            seen_at_last: HashSet::new(),
            stats: PagerStats::default(),
        })
    }

    /// A segment already complete: `items` were read from elsewhere (the cache), the last at `last_ts`.
    pub fn completed(
        channel: Channel,
        from: i64,
        to: i64,
        items: u64,
        last_ts: Option<i64>,
    ) -> Result<Self, PagerError> {
        let mut pager = Self::new(channel, from, to)?;
        pager.done = true;
        pager.stats.items = items;
        pager.stats.last_ts = last_ts;
        Ok(pager)
    }

    /// Asks for at most `limit` items per page (the API may cut pages earlier, by size).
    pub fn with_limit(mut self, limit: Option<u32>) -> Self {
        self.limit = limit;
        self
    }

    pub fn limit(&self) -> Option<u32> {
        self.limit
    }

    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// The segment, inclusive.
    pub fn range(&self) -> (i64, i64) {
        (self.from, self.to)
    }

    #[cfg(test)]
    pub(crate) fn mode(&self) -> PagerMode {
        self.mode
    }

    pub fn stats(&self) -> &PagerStats {
        &self.stats
    }

    pub fn last_ts(&self) -> Option<i64> {
        self.stats.last_ts
    }

    /// True when every item of the segment has been returned.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Ends the segment at `to` instead (the rest goes to another pager), when `to` is within it and not before
    /// its last item; false otherwise, and nothing changes. A request in flight may still bring items after `to`:
    /// they are dropped as handed over, and the segment ends there.
    pub fn shorten(&mut self, to: i64) -> bool {
        let floor = self.stats.last_ts.unwrap_or(self.from).max(self.from);
        if self.done || to < floor || to >= self.to {
            return false;
        }
        self.to = to;
        true
    }

    /// The next request, or `None` when the segment is complete.
    pub fn next_request(&self) -> Option<PageRequest> {
        if self.done {
            return None;
        }
        let (from, after) = match self.mode {
            PagerMode::Cursor => (self.from, self.after.clone()),
            PagerMode::TimeCursor => (self.time_from, None),
        };
        Some(PageRequest {
            channel: self.channel.clone(),
            from,
            to: self.to,
            after,
            limit: self.limit,
        })
    }

    /// The query string of the next request (`channel=..&from=..&to=..[&cursor=..][&limit=..]`), or `None`
    /// when the segment is complete.
    pub fn next_query(&self) -> Option<String> {
        self.next_request().map(|r| r.to_query_string())
    }

    /// Takes the answer to [`SegmentPager::next_query`] and returns its new items, in time order. On error the
    /// pager is unchanged.
    pub fn accept(&mut self, batch: PageBatch) -> Result<Columns, PagerError> {
        if self.done {
            return Err(PagerError::Finished);
        }
        let items = &batch.items;
        let ignored_cursor = self.ignored_cursor(items);

        let mut last_ts = self.stats.last_ts;
        let mut seen = self.seen_at_last.clone();
        let mut fresh = Columns::with_capacity(items.len());
        let (mut out_of_range, mut duplicates, mut handed_over) = (0u64, 0u64, 0u64);
        let mut reached_end = false;
        let mut prev_in_page: Option<i64> = None;
        for (i, &ts) in items.ts.iter().enumerate() {
            if let Some(prev_ts) = prev_in_page.filter(|&p| ts < p) {
                return Err(PagerError::Backwards { prev_ts, ts });
            }
            prev_in_page = Some(ts);
            if ts > self.to && ts <= self.asked_to {
                handed_over += 1;
                reached_end = true;
                continue;
            }
            if ts < self.from || ts > self.to {
                out_of_range += 1;
                reached_end |= ts > self.to;
                continue;
            }
            let id = items.id[i];
            match last_ts {
                Some(boundary) if ts < boundary => {
                    // Page one again: everything before the boundary was accepted already.
                    if ignored_cursor {
                        duplicates += 1;
                        continue;
                    }
                    return Err(PagerError::Backwards {
                        prev_ts: boundary,
                        ts,
                    });
                }
                Some(boundary) if ts == boundary => {
                    if !seen.insert(id) {
                        duplicates += 1;
                        continue;
                    }
                }
                _ => {
                    seen.clear();
                    seen.insert(id);
                    last_ts = Some(ts);
                }
            }
            fresh.push_from(items, i);
        }

        let mut mode = self.mode;
        let mut after = None;
        let mut time_from = self.time_from;
        let done = reached_end || batch.last_key.is_none();
        if !done {
            let resume_from = last_ts.unwrap_or(self.from).max(self.from);
            match (mode, batch.last_key) {
                (PagerMode::Cursor, Some(key))
                    if !ignored_cursor && self.usable_key(&key, last_ts) =>
                {
                    after = Some(key);
                }
                (PagerMode::Cursor, _) => {
                    // The API ignores cursors (or returned a key that cannot be passed back): page by time.
                    mode = PagerMode::TimeCursor;
                    time_from = resume_from;
                }
                (PagerMode::TimeCursor, _) => {
                    if resume_from <= self.time_from {
                        return Err(PagerError::Stuck { ts: self.time_from });
                    }
                    time_from = resume_from;
                }
            }
        }

        self.mode = mode;
        self.after = after;
        self.time_from = time_from;
        self.done = done;
        self.seen_at_last = seen;
        let stats = &mut self.stats;
        stats.pages += 1;
        stats.items += fresh.len() as u64;
        stats.out_of_range += out_of_range;
        stats.skipped += batch.skipped as u64 + out_of_range;
        stats.duplicates += duplicates;
        stats.handed_over += handed_over;
        stats.last_ts = last_ts;
        Ok(fresh)
    }

    /// In cursor mode with a cursor sent: does this page fail to advance past the cursor's key (its first item
    /// is before the key, or is an item accepted already)? Then the API answered page one again.
    fn ignored_cursor(&self, items: &Columns) -> bool {
        let (PagerMode::Cursor, Some(key)) = (self.mode, &self.after) else {
            return false;
        };
        let Some(first) = items.get(0) else {
            return false;
        };
        let floor = key
            .nmicrotimestamp
            .max(self.stats.last_ts.unwrap_or(i64::MIN));
        first.ts < floor
            || (Some(first.ts) == self.stats.last_ts && self.seen_at_last.contains(&first.id))
    }

    /// A key that the API will take back and that moves paging forward.
    fn usable_key(&self, key: &PageKey, last_ts: Option<i64>) -> bool {
        key.channel == self.channel.name()
            && (self.from..=self.to).contains(&key.nmicrotimestamp)
            && key.nmicrotimestamp >= last_ts.unwrap_or(i64::MIN)
            && self
                .after
                .as_ref()
                .is_none_or(|prev| key != prev && key.nmicrotimestamp >= prev.nmicrotimestamp)
    }
}
