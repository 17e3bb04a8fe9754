//! The DynamoDB store, on the original data model: table `bitstamp-live` keyed by `id` (HASH, a number, as in
//! the items) and `microtimestamp` (RANGE, a string), with the GSI `channel-nmicrotimestamp-index` (`channel`
//! HASH, `nmicrotimestamp` RANGE, a number; projection ALL) that the API queries.
//!
//! Pages are DynamoDB's own: the store passes `Limit` and `ExclusiveStartKey` and returns `LastEvaluatedKey`.

mod attributes;
mod collect;
pub mod migrate;
mod retry;
mod write;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, ConfigLoader};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, IndexStatus,
    KeySchemaElement, KeyType, Projection, ProjectionType, ScalarAttributeType, Select,
    TableStatus,
};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use tickscope_core::{Gap, GapsRequest, KNOWN_CHANNELS, PAGE_BYTES, PageRequest};
use tokio::task::JoinSet;

use super::{ChannelStats, Page, Store, StoreError};

/// Where the table is and what it and its index are called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamoOptions {
    /// A local server such as dynalite; `None` for AWS (or `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    pub table: String,
    pub index: String,
}

impl Default for DynamoOptions {
    fn default() -> Self {
        Self {
            endpoint_url: None,
            table: "bitstamp-live".to_owned(),
            index: "channel-nmicrotimestamp-index".to_owned(),
        }
    }
}

/// `/channels` reads every index entry of the known channels, so its answer is kept this long.
const CHANNELS_TTL: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    index: String,
    channels: Arc<Mutex<Option<CachedChannels>>>,
}

/// `/channels`' answer and when it was read.
type CachedChannels = (Instant, Vec<ChannelStats>);

impl DynamoStore {
    /// Region, credentials and endpoint from the standard AWS configuration (environment, profiles, roles).
    pub async fn connect(options: &DynamoOptions) -> Self {
        Self::connect_with(aws_config::defaults(BehaviorVersion::latest()), options).await
    }

    /// [`DynamoStore::connect`] with a loader the caller has set up (tests give fixed credentials).
    pub async fn connect_with(loader: ConfigLoader, options: &DynamoOptions) -> Self {
        // rustls with ring: the SDK's default TLS (aws-lc) is a much bigger C build.
        let https = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut loader = loader.http_client(https);
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        Self {
            client: Client::new(&loader.load().await),
            table: options.table.clone(),
            index: options.index.clone(),
            channels: Arc::default(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Creates the table and its index (on-demand capacity) and waits until both are active. Returns false if
    /// the table existed already.
    pub async fn create_table(&self) -> Result<bool, StoreError> {
        let key = |name: &str, key_type| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(key_type)
                .build()
                .map_err(|e| StoreError(format!("key schema: {e}")))
        };
        let attribute = |name: &str, kind| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(kind)
                .build()
                .map_err(|e| StoreError(format!("attribute definition: {e}")))
        };
        let index = GlobalSecondaryIndex::builder()
            .index_name(&self.index)
            .key_schema(key("channel", KeyType::Hash)?)
            .key_schema(key("nmicrotimestamp", KeyType::Range)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(|e| StoreError(format!("index: {e}")))?;
        let created = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key("id", KeyType::Hash)?)
            .key_schema(key("microtimestamp", KeyType::Range)?)
            .attribute_definitions(attribute("id", ScalarAttributeType::N)?)
            .attribute_definitions(attribute("microtimestamp", ScalarAttributeType::S)?)
            .attribute_definitions(attribute("channel", ScalarAttributeType::S)?)
            .attribute_definitions(attribute("nmicrotimestamp", ScalarAttributeType::N)?)
            .global_secondary_indexes(index)
            .send()
            .await;
        let created = match created {
            Ok(_) => true,
            Err(e) if e.code() == Some("ResourceInUseException") => false,
            Err(e) => return Err(sdk_error("CreateTable", e)),
        };
        self.wait_until_active().await?;
        Ok(created)
    }

    /// Fails unless the table and its index exist, saying how to create them: before serving, rather than a 503
    /// on every request.
    pub async fn check(&self) -> Result<(), StoreError> {
        let described = self
            .client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await;
        let missing = match described {
            Err(e) if e.code() == Some("ResourceNotFoundException") => {
                format!("no table {}", self.table)
            }
            Err(e) => return Err(sdk_error("DescribeTable", e)),
            Ok(out) => {
                let indexes = out
                    .table
                    .map(|t| t.global_secondary_indexes.unwrap_or_default());
                if indexes
                    .unwrap_or_default()
                    .iter()
                    .any(|i| i.index_name() == Some(&self.index))
                {
                    return Ok(());
                }
                format!("table {} has no index {}", self.table, self.index)
            }
        };
        Err(StoreError(format!(
            "{missing}: create it with `tickscope-server dynamodb create-table`, or name yours with --table and --index"
        )))
    }

    async fn wait_until_active(&self) -> Result<(), StoreError> {
        let started = Instant::now();
        loop {
            let described = self
                .client
                .describe_table()
                .table_name(&self.table)
                .send()
                .await
                .map_err(|e| sdk_error("DescribeTable", e))?;
            let table = described
                .table
                .ok_or_else(|| StoreError("DescribeTable: no table".into()))?;
            let indexes_active = table
                .global_secondary_indexes()
                .iter()
                .all(|i| i.index_status() == Some(&IndexStatus::Active));
            if table.table_status() == Some(&TableStatus::Active) && indexes_active {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(600) {
                return Err(StoreError(format!(
                    "{} is not active after 10 minutes",
                    self.table
                )));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    async fn channel_stats(
        &self,
        channel: &'static str,
    ) -> Result<Option<ChannelStats>, StoreError> {
        let query = || {
            self.index_query(channel)
                .key_condition_expression("#c = :c")
        };
        let mut count = 0u64;
        let mut start = None;
        loop {
            let page = query()
                .select(Select::Count)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_error("Query", e))?;
            count += page.count.max(0) as u64;
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        if count == 0 {
            return Ok(None);
        }
        let mut ends = [0i64; 2];
        for (end, forward) in ends.iter_mut().zip([true, false]) {
            *end = self
                .edge(channel, forward)
                .await?
                .ok_or_else(|| StoreError(format!("{channel}: no first or last item")))?;
        }
        Ok(Some(ChannelStats {
            channel: channel.to_owned(),
            count,
            first: ends[0],
            last: ends[1],
        }))
    }

    /// A query of the GSI for `channel` (`#c = :c` in the key condition; `#n` is `nmicrotimestamp`).
    fn index_query(&self, channel: &str) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .index_name(&self.index)
            .expression_attribute_names("#c", "channel")
            .expression_attribute_values(":c", AttributeValue::S(channel.to_owned()))
    }

    /// The first (`forward`) or last `nmicrotimestamp` of `channel` in the index.
    async fn edge(&self, channel: &str, forward: bool) -> Result<Option<i64>, StoreError> {
        let page = self
            .index_query(channel)
            .key_condition_expression("#c = :c")
            .scan_index_forward(forward)
            .limit(1)
            .projection_expression("nmicrotimestamp")
            .send()
            .await
            .map_err(|e| sdk_error("Query", e))?;
        Ok(page
            .items()
            .first()
            .and_then(|item| item.get("nmicrotimestamp")?.as_n().ok()?.parse().ok()))
    }
}

impl Store for DynamoStore {
    async fn page(&self, request: &PageRequest) -> Result<Page, StoreError> {
        let number = |n: i64| AttributeValue::N(n.to_string());
        let output = self
            .index_query(request.channel.name())
            .key_condition_expression("#c = :c AND #n BETWEEN :from AND :to")
            .expression_attribute_names("#n", "nmicrotimestamp")
            .expression_attribute_values(":from", number(request.from))
            .expression_attribute_values(":to", number(request.to))
            .set_exclusive_start_key(request.after.as_ref().map(attributes::key_attributes))
            .set_limit(request.limit.map(|l| l.min(i32::MAX as u32) as i32))
            .send()
            .await
            .map_err(|e| sdk_error("Query", e))?;
        let items = output
            .items()
            .iter()
            .map(attributes::to_json)
            .collect::<Result<_, _>>()?;
        let last_key = output
            .last_evaluated_key()
            .map(attributes::page_key)
            .transpose()?;
        Ok(Page { items, last_key })
    }

    async fn channels(&self) -> Result<Vec<ChannelStats>, StoreError> {
        if let Some((at, stats)) = &*self.channels.lock().expect("channels lock")
            && at.elapsed() < CHANNELS_TTL
        {
            return Ok(stats.clone());
        }
        let mut tasks = JoinSet::new();
        for channel in KNOWN_CHANNELS {
            let store = self.clone();
            tasks.spawn(async move { store.channel_stats(channel).await });
        }
        let mut stats = Vec::new();
        while let Some(result) = tasks.join_next().await {
            let result = result.map_err(|e| StoreError(format!("channel stats task: {e}")))?;
            stats.extend(result?);
        }
        stats.sort_by(|a, b| a.channel.cmp(&b.channel));
        *self.channels.lock().expect("channels lock") = Some((Instant::now(), stats.clone()));
        Ok(stats)
    }

    async fn source(&self) -> Result<String, StoreError> {
        Ok("dynamodb".to_owned())
    }

    /// DynamoDB cuts its own pages, at 1 MB.
    fn page_bytes(&self) -> usize {
        PAGE_BYTES
    }

    async fn gaps(&self, request: &GapsRequest) -> Result<Vec<Gap>, StoreError> {
        self.query_gaps(request).await
    }
}

/// An SDK error with its whole chain of causes: the top level alone says only "service error".
fn sdk_error<E: std::error::Error + 'static>(
    operation: &str,
    error: SdkError<E, HttpResponse>,
) -> StoreError {
    StoreError(format!("{operation}: {}", DisplayErrorContext(error)))
}

/// Whether a failed request is worth another try (see [`retry::is_transient`]).
fn transient<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> bool {
    match error {
        SdkError::ServiceError(e) => {
            retry::is_transient(e.err().code(), Some(e.raw().status().as_u16()))
        }
        SdkError::ResponseError(e) => retry::is_transient(None, Some(e.raw().status().as_u16())),
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => retry::is_transient(None, None),
        _ => false,
    }
}
