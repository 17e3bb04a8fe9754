//! The real `tickscope-lambda` binary under a stand-in for the Lambda Runtime API (what the Lambda service
//! serves the function on `AWS_LAMBDA_RUNTIME_API`): it takes events, answers results and reports errors.

use std::collections::VecDeque;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::common::CONFIG;
use crate::dynalite::{block_on, endpoint};
use crate::seeded;

struct RuntimeApi {
    events: Mutex<VecDeque<Value>>,
    results: mpsc::UnboundedSender<(String, &'static str, Value)>,
}

async fn next(State(api): State<Arc<RuntimeApi>>) -> Response {
    let event = api.events.lock().unwrap().pop_front();
    let Some(event) = event else {
        // No more events: the function waits, as it would between invocations.
        return std::future::pending().await;
    };
    let id = event["id"].as_str().unwrap().to_owned();
    let deadline = SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(60);
    let headers = [
        ("lambda-runtime-aws-request-id", id),
        (
            "lambda-runtime-deadline-ms",
            deadline.as_millis().to_string(),
        ),
        (
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:us-east-1:123456789012:function:tickscope".to_owned(),
        ),
        (
            "lambda-runtime-trace-id",
            "Root=1-62380c2c-3f4d5a1b2c3d4e5f6a7b8c9d".to_owned(),
        ),
    ];
    (headers, event["event"].to_string()).into_response()
}

fn reporter(
    kind: &'static str,
) -> impl Fn(State<Arc<RuntimeApi>>, Path<String>, Bytes) -> std::future::Ready<&'static str> + Clone
{
    move |State(api): State<Arc<RuntimeApi>>, Path(id): Path<String>, body: Bytes| {
        let body = serde_json::from_slice(&body).expect("a JSON result");
        api.results.send((id, kind, body)).expect("test listening");
        std::future::ready("")
    }
}

#[test]
fn the_lambda_binary_answers_events_and_reports_failures_as_function_errors() {
    let seeded = seeded();
    let (from, to) = (CONFIG.from_us.to_string(), CONFIG.to_us.to_string());
    let query = json!({ "channel": "live_orders_btcusd", "from": from, "to": to, "limit": "3" });
    let events = [
        ("ok", json!({ "params": { "querystring": query } })),
        (
            "bad",
            json!({ "params": { "querystring": { "channel": "live_orders_btcusd", "from": from } } }),
        ),
        (
            "proxy",
            json!({ "version": "2.0", "rawPath": "/prod/bitstamp", "rawQueryString": "channel=live_orders_btcusd&from=1&to=2",
                          "requestContext": { "http": { "method": "GET", "path": "/prod/bitstamp" } } }),
        ),
    ];
    let (sender, mut results) = mpsc::unbounded_channel();
    let api = Arc::new(RuntimeApi {
        events: Mutex::new(
            events
                .iter()
                .map(|(id, event)| json!({ "id": id, "event": event }))
                .collect(),
        ),
        results: sender,
    });
    let address = block_on(async move {
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(reporter("response")),
            )
            .route(
                "/2018-06-01/runtime/invocation/{id}/error",
                post(reporter("error")),
            )
            .with_state(api);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    });
    let mut function = Command::new(env!("CARGO_BIN_EXE_tickscope-lambda"))
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "tickscope")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("TICKSCOPE_TABLE", seeded.dynamo.table())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start tickscope-lambda");
    let received: Vec<_> = block_on(async {
        let mut received = Vec::new();
        while received.len() < events.len() {
            let result = tokio::time::timeout(Duration::from_secs(60), results.recv()).await;
            received.push(result.expect("the function answers").expect("a result"));
        }
        received
    });
    function.kill().unwrap();
    function.wait().unwrap();

    let (id, kind, envelope) = &received[0];
    assert_eq!((id.as_str(), *kind), ("ok", "response"));
    let query = "channel=live_orders_btcusd&from=".to_owned() + &from + "&to=" + &to + "&limit=3";
    let local = block_on(tickscope_server::api::handlers::bitstamp(
        &seeded.dynamo,
        &query,
    ));
    assert_eq!(envelope.to_string(), local.body);

    let (id, kind, error) = &received[1];
    assert_eq!((id.as_str(), *kind), ("bad", "error"));
    assert_eq!(error["errorType"], "BadRequest");
    assert!(
        error["errorMessage"]
            .as_str()
            .unwrap()
            .contains("missing parameter `to`"),
        "{error}"
    );

    let (id, kind, proxied) = &received[2];
    assert_eq!((id.as_str(), *kind), ("proxy", "response"));
    assert_eq!(proxied["statusCode"], 200);
    assert!(
        proxied["body"].as_str().unwrap().contains(r#""Items":[]"#),
        "{proxied}"
    );
}
