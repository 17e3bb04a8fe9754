//! Tickscope's core: the data model and pure logic shared by the dashboard (wasm) and the API server.
//!
//! Nothing here knows about a screen, an HTTP server, a database or an async runtime: the clock and randomness are
//! passed in. Every item is named once, from the crate's root (`tickscope_core::ChannelLoad`); the aggregates and
//! the formats for people keep their own namespaces (`tickscope_core::aggregate::candles`,
//! `tickscope_core::format::grouped`).

pub mod aggregate;
mod bitstamp;
pub mod book;
pub mod cache;
mod channel;
pub mod chart_text;
mod columns;
mod csv_export;
mod cursor;
mod dynamo_number;
pub mod format;
mod gap_bands;
mod gaps;
mod item;
mod page;
mod pager;
mod progress;
mod query;
mod recent_keys;
mod response;
mod retry;
mod routes;
mod segments;
pub mod tape;
#[cfg(test)]
mod test_support;
mod url_state;
mod zoom;

pub use bitstamp::{DataMessage, Frame, HEARTBEAT_FRAME, Malformed, parse_frame, subscribe_frame};
pub use channel::{Channel, ChannelKind, InvalidChannel, KNOWN_CHANNELS, ORIGINAL_WINDOW};
pub use columns::{Columns, EventKind, OrderIds, Side, Tick};
pub use csv_export::items_csv;
pub use cursor::{CursorError, PageKey};
pub use gap_bands::{GapBand, GapTally, Shade, clip_bands, parse_gaps, shades};
pub use gaps::{Gap, GapTracker, NOT_RUNNING};
pub use item::{EncodedItem, ItemBuilder, ORDER_ATTRIBUTES, TRADE_ATTRIBUTES};
pub use page::{PAGE_BYTES, PageCut, render_envelope};
pub use pager::{PagerError, PagerStats, SegmentPager};
pub use progress::{Coverage, LoadMeter, Progress};
pub use query::{GapsRequest, PageRequest, QueryError};
pub use recent_keys::RecentKeys;
pub use response::{PageBatch, PageError, parse_page};
pub use retry::{Backoff, StatusClass, classify_status};
pub use routes::{ROUTES, ROUTES_HEADER, has_route};
pub use segments::{
    ChannelLoad, Density, H1_IN_FLIGHT, H2_IN_FLIGHT, Held, ITEMS_PER_PAGE, LOOKBACK_US, POLL_MS,
    PROBES_PER_CHANNEL, QUIET_POLL_MS, SPLIT_MIN_PAGES, first_round, in_flight_for, poll_delay_ms,
    uncovered,
};
pub use url_state::{
    MAX_IN_FLIGHT, MAX_K, PriceView, TimeSpec, TzMode, ViewState, format_clock, format_iso,
    format_iso_with_offset, format_offset, format_utc, format_with_offset, parse_time,
};
pub use zoom::{MIN_WINDOW_US, ZoomFrame, at_live_end, back_to_live, follow_end};
