//! A fake `GET /bitstamp` for tests: answers query strings from a sorted list of items, cutting pages at given
//! sizes, honouring `cursor` (as DynamoDB does) or ignoring it (as the original Lambda does).

use crate::columns::{Columns, EventKind, Side, Tick};
use crate::cursor::PageKey;
use crate::query::PageRequest;
use crate::response::PageBatch;

/// When a cut page carries a `LastEvaluatedKey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyStyle {
    /// Whenever the page is full, even if nothing follows (DynamoDB with `Limit`; the next page is then empty).
    WhenFull,
    /// Only when more items follow.
    WhenMore,
}

#[derive(Debug, Clone)]
pub(crate) struct FakeApi {
    pub channel: String,
    /// Sorted by `ts`; items sharing a `ts` in the store's own order.
    pub items: Vec<Tick>,
    pub honours_cursor: bool,
    pub key_style: KeyStyle,
    /// Page sizes, used in turn (cycled).
    pub page_sizes: Vec<usize>,
    pub calls: usize,
}

pub(crate) fn tick(ts: i64, id: i64) -> Tick {
    Tick {
        ts,
        id,
        price: (ts % 1000) as f64 + 0.5,
        amount: id as f64 / 8.0,
        side: if id % 2 == 0 { Side::Buy } else { Side::Sell },
        event: EventKind::Trade,
    }
}

pub(crate) fn columns(ticks: &[Tick]) -> Columns {
    let mut c = Columns::default();
    for &t in ticks {
        c.push(t);
    }
    c
}

/// `(ts, id)` pairs of `columns`, for comparisons.
pub(crate) fn identities(columns: &Columns) -> Vec<(i64, i64)> {
    columns
        .ts
        .iter()
        .copied()
        .zip(columns.id.iter().copied())
        .collect()
}

pub(crate) fn key_of(channel: &str, t: &Tick) -> PageKey {
    PageKey {
        channel: channel.into(),
        nmicrotimestamp: t.ts,
        id: t.id,
        microtimestamp: t.ts.to_string(),
    }
}

impl FakeApi {
    pub fn new(
        channel: &str,
        items: Vec<Tick>,
        honours_cursor: bool,
        page_sizes: Vec<usize>,
    ) -> Self {
        Self {
            channel: channel.into(),
            items,
            honours_cursor,
            key_style: KeyStyle::WhenMore,
            page_sizes,
            calls: 0,
        }
    }

    /// The page for `query`. Panics on a query the real API would reject: tests want to know.
    pub fn answer(&mut self, query: &str) -> PageBatch {
        let request =
            PageRequest::parse(query).unwrap_or_else(|e| panic!("bad query {query:?}: {e}"));
        assert_eq!(request.channel.name(), self.channel);
        let size = self.page_sizes[self.calls % self.page_sizes.len()].max(1);
        self.calls += 1;
        let start = match (&request.after, self.honours_cursor) {
            (Some(key), true) => self
                .items
                .iter()
                .position(|t| t.ts == key.nmicrotimestamp && t.id == key.id)
                .map(|i| i + 1)
                .unwrap_or_else(|| self.items.partition_point(|t| t.ts <= key.nmicrotimestamp)),
            _ => 0,
        };
        let matching: Vec<Tick> = self.items[start..]
            .iter()
            .filter(|t| (request.from..=request.to).contains(&t.ts))
            .copied()
            .collect();
        let page = &matching[..size.min(matching.len())];
        let cut = match self.key_style {
            KeyStyle::WhenFull => page.len() == size,
            KeyStyle::WhenMore => matching.len() > page.len(),
        };
        PageBatch {
            items: columns(page),
            skipped: 0,
            last_key: if cut {
                page.last().map(|t| key_of(&self.channel, t))
            } else {
                None
            },
        }
    }
}
