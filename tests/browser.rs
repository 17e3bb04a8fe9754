//! The dashboard's wasm glue in headless Chromium: fetching bytes, aborting, sleeping, retrying a page,
//! local-time text, and the link in the address bar.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p tickscope --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use tickscope::api::{get_bytes, sleep};
use tickscope::link::{current_query, replace_url};
use tickscope::loader::fetch_page::{FetchContext, Fetched, fetch_page};
use tickscope::time::time_text;
use tickscope_core::{Backoff, TzMode, ViewState, parse_time};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

fn data_url(body: &str) -> String {
    format!(
        "data:application/json,{}",
        js_sys::encode_uri_component(body)
    )
}

#[wasm_bindgen_test]
async fn a_body_arrives_as_bytes() {
    let controller = AbortController::new().unwrap();
    let answer = get_bytes(
        &data_url(r#"{"Items":[],"Count":0}"#),
        Some(&controller.signal()),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, br#"{"Items":[],"Count":0}"#);
}

#[wasm_bindgen_test]
async fn an_aborted_request_fails() {
    let controller = AbortController::new().unwrap();
    controller.abort();
    assert!(
        get_bytes(&data_url("{}"), Some(&controller.signal()))
            .await
            .is_err()
    );
}

#[wasm_bindgen_test]
async fn sleep_waits() {
    let started = js_sys::Date::now();
    sleep(60).await;
    assert!(js_sys::Date::now() - started >= 55.0);
}

/// Counts retries and never stops, with a fast backoff.
struct Context {
    retries: Cell<u32>,
}

impl FetchContext for Context {
    fn controller(&self) -> Option<AbortController> {
        AbortController::new().ok()
    }
    fn release(&self, _: &AbortController) {}
    fn is_live(&self) -> bool {
        true
    }
    fn backoff(&self) -> Backoff {
        Backoff {
            base_ms: 1,
            cap_ms: 4,
            max_retries: 2,
        }
    }
    fn retrying(&self, _attempt: u32, _reason: &str) {
        self.retries.set(self.retries.get() + 1);
    }
}

#[wasm_bindgen_test]
async fn a_page_is_parsed_into_columns() {
    let body = r#"{"statusCode":200,"headers":{},"body":{"Items":[{"id":1,"timestamp":"1","amount":0.5,"amount_str":"0.5","price":41000.5,"price_str":"41000.50","type":1,"microtimestamp":"1647830700000001","buy_order_id":2,"sell_order_id":3,"channel":"live_trades_btcusd","nmicrotimestamp":1647830700000001,"event":"trade"}],"Count":1,"ScannedCount":1}}"#;
    let context = Context {
        retries: Cell::new(0),
    };
    match fetch_page(&data_url(body), &context).await {
        Fetched::Page { batch, bytes } => {
            assert_eq!(bytes, body.len());
            assert_eq!(batch.items.ts, [1647830700000001]);
            assert_eq!(batch.items.price, [41000.5]);
            assert!(batch.last_key.is_none());
        }
        _ => panic!("expected a page"),
    }
    assert_eq!(context.retries.get(), 0);
}

#[wasm_bindgen_test]
async fn an_incomplete_body_is_retried_then_given_up() {
    let context = Context {
        retries: Cell::new(0),
    };
    match fetch_page(
        &data_url(r#"{"statusCode":200,"body":{"Items":[{"id":1"#),
        &context,
    )
    .await
    {
        Fetched::Failed(message) => {
            assert!(message.contains("gave up after 2 retries"), "{message}");
            assert!(message.contains("incomplete"), "{message}");
        }
        _ => panic!("expected a failure"),
    }
    assert_eq!(context.retries.get(), 2);
}

#[wasm_bindgen_test]
async fn an_api_error_is_not_retried() {
    let context = Context {
        retries: Cell::new(0),
    };
    let body = r#"{"errorMessage":"'from'","errorType":"KeyError","stackTrace":[]}"#;
    match fetch_page(&data_url(body), &context).await {
        Fetched::Failed(message) => assert!(message.contains("KeyError"), "{message}"),
        _ => panic!("expected a failure"),
    }
    assert_eq!(context.retries.get(), 0);
}

#[wasm_bindgen_test]
fn local_time_text_reads_back_to_the_same_instant() {
    for us in [
        0,
        1_647_830_700_000_000,
        1_647_830_700_123_456,
        1_667_095_200_000_000,
    ] {
        assert_eq!(parse_time(&time_text(us, TzMode::Local)), Ok(us));
        assert_eq!(parse_time(&time_text(us, TzMode::Utc)), Ok(us));
    }
    assert_eq!(parse_time("1647830700000000"), Ok(1_647_830_700_000_000));
    assert!(
        parse_time("yesterday")
            .unwrap_err()
            .contains("is not a time")
    );
}

#[wasm_bindgen_test]
fn the_view_round_trips_through_the_address_bar() {
    let (view, warnings) = ViewState::parse(
        "ch=live_trades_btcusd,live_orders_ethusd&from=2022-03-21T02:45:00Z&to=1647844020000000&tz=local&k=8&iv=1m",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    replace_url(&view);
    assert_eq!(ViewState::parse(&current_query()), (view, vec![]));
}
