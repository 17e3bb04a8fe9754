//! Following a channel once its load has reached the end of its range: each poll asks for what is newer, and a
//! sliding window forgets what is older.
//!
//! A store does not receive items in time order to the microsecond: the collector writes batches every 100 ms,
//! DynamoDB's index is eventually consistent, and the original's pipeline has its own delays. So an item may
//! appear after a poll that covered its timestamp. Each poll therefore starts [`LOOKBACK_US`] before the end of
//! what the previous one covered, and what it brings is merged by identity `(ts, id)` into the items held: an
//! item already held is not added again, one that arrived late takes its place in key order. An item stored more
//! than [`LOOKBACK_US`] after its own timestamp is missed by a following view (a new load finds it).
//!
//! Once following, the items live in one list of chunks in key order (the segments' pages are moved there), so
//! that a merge and a slide touch only its ends.

use std::rc::Rc;

use crate::columns::Columns;
use crate::pager::{PagerError, PagerStats, SegmentPager};
use crate::response::PageBatch;

use super::ChannelLoad;

/// How far back of the last poll's end each poll starts again: the longest delay between an item's timestamp and
/// its appearance in the store that a following view still catches.
pub const LOOKBACK_US: i64 = 3_000_000;

/// A following view polls this often while new items come...
pub const POLL_MS: u32 = 2_000;
/// ...and slows down to this while a channel is quiet; a failed poll also waits this long before the next try.
pub const QUIET_POLL_MS: u32 = 10_000;

/// The wait before the next poll when the channel's last new item came `quiet_ms` ago: a third of that, from 2 s
/// to 10 s. A channel with an item every few seconds (BTC trades) is still polled every 2 s; slowing down after
/// each empty poll instead made its p99 delay 7.7 s (bench/follow.mjs). Quiet for 30 s, it is polled every 10 s.
pub fn poll_delay_ms(quiet_ms: f64) -> u32 {
    let third = if quiet_ms.is_nan() {
        0.0
    } else {
        quiet_ms / 3.0
    };
    third.clamp(f64::from(POLL_MS), f64::from(QUIET_POLL_MS)) as u32
}

/// Chunks are joined while both are smaller than this: each poll leaves a chunk behind, and thousands of tiny
/// chunks a day would cost every pass over the data.
const JOIN_BELOW: usize = 8_192;

/// A following load's items and its poll in progress.
#[derive(Debug, Clone, Default)]
pub(super) struct Live {
    /// The segments' pages, moved here; shared, like them, with a stretch being kept in the cache.
    chunks: Vec<Rc<Columns>>,
    poll: Option<Poll>,
    /// What the polls brought, summed (items: new ones only).
    stats: PagerStats,
    /// Items forgotten by the sliding window.
    dropped: u64,
}

impl Live {
    pub(super) fn chunks(&self) -> &[Rc<Columns>] {
        &self.chunks
    }

    pub(super) fn stats(&self) -> &PagerStats {
        &self.stats
    }

    pub(super) fn is_polling(&self) -> bool {
        self.poll.is_some()
    }
}

/// One poll: a pager over `[from, to]`, paged by cursor or by time as any segment.
#[derive(Debug, Clone)]
struct Poll {
    pager: SegmentPager,
    to: i64,
}

impl ChannelLoad {
    /// Starts following, once every segment is complete: the items move to the live list. True when following
    /// (also when it already was).
    pub fn follow(&mut self) -> bool {
        if self.live.is_some() {
            return true;
        }
        if !self.is_done() {
            return false;
        }
        let mut in_time: Vec<&mut super::Segment> = self.segments.iter_mut().collect();
        in_time.sort_by_key(|s| s.pager.range().0);
        let chunks = in_time
            .into_iter()
            .flat_map(|s| std::mem::take(&mut s.pages))
            .collect();
        self.live = Some(Live {
            chunks,
            ..Live::default()
        });
        true
    }

    pub fn is_following(&self) -> bool {
        self.live.is_some()
    }

    /// Starts a poll up to `to` (at least the range's end): from [`LOOKBACK_US`] before the range's end, never
    /// before its start. False when not following or a poll is in progress.
    pub fn begin_poll(&mut self, to: i64) -> bool {
        let to = to.max(self.to);
        let from = self.from.max(self.to.saturating_sub(LOOKBACK_US));
        let Some(live) = self.live.as_mut().filter(|l| l.poll.is_none()) else {
            return false;
        };
        let Ok(pager) = SegmentPager::new(self.channel.clone(), from, to) else {
            return false;
        };
        live.poll = Some(Poll { pager, to });
        true
    }

    /// The query of the poll's next page; `None` when no poll is in progress.
    pub fn poll_query(&self) -> Option<String> {
        self.live.as_ref()?.poll.as_ref()?.pager.next_query()
    }

    /// Forgets the poll in progress (its pages failed): the next poll covers its time again.
    pub fn abandon_poll(&mut self) {
        if let Some(live) = self.live.as_mut() {
            live.poll = None;
        }
    }

    /// Takes the answer to [`ChannelLoad::poll_query`]; returns how many items it brought that were not held.
    /// When the poll is complete, the range ends at its end. On error nothing changes (ask again, or abandon).
    pub fn accept_poll(&mut self, batch: PageBatch) -> Result<usize, PagerError> {
        let live = self.live.as_mut().ok_or(PagerError::Finished)?;
        let poll = live.poll.as_mut().ok_or(PagerError::Finished)?;
        let before = *poll.pager.stats();
        let fresh = poll.pager.accept(batch)?;
        let after = *poll.pager.stats();
        let (new, repeated) = merge(&mut live.chunks, &fresh);
        let stats = &mut live.stats;
        stats.pages += 1;
        stats.items += new as u64;
        stats.skipped += after.skipped - before.skipped;
        stats.out_of_range += after.out_of_range - before.out_of_range;
        stats.duplicates += after.duplicates - before.duplicates + repeated as u64;
        stats.last_ts = stats.last_ts.max(after.last_ts);
        if poll.pager.is_done() {
            self.to = poll.to;
            live.poll = None;
        }
        Ok(new)
    }

    /// The sliding window: forgets the items before `from` and starts the range there (never past its end).
    /// Returns how many items went. Only while following.
    pub fn drop_before(&mut self, from: i64) -> usize {
        let from = from.min(self.to);
        let Some(live) = self.live.as_mut().filter(|_| from > self.from) else {
            return 0;
        };
        let whole = live
            .chunks
            .iter()
            .take_while(|c| c.ts.last().is_some_and(|&t| t < from))
            .count();
        let mut gone: usize = live.chunks.drain(..whole).map(|c| c.len()).sum();
        if let Some(first) = live.chunks.first_mut() {
            let at = first.ts.partition_point(|&t| t < from);
            if at > 0 {
                *first = Rc::new(Rc::make_mut(first).split_off(at));
                gone += at;
            }
        }
        live.dropped += gone as u64;
        self.from = from;
        gone
    }

    /// Items forgotten by the sliding window so far.
    pub fn dropped(&self) -> u64 {
        self.live.as_ref().map_or(0, |l| l.dropped)
    }
}

/// Merges `fresh` (in time order) into `chunks` (in key order): the items held from `fresh`'s first timestamp on
/// and `fresh` become one chunk in key order, each identity once. Returns (new items, items already held).
fn merge(chunks: &mut Vec<Rc<Columns>>, fresh: &Columns) -> (usize, usize) {
    let Some(&first) = fresh.ts.first() else {
        return (0, 0);
    };
    let mut held: Vec<Rc<Columns>> = Vec::new();
    while let Some(last) = chunks.last_mut() {
        if last.ts.first().is_some_and(|&t| t >= first) {
            held.extend(chunks.pop());
            continue;
        }
        let at = last.ts.partition_point(|&t| t < first);
        if at < last.len() {
            let last = Rc::make_mut(last);
            held.push(Rc::new(last.split_off(at)));
            last.shrink_to_fit();
        }
        break;
    }
    held.reverse();
    let held_count: usize = held.iter().map(|c| c.len()).sum();
    let mut parts: Vec<&Columns> = held.iter().map(|c| &**c).collect();
    parts.push(fresh);
    let merged = union(&parts);
    let new = merged.len() - held_count;
    // The chunk left before the merged one may be small (the part of the previous poll before this one).
    while let [.., a, b] = chunks.as_slice()
        && a.len() < JOIN_BELOW
        && b.len() < JOIN_BELOW
    {
        let joined = union(&[a, b]);
        chunks.truncate(chunks.len() - 2);
        chunks.push(Rc::new(joined));
    }
    chunks.push(Rc::new(merged));
    (new, fresh.len() - new)
}

/// `parts` as one exact-size chunk in key order, each identity `(ts, id)` once (its first occurrence).
fn union(parts: &[&Columns]) -> Columns {
    let len = parts.iter().map(|c| c.len()).sum();
    let mut order: Vec<(i64, i64, usize, usize)> = Vec::with_capacity(len);
    for (p, c) in parts.iter().enumerate() {
        order.extend((0..c.len()).map(|i| (c.ts[i], c.id[i], p, i)));
    }
    order.sort_unstable();
    order.dedup_by_key(|e| (e.0, e.1));
    let mut out = Columns::with_capacity(order.len());
    for (_, _, p, i) in order {
        out.push_from(parts[p], i);
    }
    out
}

#[cfg(test)]
mod tests;
