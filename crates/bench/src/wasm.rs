//! The benchmarked work, callable from JS: the page (bench/run.mjs) prepares the data once, then times each
//! call with `performance.now()`. Each call returns a number derived from its result so that nothing is
//! optimized away and the page can check it against the native run.

use std::cell::RefCell;

use tickscope_core::Columns;
use tickscope_core::aggregate::{DEFAULT_CANDLE_TARGET, HeatmapParams, Interval, candles, heatmap};
use wasm_bindgen::prelude::*;

use crate::{SPAN, T0, synthetic};

thread_local! {
    static TRADES: RefCell<Vec<Columns>> = const { RefCell::new(Vec::new()) };
    static ORDERS: RefCell<Vec<Columns>> = const { RefCell::new(Vec::new()) };
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
