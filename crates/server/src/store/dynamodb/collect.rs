//! What the collector needs of the table: batches of items and gap records written with retries, the newest
//! item of a channel, and the gaps of a channel.
//!
//! A gap is an item of the same table, so that one store holds everything: `channel` is `gap#<channel>` (the
//! API's channels never contain `#`), `nmicrotimestamp` its start, `gap_to` its end (absent while it lasts),
//! `reason`; its key is `id` 0 and `microtimestamp` `gap#<channel>#<start>`, so a closed gap replaces its open
//! record. The GSI finds a channel's gaps by start.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use tickscope_core::{Channel, Gap, GapsRequest};
use tokio::task::JoinSet;

use super::attributes::{self, Attributes};
use super::write::{BATCH, PARALLEL, push_replacing, write_batch};
use super::{DynamoStore, sdk_error};
use crate::store::{Batch, CollectStore, StoreError};

const GAP_PREFIX: &str = "gap#";

impl CollectStore for DynamoStore {
    /// Batches of 25 in parallel, each retried (throttling, unprocessed items) by the retrying writer; then the
    /// gap records, after the items they follow. Fails if a batch gives up, and the collector tries the whole
    /// batch again later (puts replace: nothing doubles).
    async fn write_batch(&self, batch: Arc<Batch>) -> Result<(), StoreError> {
        let items = batch
            .items
            .iter()
            .map(|record| attributes::from_json(&record.json))
            .collect::<Result<Vec<_>, _>>()?;
        self.put_all(items).await?;
        self.put_all(batch.gaps.iter().map(gap_attributes).collect())
            .await
    }

    async fn newest(&self, channel: &Channel) -> Result<Option<i64>, StoreError> {
        self.edge(channel.name(), false).await
    }
}

impl DynamoStore {
    /// Puts `items` in batches of 25, [`PARALLEL`] at a time.
    async fn put_all(&self, items: Vec<Attributes>) -> Result<(), StoreError> {
        let client = self.writer();
        let mut tasks = JoinSet::new();
        let mut result = Ok(());
        let mut chunks = items.chunks(BATCH).peekable();
        while chunks.peek().is_some() || !tasks.is_empty() {
            while tasks.len() < PARALLEL
                && let Some(chunk) = chunks.next()
            {
                let mut batch = Vec::with_capacity(BATCH);
                for item in chunk {
                    push_replacing(&mut batch, item.clone());
                }
                tasks.spawn(write_batch(client.clone(), self.table.clone(), batch));
            }
            if let Some(done) = tasks.join_next().await {
                let done = done
                    .map_err(|e| StoreError(format!("write task failed: {e}")))
                    .and_then(|written| written);
                if done.is_err() && result.is_ok() {
                    result = done;
                }
            }
        }
        result
    }

    pub(super) async fn query_gaps(&self, request: &GapsRequest) -> Result<Vec<Gap>, StoreError> {
        let channel = format!("{GAP_PREFIX}{}", request.channel.name());
        let number = |n: i64| AttributeValue::N(n.to_string());
        let mut gaps = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .index_query(&channel)
                .key_condition_expression("#c = :c AND #n <= :to")
                .filter_expression("attribute_not_exists(gap_to) OR gap_to >= :from")
                .expression_attribute_names("#n", "nmicrotimestamp")
                .expression_attribute_values(":from", number(request.from))
                .expression_attribute_values(":to", number(request.to))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_error("Query", e))?;
            for item in page.items() {
                gaps.push(gap_from(request.channel.name(), item)?);
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(gaps);
            }
        }
    }
}

fn gap_attributes(gap: &Gap) -> Attributes {
    let channel = format!("{GAP_PREFIX}{}", gap.channel);
    let mut item = Attributes::from([
        ("id".to_owned(), AttributeValue::N("0".into())),
        (
            "microtimestamp".to_owned(),
            AttributeValue::S(format!("{channel}#{}", gap.from)),
        ),
        ("channel".to_owned(), AttributeValue::S(channel)),
        (
            "nmicrotimestamp".to_owned(),
            AttributeValue::N(gap.from.to_string()),
        ),
        ("reason".to_owned(), AttributeValue::S(gap.reason.clone())),
    ]);
    if let Some(to) = gap.to {
        item.insert("gap_to".to_owned(), AttributeValue::N(to.to_string()));
    }
    item
}

fn gap_from(channel: &str, item: &Attributes) -> Result<Gap, StoreError> {
    let number = |name: &str| -> Result<Option<i64>, StoreError> {
        item.get(name)
            .map(|value| {
                value
                    .as_n()
                    .ok()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| StoreError(format!("gap record: `{name}` is not a number")))
            })
            .transpose()
    };
    Ok(Gap {
        channel: channel.to_owned(),
        from: number("nmicrotimestamp")?
            .ok_or_else(|| StoreError("gap record without a start".into()))?,
        to: number("gap_to")?,
        reason: item
            .get("reason")
            .and_then(|r| r.as_s().ok())
            .cloned()
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_record_round_trips_open_and_closed() {
        for to in [None, Some(2_000)] {
            let gap = Gap {
                channel: "live_trades_btcusd".into(),
                from: 1_000,
                to,
                reason: "connection closed".into(),
            };
            let item = gap_attributes(&gap);
            assert_eq!(
                attributes::identity(&item),
                Some(("0", "gap#live_trades_btcusd#1000"))
            );
            assert_eq!(gap_from("live_trades_btcusd", &item).unwrap(), gap);
        }
    }
}
