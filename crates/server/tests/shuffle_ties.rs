//! `serve --shuffle-ties SEED` over real HTTP: ties (items sharing one `nmicrotimestamp`) come in a seeded order
//! that is not by id, the same for the same seed and query, and paging with cursors still yields every item of
//! the range once, also when a run of ties spans a page cut.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::{CONFIG, TestServer, client, expected_items, server, start_with};
use serde_json::Value;
use tickscope_core::PageKey;
use tickscope_server::api::TestOptions;

/// Trades: the demo's taker sweeps give runs of many trades at one millisecond.
const CHANNEL: &str = "live_trades_btcusd";

fn shuffled(seed: u64) -> TestServer {
    server().with_options(shuffle(seed))
}

fn shuffle(seed: u64) -> TestOptions {
    TestOptions {
        shuffle_ties: Some(seed),
        ..TestOptions::default()
    }
}

/// An item's time and identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Item {
    nmicrotimestamp: i64,
    id: i64,
    microtimestamp: String,
}

impl Item {
    fn of(item: &Value) -> Self {
        Self {
            nmicrotimestamp: item["nmicrotimestamp"].as_i64().unwrap(),
            id: item["id"].as_i64().unwrap(),
            microtimestamp: item["microtimestamp"].as_str().unwrap().to_owned(),
        }
    }
}

fn body(server: &TestServer, query: &str) -> String {
    let response = client()
        .get(format!("{}/prod/bitstamp?{query}", server.base))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200, "{query}");
    response.text().unwrap()
}

/// Every page of `[from, to]`, following `LastEvaluatedKey`: each page's items.
fn pages(server: &TestServer, from: i64, to: i64, limit: Option<u32>) -> Vec<Vec<Item>> {
    let mut pages = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut query = format!("channel={CHANNEL}&from={from}&to={to}&cursor={cursor}");
        if let Some(limit) = limit {
            query.push_str(&format!("&limit={limit}"));
        }
        let page: Value = serde_json::from_str(&body(server, &query)).unwrap();
        let page = &page["body"];
        pages.push(
            page["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(Item::of)
                .collect(),
        );
        assert!(pages.len() < 100_000, "paging does not end");
        match page.get("LastEvaluatedKey") {
            Some(key) => {
                cursor = PageKey::from_json_object(key.as_object().unwrap())
                    .unwrap()
                    .to_cursor()
            }
            None => return pages,
        }
    }
}

/// The store's items of `[from, to]`, by key.
fn expected(from: i64, to: i64) -> Vec<Item> {
    expected_items(CHANNEL)
        .into_iter()
        .filter(|r| (from..=to).contains(&r.key.nmicrotimestamp))
        .map(|r| Item {
            nmicrotimestamp: r.key.nmicrotimestamp,
            id: r.key.id,
            microtimestamp: r.key.microtimestamp,
        })
        .collect()
}

/// Asserts that `got` holds exactly the items of `want`, each once, in time order.
fn assert_every_item_once(got: &[Item], want: &[Item], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: item count");
    let unique: HashSet<&Item> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "{what}: an item came twice");
    let mut sorted = got.to_vec();
    sorted.sort();
    assert!(sorted == want, "{what}: not the items of the range");
    assert!(
        got.windows(2)
            .all(|w| w[0].nmicrotimestamp <= w[1].nmicrotimestamp),
        "{what}: not in time order"
    );
}

/// How many page cuts fall inside a run of ties.
fn cuts_inside_runs(pages: &[Vec<Item>]) -> usize {
    let nonempty: Vec<&Vec<Item>> = pages.iter().filter(|p| !p.is_empty()).collect();
    nonempty
        .windows(2)
        .filter(|w| w[0].last().unwrap().nmicrotimestamp == w[1][0].nmicrotimestamp)
        .count()
}

#[test]
fn within_runs_of_ties_the_order_is_not_by_id() {
    let got: Vec<Item> = pages(&shuffled(7), CONFIG.from_us, CONFIG.to_us, None).concat();
    assert_every_item_once(&got, &expected(CONFIG.from_us, CONFIG.to_us), "seed 7");
    let mut runs: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for item in &got {
        runs.entry(item.nmicrotimestamp).or_default().push(item.id);
    }
    let long: Vec<&Vec<i64>> = runs.values().filter(|ids| ids.len() >= 3).collect();
    let shuffled = long.iter().filter(|ids| !ids.is_sorted()).count();
    assert!(
        long.len() >= 10,
        "the demo data has runs: {} of 3 or more",
        long.len()
    );
    assert!(
        shuffled * 2 > long.len(),
        "{shuffled} of {} runs out of id order",
        long.len()
    );
}

#[test]
fn the_same_seed_and_query_give_the_same_answer_and_another_seed_another() {
    let query = format!(
        "channel={CHANNEL}&from={}&to={}&limit=2000",
        CONFIG.from_us, CONFIG.to_us
    );
    let first = body(&shuffled(7), &query);
    assert_eq!(
        body(&shuffled(7), &query),
        first,
        "another server, same seed"
    );
    let seven = shuffled(7);
    assert_eq!(
        body(&seven, &query),
        body(&seven, &query),
        "the same server again"
    );
    assert_ne!(body(&shuffled(8), &query), first, "seed 8");
    assert_ne!(body(server(), &query), first, "no shuffle");
}

#[test]
fn paging_with_small_limits_through_runs_cut_across_pages_yields_every_item_once() {
    // Ten minutes: thousands of trades, in runs.
    let (from, to) = (CONFIG.from_us, CONFIG.from_us + 600_000_000);
    let want = expected(from, to);
    let server = shuffled(7);
    for limit in [1, 2, 3, 7, 50] {
        let got = pages(&server, from, to, Some(limit));
        assert!(
            cuts_inside_runs(&got) > 0,
            "limit {limit}: no page cut inside a run"
        );
        assert_every_item_once(&got.concat(), &want, &format!("limit {limit}"));
    }
}

#[test]
fn pages_cut_by_size_inside_runs_lose_nothing_either() {
    // About 40 trades a page: cuts by size, many of them inside runs.
    let server = start_with(8_000, shuffle(3));
    let got = pages(&server, CONFIG.from_us, CONFIG.to_us, None);
    assert!(cuts_inside_runs(&got) > 0, "no page cut inside a run");
    assert_every_item_once(
        &got.concat(),
        &expected(CONFIG.from_us, CONFIG.to_us),
        "8 kB pages",
    );
}
