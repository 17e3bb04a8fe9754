//! How far a load has got: covered time, pages, items, bytes, rate and ETA. Pure: the caller passes the clock
//! (`now_ms`, e.g. `performance.now()`) and the bytes it received.
//!
//! Items arrive sorted by time within a segment, so a segment whose last item is at `t` has covered
//! `[from, t]`: `t - from + 1` µs (all of it once complete). A channel's fraction is its segments' covered time over
//! its span; several channels together are weighted by span (sum covered / sum span).

use std::iter::Sum;
use std::ops::Add;

use crate::pager::SegmentPager;
use crate::segments::ChannelLoad;

/// Covered time and counts of one segment, one channel, or several channels summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Microseconds to cover.
    pub span_us: u64,
    /// Microseconds covered (≤ `span_us`; equal only when complete).
    pub covered_us: u64,
    pub pages: u64,
    pub items: u64,
}

impl Coverage {
    /// A segment `[from, to]` whose latest item is at `last_ts`. Until `done`, covered time stays below the
    /// span (more items may share the last microsecond), so 100 % means complete.
    pub fn segment(from: i64, to: i64, last_ts: Option<i64>, done: bool) -> Self {
        let span = if from > to {
            0
        } else {
            (to as i128 - from as i128 + 1).min(u64::MAX as i128) as u64
        };
        let covered = if done {
            span
        } else {
            let seen = last_ts.map_or(0, |t| {
                (t as i128 - from as i128 + 1).clamp(0, span as i128) as u64
            });
            seen.min(span.saturating_sub(1))
        };
        Self {
            span_us: span,
            covered_us: covered,
            pages: 0,
            items: 0,
        }
    }

    pub fn of_pager(pager: &SegmentPager) -> Self {
        let (from, to) = pager.range();
        let stats = pager.stats();
        Self {
            pages: stats.pages,
            items: stats.items,
            ..Self::segment(from, to, stats.last_ts, pager.is_done())
        }
    }

    /// A following load has covered its whole range, which moves with each poll.
    pub fn of_load(load: &ChannelLoad) -> Self {
        if !load.is_following() {
            return load.pagers().map(Self::of_pager).sum();
        }
        let (from, to) = load.range();
        let stats = load.stats();
        Self {
            pages: stats.pages,
            items: stats.items,
            ..Self::segment(from, to, None, true)
        }
    }

    /// Covered share of the span, 0..=1 (1 for an empty span: nothing left to do).
    pub fn fraction(&self) -> f64 {
        if self.span_us == 0 {
            1.0
        } else {
            self.covered_us as f64 / self.span_us as f64
        }
    }

    pub fn percent(&self) -> f64 {
        self.fraction() * 100.0
    }

    pub fn is_complete(&self) -> bool {
        self.covered_us >= self.span_us
    }
}

impl Add for Coverage {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self {
            span_us: self.span_us.saturating_add(other.span_us),
            covered_us: self.covered_us.saturating_add(other.covered_us),
            pages: self.pages + other.pages,
            items: self.items + other.items,
        }
    }
}

impl Sum for Coverage {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), Add::add)
    }
}

/// The rate and ETA are `None` until this much time has passed (an early rate is noise).
pub const MIN_ELAPSED_MS: f64 = 1000.0;

/// A snapshot for display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// 0..=100.
    pub percent: f64,
    pub pages: u64,
    pub items: u64,
    pub bytes: u64,
    pub elapsed_ms: f64,
    pub items_per_second: Option<f64>,
    pub bytes_per_second: Option<f64>,
    /// Time left at the covered-time rate so far; `Some(0.0)` when complete.
    pub eta_ms: Option<f64>,
}

/// A load's clock and byte count: started at `started_ms`, fed the size of each body received.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadMeter {
    started_ms: f64,
    bytes: u64,
}

impl LoadMeter {
    pub fn new(started_ms: f64) -> Self {
        Self {
            started_ms,
            bytes: 0,
        }
    }

    pub fn started_ms(&self) -> f64 {
        self.started_ms
    }

    /// Counts a received body (or any bytes the caller wants shown).
    pub fn add_bytes(&mut self, n: u64) {
        self.bytes = self.bytes.saturating_add(n);
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The progress of `coverage` (one channel's, or several summed) at `now_ms`.
    pub fn report(&self, coverage: Coverage, now_ms: f64) -> Progress {
        let elapsed = (now_ms - self.started_ms).max(0.0);
        let elapsed = if elapsed.is_finite() { elapsed } else { 0.0 };
        let timed = elapsed >= MIN_ELAPSED_MS;
        let per_second = |n: u64| timed.then(|| n as f64 * 1000.0 / elapsed);
        let eta_ms = if coverage.is_complete() {
            Some(0.0)
        } else if timed && coverage.covered_us > 0 {
            let left = (coverage.span_us - coverage.covered_us) as f64;
            Some(elapsed * left / coverage.covered_us as f64)
        } else {
            None
        };
        Progress {
            percent: coverage.percent(),
            pages: coverage.pages,
            items: coverage.items,
            bytes: self.bytes,
            elapsed_ms: elapsed,
            items_per_second: per_second(coverage.items),
            bytes_per_second: per_second(self.bytes),
            eta_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::Tick;
    use crate::pager::fake_api::{FakeApi, tick};
    use proptest::prelude::*;

    const CH: &str = "live_trades_ethusd";

    #[test]
    fn segment_coverage_follows_the_last_item() {
        assert_eq!(Coverage::segment(100, 199, None, false).covered_us, 0);
        assert_eq!(Coverage::segment(100, 199, Some(100), false).covered_us, 1);
        assert_eq!(
            Coverage::segment(100, 199, Some(149), false).fraction(),
            0.5
        );
        // The last microsecond is covered only when the segment is complete.
        assert_eq!(Coverage::segment(100, 199, Some(199), false).covered_us, 99);
        assert_eq!(Coverage::segment(100, 199, Some(120), true).covered_us, 100);
        assert!(Coverage::segment(100, 199, None, true).is_complete());
        assert_eq!(Coverage::segment(5, 4, None, false).span_us, 0);
        assert_eq!(
            Coverage::segment(0, i64::MAX, Some(i64::MAX), false).span_us,
            1 << 63
        );
    }

    #[test]
    fn channels_are_weighted_by_span() {
        let long = Coverage::segment(0, 899, Some(449), false); // 450 of 900
        let short = Coverage::segment(0, 99, None, true); // 100 of 100
        let total: Coverage = [long, short].into_iter().sum();
        assert_eq!((total.span_us, total.covered_us), (1000, 550));
        assert!((total.percent() - 55.0).abs() < 1e-9);
        assert_eq!(Coverage::default().fraction(), 1.0);
    }

    #[test]
    fn a_load_reports_its_segments() {
        let items: Vec<Tick> = (0..100).map(|i| tick(i * 10, i)).collect();
        let mut api = FakeApi::new(CH, items, true, vec![10]);
        let mut load = ChannelLoad::new(CH.parse().unwrap(), 0, 999, 2).unwrap();
        assert_eq!(Coverage::of_load(&load).covered_us, 0);
        let q = load.next_query(0).unwrap();
        load.accept(0, api.answer(&q)).unwrap(); // items 0..=90
        let c = Coverage::of_load(&load);
        assert_eq!(
            (c.span_us, c.covered_us, c.pages, c.items),
            (1000, 91, 1, 10)
        );
        while let Some(q) = load.next_query(1) {
            load.accept(1, api.answer(&q)).unwrap();
        }
        let c = Coverage::of_load(&load);
        assert_eq!(c.covered_us, 91 + 500);
        while let Some(q) = load.next_query(0) {
            load.accept(0, api.answer(&q)).unwrap();
        }
        assert!(Coverage::of_load(&load).is_complete());
        assert_eq!(Coverage::of_load(&load).items, 100);
    }

    #[test]
    fn rates_and_eta_wait_for_a_meaningful_sample() {
        let mut meter = LoadMeter::new(10_000.0);
        meter.add_bytes(1_000_000);
        let quarter = Coverage {
            span_us: 4000,
            covered_us: 1000,
            pages: 2,
            items: 500,
        };
        let early = meter.report(quarter, 10_500.0);
        assert_eq!((early.items_per_second, early.eta_ms), (None, None));
        assert_eq!(
            (early.bytes, early.pages, early.items, early.percent),
            (1_000_000, 2, 500, 25.0)
        );
        let later = meter.report(quarter, 12_000.0);
        assert_eq!(later.elapsed_ms, 2000.0);
        assert_eq!(later.items_per_second, Some(250.0));
        assert_eq!(later.bytes_per_second, Some(500_000.0));
        assert_eq!(later.eta_ms, Some(6000.0)); // a quarter in 2 s: three quarters in 6 s
        let nothing_yet = Coverage {
            covered_us: 0,
            ..quarter
        };
        assert_eq!(meter.report(nothing_yet, 20_000.0).eta_ms, None);
        let done = Coverage {
            covered_us: 4000,
            ..quarter
        };
        assert_eq!(meter.report(done, 10_001.0).eta_ms, Some(0.0));
        // A clock that goes backwards is not a negative rate.
        assert_eq!(meter.report(quarter, 0.0).elapsed_ms, 0.0);
    }

    proptest! {
        #[test]
        fn coverage_is_monotone_and_bounded(from in 0i64..1000, len in 0i64..1000, a in 0i64..2000, b in 0i64..2000) {
            let to = from + len;
            let (lo, hi) = (a.min(b), a.max(b));
            let c_lo = Coverage::segment(from, to, Some(lo), false);
            let c_hi = Coverage::segment(from, to, Some(hi), false);
            prop_assert!(c_lo.covered_us <= c_hi.covered_us);
            prop_assert!(c_hi.covered_us < c_hi.span_us);
            prop_assert!((0.0..=1.0).contains(&c_hi.fraction()));
            prop_assert!(Coverage::segment(from, to, Some(lo), true).is_complete());
        }

        #[test]
        fn eta_is_finite_and_non_negative(covered in 0u64..1000, extra in 0u64..1000, elapsed in 0f64..1e7) {
            let meter = LoadMeter::new(0.0);
            let c = Coverage { span_us: covered + extra, covered_us: covered, pages: 1, items: 1 };
            if let Some(eta) = meter.report(c, elapsed).eta_ms {
                prop_assert!(eta.is_finite() && eta >= 0.0);
            }
        }
    }
}
