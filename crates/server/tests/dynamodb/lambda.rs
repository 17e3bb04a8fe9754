//! The Lambda handler with events in the shapes API Gateway sends (`events/`), against dynalite: the same
//! answers as the local API, as the envelope itself (non-proxy) or as `{statusCode, headers, body}` (proxy).

use serde_json::{Map, Value, json};
use tickscope_server::api::handlers;
use tickscope_server::lambda::handle;
use tickscope_server::store::DynamoStore;

use crate::common::CONFIG;
use crate::dynalite::block_on;
use crate::{in_sqlite_order, seeded};

const CHANNEL: &str = "live_trades_ethusd";

fn recorded(name: &str) -> Value {
    let path = format!(
        "{}/tests/dynamodb/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).expect("event file")).expect("event JSON")
}

fn map(params: &[(&str, &str)]) -> Map<String, Value> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect()
}

fn query_string(params: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params);
    query.finish()
}

fn non_proxy(params: &[(&str, &str)]) -> Value {
    let mut event = recorded("non-proxy.json");
    event["params"]["querystring"] = Value::Object(map(params));
    event
}

fn rest_proxy(method: &str, path: &str, params: &[(&str, &str)]) -> Value {
    let mut event = recorded("rest-proxy.json");
    event["httpMethod"] = json!(method);
    event["path"] = json!(path);
    if !params.is_empty() {
        event["queryStringParameters"] = Value::Object(map(params));
        let multi = params.iter().map(|(k, v)| (k.to_string(), json!([v])));
        event["multiValueQueryStringParameters"] = Value::Object(multi.collect());
    }
    event
}

fn http_api(method: &str, path: &str, params: &[(&str, &str)]) -> Value {
    let mut event = recorded("http-api-v2.json");
    event["routeKey"] = json!(format!("{method} {path}"));
    event["rawPath"] = json!(path);
    event["rawQueryString"] = json!(query_string(params));
    if !params.is_empty() {
        event["queryStringParameters"] = Value::Object(map(params));
    }
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    event
}

fn invoke(store: &DynamoStore, event: &Value) -> Result<Value, lambda_runtime::Diagnostic> {
    block_on(handle(store, event)).map(|raw| serde_json::from_str(raw.get()).expect("JSON result"))
}

/// The local API's answer to the same query: status and body.
fn local(store: &DynamoStore, params: &[(&str, &str)]) -> (u16, String) {
    let answer = block_on(handlers::bitstamp(store, &query_string(params)));
    (answer.status.as_u16(), answer.body)
}

#[test]
fn non_proxy_events_page_through_a_channel_with_the_local_api_s_envelopes() {
    let seeded = seeded();
    let (from, to) = (CONFIG.from_us.to_string(), CONFIG.to_us.to_string());
    let mut cursor = String::new();
    let mut items = Vec::new();
    let mut pages = 0;
    loop {
        let mut params = vec![
            ("channel", CHANNEL),
            ("from", &from),
            ("to", &to),
            ("limit", "50"),
        ];
        if !cursor.is_empty() {
            params.push(("cursor", &cursor));
        }
        let result = invoke(&seeded.dynamo, &non_proxy(&params)).expect("a page");
        let (status, body) = local(&seeded.dynamo, &params);
        assert_eq!(
            (status, result.to_string()),
            (200, body),
            "the envelope as the result"
        );
        pages += 1;
        items.extend(
            result["body"]["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(Value::to_string),
        );
        match result["body"].get("LastEvaluatedKey") {
            Some(key) => {
                let key =
                    tickscope_core::PageKey::from_json_object(key.as_object().unwrap()).unwrap();
                cursor = key.to_cursor();
            }
            None => break,
        }
    }
    let (expected, _) = block_on(crate::all_pages(
        &seeded.sqlite,
        &tickscope_core::PageRequest::parse(&query_string(&[
            ("channel", CHANNEL),
            ("from", &from),
            ("to", &to),
        ]))
        .unwrap(),
    ));
    assert!(pages > 2, "{pages} pages");
    assert!(in_sqlite_order(items) == expected, "items differ");
}

#[test]
fn non_proxy_errors_are_function_errors_with_the_local_api_s_message() {
    let seeded = seeded();
    let params = [("channel", CHANNEL), ("from", "5")];
    let error = invoke(&seeded.dynamo, &non_proxy(&params)).expect_err("missing `to`");
    let (status, body) = local(&seeded.dynamo, &params);
    assert_eq!(status, 400);
    assert_eq!(error.error_type, "BadRequest");
    assert_eq!(json!({ "message": error.error_message }).to_string(), body);
    assert!(error.error_message.contains("missing parameter `to`"));
}

#[test]
fn proxy_events_of_both_kinds_answer_as_the_local_api() {
    let seeded = seeded();
    let (from, to) = (CONFIG.from_us.to_string(), CONFIG.to_us.to_string());
    let good = [
        ("channel", CHANNEL),
        ("from", from.as_str()),
        ("to", to.as_str()),
        ("limit", "50"),
    ];
    let bad = [
        ("channel", CHANNEL),
        ("from", to.as_str()),
        ("to", from.as_str()),
    ];
    for event_of in [rest_proxy, http_api] {
        for params in [&good[..], &bad[..]] {
            let result =
                invoke(&seeded.dynamo, &event_of("GET", "/prod/bitstamp", params)).unwrap();
            let (status, body) = local(&seeded.dynamo, params);
            assert_eq!(result["statusCode"], status);
            assert_eq!(result["body"], body);
            assert_eq!(result["headers"]["Content-Type"], "application/json");
            assert_eq!(result["headers"]["Access-Control-Allow-Origin"], "*");
            assert_eq!(
                result["headers"]["X-Tickscope-Routes"],
                "bitstamp,channels,gaps"
            );
            assert_eq!(
                result["headers"]["Access-Control-Expose-Headers"],
                "X-Tickscope-Routes"
            );
        }
        let channels = invoke(&seeded.dynamo, &event_of("GET", "/prod/channels", &[])).unwrap();
        assert_eq!(channels["statusCode"], 200);
        let listed: Value = serde_json::from_str(channels["body"].as_str().unwrap()).unwrap();
        assert_eq!(listed["source"], "dynamodb");
        let gaps = invoke(&seeded.dynamo, &event_of("GET", "/prod/gaps", &good[..3])).unwrap();
        assert_eq!(gaps["statusCode"], 200);
        assert_eq!(gaps["body"], r#"{"gaps":[]}"#);
        assert_eq!(gaps["headers"]["Access-Control-Allow-Origin"], "*");
        let bad_gaps = invoke(&seeded.dynamo, &event_of("GET", "/prod/gaps", &bad)).unwrap();
        assert_eq!(bad_gaps["statusCode"], 400);
        let missing = invoke(&seeded.dynamo, &event_of("GET", "/prod/nothing", &[])).unwrap();
        assert_eq!(missing["statusCode"], 404);
        let post = invoke(&seeded.dynamo, &event_of("POST", "/prod/bitstamp", &good)).unwrap();
        assert_eq!(post["statusCode"], 405);
    }
}

#[test]
fn a_parameter_given_twice_in_a_proxy_event_is_refused_as_locally() {
    let seeded = seeded();
    let mut event = rest_proxy("GET", "/bitstamp", &[("channel", CHANNEL)]);
    event["multiValueQueryStringParameters"]["channel"] = json!([CHANNEL, "live_trades_btcusd"]);
    let result = invoke(&seeded.dynamo, &event).unwrap();
    assert_eq!(result["statusCode"], 400);
    assert!(result["body"].as_str().unwrap().contains("more than once"));
}
