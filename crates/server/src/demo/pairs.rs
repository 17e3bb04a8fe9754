//! The two simulated markets and the numbers that shape them. Prices are in cents (0.01 USD ticks), amounts
//! in units of 1e-8 of the base currency (Bitstamp's 8 decimals).

/// One unit of the base currency in amount units.
pub const COIN: i64 = 100_000_000;

#[derive(Debug)]
pub struct PairParams {
    pub trades_channel: &'static str,
    pub orders_channel: &'static str,
    /// Price at the start of a window, USD.
    pub start_price: f64,
    /// Per-second volatility relative to BTC's.
    pub vol_ratio: f64,

    /// Taker orders per second on average (a Hawkes process: base rate and self-excitation).
    pub taker_rate: f64,
    pub taker_branching: f64,
    /// Decay rate of a taker's excitation, per second.
    pub taker_decay: f64,
    /// Order-book events per second from makers on average (Hawkes as well).
    pub maker_rate: f64,
    pub maker_branching: f64,
    pub maker_decay: f64,
    /// Maker intensity added by each taker (requotes after a trade), per second.
    pub maker_kick_per_taker: f64,

    /// Live orders per side that the makers keep the book around.
    pub book_target: usize,
    /// Distance of a new order from the mid, in ticks: log-normal median and log-sd; capped relative to price.
    pub distance_median_ticks: f64,
    pub distance_sigma: f64,
    pub max_distance_fraction: f64,
    /// A taker's limit: how far past the mid it will sweep, relative to price.
    pub sweep_fraction: f64,

    /// Sizes, in amount units: log-normal median and log-sd for makers' and takers' orders.
    pub maker_size_median: f64,
    pub maker_size_sigma: f64,
    pub taker_size_median: f64,
    pub taker_size_sigma: f64,
    /// Bitstamp's minimum order (about 10 USD) and a cap for absurd draws.
    pub min_amount: i64,
    pub max_amount: i64,
    /// Share of makers' orders with a round amount, and the rounding unit.
    pub round_share: f64,
    pub round_unit: i64,
}

pub const BTC_USD: PairParams = PairParams {
    trades_channel: "live_trades_btcusd",
    orders_channel: "live_orders_btcusd",
    start_price: 41_000.0,
    vol_ratio: 1.0,
    taker_rate: 0.8,
    taker_branching: 0.6,
    taker_decay: 0.4,
    maker_rate: 15.8,
    maker_branching: 0.5,
    maker_decay: 3.0,
    maker_kick_per_taker: 4.0,
    book_target: 320,
    distance_median_ticks: 900.0,
    distance_sigma: 1.3,
    max_distance_fraction: 0.03,
    sweep_fraction: 0.0008,
    maker_size_median: 0.12 * COIN as f64,
    maker_size_sigma: 1.2,
    taker_size_median: 0.06 * COIN as f64,
    taker_size_sigma: 1.2,
    min_amount: 25_000,
    max_amount: 25 * COIN,
    round_share: 0.4,
    round_unit: 100_000,
};

pub const ETH_USD: PairParams = PairParams {
    trades_channel: "live_trades_ethusd",
    orders_channel: "live_orders_ethusd",
    start_price: 2_900.0,
    vol_ratio: 1.25,
    taker_rate: 0.42,
    taker_branching: 0.6,
    taker_decay: 0.4,
    maker_rate: 12.5,
    maker_branching: 0.5,
    maker_decay: 3.0,
    maker_kick_per_taker: 4.0,
    book_target: 260,
    distance_median_ticks: 80.0,
    distance_sigma: 1.3,
    max_distance_fraction: 0.03,
    sweep_fraction: 0.0008,
    maker_size_median: 1.5 * COIN as f64,
    maker_size_sigma: 1.2,
    taker_size_median: 0.8 * COIN as f64,
    taker_size_sigma: 1.2,
    min_amount: 350_000,
    max_amount: 400 * COIN,
    round_share: 0.4,
    round_unit: 1_000_000,
};

/// Both pairs, in the order the generator simulates them (BTC drives the shared volatility).
pub const PAIRS: [&PairParams; 2] = [&BTC_USD, &ETH_USD];
