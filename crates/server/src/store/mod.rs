//! Where items live. The API handler talks to a [`Store`]; SQLite is the embedded default, DynamoDB the store
//! for deployments on AWS.

pub mod dynamodb;
pub mod sqlite;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use tickscope_core::{Channel, Gap, GapsRequest, PageKey, PageRequest};

use crate::record::Record;

pub use dynamodb::DynamoStore;
pub use sqlite::SqliteStore;

/// One query page: the items' JSON in key order, and the key to resume after when the page was cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<String>,
    pub last_key: Option<PageKey>,
}

/// What `/channels` reports of one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelStats {
    pub channel: String,
    pub count: u64,
    pub first: i64,
    pub last: i64,
}

#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// A store answers the GSI query of the original API, page by page, cut as DynamoDB cuts them.
pub trait Store: Send + Sync + 'static {
    /// Items of `request.channel` with `from <= nmicrotimestamp <= to`, ascending by key, after
    /// `request.after` if given, cut at the store's page size or `request.limit`.
    fn page(&self, request: &PageRequest) -> impl Future<Output = Result<Page, StoreError>> + Send;

    /// Every channel with its item count and time span.
    fn channels(&self) -> impl Future<Output = Result<Vec<ChannelStats>, StoreError>> + Send;

    /// Where the data came from, for `/channels`: `"demo"`, `"sqlite"`, ...
    fn source(&self) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// The item size (by DynamoDB's rules) past which a page is cut.
    fn page_bytes(&self) -> usize;

    /// The collector's gap records of `request.channel` overlapping `[from, to]`, ascending by start.
    fn gaps(
        &self,
        request: &GapsRequest,
    ) -> impl Future<Output = Result<Vec<Gap>, StoreError>> + Send;
}

/// What the collector writes at once: items (a repeat of a stored identity changes nothing) and gap records
/// (one per `(channel, from)`, replaced as an open gap closes).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    pub items: Vec<Record>,
    pub gaps: Vec<Gap>,
}

/// A store the collector can write to.
pub trait CollectStore: Store + Clone {
    /// Writes the whole batch, or fails and may have written part of it (writing it again is harmless).
    fn write_batch(&self, batch: Arc<Batch>)
    -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The newest `nmicrotimestamp` stored of `channel`.
    fn newest(
        &self,
        channel: &Channel,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
}

/// What a write brings, for `/channels`' `source` (the SQLite store records it; DynamoDB says `dynamodb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemSource {
    Demo,
    Import,
}

/// Makes records and hands each to its sink: the demo generator or a file reader. It runs on a thread of its
/// own while the store writes.
pub trait Producer<T>: FnOnce(&mut dyn FnMut(Record)) -> T + Send + 'static {}

impl<T, F: FnOnce(&mut dyn FnMut(Record)) -> T + Send + 'static> Producer<T> for F {}

/// A store that items can be written to, the same way whatever the store: `seed-demo` and `import` need
/// nothing else.
pub trait WriteItems {
    /// Writes what `produce` hands to its sink, replacing items with the same `(id, microtimestamp)`. Returns
    /// the count written and what `produce` returned. If writing fails, the rest of what `produce` makes is
    /// dropped unwritten and the error is returned.
    fn write_from<T: Send + 'static>(
        &self,
        source: ItemSource,
        produce: impl Producer<T>,
    ) -> impl Future<Output = Result<(u64, T), StoreError>> + Send;
}
