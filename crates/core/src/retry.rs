//! When to ask again: exponential backoff with full jitter, and which HTTP statuses are worth a retry. Pure: the
//! caller passes the random number and does the waiting.

/// Exponential backoff with full jitter: before retry `attempt` (0 for the first retry) wait a uniformly random
/// time in `[0, min(cap_ms, base_ms * 2^attempt)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base_ms: u32,
    pub cap_ms: u32,
    /// Retries after the first try; `delay_ms` is `None` from `attempt == max_retries` on.
    pub max_retries: u32,
}

impl Default for Backoff {
    /// 250 ms, doubling, capped at 8 s, 6 retries (at most ~16 s of waiting in all, ~8 s expected).
    fn default() -> Self {
        Self {
            base_ms: 250,
            cap_ms: 8_000,
            max_retries: 6,
        }
    }
}

impl Backoff {
    /// The upper bound of the wait before retry `attempt`: `min(cap_ms, base_ms * 2^attempt)`.
    pub fn ceiling_ms(&self, attempt: u32) -> u32 {
        let factor = 1u64 << attempt.min(63);
        (self.base_ms as u64)
            .saturating_mul(factor)
            .min(self.cap_ms as u64) as u32
    }

    /// How long to wait before retry `attempt` (0-based), given `random_unit` uniform in `[0, 1)` (e.g.
    /// `Math.random()`; values outside are clamped, NaN counts as 0); `None` when no retry is left.
    pub fn delay_ms(&self, attempt: u32, random_unit: f64) -> Option<u32> {
        if attempt >= self.max_retries {
            return None;
        }
        let unit = if random_unit.is_nan() {
            0.0
        } else {
            random_unit.clamp(0.0, 1.0)
        };
        Some((unit * self.ceiling_ms(attempt) as f64).floor() as u32)
    }
}

/// What an HTTP status means for the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// A 2xx answer: read the body (which may still be an API error; see [`crate::response::PageError`]).
    Ok,
    /// Worth asking again after a backoff: 429, 5xx, or 0 (no response: network error, CORS, abort by timeout).
    Retry,
    /// Asking again will not help: other 4xx (403 `Missing Authentication Token` is a wrong URL), 1xx/3xx, unknown.
    Fatal,
}

pub fn classify_status(status: u16) -> StatusClass {
    match status {
        200..=299 => StatusClass::Ok,
        0 | 429 | 500..=599 => StatusClass::Retry,
        _ => StatusClass::Fatal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defaults_double_up_to_the_cap() {
        let b = Backoff::default();
        let ceilings: Vec<u32> = (0..8).map(|a| b.ceiling_ms(a)).collect();
        assert_eq!(ceilings, vec![250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(b.delay_ms(0, 0.0), Some(0));
        assert_eq!(b.delay_ms(0, 0.5), Some(125));
        assert_eq!(b.delay_ms(3, 0.999_999), Some(1999));
        assert_eq!(b.delay_ms(5, 1.0), Some(8000));
        assert_eq!(b.delay_ms(6, 0.5), None);
        assert_eq!(b.delay_ms(u32::MAX, 0.5), None);
    }

    #[test]
    fn odd_random_numbers_are_clamped() {
        let b = Backoff::default();
        assert_eq!(b.delay_ms(1, -3.0), Some(0));
        assert_eq!(b.delay_ms(1, 7.0), Some(500));
        assert_eq!(b.delay_ms(1, f64::NAN), Some(0));
        assert_eq!(b.delay_ms(1, f64::INFINITY), Some(500));
    }

    #[test]
    fn huge_attempts_and_bases_saturate() {
        let b = Backoff {
            base_ms: u32::MAX,
            cap_ms: u32::MAX,
            max_retries: u32::MAX,
        };
        assert_eq!(b.ceiling_ms(200), u32::MAX);
        assert_eq!(b.delay_ms(100, 1.0), Some(u32::MAX));
        let none = Backoff {
            max_retries: 0,
            ..Backoff::default()
        };
        assert_eq!(none.delay_ms(0, 0.5), None);
    }

    #[test]
    fn statuses_are_classified() {
        for s in [200, 204] {
            assert_eq!(classify_status(s), StatusClass::Ok, "{s}");
        }
        for s in [0, 429, 500, 502, 503, 504, 599] {
            assert_eq!(classify_status(s), StatusClass::Retry, "{s}");
        }
        for s in [100, 301, 304, 400, 401, 403, 404, 413, 600, u16::MAX] {
            assert_eq!(classify_status(s), StatusClass::Fatal, "{s}");
        }
    }

    proptest! {
        #[test]
        fn delays_stay_within_the_ceiling_and_the_cap(
            base in 0u32..100_000, cap in 0u32..1_000_000, max in 0u32..20, attempt in 0u32..40, unit in 0f64..1.0,
        ) {
            let b = Backoff { base_ms: base, cap_ms: cap, max_retries: max };
            match b.delay_ms(attempt, unit) {
                Some(d) => {
                    prop_assert!(attempt < max);
                    prop_assert!(d <= b.ceiling_ms(attempt) && d <= cap);
                }
                None => prop_assert!(attempt >= max),
            }
        }

        #[test]
        fn ceilings_never_decrease(base in 0u32..100_000, cap: u32, attempt in 0u32..100) {
            let b = Backoff { base_ms: base, cap_ms: cap, max_retries: 10 };
            prop_assert!(b.ceiling_ms(attempt) <= b.ceiling_ms(attempt + 1));
            prop_assert!(b.ceiling_ms(attempt) <= cap);
        }

        #[test]
        fn delays_grow_with_the_random_number(attempt in 0u32..6, u in 0f64..1.0, v in 0f64..1.0) {
            let b = Backoff::default();
            let (lo, hi) = (u.min(v), u.max(v));
            prop_assert!(b.delay_ms(attempt, lo) <= b.delay_ms(attempt, hi));
        }
    }
}
