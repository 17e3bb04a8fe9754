//! Charts: core aggregates turned into charming options (pure functions), and the ECharts instances that draw them.

pub mod instance;
pub mod orders;
pub mod trades;

/// A chart on the page's own background, in light and dark themes alike.
fn chart() -> charming::Chart {
    charming::Chart::new().background_color("transparent")
}

/// µs → the ms ECharts' time axis takes.
fn ms(us: i64) -> f64 {
    (us / 1000) as f64
}
