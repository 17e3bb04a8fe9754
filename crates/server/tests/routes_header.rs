//! `X-Tickscope-Routes: bitstamp,channels,gaps` over real HTTP: on every answer under /prod, errors and injected faults
//! included, readable by a page of another origin (`Access-Control-Expose-Headers`), and nowhere else.

mod common;

use common::{CONFIG, TestServer, client, server};
use reqwest::Method;
use reqwest::blocking::Response;
use tickscope_server::api::TestOptions;
use tickscope_server::api::faults::{FaultKind, FaultOptions};

const ORIGIN: &str = "https://dashboard.example.org";

fn request(server: &TestServer, method: Method, path_and_query: &str) -> Response {
    client()
        .request(method, format!("{}{path_and_query}", server.base))
        .header("Origin", ORIGIN)
        .send()
        .expect("request")
}

fn routes_header(response: &Response) -> Option<&str> {
    response
        .headers()
        .get("x-tickscope-routes")
        .map(|v| v.to_str().unwrap())
}

/// The header is there, and a browser lets the page read it.
fn assert_readable_marker(response: &Response, what: &str) {
    assert_eq!(
        routes_header(response),
        Some("bitstamp,channels,gaps"),
        "{what}"
    );
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "*",
        "{what}"
    );
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(
        exposed
            .split(',')
            .any(|h| h.trim().eq_ignore_ascii_case("X-Tickscope-Routes")),
        "{what}: exposed {exposed:?}"
    );
    // So is the protocol it came by (Resource Timing's `nextHopProtocol`).
    assert_eq!(response.headers()["timing-allow-origin"], "*", "{what}");
}

#[test]
fn every_answer_under_prod_carries_the_routes_header_readable_cross_origin() {
    let (from, to) = (CONFIG.from_us, CONFIG.to_us);
    let cases = [
        (
            Method::GET,
            format!("/prod/bitstamp?channel=live_trades_btcusd&from={from}&to={to}&limit=5"),
            200,
        ),
        // The dashboard's probe: an empty range, the cheapest answer.
        (
            Method::GET,
            format!("/prod/bitstamp?channel=live_trades_btcusd&from={from}&to={from}"),
            200,
        ),
        (
            Method::HEAD,
            format!("/prod/bitstamp?channel=live_trades_btcusd&from={from}&to={from}"),
            200,
        ),
        (Method::GET, "/prod/channels".to_owned(), 200),
        (
            Method::GET,
            "/prod/bitstamp?channel=live_trades_btcusd".to_owned(),
            400,
        ),
        (Method::GET, "/prod/nope".to_owned(), 404),
        (Method::POST, "/prod/channels".to_owned(), 405),
    ];
    for (method, path, status) in cases {
        let what = format!("{method} {path}");
        let response = request(server(), method, &path);
        assert_eq!(response.status(), status, "{what}");
        assert_readable_marker(&response, &what);
    }
}

#[test]
fn preflights_and_injected_faults_carry_it_too() {
    let preflight = client()
        .request(Method::OPTIONS, format!("{}/prod/channels", server().base))
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "GET")
        .send()
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(routes_header(&preflight), Some("bitstamp,channels,gaps"));

    let failing = server().with_options(TestOptions {
        faults: FaultOptions {
            rate: 1.0,
            kinds: vec![FaultKind::ServerError],
            ..FaultOptions::default()
        },
        ..TestOptions::default()
    });
    let path = format!(
        "/prod/bitstamp?channel=live_trades_btcusd&from={}&to={}",
        CONFIG.from_us, CONFIG.to_us
    );
    let response = request(&failing, Method::GET, &path);
    assert_eq!(response.status(), 500);
    assert_readable_marker(&response, "an injected 500");
}

#[test]
fn the_dashboard_s_files_do_not_carry_it() {
    let response = request(server(), Method::GET, "/index.html");
    assert_eq!(response.status(), 404, "no dashboard built for these tests");
    assert_eq!(routes_header(&response), None);
}
