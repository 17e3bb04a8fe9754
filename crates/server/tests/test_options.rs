//! The serve options for tests, over real HTTP: injected faults (each kind, its scope, its determinism, and a
//! retrying client that still gets every item), `--ignore-cursor`, `--latency-ms`, and the binary's flags.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{CONFIG, TestServer, client, expected_items, run_binary, server};
use reqwest::blocking::Response;
use serde_json::Value;
use tickscope_core::PageKey;
use tickscope_server::api::TestOptions;
use tickscope_server::api::faults::{FaultKind, FaultOptions};

const BIN: &str = env!("CARGO_BIN_EXE_tickscope-server");

fn bitstamp(channel: &str, cursor: Option<&str>, limit: Option<usize>) -> String {
    let mut url = format!(
        "/prod/bitstamp?channel={channel}&from={}&to={}",
        CONFIG.from_us, CONFIG.to_us
    );
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={cursor}"));
    }
    if let Some(limit) = limit {
        url.push_str(&format!("&limit={limit}"));
    }
    url
}

/// Page one of a channel, 50 items: a body of a few kB.
fn page_one() -> String {
    bitstamp("live_trades_btcusd", None, Some(50))
}

fn get(server: &TestServer, path_and_query: &str) -> Response {
    client()
        .get(format!("{}{path_and_query}", server.base))
        .send()
        .expect("request")
}

/// The answer of a server without test options.
fn real_body(path_and_query: &str) -> String {
    let response = get(server(), path_and_query);
    assert_eq!(response.status(), 200);
    response.text().unwrap()
}

/// A server over the shared store that fails every `/prod/bitstamp` request with `kind`.
fn always(kind: FaultKind, slow: Duration) -> TestServer {
    server().with_options(TestOptions {
        faults: FaultOptions {
            rate: 1.0,
            kinds: vec![kind],
            slow,
            ..FaultOptions::default()
        },
        ..TestOptions::default()
    })
}

fn faulty(rate: f64, seed: u64, kinds: &[FaultKind]) -> TestServer {
    server().with_options(TestOptions {
        faults: FaultOptions {
            rate,
            seed,
            kinds: kinds.to_vec(),
            slow: Duration::from_millis(200),
        },
        ..TestOptions::default()
    })
}

fn assert_json_message(response: Response, status: u16) {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = serde_json::from_str(&response.text().unwrap()).unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("injected fault: "), "{message}");
}

#[test]
fn a_500_fault_is_a_json_error_with_cors() {
    let server = always(FaultKind::ServerError, Duration::ZERO);
    for _ in 0..3 {
        assert_json_message(get(&server, &page_one()), 500);
    }
}

#[test]
fn a_429_fault_has_retry_after_a_json_message_and_cors() {
    let server = always(FaultKind::TooManyRequests, Duration::ZERO);
    let response = get(&server, &page_one());
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_json_message(response, 429);
}

#[test]
fn a_drop_fault_is_a_network_error() {
    let server = always(FaultKind::Drop, Duration::ZERO);
    let url = format!("{}{}", server.base, page_one());
    // Without and with compression accepted (a browser always accepts it).
    for client in [client(), reqwest::blocking::Client::new()] {
        let read = client.get(&url).send().and_then(|r| r.bytes());
        assert!(read.is_err(), "read a whole answer: {read:?}");
    }
}

#[test]
fn a_truncate_fault_is_a_200_whose_body_is_the_start_of_the_real_one_and_not_json() {
    let server = always(FaultKind::Truncate, Duration::ZERO);
    let real = real_body(&page_one());
    for encodings in [None, Some("gzip"), Some("br"), Some("gzip, deflate, br")] {
        let mut request = client().get(format!("{}{}", server.base, page_one()));
        if let Some(encodings) = encodings {
            request = request.header("Accept-Encoding", encodings);
        }
        let response = request.send().unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        assert!(
            response.headers().get("content-encoding").is_none(),
            "{encodings:?}: a truncated body must reach the client as it is"
        );
        let body = response.text().unwrap();
        assert!(
            !body.is_empty() && body.len() < real.len() && real.starts_with(&body),
            "{encodings:?}: {} bytes of {}",
            body.len(),
            real.len()
        );
        assert!(serde_json::from_str::<Value>(&body).is_err());
    }
    // A client that decompresses (as a browser does) reads it without error, and it is not JSON either.
    let body = reqwest::blocking::get(format!("{}{}", server.base, page_one()))
        .unwrap()
        .text()
        .unwrap();
    assert!(serde_json::from_str::<Value>(&body).is_err());
}

#[test]
fn a_slow_fault_is_the_real_answer_after_the_delay() {
    let delay = Duration::from_millis(1000);
    let server = always(FaultKind::Slow, delay);
    let started = Instant::now();
    let response = get(&server, &page_one());
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().unwrap(), real_body(&page_one()));
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
}

#[test]
fn faults_only_touch_get_prod_bitstamp() {
    let server = always(FaultKind::ServerError, Duration::ZERO);
    assert_eq!(get(&server, &page_one()).status(), 500);
    let channels = get(&server, "/prod/channels");
    assert_eq!(channels.status(), 200);
    assert!(channels.text().unwrap().contains(r#""source":"demo""#));
    let dashboard = get(&server, "/");
    assert_eq!(dashboard.status(), 404);
    assert!(
        dashboard
            .text()
            .unwrap()
            .contains("the dashboard is not built")
    );
    assert_eq!(get(&server, "/prod/nope").status(), 404);
    let post = client()
        .post(format!("{}{}", server.base, page_one()))
        .send()
        .unwrap();
    assert_eq!(post.status(), 405);
    let preflight = client()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}{}", server.base, page_one()),
        )
        .header("Origin", "https://example.org")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
}

#[test]
fn the_same_seed_gives_the_same_faults_for_the_same_requests() {
    let kinds = [FaultKind::ServerError, FaultKind::TooManyRequests];
    let statuses = |server: &TestServer| -> Vec<u16> {
        (0..40)
            .map(|_| get(server, &page_one()).status().as_u16())
            .collect()
    };
    let first = statuses(&faulty(0.5, 11, &kinds));
    assert_eq!(first, statuses(&faulty(0.5, 11, &kinds)));
    assert_ne!(first, statuses(&faulty(0.5, 12, &kinds)));
    for status in [200, 500, 429] {
        assert!(first.contains(&status), "no {status} in {first:?}");
    }
}

/// How a request failed, as a client sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Failure {
    Network,
    Status(u16),
    NotJson,
}

/// One request, as a browser's `fetch` then `JSON.parse` would see it.
fn fetch_json(client: &reqwest::blocking::Client, url: &str) -> Result<Value, Failure> {
    let response = client.get(url).send().map_err(|_| Failure::Network)?;
    let status = response.status().as_u16();
    let text = response.text().map_err(|_| Failure::Network)?;
    if status != 200 {
        return Err(Failure::Status(status));
    }
    serde_json::from_str(&text).map_err(|_| Failure::NotJson)
}

/// Pages through `[from, to]` of `channel`, retrying each failed request at once (a real client would wait
/// `Retry-After` after a 429). Returns the items and the failures met.
fn page_through_retrying(
    server: &TestServer,
    channel: &str,
    limit: Option<usize>,
) -> (Vec<String>, Vec<Failure>) {
    let client = reqwest::blocking::Client::new();
    let (mut items, mut failures) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let url = format!(
            "{}{}",
            server.base,
            bitstamp(channel, cursor.as_deref(), limit)
        );
        let page = loop {
            match fetch_json(&client, &url) {
                Ok(page) => break page,
                Err(failure) => failures.push(failure),
            }
            assert!(failures.len() < 1000, "retrying does not end");
        };
        let body = &page["body"];
        items.extend(
            body["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(Value::to_string),
        );
        cursor = body.get("LastEvaluatedKey").map(|k| {
            PageKey::from_json_object(k.as_object().unwrap())
                .unwrap()
                .to_cursor()
        });
        if cursor.is_none() {
            return (items, failures);
        }
    }
}

#[test]
fn a_client_that_retries_failures_gets_every_item_of_a_channel_exactly_once() {
    let server = faulty(0.3, 2024, &FaultKind::ALL);
    let mut failures = Vec::new();
    // 1 MB pages, and pages of a fortieth of the channel for many requests.
    for (channel, pages) in [
        ("live_orders_btcusd", None),
        ("live_trades_ethusd", Some(40)),
    ] {
        let expected = expected_items(channel);
        let limit = pages.map(|n| expected.len().div_ceil(n));
        let (got, failed) = page_through_retrying(&server, channel, limit);
        let want: Vec<&String> = expected.iter().map(|r| &r.json).collect();
        assert_eq!(got.len(), want.len(), "{channel}: item count");
        assert!(
            got.iter().eq(want.iter().copied()),
            "{channel}: items differ from the store's"
        );
        failures.extend(failed);
    }
    failures.sort();
    failures.dedup();
    assert_eq!(
        failures,
        [
            Failure::Network,
            Failure::Status(429),
            Failure::Status(500),
            Failure::NotJson
        ],
        "every kind of failure a client can see was met"
    );
}

#[test]
fn ignore_cursor_answers_page_one_again_but_still_checks_the_cursor() {
    let server = server().with_options(TestOptions {
        ignore_cursor: true,
        ..TestOptions::default()
    });
    let channel = "live_trades_btcusd";
    let first = get(&server, &bitstamp(channel, None, Some(5)))
        .text()
        .unwrap();
    assert_eq!(first, real_body(&bitstamp(channel, None, Some(5))));
    let page: Value = serde_json::from_str(&first).unwrap();
    let key =
        PageKey::from_json_object(page["body"]["LastEvaluatedKey"].as_object().unwrap()).unwrap();
    let cursor = key.to_cursor();
    let with_cursor = bitstamp(channel, Some(&cursor), Some(5));
    assert_eq!(get(&server, &with_cursor).text().unwrap(), first);
    assert_ne!(
        real_body(&with_cursor),
        first,
        "without the option, page two"
    );

    let other_channel = PageKey {
        channel: "live_trades_ethusd".into(),
        ..key
    };
    for bad in ["***".to_string(), other_channel.to_cursor()] {
        let response = get(&server, &bitstamp(channel, Some(&bad), None));
        assert_eq!(response.status(), 400, "cursor {bad}");
    }
}

#[test]
fn latency_delays_each_bitstamp_answer_and_nothing_else() {
    let latency = Duration::from_millis(1500);
    let server = server().with_options(TestOptions {
        latency,
        ..TestOptions::default()
    });
    for _ in 0..2 {
        let started = Instant::now();
        let response = get(&server, &page_one());
        assert_eq!(response.text().unwrap(), real_body(&page_one()));
        assert!(started.elapsed() >= latency, "{:?}", started.elapsed());
    }
    let started = Instant::now();
    assert_eq!(get(&server, "/prod/channels").status(), 200);
    assert!(started.elapsed() < latency, "{:?}", started.elapsed());
}

#[test]
fn serve_help_shows_the_options_for_tests_and_bad_values_are_refused() {
    let (ok, help, _) = run_binary(&["serve", "--help"]);
    assert!(ok);
    assert!(help.contains("Options for tests"), "{help}");
    for flag in [
        "--fault-rate",
        "--fault-seed",
        "--fault-kinds",
        "--fault-slow-ms",
        "--ignore-cursor",
        "--latency-ms",
        "--shuffle-ties",
        "--like-original",
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} missing from\n{help}"));
        assert!(line.contains("For tests"), "{line}");
    }
    for (args, error) in [
        (["--fault-rate", "1.5"], "not a probability"),
        (["--fault-kinds", "500,boom"], "unknown fault kind `boom`"),
    ] {
        let (ok, _, stderr) = run_binary(&[&["serve"][..], &args[..]].concat());
        assert!(!ok && stderr.contains(error), "{args:?}: {stderr}");
    }
}

#[test]
fn the_binary_serves_with_its_options_for_tests() {
    let db = server().db();
    let mut child = Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .args([
            "--dist",
            "/nonexistent",
            "--fault-rate",
            "1",
            "--fault-kinds",
            "429",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let base = first_line
        .trim()
        .strip_prefix("listening on ")
        .expect(&first_line)
        .to_owned();
    let bitstamp = client().get(format!("{base}{}", page_one())).send();
    let channels = client().get(format!("{base}/prod/channels")).send();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(bitstamp.unwrap().status(), 429);
    assert_eq!(channels.unwrap().status(), 200);
}
