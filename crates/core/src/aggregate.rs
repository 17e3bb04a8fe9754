//! Aggregates of a channel's loaded items for the charts: candles, summary statistics, the order heatmap and order
//! flow, the trades as points, the volume profile, a measurement between two instants, and percent change for
//! comparing channels.
//!
//! All of them are pure functions of the items and a window, computed in one pass over the window's items (the
//! heatmap makes a few), with no allocation per item: with a million items loaded the dashboard can recompute them
//! for the visible window on every zoom.
//!
//! Conventions shared by every function here:
//! - **Input**: a channel's items as chunks, `&[&Columns]`: disjoint time ranges in order, each sorted by
//!   `ts`, as [`ChannelLoad::chunks`](crate::ChannelLoad::chunks) yields them
//!   (`let chunks: Vec<&Columns> = load.chunks().collect();`). They are never copied into one; a bucket
//!   may span several chunks, and results do not depend on how the items are split into chunks.
//! - **Window**: `from..=to` in µs, both ends inclusive, located in each segment by binary search on `ts`
//!   ([`window_range`]). An empty window (`from > to`) or no items gives an empty result, never a panic.
//! - **Buckets**: aligned to multiples of the [`Interval`] since the Unix epoch ([`Interval::floor`]), so
//!   candles of two channels line up. Buckets with no counted item are omitted from [`Candles`], [`Flow`] and
//!   [`Compare`] (charts put them on a time axis, where a gap is a gap); the [`Heatmap`] grid is dense.
//! - **Sums**: plain `f64` sums in item order (relative error ≲ n·2⁻⁵³, far below display precision). Because
//!   the order of accumulation is the items' order whatever the segmentation, splitting the items differently
//!   gives bit-identical results.
//! - Prices and amounts are taken as finite (as parsed); non-finite values give non-finite aggregates, not
//!   panics (the heatmap skips them). Timestamps may be anywhere in `i64`: bucket ends are inclusive and
//!   saturating, so nothing overflows.
//!
//! How the loops stay fast (`cargo bench -p tickscope-bench --bench aggregate`: a few ns per item): each hot loop
//! reads equal-length field slices of one segment ([`window_range`]), keeps its running values in locals, and
//! lives in a small `#[inline(never)]` function without calls, run once per bucket and segment (inlined into a
//! loop that also pushes results, LLVM kept the sums on the stack: 2-3× slower); buy/sell volumes are split by
//! masking bits rather than branching on the side; the first item is handled before the loop, not by a check in
//! it.

mod candles;
mod compare;
mod flow;
mod heatmap;
mod interval;
mod measure;
mod profile;
mod stats;
mod trades;
mod window;

#[cfg(test)]
pub(crate) mod test_util;
#[cfg(test)]
mod tests;

pub use candles::{Candle, Candles, candles};
pub use compare::Compare;
pub use flow::{Flow, flow};
pub use heatmap::{
    DEFAULT_HEATMAP_COLUMNS, DEFAULT_HEATMAP_ROWS, HEATMAP_MAX_COLUMNS, HEATMAP_MAX_ROWS, Heatmap,
    HeatmapParams, heatmap,
};
pub use interval::{DEFAULT_CANDLE_TARGET, Interval, UnknownInterval};
pub use measure::{Anchor, Measure, measure};
pub use profile::{DEFAULT_PROFILE_BUCKETS, Profile, VALUE_AREA_SHARE, profile};
pub use stats::{OrderStats, Stats, TradeStats, stats};
pub use trades::{TradePoint, Trades, trade_count, trades};

use crate::columns::Side;

/// One value per side: bids/buys and asks/sells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct BySide<T> {
    pub buy: T,
    pub sell: T,
}

impl<T> BySide<T> {
    pub fn get(&self, side: Side) -> &T {
        match side {
            Side::Buy => &self.buy,
            Side::Sell => &self.sell,
        }
    }

    pub fn get_mut(&mut self, side: Side) -> &mut T {
        match side {
            Side::Buy => &mut self.buy,
            Side::Sell => &mut self.sell,
        }
    }
}

impl<T: Copy + std::ops::Add<Output = T>> BySide<T> {
    /// Buy plus sell.
    pub fn total(&self) -> T {
        self.buy + self.sell
    }
}
