//! The identities `(id, µs)` seen lately, so that an item received twice (two connections overlapping across a
//! `bts:request_reconnect`, or a resubscription) is written once.

use std::collections::{HashSet, VecDeque};

/// Identities whose time is within `window_us` of the newest seen. Items arrive nearly in time order, so the
/// oldest are forgotten from the front; memory is bounded by the window's traffic.
#[derive(Debug, Clone)]
pub struct RecentKeys {
    window_us: i64,
    newest: i64,
    seen: HashSet<(i64, i64)>,
    order: VecDeque<(i64, i64)>,
}

impl RecentKeys {
    pub fn new(window_us: i64) -> Self {
        Self {
            window_us,
            newest: i64::MIN,
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Records the identity of an item at `micros`; `false` if it was seen within the window.
    pub fn insert(&mut self, id: i64, micros: i64) -> bool {
        if !self.seen.insert((micros, id)) {
            return false;
        }
        self.order.push_back((micros, id));
        self.newest = self.newest.max(micros);
        let horizon = self.newest.saturating_sub(self.window_us);
        while let Some(&oldest) = self.order.front() {
            if oldest.0 >= horizon {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&oldest);
        }
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn repeats_are_refused_and_old_keys_forgotten() {
        let mut keys = RecentKeys::new(100);
        assert!(keys.insert(1, 1_000));
        assert!(!keys.insert(1, 1_000));
        assert!(keys.insert(2, 1_000), "another id at the same time");
        assert!(keys.insert(1, 1_001), "the same id at another time");
        assert!(keys.insert(9, 1_200));
        assert_eq!(keys.len(), 1, "everything before 1_100 is forgotten");
    }

    proptest! {
        /// Any stream replayed with overlaps inside the window yields each identity once.
        #[test]
        fn overlapping_replays_yield_each_identity_once(
            times in proptest::collection::vec(0i64..50, 1..200),
            overlap in 0usize..50,
        ) {
            let mut items: Vec<(i64, i64)> = times.iter().scan(0i64, |t, dt| { *t += dt; Some(*t) })
                .enumerate().map(|(i, t)| (i as i64, t)).collect();
            items.dedup();
            let mut keys = RecentKeys::new(10_000);
            let cut = items.len().saturating_sub(overlap);
            let replayed = items[..].iter().chain(items[cut..].iter());
            let accepted: Vec<_> = replayed.filter(|(id, t)| keys.insert(*id, *t)).copied().collect();
            prop_assert_eq!(accepted, items);
        }
    }
}
