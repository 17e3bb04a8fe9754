//! `serve --like-original` over real HTTP: `/prod` answers as the original API Gateway + Lambda (non-proxy
//! integration) did. Page one whatever the cursor, ties shuffled, boto3's `ResponseMetadata` in the body, bad
//! parameters as `200 {"errorMessage", ...}`, and `403 Missing Authentication Token` without CORS for anything
//! else; the dashboard's files as in normal mode.

mod common;

use common::{CONFIG, TestServer, client, server};
use reqwest::Method;
use reqwest::blocking::Response;
use serde_json::Value;
use tickscope_core::PageKey;
use tickscope_server::api::TestOptions;

const CHANNEL: &str = "live_trades_btcusd";

fn like_original(shuffle_ties: Option<u64>) -> TestServer {
    server().with_options(TestOptions {
        like_original: true,
        shuffle_ties,
        ..TestOptions::default()
    })
}

fn request(server: &TestServer, method: Method, path_and_query: &str) -> Response {
    client()
        .request(method, format!("{}{path_and_query}", server.base))
        .header("Origin", "https://dashboard.example.org")
        .send()
        .expect("request")
}

fn whole_window(more: &str) -> String {
    format!(
        "/prod/bitstamp?channel={CHANNEL}&from={}&to={}{more}",
        CONFIG.from_us, CONFIG.to_us
    )
}

/// A `GET /prod/bitstamp` answer: 200, JSON, readable from any origin, and nothing of ours.
fn original_answer(server: &TestServer, path_and_query: &str) -> Value {
    let response = request(server, Method::GET, path_and_query);
    assert_eq!(response.status(), 200, "{path_and_query}");
    let headers = response.headers();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers.get("x-tickscope-routes").is_none());
    serde_json::from_str(&response.text().unwrap()).unwrap()
}

fn items(answer: &Value) -> &Vec<Value> {
    answer["body"]["Items"].as_array().unwrap()
}

#[test]
fn a_page_is_the_envelope_with_response_metadata_after_the_query_result() {
    let answer = original_answer(&like_original(None), &whole_window("&limit=50"));
    assert_eq!(answer["statusCode"], 200);
    assert_eq!(answer["headers"]["Access-Control-Allow-Origin"], "*");
    let body = answer["body"].as_object().unwrap();
    let keys: Vec<&str> = body.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "Items",
            "Count",
            "ScannedCount",
            "LastEvaluatedKey",
            "ResponseMetadata"
        ]
    );
    assert_eq!(body["Count"], 50);
    let metadata = &body["ResponseMetadata"];
    let id = metadata["RequestId"].as_str().unwrap();
    assert!(
        id.len() == 52
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(metadata["HTTPStatusCode"], 200);
    assert_eq!(metadata["RetryAttempts"], 0);
    let headers = &metadata["HTTPHeaders"];
    assert_eq!(headers["x-amzn-requestid"], id);
    assert_eq!(headers["content-type"], "application/x-amz-json-1.0");
}

#[test]
fn the_cursor_is_ignored_and_ties_are_shuffled() {
    let original = like_original(None);
    let first = original_answer(&original, &whole_window("&limit=500"));
    let key = &first["body"]["LastEvaluatedKey"];
    let cursor = PageKey::from_json_object(key.as_object().unwrap())
        .unwrap()
        .to_cursor();
    let again = original_answer(
        &original,
        &whole_window(&format!("&limit=500&cursor={cursor}")),
    );
    assert_eq!(items(&again), items(&first), "page one again");

    let ids_at = |answer: &Value, ts: i64| -> Vec<i64> {
        items(answer)
            .iter()
            .filter(|i| i["nmicrotimestamp"] == ts)
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    let times: Vec<i64> = items(&first)
        .iter()
        .map(|i| i["nmicrotimestamp"].as_i64().unwrap())
        .collect();
    assert!(times.is_sorted(), "in time order");
    let out_of_id_order = times
        .iter()
        .filter(|&&ts| !ids_at(&first, ts).is_sorted())
        .count();
    assert!(out_of_id_order > 0, "no run of ties out of id order");

    // --shuffle-ties picks the order; without it the order is fixed.
    let seeded = |seed| {
        let options = TestOptions {
            shuffle_ties: Some(seed),
            ..TestOptions::default()
        };
        let shuffled = server().with_options(options);
        let answer = request(&shuffled, Method::GET, &whole_window("&limit=500"));
        let answer: Value = serde_json::from_str(&answer.text().unwrap()).unwrap();
        items(&answer).clone()
    };
    let with_five = original_answer(&like_original(Some(5)), &whole_window("&limit=500"));
    assert_eq!(items(&with_five), &seeded(5));
    assert_ne!(items(&with_five), items(&first));
    assert_eq!(
        items(&original_answer(
            &like_original(None),
            &whole_window("&limit=500")
        )),
        items(&first)
    );
}

#[test]
fn a_missing_or_bad_parameter_is_a_200_with_the_function_error() {
    let server = like_original(None);
    let (from, to) = (CONFIG.from_us, CONFIG.to_us);
    for query in [
        String::new(),
        format!("channel={CHANNEL}&from={from}"),
        format!("channel=nope&from={from}&to={to}"),
        format!("channel={CHANNEL}&from=yesterday&to={to}"),
        format!("channel={CHANNEL}&from={to}&to={from}"),
        format!("channel={CHANNEL}&from={from}&to={to}&cursor=***"),
        format!("channel={CHANNEL}&from={from}&to={to}&limit=0"),
        format!("channel={CHANNEL}&channel={CHANNEL}&from={from}&to={to}"),
    ] {
        let path = format!("/prod/bitstamp?{query}");
        let ours = request(common::server(), Method::GET, &path);
        assert_eq!(ours.status(), 400, "{query}: our API refuses it");
        let ours: Value = serde_json::from_str(&ours.text().unwrap()).unwrap();
        let answer = original_answer(&server, &path);
        let fields: Vec<&str> = answer
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            fields,
            ["errorMessage", "errorType", "stackTrace"],
            "{query}"
        );
        assert_eq!(answer["errorMessage"], ours["message"], "{query}");
        assert_eq!(answer["errorType"], "BadRequest", "{query}");
        assert_eq!(answer["stackTrace"], Value::Array(Vec::new()), "{query}");
    }
}

#[test]
fn anything_else_under_prod_is_a_403_without_cors() {
    let server = like_original(None);
    let cases = [
        (Method::GET, "/prod/channels"),
        (Method::GET, "/prod/nope"),
        (Method::GET, "/prod"),
        (Method::GET, "/prod/bitstamp/extra"),
        (Method::POST, "/prod/bitstamp"),
        (Method::HEAD, "/prod/bitstamp"),
        (Method::DELETE, "/prod/channels"),
        (Method::OPTIONS, "/prod/channels"),
    ];
    for (method, path) in cases {
        assert_missing_authentication_token(request(&server, method.clone(), path), &method);
    }
    for path in ["/prod/bitstamp", "/prod/channels"] {
        let preflight = client()
            .request(Method::OPTIONS, format!("{}{path}", server.base))
            .header("Origin", "https://dashboard.example.org")
            .header("Access-Control-Request-Method", "GET")
            .send()
            .unwrap();
        assert_missing_authentication_token(preflight, &Method::OPTIONS);
    }
}

fn assert_missing_authentication_token(response: Response, method: &Method) {
    let what = format!("{method} {}", response.url().path());
    assert_eq!(response.status(), 403, "{what}");
    for (name, _) in response.headers() {
        assert!(
            !name.as_str().starts_with("access-control-") && name != "x-tickscope-routes",
            "{what}: {name}"
        );
    }
    if method != Method::HEAD {
        assert_eq!(
            response.text().unwrap(),
            r#"{"message":"Missing Authentication Token"}"#,
            "{what}"
        );
    }
}

#[test]
fn the_dashboard_s_files_are_served_as_in_normal_mode() {
    let original = like_original(None);
    std::fs::create_dir_all(original.dist()).unwrap();
    std::fs::write(
        original.dist().join("index.html"),
        "<!doctype html>tickscope",
    )
    .unwrap();
    for path in ["/", "/index.html", "/nothing.js"] {
        let answer = |server: &TestServer| {
            let response = request(server, Method::GET, path);
            (response.status(), response.text().unwrap())
        };
        assert_eq!(answer(&original), answer(server()), "{path}");
    }
    let response = request(&original, Method::GET, "/");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().unwrap(), "<!doctype html>tickscope");
}
