//! The API contract end to end over real HTTP: envelope, fields, paging, page sizes, errors, CORS, compression.

mod common;

use std::io::Read;

use common::{CONFIG, client, expected_items, server};
use reqwest::blocking::Response;
use serde_json::Value;
use tickscope_core::{KNOWN_CHANNELS, PAGE_BYTES, PageKey};

fn get(path_and_query: &str) -> Response {
    client()
        .get(format!("{}{path_and_query}", server().base))
        .send()
        .expect("request")
}

fn page_url(channel: &str, from: i64, to: i64, cursor: Option<&str>) -> String {
    let mut url = format!("/prod/bitstamp?channel={channel}&from={from}&to={to}");
    if let Some(c) = cursor {
        url.push_str(&format!("&cursor={c}"));
    }
    url
}

fn assert_cors(response: &Response) {
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "*",
        "CORS header on {}",
        response.url()
    );
}

fn json_body(response: Response) -> (reqwest::StatusCode, Value) {
    let status = response.status();
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")),
    )
}

#[test]
fn channels_lists_the_demo_channels_with_counts_and_spans() {
    let response = get("/prod/channels");
    assert_eq!(response.status(), 200);
    assert_cors(&response);
    let (_, body) = json_body(response);
    assert_eq!(body["source"], "demo");
    let listed = body["channels"].as_array().unwrap();
    let mut names: Vec<&str> = listed
        .iter()
        .map(|c| c["channel"].as_str().unwrap())
        .collect();
    names.sort();
    let mut known = KNOWN_CHANNELS.to_vec();
    known.sort();
    assert_eq!(names, known);
    for c in listed {
        let expected = expected_items(c["channel"].as_str().unwrap());
        assert_eq!(c["count"].as_u64().unwrap(), expected.len() as u64);
        assert_eq!(
            c["first"].as_i64().unwrap(),
            expected[0].key.nmicrotimestamp
        );
        assert_eq!(
            c["last"].as_i64().unwrap(),
            expected.last().unwrap().key.nmicrotimestamp
        );
    }
}

#[test]
fn a_page_is_the_original_envelope_byte_for_byte() {
    let response = get(&format!(
        "{}&limit=3",
        page_url("live_orders_btcusd", CONFIG.from_us, CONFIG.to_us, None)
    ));
    assert_eq!(response.status(), 200);
    assert_cors(&response);
    let text = response.text().unwrap();
    let expected = expected_items("live_orders_btcusd");
    let items: Vec<&str> = expected[..3].iter().map(|r| r.json.as_str()).collect();
    let key = &expected[2].key;
    assert_eq!(
        text,
        format!(
            r#"{{"statusCode":200,"headers":{{"Content-Type":"application/json","Access-Control-Allow-Origin":"*"}},"body":{{"Items":[{}],"Count":3,"ScannedCount":3,"LastEvaluatedKey":{{"channel":"live_orders_btcusd","nmicrotimestamp":{},"id":{},"microtimestamp":"{}"}}}}}}"#,
            items.join(","),
            key.nmicrotimestamp,
            key.id,
            key.microtimestamp
        )
    );
}

/// Field names, order and JSON types of the original items.
#[test]
fn items_keep_the_original_fields_and_types() {
    let trade_fields = [
        ("id", "n"),
        ("timestamp", "s"),
        ("amount", "n"),
        ("amount_str", "s"),
        ("price", "n"),
        ("price_str", "s"),
        ("type", "n"),
        ("microtimestamp", "s"),
        ("buy_order_id", "n"),
        ("sell_order_id", "n"),
        ("channel", "s"),
        ("nmicrotimestamp", "n"),
        ("event", "s"),
    ];
    let order_fields = [
        ("id", "n"),
        ("id_str", "s"),
        ("order_type", "n"),
        ("datetime", "s"),
        ("microtimestamp", "s"),
        ("amount", "n"),
        ("amount_str", "s"),
        ("price", "n"),
        ("price_str", "s"),
        ("channel", "s"),
        ("nmicrotimestamp", "n"),
        ("event", "s"),
    ];
    for channel in KNOWN_CHANNELS {
        let fields: &[(&str, &str)] = if channel.contains("trades") {
            &trade_fields
        } else {
            &order_fields
        };
        let (_, body) = json_body(get(&format!(
            "{}&limit=200",
            page_url(channel, CONFIG.from_us, CONFIG.to_us, None)
        )));
        let items = body["body"]["Items"].as_array().unwrap();
        assert_eq!(items.len(), 200);
        for item in items {
            let object = item.as_object().unwrap();
            let names: Vec<&str> = object.keys().map(String::as_str).collect();
            let want: Vec<&str> = fields.iter().map(|f| f.0).collect();
            assert_eq!(names, want, "{channel}");
            for (name, kind) in fields {
                let ok = if *kind == "n" {
                    object[*name].is_number()
                } else {
                    object[*name].is_string()
                };
                assert!(ok, "{channel}.{name} should be {kind}: {item}");
            }
            assert_eq!(object["channel"], channel);
            assert_eq!(
                object["nmicrotimestamp"].to_string(),
                object["microtimestamp"].as_str().unwrap()
            );
            let event = object["event"].as_str().unwrap();
            assert!(["trade", "order_created", "order_changed", "order_deleted"].contains(&event));
        }
    }
}

/// Follows cursors through `[from, to]`; returns each page's items (JSON text) and whether it carried a key.
fn all_pages(channel: &str, from: i64, to: i64) -> Vec<(Vec<String>, Option<PageKey>)> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let (status, body) = json_body(get(&page_url(channel, from, to, cursor.as_deref())));
        assert_eq!(status, 200);
        let body = &body["body"];
        let items: Vec<String> = body["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect();
        assert_eq!(body["Count"].as_u64().unwrap() as usize, items.len());
        assert_eq!(body["ScannedCount"], body["Count"]);
        let key = body
            .get("LastEvaluatedKey")
            .map(|k| PageKey::from_json_object(k.as_object().unwrap()).unwrap());
        cursor = key.as_ref().map(PageKey::to_cursor);
        pages.push((items, key));
        if cursor.is_none() {
            return pages;
        }
        assert!(pages.len() < 1000, "paging does not end");
    }
}

#[test]
fn paging_with_cursors_yields_every_item_once_in_order_in_1mb_pages() {
    for channel in KNOWN_CHANNELS {
        let expected = expected_items(channel);
        let pages = all_pages(channel, CONFIG.from_us, CONFIG.to_us);
        let got: Vec<&String> = pages.iter().flat_map(|p| &p.0).collect();
        let want: Vec<&String> = expected.iter().map(|r| &r.json).collect();
        assert_eq!(got.len(), want.len(), "{channel}: item count");
        assert!(
            got == want,
            "{channel}: items differ from the store's, in content or order"
        );

        // The 1 MB rule: a page goes on while its size is within 1 MB and ends with the item that crosses it.
        let size_of: std::collections::HashMap<&str, usize> =
            expected.iter().map(|r| (r.json.as_str(), r.size)).collect();
        for (items, key) in &pages {
            let sizes: Vec<usize> = items.iter().map(|j| size_of[j.as_str()]).collect();
            let total: usize = sizes.iter().sum();
            if let Some(key) = key {
                assert!(
                    total > PAGE_BYTES && total - sizes.last().unwrap() <= PAGE_BYTES,
                    "{channel}: cut at {total}"
                );
                let last: Value = serde_json::from_str(items.last().unwrap()).unwrap();
                assert_eq!(key.id, last["id"].as_i64().unwrap());
                assert_eq!(key.microtimestamp, last["microtimestamp"].as_str().unwrap());
            } else {
                assert!(total <= PAGE_BYTES);
            }
        }
        if channel.contains("orders") {
            assert!(
                pages.len() >= 3,
                "{channel}: only {} pages; the test data is too small",
                pages.len()
            );
            let per_page = pages[0].0.len();
            assert!(
                (3_500..=6_500).contains(&per_page),
                "{channel}: {per_page} items in a 1 MB page"
            );
        }
    }
}

#[test]
fn from_and_to_are_inclusive() {
    let expected = expected_items("live_trades_ethusd");
    let (from, to) = (
        expected[10].key.nmicrotimestamp,
        expected[40].key.nmicrotimestamp,
    );
    let want: Vec<&String> = expected
        .iter()
        .filter(|r| (from..=to).contains(&r.key.nmicrotimestamp))
        .map(|r| &r.json)
        .collect();
    let pages = all_pages("live_trades_ethusd", from, to);
    let got: Vec<&String> = pages.iter().flat_map(|p| &p.0).collect();
    assert!(
        got == want && want.len() >= 31,
        "{} items, expected {}",
        got.len(),
        want.len()
    );
    let (_, body) = json_body(get(&page_url(
        "live_trades_ethusd",
        0,
        CONFIG.from_us - 1,
        None,
    )));
    assert_eq!(body["body"]["Count"], 0);
    assert!(body["body"].get("LastEvaluatedKey").is_none());
}

#[test]
fn limit_caps_a_page_and_cursors_resume_after_it() {
    let expected = expected_items("live_trades_btcusd");
    let mut cursor = None;
    let mut got = Vec::new();
    for _ in 0..5 {
        let url = format!(
            "{}&limit=7",
            page_url(
                "live_trades_btcusd",
                CONFIG.from_us,
                CONFIG.to_us,
                cursor.as_deref()
            )
        );
        let (_, body) = json_body(get(&url));
        let items = body["body"]["Items"].as_array().unwrap();
        assert_eq!(items.len(), 7);
        got.extend(items.iter().map(Value::to_string));
        let key = PageKey::from_json_object(body["body"]["LastEvaluatedKey"].as_object().unwrap())
            .unwrap();
        cursor = Some(key.to_cursor());
    }
    let want: Vec<String> = expected[..35].iter().map(|r| r.json.clone()).collect();
    assert_eq!(got, want);
}

#[test]
fn every_bad_query_gets_a_400_with_a_json_message_and_cors() {
    let base = format!(
        "channel=live_trades_btcusd&from={}&to={}",
        CONFIG.from_us, CONFIG.to_us
    );
    let other_key = PageKey {
        channel: "live_trades_ethusd".into(),
        nmicrotimestamp: CONFIG.from_us,
        id: 1,
        microtimestamp: CONFIG.from_us.to_string(),
    };
    let outside_key = PageKey {
        channel: "live_trades_btcusd".into(),
        nmicrotimestamp: 5,
        ..other_key.clone()
    };
    let cases = [
        (String::new(), "missing parameter `channel`"),
        ("from=1&to=2".to_string(), "missing parameter `channel`"),
        (
            "channel=live_trades_btcusd&to=2".to_string(),
            "missing parameter `from`",
        ),
        (
            "channel=live_trades_btcusd&from=1".to_string(),
            "missing parameter `to`",
        ),
        (
            "channel=%3Cscript%3E&from=1&to=2".to_string(),
            "malformed `channel`",
        ),
        (
            "channel=live_trades_btcusd&from=abc&to=2".to_string(),
            "malformed `from`",
        ),
        (
            "channel=live_trades_btcusd&from=1&to=1e6".to_string(),
            "malformed `to`",
        ),
        (
            "channel=live_trades_btcusd&from=1&to=99999999999999999999999".to_string(),
            "too large",
        ),
        (
            "channel=live_trades_btcusd&from=5&to=4".to_string(),
            "is after `to`",
        ),
        (format!("{base}&limit=0"), "malformed `limit`"),
        (format!("{base}&limit=-3"), "malformed `limit`"),
        (format!("{base}&limit=lots"), "malformed `limit`"),
        (format!("{base}&cursor=***"), "malformed `cursor`"),
        (format!("{base}&cursor=bm90IGpzb24"), "malformed `cursor`"),
        (format!("{base}&cursor=e30"), "malformed `cursor`"),
        (
            format!("{base}&cursor={}", other_key.to_cursor()),
            "is for channel",
        ),
        (
            format!("{base}&cursor={}", outside_key.to_cursor()),
            "outside from..to",
        ),
    ];
    for (query, message) in cases {
        let response = get(&format!("/prod/bitstamp?{query}"));
        assert_cors(&response);
        let (status, body) = json_body(response);
        assert_eq!(status, 400, "{query}");
        let text = body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no message for {query}: {body}"));
        assert!(
            text.contains(message),
            "{query}: {text:?} should say {message:?}"
        );
    }
}

#[test]
fn unknown_paths_404_and_wrong_methods_405_in_json_with_cors() {
    for path in [
        "/prod/nope",
        "/prod",
        "/prod/bitstamp/extra",
        "/favicon.ico",
    ] {
        let response = get(path);
        assert_cors(&response);
        let (status, body) = json_body(response);
        assert_eq!(status, 404, "{path}");
        assert!(body["message"].is_string());
    }
    let response = client()
        .post(format!("{}/prod/bitstamp", server().base))
        .send()
        .unwrap();
    assert_cors(&response);
    assert_eq!(response.headers()["allow"], "GET, HEAD, OPTIONS");
    let (status, body) = json_body(response);
    assert_eq!(status, 405);
    assert!(body["message"].as_str().unwrap().contains("POST"));
}

#[test]
fn a_cors_preflight_is_answered() {
    let response = client()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/prod/bitstamp?channel=x", server().base),
        )
        .header("Origin", "https://example.org")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "x-custom")
        .send()
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    assert_cors(&response);
    let methods = response.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("GET"), "{methods}");
    assert!(
        response
            .headers()
            .contains_key("access-control-allow-headers")
    );
}

#[test]
fn responses_are_compressed_when_the_client_accepts_it() {
    let url = format!(
        "{}{}",
        server().base,
        page_url("live_orders_ethusd", CONFIG.from_us, CONFIG.to_us, None)
    );
    let plain = client().get(&url).send().unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().unwrap();
    for (encoding, decode) in [
        (
            "gzip",
            (|b: &[u8]| {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(b)
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }) as fn(&[u8]) -> Vec<u8>,
        ),
        ("br", |b: &[u8]| {
            let mut out = Vec::new();
            brotli::Decompressor::new(b, 4096)
                .read_to_end(&mut out)
                .unwrap();
            out
        }),
    ] {
        let response = client()
            .get(&url)
            .header("Accept-Encoding", encoding)
            .send()
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert_cors(&response);
        let wire = response.bytes().unwrap();
        assert!(
            wire.len() * 4 < plain.len(),
            "{encoding}: {} of {} bytes",
            wire.len(),
            plain.len()
        );
        assert!(
            decode(&wire) == plain,
            "{encoding} decodes to the plain body"
        );
    }
}

mod no_input_gives_a_500 {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_query_string_gets_200_or_400(
            channel in "(live_(trades|orders)_[a-z]{2,8}|\\PC{0,12})",
            from in "(\\d{1,20}|\\PC{0,8})",
            to in "(\\d{1,20}|\\PC{0,8})",
            extra in "\\PC{0,40}",
        ) {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("channel", &channel).append_pair("from", &from).append_pair("to", &to)
                .finish();
            let response = client().get(format!("{}/prod/bitstamp?{query}&{extra}", server().base)).send().unwrap();
            prop_assert!(response.status() == 200 || response.status() == 400, "{}", response.status());
            prop_assert_eq!(&response.headers()["access-control-allow-origin"], "*");
        }
    }
}
