//! The wall clock, in the items' unit (µs since the Unix epoch), and randomness for jitter.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// A random number in `[0, 1)` for jitter, from the standard library's randomly seeded hasher.
pub fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_units_are_in_the_unit_interval() {
        assert!(
            (0..100)
                .map(|_| super::random_unit())
                .all(|u| (0.0..1.0).contains(&u))
        );
    }
}
