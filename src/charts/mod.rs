//! Charts: core aggregates turned into charming options (pure functions), and the ECharts instances that draw them.

pub mod instance;
pub mod orders;
pub mod trades;

/// µs → the ms ECharts' time axis takes.
fn ms(us: i64) -> f64 {
    (us / 1000) as f64
}
