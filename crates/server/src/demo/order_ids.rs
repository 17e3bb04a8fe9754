//! Bitstamp's order ids: `((ms − 1288834974657) << 12) | seq`, where `ms` is the order's creation time in
//! milliseconds (the epoch is Twitter's snowflake epoch) and `seq` counts the orders created in that millisecond.

use std::collections::BTreeMap;

pub const ORDER_ID_EPOCH_MS: i64 = 1_288_834_974_657;
const SEQ_BITS: u32 = 12;
const SEQ_LIMIT: u32 = 1 << SEQ_BITS;

pub fn order_id(ms: i64, seq: u32) -> i64 {
    ((ms - ORDER_ID_EPOCH_MS) << SEQ_BITS) | i64::from(seq)
}

/// The creation millisecond an order id encodes.
#[cfg(test)]
pub fn created_ms(id: i64) -> i64 {
    (id >> SEQ_BITS) + ORDER_ID_EPOCH_MS
}

/// Hands out ids, one exchange-wide sequence per millisecond (both pairs and taker orders draw from it).
#[derive(Debug, Default)]
pub struct OrderIds {
    next_seq: BTreeMap<i64, u32>,
}

impl OrderIds {
    /// A fresh id for an order created at `ms`. Should a millisecond ever be full, the order is dated to the
    /// latest earlier millisecond with room, so its id never claims a creation after the event.
    pub fn allocate(&mut self, ms: i64) -> i64 {
        let mut ms = ms;
        loop {
            let seq = self.next_seq.entry(ms).or_insert(0);
            if *seq < SEQ_LIMIT {
                *seq += 1;
                return order_id(ms, *seq - 1);
            }
            ms -= 1;
        }
    }

    /// Forgets the milliseconds before `ms`: no id is allocated for them any more.
    pub fn forget_before(&mut self, ms: i64) {
        self.next_seq = self.next_seq.split_off(&ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_bitstamps_scheme() {
        // A real Bitstamp order id of 2021-12-30 and the millisecond it was created.
        assert_eq!(created_ms(1441935087595520), 1640869908152);
        assert_eq!(order_id(1640869908152, 0), 1441935087595520);
        let mut ids = OrderIds::default();
        let a = ids.allocate(1647830700000);
        let b = ids.allocate(1647830700000);
        let c = ids.allocate(1647830700001);
        assert_eq!(b, a + 1);
        assert_eq!(created_ms(b), 1647830700000);
        assert_eq!(c & 0xfff, 0);
        ids.forget_before(1647830700001);
        assert_eq!(ids.allocate(1647830700001), c + 1);
    }

    #[test]
    fn a_full_millisecond_borrows_an_earlier_one() {
        let mut ids = OrderIds::default();
        for _ in 0..SEQ_LIMIT {
            ids.allocate(5_000_000_000_000);
        }
        assert_eq!(
            created_ms(ids.allocate(5_000_000_000_000)),
            4_999_999_999_999
        );
    }
}
