//! Demo data: synthetic but realistic Bitstamp items for `live_trades_btcusd`, `live_trades_ethusd`,
//! `live_orders_btcusd` and `live_orders_ethusd`, deterministic for a seed and a window.
//!
//! The model, in brief:
//! - [`market`]: BTC and ETH mid prices walk in log price with GARCH(1,1) volatility per second and correlated
//!   moves, in 100 ms steps.
//! - [`pair_sim`]: per pair, a live order book seeded as it stood before the window; makers create, change and
//!   cancel limit orders around the mid (cancellations favour far orders, quotes the mid runs into are
//!   pulled), and takers arrive in bursts (Hawkes processes, busier when volatile, leaning with the trend) and
//!   sweep the best orders, one trade per maker order at one millisecond. Maker fills show up as
//!   `order_changed` (partial, with the amount left) and `order_deleted` (full, with amount 0).
//! - [`order_ids`]: Bitstamp's order ids; trade ids are one counter shared by both pairs, in time order.
//! - [`items`]: the items' attributes, names, order and types as the original table has them.
//!
//! Times have Bitstamp's millisecond resolution (`microtimestamp` ends in `000`), so several items often share
//! one `nmicrotimestamp`; no two items of a channel share `(id, microtimestamp)`. Every number comes from the
//! project's own PRNG and float routines built on IEEE basic arithmetic, and every decimal is formatted from
//! integers: one configuration yields the same items, in the same order, byte for byte, on every platform.

mod det_math;
mod items;
mod market;
mod order_book;
mod order_ids;
mod pair_sim;
mod pairs;
mod rng;

#[cfg(test)]
mod tests;

use crate::record::Record;
use crate::store::{ItemSource, StoreError, WriteItems};
use items::{order_record, trade_record};
use market::{Market, STEP_MS};
use order_ids::OrderIds;
use pair_sim::{Event, Outbox, PairSim, Step};
use pairs::PAIRS;
use rng::Rng;
use tickscope_core::{KNOWN_CHANNELS, ORIGINAL_WINDOW};

/// The window of the original data: 2022-03-21 02:45:00 to 06:27:00 UTC.
pub const DEFAULT_FROM_US: i64 = ORIGINAL_WINDOW.0;
pub const DEFAULT_TO_US: i64 = ORIGINAL_WINDOW.1;

/// The channels the generator fills: the original's four.
pub const DEMO_CHANNELS: [&str; 4] = KNOWN_CHANNELS;

/// Bitstamp's trade id near the start of the default window; later windows start proportionally higher.
const FIRST_TRADE_ID: i64 = 226_151_000;

/// Independent random streams of one seed.
const STREAM_MARKET: u64 = 0;
const STREAM_PAIR: [u64; 2] = [1, 2];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    /// First microsecond of the window (inclusive).
    pub from_us: i64,
    /// Last microsecond of the window (inclusive).
    pub to_us: i64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            from_us: DEFAULT_FROM_US,
            to_us: DEFAULT_TO_US,
        }
    }
}

/// Generates the demo data set into `store` while it is written. Returns the count written.
pub async fn seed(store: &impl WriteItems, config: DemoConfig) -> Result<u64, StoreError> {
    let (written, ()) = store
        .write_from(ItemSource::Demo, move |sink| generate(&config, sink))
        .await?;
    Ok(written)
}

/// Generates the items of `config`'s window and hands them to `sink`, in time order (both pairs and all four
/// channels interleaved; items of one millisecond in the order they happened). About 600,000 items for the
/// default window; memory stays bounded whatever the window.
pub fn generate(config: &DemoConfig, mut sink: impl FnMut(Record)) {
    for_each_event(config, |pair, event| {
        let params = PAIRS[pair];
        sink(match event {
            Event::Trade(trade) => trade_record(params.trades_channel, &trade),
            Event::Order(order) => order_record(params.orders_channel, &order),
        })
    });
}

/// The simulation behind [`generate`]: each event with its pair's index in [`PAIRS`], trades numbered.
fn for_each_event(config: &DemoConfig, mut f: impl FnMut(usize, Event)) {
    // Items fall on whole milliseconds within [from_us, to_us].
    let from_ms = config.from_us.div_euclid(1000) + i64::from(config.from_us.rem_euclid(1000) != 0);
    let to_ms = config.to_us.div_euclid(1000);
    if from_ms > to_ms {
        return;
    }
    let seed = config.seed;
    let mut market = Market::new(Rng::new(seed, STREAM_MARKET), PAIRS);
    let mut sims = [0, 1].map(|i| PairSim::new(i, PAIRS[i], Rng::new(seed, STREAM_PAIR[i])));
    let mut ids = OrderIds::default();
    for (sim, mid) in sims.iter_mut().zip(market.mids()) {
        sim.seed_book(mid, from_ms, &mut ids);
    }
    ids.forget_before(from_ms);

    let mut next_trade_id =
        (FIRST_TRADE_ID + (from_ms - DEFAULT_FROM_US / 1000).div_euclid(1000) * 2).max(1);
    let mut out = Outbox::default();
    let mut second_start = from_ms;
    while second_start <= to_ms {
        let second_end = (second_start + 1000).min(to_ms + 1);
        let mut step_start = second_start;
        while step_start < second_end {
            let step_end = (step_start + STEP_MS).min(second_end);
            market.step();
            let mids = market.mids();
            for (i, sim) in sims.iter_mut().enumerate() {
                let step = Step {
                    start_ms: step_start,
                    end_ms: step_end,
                    mid: mids[i],
                    vol_factor: market.vol_factor(),
                    momentum: market.momentum(i),
                };
                sim.run_step(&step, &mut ids, &mut out);
            }
            step_start = step_end;
        }
        market.end_second();
        ids.forget_before(second_end);

        // Every event of this second lies within it: merge both pairs in time order, then number the trades.
        out.events
            .sort_unstable_by_key(|(ordinal, _, event)| (event.ms(), *ordinal));
        for (_, pair, mut event) in out.events.drain(..) {
            if let Event::Trade(trade) = &mut event {
                trade.id = next_trade_id;
                next_trade_id += 1;
            }
            f(pair, event);
        }
        second_start = second_end;
    }
}
