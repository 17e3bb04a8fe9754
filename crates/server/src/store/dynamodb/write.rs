//! Writing items: BatchWriteItem, batches of 25 in parallel, each retried until every item is written.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::attributes::{self, Attributes};
use super::retry::{Next, RetryPlan};
use super::{DynamoStore, sdk_error, transient};
use crate::clock::random_unit;
use crate::record::Record;
use crate::store::{ItemSource, Producer, StoreError, WriteItems};

/// BatchWriteItem's limit.
pub(super) const BATCH: usize = 25;
/// Batches in flight at once.
pub(super) const PARALLEL: usize = 16;
/// Progress is logged every this many items.
const PROGRESS_EVERY: u64 = 100_000;

impl WriteItems for DynamoStore {
    /// The producer runs on a blocking thread. Fails, naming the count, if a batch cannot be written after its
    /// retries. `source` is not kept: `/channels` says `dynamodb`.
    async fn write_from<T: Send + 'static>(
        &self,
        _source: ItemSource,
        produce: impl Producer<T>,
    ) -> Result<(u64, T), StoreError> {
        let (sender, receiver) = mpsc::channel(8192);
        // If writing fails the receiver is dropped: the producer then runs out unheard.
        let producer =
            tokio::task::spawn_blocking(move || produce(&mut |r| drop(sender.blocking_send(r))));
        let written = self.write(receiver).await;
        let produced = producer
            .await
            .map_err(|e| StoreError(format!("producer failed: {e}")))?;
        Ok((written?, produced))
    }
}

impl DynamoStore {
    async fn write(&self, mut records: mpsc::Receiver<Record>) -> Result<u64, StoreError> {
        let client = self.writer();
        let mut tasks = JoinSet::new();
        let mut written = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        // Records taken into the batch, replaced ones included: all of them count as written.
        let mut taken = 0u64;
        let mut report_at = PROGRESS_EVERY;
        let mut open = true;
        while open {
            match records.recv().await {
                Some(record) => {
                    push_replacing(&mut batch, attributes::from_json(&record.json)?);
                    taken += 1;
                }
                None => open = false,
            }
            if batch.len() == BATCH || (!open && !batch.is_empty()) {
                if tasks.len() == PARALLEL {
                    written += joined(tasks.join_next().await)?;
                    report(written, &mut report_at);
                }
                let items = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                let written = write_batch(client.clone(), self.table.clone(), items);
                let records = std::mem::take(&mut taken);
                tasks.spawn(async move { written.await.map(|()| records) });
            }
        }
        while let Some(result) = tasks.join_next().await {
            written += joined(Some(result))?;
        }
        Ok(written)
    }

    /// The client for writes: our own retry loop handles throttling, so the SDK's does not retry as well.
    pub(super) fn writer(&self) -> Client {
        let config = self
            .client
            .config()
            .to_builder()
            .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
            .build();
        Client::from_conf(config)
    }
}

/// Adds an item to a batch; an item with the same key replaces the earlier one (a batch must not hold a key twice),
/// as a later put would.
pub(super) fn push_replacing(batch: &mut Vec<Attributes>, item: Attributes) {
    let key = attributes::identity(&item);
    match batch
        .iter()
        .position(|other| key.is_some() && attributes::identity(other) == key)
    {
        Some(i) => batch[i] = item,
        None => batch.push(item),
    }
}

fn report(written: u64, report_at: &mut u64) {
    if written >= *report_at {
        tracing::info!(written, "writing");
        *report_at += PROGRESS_EVERY;
    }
}

fn joined(
    result: Option<Result<Result<u64, StoreError>, tokio::task::JoinError>>,
) -> Result<u64, StoreError> {
    match result {
        Some(Ok(written)) => written,
        Some(Err(e)) => Err(StoreError(format!("write task failed: {e}"))),
        None => Ok(0),
    }
}

/// One batch, retried (unprocessed items and transient failures) until all of it is written or the retry plan
/// gives up.
pub(super) async fn write_batch(
    client: Client,
    table: String,
    items: Vec<Attributes>,
) -> Result<(), StoreError> {
    let mut pending: Vec<WriteRequest> = items
        .into_iter()
        .map(|item| {
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .map_err(|e| StoreError(format!("put request: {e}")))?;
            Ok(WriteRequest::builder().put_request(put).build())
        })
        .collect::<Result<_, StoreError>>()?;
    let mut plan = RetryPlan::default();
    loop {
        let sent = pending.len();
        let result = client
            .batch_write_item()
            .request_items(&table, pending.clone())
            .send()
            .await;
        match result {
            Ok(output) => {
                pending = output
                    .unprocessed_items
                    .and_then(|mut unprocessed| unprocessed.remove(&table))
                    .unwrap_or_default();
                if !pending.is_empty() {
                    tracing::debug!(
                        unprocessed = pending.len(),
                        "BatchWriteItem left items unprocessed"
                    );
                }
            }
            Err(e) if transient(&e) => {
                tracing::debug!(error = %DisplayErrorContext(&e), "BatchWriteItem failed; retrying");
            }
            Err(e) => return Err(sdk_error("BatchWriteItem", e)),
        }
        match plan.after_attempt(sent, pending.len(), random_unit()) {
            Next::Done => return Ok(()),
            Next::Wait(delay) => tokio::time::sleep(delay).await,
            Next::GiveUp => {
                return Err(StoreError(format!(
                    "{} items could not be written to {table}: DynamoDB kept throttling or failing; run again \
                     (writes replace, so nothing is written twice)",
                    pending.len()
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn item(id: &str, micro: &str, tag: &str) -> Attributes {
        Attributes::from([
            ("id".to_owned(), AttributeValue::N(id.into())),
            ("microtimestamp".to_owned(), AttributeValue::S(micro.into())),
            ("tag".to_owned(), AttributeValue::S(tag.into())),
        ])
    }

    #[test]
    fn a_later_item_with_the_same_key_replaces_the_earlier_in_place() {
        let mut batch = Vec::new();
        for (id, micro, tag) in [
            ("1", "5", "a"),
            ("2", "5", "b"),
            ("1", "6", "c"),
            ("1", "5", "d"),
        ] {
            push_replacing(&mut batch, item(id, micro, tag));
        }
        let tags: Vec<_> = batch
            .iter()
            .map(|i| i["tag"].as_s().unwrap().as_str())
            .collect();
        assert_eq!(tags, ["d", "b", "c"]);
    }
}
