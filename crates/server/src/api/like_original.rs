//! For tests (`serve --like-original`): `/prod` answers as the original API Gateway + Lambda (non-proxy
//! integration) did, so that the dashboard can be tested against its quirks.
//!
//! - `GET /prod/bitstamp`: the envelope with boto3's `ResponseMetadata` in `body`, and
//!   `Access-Control-Allow-Origin: *`; a handler error (a missing or bad parameter) as `200` with
//!   `{"errorMessage", "errorType", "stackTrace"}`, as API Gateway passes a function error on;
//! - anything else under `/prod` (other methods, OPTIONS preflights, `/prod/channels`): `403` with
//!   `{"message":"Missing Authentication Token"}` and no CORS headers, as API Gateway answers what it has no
//!   route for.
//!
//! The cursor is ignored and ties are shuffled by the store wrappers of [`super::TestOptions`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde_json::json;

use super::handlers;
use super::splitmix::SplitMix64;
use crate::lambda::function_error;
use crate::store::Store;

/// `/prod` with `bitstamp` (the route of [`bitstamp`], with its test options) as its only route.
pub fn api(bitstamp: MethodRouter) -> Router {
    Router::new()
        .route(
            "/bitstamp",
            // HEAD too: API Gateway maps only the methods it is given.
            bitstamp
                .head(missing_authentication_token)
                .fallback(missing_authentication_token),
        )
        .fallback(missing_authentication_token)
}

/// `GET /prod/bitstamp` as the original answered it.
pub async fn bitstamp<S: Store>(
    State(store): State<Arc<S>>,
    RawQuery(query): RawQuery,
) -> Response {
    let answer = handlers::bitstamp(store.as_ref(), query.as_deref().unwrap_or("")).await;
    let body = if answer.status == StatusCode::OK {
        with_response_metadata(answer.body)
    } else {
        let error = function_error(&answer);
        json!({ "errorMessage": error.error_message, "errorType": error.error_type, "stackTrace": [] })
            .to_string()
    };
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response()
}

/// API Gateway's answer to a method or path it has no route for (it does not say 404 or 405).
async fn missing_authentication_token() -> Response {
    (
        StatusCode::FORBIDDEN,
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::HeaderName::from_static("x-amzn-errortype"),
                "MissingAuthenticationTokenException",
            ),
        ],
        r#"{"message":"Missing Authentication Token"}"#,
    )
        .into_response()
}

/// Adds boto3's `ResponseMetadata` after the query's result in the envelope's `body`: the original returned
/// the whole answer of `table.query(...)`.
fn with_response_metadata(mut envelope: String) -> String {
    let request_id = request_id();
    let date = DateTime::from(SystemTime::now())
        .fmt(DateTimeFormat::HttpDate)
        .unwrap_or_default();
    let metadata = json!({
        "RequestId": request_id,
        "HTTPStatusCode": 200,
        "HTTPHeaders": {
            "server": "Server",
            "date": date,
            "content-type": "application/x-amz-json-1.0",
            "content-length": envelope.len().to_string(),
            "connection": "keep-alive",
            "x-amzn-requestid": request_id,
        },
        "RetryAttempts": 0,
    });
    // The envelope ends by closing `body`, then itself.
    let closing = "}}";
    debug_assert!(envelope.ends_with(closing), "not an envelope");
    envelope.truncate(envelope.len() - closing.len());
    envelope.push_str(&format!(r#","ResponseMetadata":{metadata}{closing}"#));
    envelope
}

/// A DynamoDB request id: 52 characters of A-Z and 0-9, different for each request.
fn request_id() -> String {
    static REQUESTS: AtomicU64 = AtomicU64::new(0);
    const CHARACTERS: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = SplitMix64::new(REQUESTS.fetch_add(1, Ordering::Relaxed));
    (0..52)
        .map(|_| CHARACTERS[(rng.next_u64() % 36) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use tickscope_core::render_envelope;

    #[test]
    fn response_metadata_follows_the_query_result_in_body() {
        let envelope = render_envelope([r#"{"a":1}"#].into_iter(), None);
        let body: Value = serde_json::from_str(&with_response_metadata(envelope)).unwrap();
        let keys: Vec<_> = body["body"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Items", "Count", "ScannedCount", "ResponseMetadata"]);
        let metadata = &body["body"]["ResponseMetadata"];
        assert_eq!(metadata["HTTPStatusCode"], 200);
        assert_eq!(metadata["RetryAttempts"], 0);
        let id = metadata["RequestId"].as_str().unwrap();
        assert_eq!(id.len(), 52);
        assert_eq!(metadata["HTTPHeaders"]["x-amzn-requestid"], id);
        assert!(
            metadata["HTTPHeaders"]["date"]
                .as_str()
                .unwrap()
                .ends_with(" GMT")
        );
        assert_ne!(request_id(), request_id());
    }
}
