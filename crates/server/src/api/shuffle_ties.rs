//! For tests (`serve --shuffle-ties SEED`): items sharing one `nmicrotimestamp` (ties) in a seeded pseudo-random
//! order instead of by `id`, as DynamoDB returns them (within one GSI range key it keeps hash order).
//!
//! The answer's order is total: `(nmicrotimestamp, tie_rank, id, microtimestamp)`, where `tie_rank` is a 64-bit
//! hash of the seed and the item's key. So a cursor resumes right after its key's place in that order, and paging
//! still yields every item once, even when a run of ties spans a page cut.

use std::cmp::Ordering;
use std::sync::Arc;

use tickscope_core::{Gap, GapsRequest, PageCut, PageKey, PageRequest};

use super::splitmix::mix;
use crate::import::parse_item;
use crate::record::Record;
use crate::store::{ChannelStats, Page, Store, StoreError};

/// A store answering ties in the order of `seed`. It reads the inner store in its own order, from the start of
/// the cursor's run on, and reorders each whole run of ties before cutting the page.
pub struct ShuffleTies<S> {
    inner: Arc<S>,
    seed: u64,
}

impl<S: Store> ShuffleTies<S> {
    pub fn new(inner: Arc<S>, seed: u64) -> Self {
        Self { inner, seed }
    }

    fn rank(&self, key: &PageKey) -> u64 {
        // `nmicrotimestamp` too, so each run is permuted differently.
        mix(mix(mix(self.seed) ^ key.id as u64) ^ key.nmicrotimestamp as u64)
    }

    /// The answer's order.
    fn order(&self, a: &PageKey, b: &PageKey) -> Ordering {
        let place = |k: &PageKey| (k.nmicrotimestamp, self.rank(k));
        place(a)
            .cmp(&place(b))
            .then_with(|| (a.id, &a.microtimestamp).cmp(&(b.id, &b.microtimestamp)))
    }

    /// Adds a whole run of ties to `page` in the answer's order, skipping what is not after `after`, until `cut`
    /// ends the page. Returns whether it did.
    fn take_run(
        &self,
        run: &mut Vec<Record>,
        after: Option<&PageKey>,
        cut: &mut PageCut,
        page: &mut Page,
    ) -> bool {
        run.sort_by(|a, b| self.order(&a.key, &b.key));
        for record in run.drain(..) {
            if after.is_some_and(|after| self.order(&record.key, after).is_le()) {
                continue;
            }
            page.items.push(record.json);
            if cut.take(record.size) {
                page.last_key = Some(record.key);
                return true;
            }
        }
        false
    }
}

/// An item of the inner store's answer with its key and size.
fn record(json: String) -> Result<Record, StoreError> {
    let parsed = parse_item(&json).map_err(|e| StoreError(format!("an item of the store: {e}")))?;
    Ok(Record { json, ..parsed })
}

impl<S: Store> Store for ShuffleTies<S> {
    async fn page(&self, request: &PageRequest) -> Result<Page, StoreError> {
        let after = request.after.as_ref();
        // The cursor's whole run is read again: its items before the cursor are skipped in the answer's order.
        // Inner pages of the request's limit: a small page must not cost a 1 MB read.
        let mut inner = PageRequest {
            from: after.map_or(request.from, |key| key.nmicrotimestamp),
            after: None,
            ..request.clone()
        };
        let mut cut = PageCut::new(self.inner.page_bytes(), request.limit);
        let mut page = Page {
            items: Vec::new(),
            last_key: None,
        };
        let mut run: Vec<Record> = Vec::new();
        loop {
            let read = self.inner.page(&inner).await?;
            for json in read.items {
                let record = record(json)?;
                let run_ends = run
                    .first()
                    .is_some_and(|r| r.key.nmicrotimestamp != record.key.nmicrotimestamp);
                if run_ends && self.take_run(&mut run, after, &mut cut, &mut page) {
                    return Ok(page);
                }
                run.push(record);
            }
            match read.last_key {
                Some(key) => inner.after = Some(key),
                None => {
                    self.take_run(&mut run, after, &mut cut, &mut page);
                    return Ok(page);
                }
            }
        }
    }

    async fn channels(&self) -> Result<Vec<ChannelStats>, StoreError> {
        self.inner.channels().await
    }

    async fn source(&self) -> Result<String, StoreError> {
        self.inner.source().await
    }

    fn page_bytes(&self) -> usize {
        self.inner.page_bytes()
    }

    async fn gaps(&self, request: &GapsRequest) -> Result<Vec<Gap>, StoreError> {
        self.inner.gaps(request).await
    }
}
