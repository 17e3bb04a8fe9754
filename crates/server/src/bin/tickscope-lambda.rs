//! `tickscope-lambda`: the API as an AWS Lambda function (runtime `provided.al2023`) on the DynamoDB store.
//! Configuration: `TICKSCOPE_TABLE`, `TICKSCOPE_INDEX` (the original's names by default), and the standard AWS
//! environment the Lambda service sets (region, role credentials).

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use tickscope_server::lambda::handle;
use tickscope_server::store::dynamodb::{DynamoOptions, DynamoStore};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        // CloudWatch adds its own timestamps and shows no colours.
        .without_time()
        .with_ansi(false)
        .init();
    let defaults = DynamoOptions::default();
    let options = DynamoOptions {
        endpoint_url: None,
        table: std::env::var("TICKSCOPE_TABLE").unwrap_or(defaults.table),
        index: std::env::var("TICKSCOPE_INDEX").unwrap_or(defaults.index),
    };
    let store = DynamoStore::connect(&options).await;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let store = store.clone();
        async move { handle(&store, &event.payload).await }
    }))
    .await
}
