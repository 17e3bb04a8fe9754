//! A flaky DynamoDB for the retry tests: an HTTP proxy in front of dynalite (which never throttles) that answers
//! every third BatchWriteItem with `ProvisionedThroughputExceededException` and writes only half of every third
//! other, returning the rest as `UnprocessedItems`, as DynamoDB does under load.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::dynalite::{block_on, endpoint};

#[derive(Default)]
pub struct Flaky {
    batches: AtomicU64,
    pub throttled: AtomicU64,
    pub partial: AtomicU64,
}

/// Starts the proxy; returns its URL and its counters.
pub fn start() -> (String, Arc<Flaky>) {
    let flaky = Arc::new(Flaky::default());
    let state = flaky.clone();
    let url = block_on(async move {
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    (url, flaky)
}

async fn forward(State(flaky): State<Arc<Flaky>>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .unwrap_or_default();
    if !target.ends_with(".BatchWriteItem") {
        return send(&headers, body.to_vec()).await.into_response();
    }
    match flaky.batches.fetch_add(1, Ordering::Relaxed) % 3 {
        0 => {
            flaky.throttled.fetch_add(1, Ordering::Relaxed);
            let error = json!({
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "throttled by the test proxy",
            });
            (
                StatusCode::BAD_REQUEST,
                [("content-type", "application/x-amz-json-1.0")],
                error.to_string(),
            )
                .into_response()
        }
        1 => write_half(&flaky, &headers, &body).await,
        _ => send(&headers, body.to_vec()).await.into_response(),
    }
}

/// Sends the first half of the batch to dynalite and answers the second half as unprocessed.
async fn write_half(flaky: &Flaky, headers: &HeaderMap, body: &[u8]) -> Response {
    let mut request: Value = serde_json::from_slice(body).expect("BatchWriteItem JSON");
    let tables = request["RequestItems"]
        .as_object_mut()
        .expect("RequestItems");
    let (table, writes) = tables.iter_mut().next().expect("one table");
    let writes = writes.as_array_mut().expect("write requests");
    if writes.len() < 2 {
        return send(headers, body.to_vec()).await.into_response();
    }
    flaky.partial.fetch_add(1, Ordering::Relaxed);
    let rest = writes.split_off(writes.len() / 2);
    let table = table.clone();
    let (status, answer) = send(headers, request.to_string().into_bytes()).await;
    let mut answer: Value = serde_json::from_slice(&answer).expect("dynalite's answer");
    answer["UnprocessedItems"] = json!({ table: rest });
    (status, answer.to_string()).into_response()
}

/// Forwards a request to dynalite (which checks no signatures); the answer without its CRC32 header, which
/// would not match a changed body.
async fn send(headers: &HeaderMap, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let mut request = reqwest::Client::new().post(endpoint()).body(body);
    for name in [
        "x-amz-target",
        "content-type",
        "authorization",
        "x-amz-date",
    ] {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value.as_bytes());
        }
    }
    let response = request.send().await.expect("dynalite answers");
    let status = StatusCode::from_u16(response.status().as_u16()).expect("status");
    (status, response.bytes().await.expect("body").to_vec())
}
