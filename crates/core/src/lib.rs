//! Tickscope's core: the data model and pure logic shared by the dashboard (wasm) and the API server.
//!
//! Nothing here knows about a screen, an HTTP server, a database or an async runtime.

pub mod channel;
pub mod cursor;
pub mod dynamo_number;
pub mod item;
pub mod page;
pub mod query;

pub use channel::{ChannelKind, KNOWN_CHANNELS};
pub use cursor::{CursorError, PageKey};
pub use item::{EncodedItem, ItemBuilder};
pub use page::{PAGE_BYTES, PageCut};
pub use query::{PageRequest, QueryError};
