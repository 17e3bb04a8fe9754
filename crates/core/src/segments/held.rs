//! Stretches a load holds without fetching them (read from the cache), and the stretches it fetched whole, to
//! keep: a segment is complete for its range once done, so runs of done segments are what can be stored.

use super::{ChannelLoad, Segment};
use crate::cache::{Piece, cover};
use crate::channel::Channel;
use crate::columns::Columns;
use crate::pager::{PagerError, SegmentPager};

/// Every item of a channel in `[from, to]` (inclusive), in key order.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub from: i64,
    pub to: i64,
    pub columns: Columns,
}

impl Held {
    pub(super) fn into_segment(self, channel: &Channel) -> Result<Segment, PagerError> {
        let pager = SegmentPager::completed(
            channel.clone(),
            self.from,
            self.to,
            self.columns.len() as u64,
            self.columns.ts.last().copied(),
        )?;
        let pages = if self.columns.is_empty() {
            Vec::new()
        } else {
            vec![self.columns]
        };
        Ok(Segment {
            pager,
            pages,
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

    /// What this load fetched whole, up to `until` (µs, inclusive: later items may still be arriving), as
    /// stretches to keep: each run of adjacent done segments that were fetched, their items copied into one.
    pub fn fetched_stretches(&self, until: i64) -> Vec<Held> {
        let mut in_time: Vec<&Segment> = self.segments.iter().collect();
        in_time.sort_by_key(|s| s.pager.range().0);
        let mut out: Vec<Held> = Vec::new();
        let mut open = false;
        for s in in_time {
            let (a, b) = s.pager.range();
            if s.held || !s.pager.is_done() || a > until {
                open = false;
                continue;
            }
            let b = b.min(until);
            let run = match out.last_mut() {
                Some(last) if open && last.to.checked_add(1) == Some(a) => last,
                _ => {
                    out.push(Held {
                        from: a,
                        to: b,
                        columns: Columns::default(),
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            run.to = b;
            for page in &s.pages {
                if page.ts.last().is_some_and(|&t| t > b) {
                    // Only at `until`: the rest may still be arriving.
                    let mut part = page.clone();
                    part.split_off(page.ts.partition_point(|&t| t <= b));
                    run.columns.append(&part);
                } else {
                    run.columns.append(page);
                }
            }
            open = true;
        }
        out
    }
}
