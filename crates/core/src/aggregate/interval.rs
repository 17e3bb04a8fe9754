//! The interval ladder for buckets: 1s, 5s, 15s, 1m, 5m, 15m, 1h.

use std::fmt;
use std::str::FromStr;

/// Candles per window the dashboard aims at when it picks the interval itself.
pub const DEFAULT_CANDLE_TARGET: usize = 300;

/// A bucket length. Buckets start at multiples of it in µs since the Unix epoch (UTC): `1h` buckets start on UTC
/// hours, which a time zone with a fractional offset (e.g. +05:30) shows at :30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interval {
    S1,
    S5,
    S15,
    M1,
    M5,
    M15,
    H1,
}

impl Interval {
    /// The ladder, shortest first.
    pub const ALL: [Interval; 7] = [
        Self::S1,
        Self::S5,
        Self::S15,
        Self::M1,
        Self::M5,
        Self::M15,
        Self::H1,
    ];

    /// Length in µs.
    pub const fn micros(self) -> i64 {
        const S: i64 = 1_000_000;
        match self {
            Self::S1 => S,
            Self::S5 => 5 * S,
            Self::S15 => 15 * S,
            Self::M1 => 60 * S,
            Self::M5 => 300 * S,
            Self::M15 => 900 * S,
            Self::H1 => 3_600 * S,
        }
    }

    /// `"1s"`, `"5s"`, `"15s"`, `"1m"`, `"5m"`, `"15m"`, `"1h"` (the URL's `iv` values).
    pub const fn name(self) -> &'static str {
        match self {
            Self::S1 => "1s",
            Self::S5 => "5s",
            Self::S15 => "15s",
            Self::M1 => "1m",
            Self::M5 => "5m",
            Self::M15 => "15m",
            Self::H1 => "1h",
        }
    }

    /// The interval named `name` ([`Interval::name`]); `None` for anything else (`"auto"` included).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|iv| iv.name() == name)
    }

    /// The next longer interval of the ladder (`None` after `1h`).
    pub fn longer(self) -> Option<Self> {
        Self::ALL.into_iter().find(|&iv| iv > self)
    }

    /// The shortest interval with which a window spanning `span_us` (`to - from`) has at most `target` buckets,
    /// wherever the window starts; `1h` when none does (and for `target` 0).
    ///
    /// An inclusive window of span `s` touches at most `⌊(s - 1) / iv⌋ + 2` aligned buckets (`s / iv + 1` when
    /// `s` is a multiple of `iv`): see [`Interval::max_buckets`]. E.g. 3.7 h at target 300 gives `1m`
    /// (223 buckets at most).
    pub fn auto(span_us: i64, target: usize) -> Self {
        Self::ALL
            .into_iter()
            .find(|iv| iv.max_buckets(span_us) <= target as u64)
            .unwrap_or(Self::H1)
    }

    /// The most buckets an inclusive window spanning `span_us` can touch, over all its alignments (1 for a span of
    /// 0 or less).
    pub fn max_buckets(self, span_us: i64) -> u64 {
        if span_us <= 0 {
            1
        } else {
            ((span_us - 1) / self.micros()) as u64 + 2
        }
    }

    /// The start of the bucket holding `ts`: `ts` rounded down to a multiple of the interval (also for negative
    /// `ts`; saturating at `i64::MIN`).
    pub fn floor(self, ts: i64) -> i64 {
        ts.saturating_sub(ts.rem_euclid(self.micros()))
    }

    /// The number of buckets the inclusive window `from..=to` touches (0 when `from > to`).
    pub fn buckets(self, from: i64, to: i64) -> u64 {
        if from > to {
            0
        } else {
            let span = self.floor(to) as i128 - self.floor(from) as i128;
            (span / self.micros() as i128) as u64 + 1
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parsing an unknown name fails with this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownInterval(pub String);

impl fmt::Display for UnknownInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown interval {:?} (expected 1s, 5s, 15s, 1m, 5m, 15m or 1h)",
            self.0
        )
    }
}

impl std::error::Error for UnknownInterval {}

impl FromStr for Interval {
    type Err = UnknownInterval;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownInterval(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const S: i64 = 1_000_000;

    #[test]
    fn names_round_trip_and_lengths_grow() {
        let names: Vec<&str> = Interval::ALL.iter().map(|iv| iv.name()).collect();
        assert_eq!(names, ["1s", "5s", "15s", "1m", "5m", "15m", "1h"]);
        for iv in Interval::ALL {
            assert_eq!(Interval::parse(iv.name()), Some(iv));
            assert_eq!(iv.to_string().parse::<Interval>(), Ok(iv));
        }
        assert_eq!(Interval::parse("auto"), None);
        assert_eq!(Interval::parse("1M"), None);
        assert!("2m".parse::<Interval>().is_err());
        assert!(
            Interval::ALL
                .windows(2)
                .all(|w| w[0].micros() < w[1].micros())
        );
        assert_eq!(Interval::M15.micros(), 900 * S);
        assert_eq!(Interval::M1.longer(), Some(Interval::M5));
        assert_eq!(Interval::H1.longer(), None);
    }

    #[test]
    fn auto_picks_the_shortest_interval_that_fits() {
        // 3.7 h (the demo data's span) at the default target: 1m, 223 candles at most.
        let span = 13_320 * S;
        assert_eq!(Interval::auto(span, DEFAULT_CANDLE_TARGET), Interval::M1);
        assert_eq!(Interval::M1.max_buckets(span), 223);
        assert_eq!(Interval::S15.max_buckets(span), 889);
        // Zero span: one bucket whatever the interval.
        assert_eq!(Interval::auto(0, 1), Interval::S1);
        assert_eq!(Interval::auto(-5, 1), Interval::S1);
        // 60 s at target 61: 1s buckets touch 61 (span a multiple of 1 s); at target 60 they don't fit.
        assert_eq!(Interval::auto(60 * S, 61), Interval::S1);
        assert_eq!(Interval::auto(60 * S, 60), Interval::S5);
        // 60 s + 1 µs can touch 62 one-second buckets.
        assert_eq!(Interval::S1.max_buckets(60 * S + 1), 62);
        assert_eq!(Interval::auto(60 * S + 1, 61), Interval::S5);
        // Clamped to 1h.
        assert_eq!(Interval::auto(1_000 * 3_600 * S, 300), Interval::H1);
        assert_eq!(Interval::auto(S, 0), Interval::H1);
    }

    #[test]
    fn floor_aligns_to_the_epoch() {
        assert_eq!(Interval::M1.floor(0), 0);
        assert_eq!(Interval::M1.floor(59 * S + 999_999), 0);
        assert_eq!(Interval::M1.floor(60 * S), 60 * S);
        assert_eq!(Interval::M1.floor(-1), -60 * S);
        // 2022-03-21T02:45:00Z is a multiple of 15 min.
        let t = 1_647_830_700_000_000;
        assert_eq!(Interval::M15.floor(t + 899 * S), t);
        assert_eq!(Interval::H1.floor(t), t - 45 * 60 * S);
        assert_eq!(Interval::S1.floor(i64::MIN), i64::MIN);
        assert_eq!(Interval::M1.buckets(0, 60 * S), 2);
        assert_eq!(Interval::M1.buckets(59 * S, 60 * S), 2);
        assert_eq!(Interval::M1.buckets(5, 6), 1);
        assert_eq!(Interval::M1.buckets(6, 5), 0);
    }

    proptest! {
        /// Whatever the window's alignment, the chosen interval yields at most `target` buckets (unless clamped to
        /// 1h), and the next shorter one can yield more.
        #[test]
        fn auto_fits_any_alignment(
            from in -10_000_000_000_000i64..10_000_000_000_000,
            span in 0i64..400_000_000_000,
            target in 1usize..1_000,
        ) {
            let iv = Interval::auto(span, target);
            let n = iv.buckets(from, from + span);
            prop_assert!(n <= iv.max_buckets(span));
            if iv != Interval::H1 || Interval::H1.max_buckets(span) <= target as u64 {
                prop_assert!(n <= target as u64);
            }
            if let Some(shorter) = Interval::ALL.iter().rev().find(|&&s| s < iv) {
                prop_assert!(shorter.max_buckets(span) > target as u64);
            }
        }

        #[test]
        fn max_buckets_is_reached(span in 1i64..100_000_000_000, iv in 0usize..7) {
            let iv = Interval::ALL[iv];
            // Start just before a boundary: the window touches the most buckets.
            let from = iv.micros() * 1_000 - 1;
            let worst = if span % iv.micros() == 0 { iv.buckets(0, span) } else { iv.buckets(from, from + span) };
            prop_assert_eq!(worst, iv.max_buckets(span));
        }
    }
}
