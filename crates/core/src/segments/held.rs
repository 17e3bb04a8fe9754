//! Stretches a load holds without fetching them (read from the cache), and the stretches to keep once it has
//! fetched the rest: a segment is complete for its range once done, so runs of done segments are what can be
//! stored.

use std::rc::Rc;

use super::{ChannelLoad, Segment};
use crate::cache::{Piece, cover};
use crate::channel::Channel;
use crate::columns::Columns;
use crate::pager::{PagerError, SegmentPager};

/// Every item of a channel in `[from, to]` (inclusive), in key order, as pages: shared with the load that holds
/// them, so that keeping a stretch in the cache copies nothing until it is encoded. No page is empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub from: i64,
    pub to: i64,
    pub pages: Vec<Rc<Columns>>,
}

impl Held {
    /// The items of a stored stretch within `[from, to]`: the piece [`cover`] reads from it.
    pub fn piece(mut columns: Columns, from: i64, to: i64) -> Self {
        columns.split_off(columns.ts.partition_point(|&t| t <= to));
        let columns = columns.split_off(columns.ts.partition_point(|&t| t < from));
        let pages = if columns.is_empty() {
            Vec::new()
        } else {
            vec![Rc::new(columns)]
        };
        Self { from, to, pages }
    }

    pub fn items(&self) -> usize {
        self.pages.iter().map(|p| p.len()).sum()
    }

    /// The pages as [`Encoder`](crate::cache::Encoder) and the aggregates take them.
    pub fn chunks(&self) -> Vec<&Columns> {
        self.pages.iter().map(|p| &**p).collect()
    }

    pub(super) fn into_segment(self, channel: &Channel) -> Result<Segment, PagerError> {
        let last_ts = self.pages.last().and_then(|p| p.ts.last().copied());
        let pager = SegmentPager::completed(
            channel.clone(),
            self.from,
            self.to,
            self.items() as u64,
            last_ts,
        )?;
        Ok(Segment {
            pager,
            pages: self.pages,
            error: None,
            held: true,
        })
    }
}

/// The parts of `[from, to]` outside every span of `held` (inclusive), in order.
pub fn uncovered(from: i64, to: i64, held: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let stretches: Vec<(u64, i64, i64)> = held.iter().map(|&(a, b)| (0, a, b)).collect();
    cover(&stretches, from, to)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Missing { from, to } => Some((from, to)),
            Piece::Stored { .. } => None,
        })
        .collect()
}

impl ChannelLoad {
    /// Items read from the cache rather than fetched.
    pub fn held_items(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| s.held)
            .map(Segment::items)
            .sum()
    }

    /// What to store once the load is done, up to `until` (µs, inclusive: later items may still be arriving):
    /// each run of adjacent done segments that fetched something, its pages shared into one stretch (only a page
    /// cut at `until` is copied). Held
    /// segments inside a run go into it too, so the cache keeps one stretch where it had pieces (the stretches
    /// it replaces are those inside, see `CacheIndex::add`); a run held whole is already stored. Nothing once
    /// following: the items have moved to the live window, which slides.
    pub fn stretches_to_store(&self, until: i64) -> Vec<Held> {
        if self.is_following() {
            return Vec::new();
        }
        let mut in_time: Vec<&Segment> = self.segments.iter().collect();
        in_time.sort_by_key(|s| s.pager.range().0);
        // Runs as (stretch, fetched anything).
        let mut runs: Vec<(Held, bool)> = Vec::new();
        let mut open = false;
        for s in in_time {
            let (a, b) = s.pager.range();
            if !s.pager.is_done() || a > until {
                open = false;
                continue;
            }
            let b = b.min(until);
            let run = match runs.last_mut() {
                Some(last) if open && last.0.to.checked_add(1) == Some(a) => last,
                _ => {
                    let empty = Held {
                        from: a,
                        to: b,
                        pages: Vec::new(),
                    };
                    runs.push((empty, false));
                    runs.last_mut().expect("just pushed")
                }
            };
            run.0.to = b;
            run.1 |= !s.held;
            for page in &s.pages {
                if page.ts.last().is_some_and(|&t| t > b) {
                    // Only at `until`: the rest may still be arriving.
                    let mut part = Columns::clone(page);
                    part.split_off(page.ts.partition_point(|&t| t <= b));
                    if !part.is_empty() {
                        run.0.pages.push(Rc::new(part));
                    }
                } else {
                    run.0.pages.push(Rc::clone(page));
                }
            }
            open = true;
        }
        runs.into_iter()
            .filter_map(|(held, fetched)| fetched.then_some(held))
            .collect()
    }
}
