//! Mid prices of both pairs: a random walk in log price with GARCH(1,1) volatility per second (quiet and busy
//! spells), ETH's moves correlated with BTC's, and a very weak pull back to the start so long windows stay
//! plausible. The walk moves in steps of [`STEP_MS`]; the variance is updated once a second.

use super::det_math;
use super::pairs::PairParams;
use super::rng::Rng;

/// Milliseconds per price step.
pub const STEP_MS: i64 = 100;
const STEPS_PER_SECOND: f64 = 10.0;

/// BTC's long-run volatility per second (about 3 % a day).
const SIGMA: f64 = 1.0e-4;
/// GARCH(1,1) weights of last second's squared return and of last second's variance.
const ALPHA: f64 = 0.04;
const BETA: f64 = 0.955;
/// Variance bounds relative to the long-run variance, so a wild draw cannot run away.
const MIN_VARIANCE_RATIO: f64 = 0.1;
const MAX_VARIANCE_RATIO: f64 = 16.0;
/// Correlation of ETH's moves with BTC's.
const RHO: f64 = 0.8;
/// Pull of log price towards its start, per step (a half-life of about a day).
const REVERSION: f64 = 8.0e-7;

#[derive(Debug)]
pub struct Market {
    rng: Rng,
    start_price: [f64; 2],
    vol_ratio: [f64; 2],
    /// Log price relative to the start price.
    log_offset: [f64; 2],
    /// This second's BTC variance (per second).
    variance: f64,
    /// Returns accumulated over the current second, and the last full second's, in units of their sigma.
    second_return: [f64; 2],
    last_move: [f64; 2],
}

impl Market {
    pub fn new(rng: Rng, pairs: [&PairParams; 2]) -> Self {
        let mut rng = rng;
        // A seed-dependent start within a few tenths of a percent of the nominal price.
        let start_price = pairs.map(|p| p.start_price * det_math::exp(0.002 * rng.normal()));
        Self {
            rng,
            start_price,
            vol_ratio: pairs.map(|p| p.vol_ratio),
            log_offset: [0.0; 2],
            variance: SIGMA * SIGMA,
            second_return: [0.0; 2],
            last_move: [0.0; 2],
        }
    }

    /// Mid prices in cents now.
    pub fn mids(&self) -> [i64; 2] {
        [0, 1].map(|i| {
            (self.start_price[i] * det_math::exp(self.log_offset[i]) * 100.0).round() as i64
        })
    }

    /// Volatility now relative to its long-run level (1 on average, 0.3 calm, 3 and more hectic).
    pub fn vol_factor(&self) -> f64 {
        (self.variance / (SIGMA * SIGMA)).sqrt()
    }

    /// Last second's move of a pair in units of its sigma, squashed to (−1, 1): takers follow the trend.
    pub fn momentum(&self, pair: usize) -> f64 {
        det_math::tanh(0.5 * self.last_move[pair])
    }

    /// Moves both mids by one step.
    pub fn step(&mut self) {
        let sd = (self.variance / STEPS_PER_SECOND).sqrt();
        let z_btc = self.rng.normal();
        let z_eth = RHO * z_btc + (1.0 - RHO * RHO).sqrt() * self.rng.normal();
        for (i, z) in [z_btc, z_eth].into_iter().enumerate() {
            let r = self.vol_ratio[i] * sd * z;
            self.log_offset[i] += r - REVERSION * self.log_offset[i];
            self.second_return[i] += r;
        }
    }

    /// Closes a second: updates the variance from the second's BTC return.
    pub fn end_second(&mut self) {
        let sd = self.variance.sqrt();
        for i in 0..2 {
            self.last_move[i] = self.second_return[i] / (self.vol_ratio[i] * sd);
        }
        let long_run = SIGMA * SIGMA;
        let r = self.second_return[0];
        let v = long_run * (1.0 - ALPHA - BETA) + ALPHA * r * r + BETA * self.variance;
        self.variance = v.clamp(MIN_VARIANCE_RATIO * long_run, MAX_VARIANCE_RATIO * long_run);
        self.second_return = [0.0; 2];
    }
}
