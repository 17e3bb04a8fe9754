//! Tickscope's core: the data model and pure logic shared by the dashboard (wasm) and the API server.
//!
//! Nothing here knows about a screen, an HTTP server, a database or an async runtime.

pub mod aggregate;
pub mod channel;
pub mod columns;
pub mod csv_export;
pub mod cursor;
pub mod dynamo_number;
pub mod item;
pub mod page;
pub mod pager;
pub mod progress;
pub mod query;
pub mod response;
pub mod retry;
pub mod segments;
pub mod url_state;
pub mod zoom;

pub use channel::{ChannelKind, KNOWN_CHANNELS, pair_label};
pub use columns::{Columns, EventKind, OrderIds, Side, Tick};
pub use csv_export::items_csv;
pub use cursor::{CursorError, PageKey};
pub use item::{EncodedItem, ItemBuilder};
pub use page::{PAGE_BYTES, PageCut};
pub use pager::{PagerError, PagerMode, PagerStats, SegmentPager};
pub use progress::{Coverage, LoadMeter, Progress};
pub use query::{PageRequest, QueryError};
pub use response::{PageBatch, PageError, parse_page};
pub use retry::{Backoff, StatusClass, classify_status};
pub use segments::{ChannelLoad, SPLIT_MIN_PAGES};
pub use url_state::{
    PriceView, TzMode, ViewState, format_iso, format_iso_with_offset, format_utc,
    format_with_offset, parse_iso,
};
pub use zoom::ZoomFrame;
