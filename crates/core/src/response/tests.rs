use super::*;
use crate::columns::{EventKind, Side, Tick};
use crate::item::ItemBuilder;
use crate::page::render_envelope;
use proptest::prelude::*;

const ORDERS: &str = "live_orders_btcusd";
const TRADES: &str = "live_trades_btcusd";

/// Decimal text of `value × 10^-decimals`, as Bitstamp writes prices (2) and amounts (8).
fn decimal(value: u64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    format!(
        "{}.{:0width$}",
        value / scale,
        value % scale,
        width = decimals as usize
    )
}

/// An order item in the original table's shape (as the server's demo data writes it).
fn order_item(tick: &Tick, price: &str, amount: &str) -> String {
    let side = match tick.side {
        Side::Buy => 0,
        Side::Sell => 1,
    };
    let mut b = ItemBuilder::new();
    b.integer("id", tick.id)
        .string("id_str", &tick.id.to_string())
        .integer("order_type", side)
        .string("datetime", &(tick.ts / 1_000_000).to_string())
        .string("microtimestamp", &tick.ts.to_string());
    b.number("amount", amount).unwrap();
    b.string("amount_str", amount);
    b.number("price", price).unwrap();
    b.string("price_str", price)
        .string("channel", ORDERS)
        .integer("nmicrotimestamp", tick.ts)
        .string("event", tick.event.name());
    b.finish().json
}

/// A trade item in the original table's shape.
fn trade_item(tick: &Tick, price: &str, amount: &str) -> String {
    let side = match tick.side {
        Side::Buy => 0,
        Side::Sell => 1,
    };
    let mut b = ItemBuilder::new();
    b.integer("id", tick.id)
        .string("timestamp", &(tick.ts / 1_000_000).to_string());
    b.number("amount", amount).unwrap();
    b.string("amount_str", amount);
    b.number("price", price).unwrap();
    b.string("price_str", price)
        .integer("type", side)
        .string("microtimestamp", &tick.ts.to_string())
        .integer("buy_order_id", tick.id.wrapping_mul(3))
        .integer("sell_order_id", tick.id.wrapping_mul(3).wrapping_add(1))
        .string("channel", TRADES)
        .integer("nmicrotimestamp", tick.ts)
        .string("event", "trade");
    b.finish().json
}

fn item_json(tick: &Tick, price: &str, amount: &str) -> String {
    if tick.event == EventKind::Trade {
        trade_item(tick, price, amount)
    } else {
        order_item(tick, price, amount)
    }
}

fn key() -> PageKey {
    PageKey {
        channel: ORDERS.into(),
        nmicrotimestamp: 1_647_830_700_123_456,
        id: 1_466_017_213_358_080,
        microtimestamp: "1647830700123456".into(),
    }
}

/// `n` realistic items (orders of every event and some trades), their ticks, and the page that holds them.
fn realistic(n: usize, last_key: Option<&PageKey>) -> (Vec<Tick>, String) {
    let mut ticks = Vec::new();
    let mut items = Vec::new();
    for i in 0..n as u64 {
        let event = EventKind::from_u8((i % 4) as u8).unwrap();
        let tick = Tick {
            ts: 1_647_830_700_000_000 + (i as i64) * 1_357,
            id: 1_466_017_213_358_080 + (i as i64) * 7,
            price: 0.0,
            amount: 0.0,
            side: if i % 3 == 0 { Side::Sell } else { Side::Buy },
            event,
        };
        let price = decimal(4_100_000 + i * 37, 2);
        let amount = decimal(i * 1_234_567 % 300_000_000, 8);
        ticks.push(Tick {
            price: price.parse().unwrap(),
            amount: amount.parse().unwrap(),
            ..tick
        });
        items.push(item_json(&tick, &price, &amount));
    }
    let body = render_envelope(items.iter().map(String::as_str), last_key);
    (ticks, body)
}

fn ticks_of(columns: &Columns) -> Vec<Tick> {
    (0..columns.len())
        .map(|i| columns.get(i).unwrap())
        .collect()
}

fn page(body: &str) -> PageBatch {
    parse_page(body).unwrap_or_else(|err| panic!("{err:?} for {body}"))
}

fn api_error(body: &str) -> String {
    match parse_page(body) {
        Err(PageError::Api(message)) => message,
        other => panic!("expected an API error, got {other:?} for {body}"),
    }
}

fn incomplete(body: &str) -> String {
    match parse_page(body) {
        Err(PageError::Incomplete(why)) => why,
        other => panic!("expected Incomplete, got {other:?} for {body}"),
    }
}

const ORDER: &str = r#"{"id":1466017213358080,"id_str":"1466017213358080","order_type":1,"datetime":"1647830700","microtimestamp":"1647830700123456","amount":0.05,"amount_str":"0.05000000","price":41000.5,"price_str":"41000.50","channel":"live_orders_btcusd","nmicrotimestamp":1647830700123456,"event":"order_deleted"}"#;
const TRADE: &str = r#"{"id":226151001,"timestamp":"1647830700","amount":1.4E-7,"amount_str":"0.00000014","price":41000,"price_str":"41000.00","type":0,"microtimestamp":"1647830700123000","buy_order_id":1470401450000000,"sell_order_id":1470401450000001,"channel":"live_trades_btcusd","nmicrotimestamp":1647830700123000,"event":"trade"}"#;
const KEY: &str = r#"{"channel":"live_orders_btcusd","nmicrotimestamp":1647830700123456,"id":1466017213358080,"microtimestamp":"1647830700123456"}"#;

fn order_tick() -> Tick {
    Tick {
        ts: 1_647_830_700_123_456,
        id: 1_466_017_213_358_080,
        price: 41000.5,
        amount: 0.05,
        side: Side::Sell,
        event: EventKind::OrderDeleted,
    }
}

fn trade_tick() -> Tick {
    Tick {
        ts: 1_647_830_700_123_000,
        id: 226_151_001,
        price: 41000.0,
        amount: 1.4e-7,
        side: Side::Buy,
        event: EventKind::Trade,
    }
}

#[test]
fn the_original_envelope_with_extra_keys_in_any_order() {
    let body = format!(
        r#"{{"body":{{"ResponseMetadata":{{"RequestId":"X1","HTTPStatusCode":200,"HTTPHeaders":{{"server":"Server","content-length":"123"}},"RetryAttempts":0}},"Count":2,"Items":[{ORDER},{TRADE}],"ScannedCount":2,"LastEvaluatedKey":{KEY},"Extra":[1,{{"a":null}}]}},"statusCode":200,"headers":{{"Content-Type":"application/json"}}}}"#
    );
    let batch = page(&body);
    assert_eq!(ticks_of(&batch.items), vec![order_tick(), trade_tick()]);
    assert_eq!(batch.skipped, 0);
    assert_eq!(batch.last_key, Some(key()));
}

#[test]
fn render_envelope_pages_parse_with_and_without_a_key() {
    let (ticks, body) = realistic(50, Some(&key()));
    let batch = page(&body);
    assert_eq!(ticks_of(&batch.items), ticks);
    assert_eq!(batch.last_key, Some(key()));
    let (ticks, body) = realistic(3, None);
    let batch = page(&body);
    assert_eq!((ticks_of(&batch.items), batch.last_key), (ticks, None));
    let empty = page(&render_envelope(std::iter::empty(), None));
    assert_eq!(empty, PageBatch::default());
}

#[test]
fn a_proxy_body_holding_json_text() {
    let inner = format!(r#"{{"Items":[{ORDER},{TRADE}],"Count":2,"LastEvaluatedKey":{KEY}}}"#);
    let body = format!(
        r#"{{"statusCode":200,"headers":{{"content-type":"application/json"}},"multiValueHeaders":{{}},"body":{},"isBase64Encoded":false}}"#,
        serde_json::to_string(&inner).unwrap()
    );
    let batch = page(&body);
    assert_eq!(ticks_of(&batch.items), vec![order_tick(), trade_tick()]);
    assert_eq!(batch.last_key, Some(key()));

    let encoded = format!(
        r#"{{"statusCode":200,"body":"{}","isBase64Encoded":true}}"#,
        STANDARD.encode(&inner)
    );
    assert_eq!(page(&encoded), batch);
    // A whole body that is JSON text (a double-encoding client or gateway).
    assert_eq!(page(&serde_json::to_string(&inner).unwrap()), batch);
}

#[test]
fn a_bare_page() {
    let body =
        format!(r#"{{"Items":[{TRADE}],"Count":1,"ScannedCount":1,"LastEvaluatedKey":{KEY}}}"#);
    let batch = page(&body);
    assert_eq!(ticks_of(&batch.items), vec![trade_tick()]);
    assert_eq!(batch.last_key, Some(key()));
    let batch = page(&format!(r#"{{"Count":1,"Items":[{ORDER}]}}"#));
    assert_eq!(
        (ticks_of(&batch.items), batch.last_key),
        (vec![order_tick()], None)
    );
    let batch = page(&format!(r#"{{"Items":[{ORDER}],"LastEvaluatedKey":null}}"#));
    assert_eq!(batch.last_key, None);
    // A repeated key: no item is lost.
    let batch = page(&format!(
        r#"{{"Items":[{ORDER}],"Items":null,"Items":[{TRADE}]}}"#
    ));
    assert_eq!(ticks_of(&batch.items), vec![order_tick(), trade_tick()]);
}

#[test]
fn trades_keep_their_order_ids_and_orders_pay_nothing() {
    let batch = page(&format!(r#"{{"Items":[{ORDER},{TRADE},{ORDER}]}}"#));
    assert_eq!(
        batch.items.order_ids,
        vec![
            [0, 0],
            [1_470_401_450_000_000, 1_470_401_450_000_001],
            [0, 0]
        ]
    );
    let batch = page(&format!(r#"{{"Items":[{ORDER},{ORDER}]}}"#));
    assert!(batch.items.order_ids.is_empty());
    // Typed and textual ids; a trade missing one of them has none.
    let typed = r#"{"id":1,"price":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade","buy_order_id":{"N":"5"},"sell_order_id":"6"}"#;
    let half = r#"{"id":2,"price":1,"amount":1,"type":0,"nmicrotimestamp":2,"event":"trade","buy_order_id":5}"#;
    let batch = page(&format!(r#"{{"Items":[{typed},{half}]}}"#));
    assert_eq!(batch.items.order_ids, vec![[5, 6], [0, 0]]);
}

#[test]
fn typed_items_and_key() {
    let order = r#"{"id":{"N":"1466017213358080"},"id_str":{"S":"1466017213358080"},"order_type":{"N":"1"},"datetime":{"S":"1647830700"},"microtimestamp":{"S":"1647830700123456"},"amount":{"N":"0.05"},"amount_str":{"S":"0.05000000"},"price":{"N":"41000.5"},"price_str":{"S":"41000.50"},"channel":{"S":"live_orders_btcusd"},"nmicrotimestamp":{"N":"1647830700123456"},"event":{"S":"order_deleted"}}"#;
    let trade = r#"{"id":{"N":"226151001"},"amount":{"N":"1.4E-7"},"price":{"N":"41000"},"type":{"N":"0"},"nmicrotimestamp":{"N":"1647830700123000"},"event":{"S":"trade"},"flags":{"L":[{"BOOL":true}]},"extra":{"M":{"a":{"NULL":true}}}}"#;
    let typed_key = r#"{"channel":{"S":"live_orders_btcusd"},"nmicrotimestamp":{"N":"1647830700123456"},"id":{"N":"1466017213358080"},"microtimestamp":{"S":"1647830700123456"}}"#;
    let body = format!(
        r#"{{"statusCode":200,"body":{{"Items":[{order},{trade}],"Count":2,"ScannedCount":2,"LastEvaluatedKey":{typed_key}}}}}"#
    );
    let batch = page(&body);
    assert_eq!(ticks_of(&batch.items), vec![order_tick(), trade_tick()]);
    assert_eq!((batch.skipped, batch.last_key), (0, Some(key())));
    // Typed values of unexpected types or with extra tags make the item unusable, not the page.
    let odd = r#"[{"id":{"N":"1","S":"1"},"price":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"},{"id":1,"price":{"B":"AAA="},"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"},{"id":1,"price":{},"amount":1,"type":0,"nmicrotimestamp":1,"event":{"N":5}}]"#;
    let batch = page(&format!(r#"{{"Items":{odd}}}"#));
    assert_eq!((batch.items.len(), batch.skipped), (0, 3));
}

#[test]
fn numbers_as_text_exponents_and_fallbacks() {
    let items = [
        // Every number as text.
        r#"{"id":"7","price":"41000.5","amount":"1.4E-7","type":"1","nmicrotimestamp":"1647830700123456","event":"trade"}"#,
        // The id only as id_str, the timestamp only as microtimestamp, amounts only as *_str.
        r#"{"id_str":"1466017213358080","order_type":0,"microtimestamp":"1647830700123456","amount_str":"0.05000000","price_str":"41000.50","event":"order_created"}"#,
        // Exponents in numbers, integral floats as ids, a text number with an escape, a fallback after a bad primary.
        r#"{"id":1.5E+3,"price":4.10005E+4,"amount":"\u0031e-8","type":1,"nmicrotimestamp":1647830700123456,"event":"trade"}"#,
        r#"{"id":"x","id_str":"12","price":null,"price_str":"3","amount":true,"amount_str":"2","order_type":"1","nmicrotimestamp":"soon","microtimestamp":"5","event":"order_changed"}"#,
        // No event, but a trade's `type`.
        r#"{"id":3,"price":1,"amount":0,"type":0,"nmicrotimestamp":9}"#,
        // Negative zero and large ids.
        r#"{"id":9223372036854775807,"price":-0.0,"amount":-0,"order_type":1,"nmicrotimestamp":-1,"event":"order_changed"}"#,
    ];
    let batch = page(&format!(r#"{{"Items":[{}]}}"#, items.join(",")));
    let t = |ts, id, price, amount, side, event| Tick {
        ts,
        id,
        price,
        amount,
        side,
        event,
    };
    assert_eq!(
        ticks_of(&batch.items),
        vec![
            t(
                1_647_830_700_123_456,
                7,
                41000.5,
                1.4e-7,
                Side::Sell,
                EventKind::Trade
            ),
            t(
                1_647_830_700_123_456,
                1_466_017_213_358_080,
                41000.5,
                0.05,
                Side::Buy,
                EventKind::OrderCreated
            ),
            t(
                1_647_830_700_123_456,
                1500,
                41000.5,
                1e-8,
                Side::Sell,
                EventKind::Trade
            ),
            t(5, 12, 3.0, 2.0, Side::Sell, EventKind::OrderChanged),
            t(9, 3, 1.0, 0.0, Side::Buy, EventKind::Trade),
            t(-1, i64::MAX, 0.0, 0.0, Side::Sell, EventKind::OrderChanged),
        ]
    );
    assert_eq!(batch.skipped, 0);
}

#[test]
fn the_numeric_attribute_wins_over_its_text() {
    let item = r#"{"id":1,"id_str":"2","price":3,"price_str":"4","amount":5,"amount_str":"6","type":0,"microtimestamp":"8","nmicrotimestamp":7,"event":"trade"}"#;
    let reversed = r#"{"event":"trade","nmicrotimestamp":7,"microtimestamp":"8","type":0,"amount_str":"6","amount":5,"price_str":"4","price":3,"id_str":"2","id":1}"#;
    let batch = page(&format!(r#"{{"Items":[{item},{reversed}]}}"#));
    let expected = Tick {
        ts: 7,
        id: 1,
        price: 3.0,
        amount: 5.0,
        side: Side::Buy,
        event: EventKind::Trade,
    };
    assert_eq!(ticks_of(&batch.items), vec![expected, expected]);
}

#[test]
fn items_of_unknown_shape_are_skipped_and_counted() {
    let bad = [
        r#"{"price":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"}"#, // no id
        r#"{"id":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"}"#,    // no price
        r#"{"id":1,"price":1,"type":0,"nmicrotimestamp":1,"event":"trade"}"#,     // no amount
        r#"{"id":1,"price":1,"amount":1,"nmicrotimestamp":1,"event":"trade"}"#,   // no side
        r#"{"id":1,"price":1,"amount":1,"type":0,"event":"trade"}"#,              // no timestamp
        r#"{"id":1,"price":1,"amount":1,"type":2,"nmicrotimestamp":1,"event":"trade"}"#, // side 2
        r#"{"id":1,"price":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"order_moved"}"#,
        r#"{"id":1,"price":1,"amount":1,"order_type":0,"nmicrotimestamp":1}"#, // an order, but which event?
        r#"{"id":1.5,"price":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"}"#,
        r#"{"id":1,"price":"abc","amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"}"#,
        r#"{"id":1,"price":"inf","amount":"NaN","type":0,"nmicrotimestamp":1,"event":"trade"}"#,
        r#"{"id":1e30,"price":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"}"#,
        r#"{"id":18446744073709551615,"price":1,"amount":1,"type":0,"nmicrotimestamp":1,"event":"trade"}"#,
        r#"{"id":[1],"price":1,"amount":1,"type":0,"nmicrotimestamp":{"N":"1"},"event":"trade"}"#,
        r#"{}"#,
        r#"[]"#,
        r#"[{"id":1}]"#,
        r#"null"#,
        r#"42"#,
        r#"1.5"#,
        r#""an item""#,
        r#""\"escaped\"""#,
        r#"true"#,
    ];
    let mut items = vec![ORDER];
    for (i, b) in bad.iter().enumerate() {
        items.push(b);
        if i % 5 == 0 {
            items.push(TRADE);
        }
    }
    let batch = page(&format!(
        r#"{{"statusCode":200,"body":{{"Items":[{}],"Count":99}}}}"#,
        items.join(",")
    ));
    assert_eq!(batch.skipped, bad.len());
    let goods = 1 + bad.len().div_ceil(5);
    assert_eq!(batch.items.len(), goods);
    assert_eq!(batch.items.get(0), Some(order_tick()));
    assert_eq!(batch.items.get(1), Some(trade_tick()));
}

#[test]
fn api_gateway_and_server_messages() {
    assert_eq!(
        api_error(r#"{"message":"Missing Authentication Token"}"#),
        "Missing Authentication Token"
    );
    assert_eq!(
        api_error(
            r#"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke"}"#
        ),
        "User: anonymous is not authorized to perform: execute-api:Invoke"
    );
    assert_eq!(api_error(r#"{"message":{"code":3}}"#), r#"{"code":3}"#);
}

#[test]
fn lambda_errors_come_with_status_200() {
    let lambda = r#"{"errorMessage":"'from'","errorType":"KeyError","requestId":"abc","stackTrace":["  File \"/var/task/lambda_function.py\", line 12, in lambda_handler\n"]}"#;
    assert_eq!(api_error(lambda), "KeyError: 'from'");
    assert_eq!(
        api_error(&format!(r#"{{"statusCode":200,"body":{lambda}}}"#)),
        "KeyError: 'from'"
    );
    let proxied = format!(
        r#"{{"statusCode":200,"body":{}}}"#,
        serde_json::to_string(lambda).unwrap()
    );
    assert_eq!(api_error(&proxied), "KeyError: 'from'");
    assert_eq!(
        api_error(r#"{"errorMessage":"Task timed out after 3.00 seconds"}"#),
        "Task timed out after 3.00 seconds"
    );
    assert_eq!(
        api_error(r#"{"errorType":"","errorMessage":"m","Items":[]}"#),
        "m"
    );
}

#[test]
fn a_failing_status_code_is_an_error_whatever_its_body() {
    assert_eq!(
        api_error(r#"{"statusCode":400,"body":{"message":"to must be after from"}}"#),
        "to must be after from"
    );
    assert_eq!(
        api_error(r#"{"statusCode":"502","body":"{\"message\": \"Internal server error\"}"}"#),
        "Internal server error"
    );
    assert_eq!(
        api_error(r#"{"statusCode":500,"body":{"errorMessage":"boom","errorType":"ValueError"}}"#),
        "ValueError: boom"
    );
    assert_eq!(
        api_error(r#"{"statusCode":502,"body":"Internal Server Error"}"#),
        "HTTP 502: Internal Server Error"
    );
    assert_eq!(api_error(r#"{"statusCode":503}"#), "HTTP 503");
    assert_eq!(
        api_error(r#"{"statusCode":404,"body":"{}","message":"not found"}"#),
        "not found"
    );
    assert_eq!(
        api_error(&format!(
            r#"{{"statusCode":500,"body":{{"Items":[{ORDER}]}}}}"#
        )),
        "HTTP 500"
    );
    // 2xx other than 200 is still a page.
    assert_eq!(
        page(&format!(
            r#"{{"statusCode":203,"body":{{"Items":[{ORDER}]}}}}"#
        ))
        .items
        .len(),
        1
    );
}

#[test]
fn what_is_not_a_complete_page_is_incomplete() {
    for body in [
        "",
        "   \n",
        "null",
        "42",
        "true",
        "[]",
        "[{\"Items\":[]}]",
        "{}",
        r#"{"statusCode":200}"#,
        r#"{"statusCode":200,"body":null}"#,
        r#"{"statusCode":200,"body":{"Count":0}}"#,
        r#"{"Items":{"0":{}}}"#,
        r#"{"Items":null}"#,
        r#"{"message":null}"#,
        r#"{"statusCode":"abc","body":{}}"#,
        r#"{"statusCode":200,"body":"not json"}"#,
        r#"{"statusCode":200,"body":"{\"Items\":[{\"id\""}"#,
        r#"{"statusCode":200,"body":"!!!","isBase64Encoded":true}"#,
        r#""\"\\\"\\\\\\\"{}\\\\\\\"\\\"\"""#,
        "<html><body>502 Bad Gateway</body></html>",
        "{\"Items\":[]} trailing",
        "{\"Items\":[]}{}",
        "\u{feff}{}",
    ] {
        incomplete(body);
    }
    assert!(
        incomplete("<html>").contains("<html>"),
        "names what the body starts with"
    );
    assert!(incomplete(r#"{"Items":[{"id":1"#).contains("truncated"));
    let bad_key = r#"{"Items":[],"LastEvaluatedKey":{"channel":"c","id":1}}"#;
    assert!(incomplete(bad_key).contains("nmicrotimestamp"));
    incomplete(r#"{"Items":[],"LastEvaluatedKey":[1]}"#);
    // A number beyond f64: serde_json rejects it, unless `arbitrary_precision` (then the item is skipped).
    match parse_page(r#"{"Items":[{"id":1e999}]}"#) {
        Err(PageError::Incomplete(_)) => {}
        Ok(batch) => assert_eq!((batch.items.len(), batch.skipped), (0, 1)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_truncation_of_a_page_is_incomplete() {
    let (_, body) = realistic(40, Some(&key()));
    assert!(body.len() > 10_000);
    for cut in (0..body.len()).filter(|&i| body.is_char_boundary(i)) {
        match parse_page(&body[..cut]) {
            Err(PageError::Incomplete(_)) => {}
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
    // The same for a proxy body: the envelope is whole, the JSON text in it is cut.
    let inner = format!(r#"{{"Items":[{ORDER},{TRADE}],"LastEvaluatedKey":{KEY}}}"#);
    for cut in 0..inner.len() {
        let body = format!(
            r#"{{"statusCode":200,"body":{}}}"#,
            serde_json::to_string(&inner[..cut]).unwrap()
        );
        assert!(
            matches!(parse_page(&body), Err(PageError::Incomplete(_))),
            "cut at {cut}"
        );
    }
}

#[test]
fn whitespace_and_escapes_anywhere() {
    let body = format!(
        " {{ \"statusCode\" : 200 ,\n\t\"b\\u006fdy\" : {{ \"It\\u0065ms\" : [ {} ] , \"LastEvaluatedKey\" : {KEY} }} }}\n",
        ORDER
            .replace(':', " : ")
            .replace("\"order_deleted\"", "\"order\\u005fdeleted\"")
    );
    let batch = page(&body);
    assert_eq!(ticks_of(&batch.items), vec![order_tick()]);
    assert_eq!(batch.last_key, Some(key()));
}

/// A page as the server writes it: items from `ItemBuilder`, in `render_envelope`.
fn arb_page() -> impl Strategy<Value = (Vec<Tick>, String, Option<PageKey>)> {
    let item = (
        any::<i64>(),
        any::<i64>(),
        0u64..10_000_000_000,
        0u64..10_000_000_000_000,
        any::<bool>(),
        0u8..4,
    )
        .prop_map(|(ts, id, cents, units, sell, event)| {
            let price = decimal(cents, 2);
            let amount = decimal(units, 8);
            let tick = Tick {
                ts,
                id,
                price: price.parse().unwrap(),
                amount: amount.parse().unwrap(),
                side: if sell { Side::Sell } else { Side::Buy },
                event: EventKind::from_u8(event).unwrap(),
            };
            (tick, item_json(&tick, &price, &amount))
        });
    let key = proptest::option::of(
        (any::<i64>(), any::<i64>(), "[a-z_]{1,20}", "[0-9]{1,17}").prop_map(
            |(nmicrotimestamp, id, channel, microtimestamp)| PageKey {
                channel,
                nmicrotimestamp,
                id,
                microtimestamp,
            },
        ),
    );
    (proptest::collection::vec(item, 0..40), key).prop_map(|(items, key)| {
        let body = render_envelope(items.iter().map(|(_, json)| json.as_str()), key.as_ref());
        (items.into_iter().map(|(tick, _)| tick).collect(), body, key)
    })
}

proptest! {
    #[test]
    fn pages_from_the_server_round_trip((ticks, body, key) in arb_page()) {
        let batch = parse_page(&body).unwrap();
        prop_assert_eq!(ticks_of(&batch.items), ticks);
        prop_assert_eq!(batch.skipped, 0);
        prop_assert_eq!(batch.last_key, key);
    }

    #[test]
    fn any_text_parses_or_errs_without_panic(text in "\\PC{0,300}") {
        let _ = parse_page(&text);
    }

    #[test]
    fn any_bytes_parse_or_err_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_page(&String::from_utf8_lossy(&bytes));
    }

    /// Pages damaged in one place: a byte replaced, a range cut out or doubled. Most stay JSON and reach
    /// the deeper parts of the parser.
    #[test]
    fn damaged_pages_parse_or_err_without_panic(
        (_, body, _) in arb_page(),
        at in any::<prop::sample::Index>(),
        len in 0usize..40,
        byte in prop::sample::select(b"{}[]\":,0123456789.eE-+ tnfxNS\\".to_vec()),
        how in 0u8..3,
    ) {
        let mut bytes = body.into_bytes();
        let i = at.index(bytes.len());
        let end = (i + len).min(bytes.len());
        match how {
            0 => bytes[i] = byte,
            1 => { bytes.drain(i..end); }
            _ => { let copy = bytes[i..end].to_vec(); bytes.splice(i..i, copy); }
        }
        let _ = parse_page(&String::from_utf8_lossy(&bytes));
    }
}
