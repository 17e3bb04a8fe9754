//! The benchmarked work, callable from JS: the page (bench/run.mjs) prepares the data once, then times each
//! call with `performance.now()`. Each call returns a number derived from its result so that nothing is
//! optimized away and the page can check it against the native run.

use std::cell::RefCell;

use tickscope_core::Columns;
use tickscope_core::aggregate::{DEFAULT_CANDLE_TARGET, HeatmapParams, Interval, candles, heatmap};
use tickscope_core::book::{BookReplay, book_series};
use wasm_bindgen::prelude::*;

use crate::{SPAN, T0, synthetic};

thread_local! {
    static TRADES: RefCell<Vec<Columns>> = const { RefCell::new(Vec::new()) };
    static ORDERS: RefCell<Vec<Columns>> = const { RefCell::new(Vec::new()) };
    /// A real orders channel, page by page as the dashboard holds it, and its replay.
    static BOOK_PAGES: RefCell<Vec<Columns>> = const { RefCell::new(Vec::new()) };
    static REPLAY: RefCell<BookReplay> = RefCell::new(BookReplay::new());
}

/// Generates `items` trades and `items` order events in `segments` segments.
#[wasm_bindgen]
pub fn prepare(items: usize, segments: usize) {
    TRADES.set(synthetic(false, items, segments));
    ORDERS.set(synthetic(true, items, segments));
}

/// OHLC and volume candles of every trade at the automatic interval: the number of candles.
#[wasm_bindgen]
pub fn candles_auto() -> usize {
    TRADES.with_borrow(|segments| {
        let segments: Vec<&Columns> = segments.iter().collect();
        let interval = Interval::auto(SPAN, DEFAULT_CANDLE_TARGET);
        candles(&segments, T0, T0 + SPAN, interval).len()
    })
}

/// The order heatmap of every order event with the dashboard's parameters: the number of columns.
#[wasm_bindgen]
pub fn heatmap_orders() -> usize {
    ORDERS.with_borrow(|segments| {
        let segments: Vec<&Columns> = segments.iter().collect();
        heatmap(&segments, T0, T0 + SPAN, &HeatmapParams::default()).columns
    })
}

/// Parses one page body as the dashboard does (bytes → text → columns): the number of items. The bytes are
/// copied into wasm memory first, as the dashboard copies each response body.
#[wasm_bindgen]
pub fn parse_page(body: &[u8]) -> usize {
    std::str::from_utf8(body)
        .ok()
        .and_then(|text| tickscope_core::parse_page(text).ok())
        .map_or(0, |page| page.items.len())
}

/// Keeps the items of one page body of an orders channel (in the API's order: pages follow one another in time),
/// in key order as the dashboard keeps them: the number of items kept so far.
#[wasm_bindgen]
pub fn book_keep_page(body: &[u8]) -> usize {
    let mut items = std::str::from_utf8(body)
        .ok()
        .and_then(|text| tickscope_core::parse_page(text).ok())
        .map(|page| page.items)
        .unwrap_or_default();
    items.sort_by_key();
    BOOK_PAGES.with_borrow_mut(|pages| {
        pages.push(items);
        pages.iter().map(Columns::len).sum()
    })
}

fn with_book_pages<T>(f: impl FnOnce(&[&Columns]) -> T) -> T {
    BOOK_PAGES.with_borrow(|pages| f(&pages.iter().collect::<Vec<_>>()))
}

/// Takes every checkpoint ahead, as the dashboard does once loaded: the number of orders at the end.
#[wasm_bindgen]
pub fn book_prepare() -> usize {
    with_book_pages(|chunks| {
        REPLAY.with_borrow_mut(|replay| {
            while !replay.prepare(chunks, usize::MAX) {}
            replay.seek(chunks, i64::MAX).len()
        })
    })
}

/// Moves the book to instant `t` (µs, as f64 from JS): the number of orders plus the best bid, so that a wrong
/// book shows. With `from_start`, the peer: a fresh replay from the first event, as a tool without checkpoints
/// would.
#[wasm_bindgen]
pub fn book_seek(t: f64, from_start: bool) -> f64 {
    with_replay(from_start, |replay, chunks| {
        let book = replay.seek(chunks, t as i64);
        book.len() as f64 + book.best_bid().unwrap_or(0.0)
    })
}

/// Best bid, ask, spread, mid and imbalance for `intervals` intervals of 15 s from `from` (µs): the number of
/// points with a mid. With `from_start`, one forward pass from the first event (the peer).
#[wasm_bindgen]
pub fn book_series_15s(from: f64, intervals: u32, from_start: bool) -> usize {
    let from = from as i64;
    let to = from + i64::from(intervals) * Interval::S15.micros() - 1;
    with_replay(from_start, |replay, chunks| {
        book_series(replay, chunks, from, to, Interval::S15)
            .iter()
            .filter(|p| p.mid.is_some())
            .count()
    })
}

/// `f` with the prepared replay, or with a fresh one.
fn with_replay<T>(fresh: bool, f: impl FnOnce(&mut BookReplay, &[&Columns]) -> T) -> T {
    with_book_pages(|chunks| {
        if fresh {
            f(&mut BookReplay::new(), chunks)
        } else {
            REPLAY.with_borrow_mut(|replay| f(replay, chunks))
        }
    })
}
