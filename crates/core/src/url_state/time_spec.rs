//! A time as a link or a time input says it: an instant, or an offset back from now (`now`, `now-15m`), which
//! is resolved against the clock each time it is used, so that a range ending `now` follows the present.

use std::fmt;

use super::parse_time;
use super::time::{US_PER_DAY, US_PER_SECOND};

/// The units of `now-<N><unit>`.
const UNITS: [(char, i64); 4] = [
    ('s', US_PER_SECOND),
    ('m', 60 * US_PER_SECOND),
    ('h', 3600 * US_PER_SECOND),
    ('d', US_PER_DAY),
];

/// An instant, or `amount` units before now (`amount = 0`: now). Written back as it was given (`now-90m` stays
/// `now-90m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// µs since the Unix epoch.
    At(i64),
    Ago {
        amount: u32,
        unit: char,
    },
}

impl TimeSpec {
    pub const NOW: Self = Self::Ago {
        amount: 0,
        unit: 's',
    };

    /// `now-<amount><unit>` (now itself when `amount` is 0); `None` for a unit other than `s`, `m`, `h`, `d`.
    pub fn ago(amount: u32, unit: char) -> Option<Self> {
        unit_us(unit)?;
        Some(if amount == 0 {
            Self::NOW
        } else {
            Self::Ago { amount, unit }
        })
    }

    pub fn is_relative(self) -> bool {
        matches!(self, Self::Ago { .. })
    }

    /// How far before now, in µs; `None` for an instant.
    pub fn back_us(self) -> Option<i64> {
        match self {
            Self::At(_) => None,
            Self::Ago { amount, unit } => Some(i64::from(amount) * unit_us(unit).unwrap_or(0)),
        }
    }

    /// The instant this means when the clock reads `now_us`.
    pub fn resolve(self, now_us: i64) -> i64 {
        match self {
            Self::At(us) => us,
            Self::Ago { .. } => now_us.saturating_sub(self.back_us().unwrap_or(0)),
        }
    }

    /// Reads `now`, `now-<N><unit>` (`s`, `m`, `h`, `d`; case and spaces around `-` do not matter), integer µs
    /// or ISO 8601. The error is a predicate, as [`parse_time`]'s.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let lower = value.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("now") else {
            return parse_time(value).map(Self::At);
        };
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Self::NOW);
        }
        let bad = || {
            "is not a time relative to now: expected `now` or `now-<N><unit>` with unit s, m, h or d \
             (e.g. now-15m)"
                .to_owned()
        };
        let offset = rest.strip_prefix('-').ok_or_else(bad)?.trim();
        let unit = offset.chars().last().ok_or_else(bad)?;
        let digits = &offset[..offset.len() - unit.len_utf8()];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let amount: u32 = digits
            .parse()
            .map_err(|_| "is too far back: at most 4294967295 units".to_owned())?;
        let spec = Self::ago(amount, unit).ok_or_else(bad)?;
        // Further back than 1970 from any clock this century cannot be meant.
        if spec
            .back_us()
            .is_some_and(|back| back > 100 * 366 * US_PER_DAY)
        {
            return Err("is more than 100 years back".to_owned());
        }
        Ok(spec)
    }
}

impl fmt::Display for TimeSpec {
    /// `now`, `now-15m`; an instant as integer µs (links write instants through [`super::write_time`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::At(us) => write!(f, "{us}"),
            Self::Ago { amount: 0, .. } => f.write_str("now"),
            Self::Ago { amount, unit } => write!(f, "now-{amount}{unit}"),
        }
    }
}

fn unit_us(unit: char) -> Option<i64> {
    UNITS.iter().find(|(u, _)| *u == unit).map(|(_, us)| *us)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_764_650_000_000_000;

    #[test]
    fn relative_times_resolve_against_the_clock() {
        let at = |text: &str| TimeSpec::parse(text).map(|s| s.resolve(NOW));
        assert_eq!(at("now"), Ok(NOW));
        assert_eq!(at(" NOW "), Ok(NOW));
        assert_eq!(at("now-15m"), Ok(NOW - 900 * US_PER_SECOND));
        assert_eq!(at("now - 2h"), Ok(NOW - 7200 * US_PER_SECOND));
        assert_eq!(at("now-30s"), Ok(NOW - 30 * US_PER_SECOND));
        assert_eq!(at("now-1d"), Ok(NOW - US_PER_DAY));
        assert_eq!(at("now-0m"), Ok(NOW));
        assert_eq!(at("Now-5M"), Ok(NOW - 300 * US_PER_SECOND));
        // Absolute forms are instants, whatever the clock.
        assert_eq!(at("2022-03-21T02:45:00Z"), Ok(1_647_830_700_000_000));
        assert_eq!(at("1647830700000000"), Ok(1_647_830_700_000_000));
    }

    #[test]
    fn bad_relative_times_say_what_is_expected() {
        for text in [
            "now-",
            "now-m",
            "now-15",
            "now-15w",
            "now+15m",
            "now-1.5h",
            "nowish",
            "now-15m-3s",
        ] {
            let err = TimeSpec::parse(text).unwrap_err();
            assert!(err.contains("now-<N><unit>"), "{text}: {err}");
        }
        assert!(
            TimeSpec::parse("now-99999999999m")
                .unwrap_err()
                .contains("too far")
        );
        assert!(
            TimeSpec::parse("now-40000d")
                .unwrap_err()
                .contains("100 years")
        );
        assert!(
            TimeSpec::parse("yesterday")
                .unwrap_err()
                .contains("is not a time")
        );
    }

    #[test]
    fn written_as_given() {
        for text in ["now", "now-15m", "now-90m", "now-2h", "now-7d", "now-45s"] {
            assert_eq!(TimeSpec::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(TimeSpec::parse("now - 15M").unwrap().to_string(), "now-15m");
        assert_eq!(TimeSpec::At(5).to_string(), "5");
    }

    proptest! {
        #[test]
        fn every_relative_time_round_trips(amount in 0u32..100_000, unit in prop::sample::select(vec!['s', 'm', 'h'])) {
            let spec = TimeSpec::ago(amount, unit).unwrap();
            prop_assert_eq!(TimeSpec::parse(&spec.to_string()), Ok(spec));
            prop_assert!(spec.resolve(NOW) <= NOW);
        }

        #[test]
        fn any_text_parses_or_errs_without_panic(text in "(?i)now[ -]{0,3}\\PC{0,12}") {
            let _ = TimeSpec::parse(&text);
        }
    }
}
