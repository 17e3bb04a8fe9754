//! One instant's book: the resting orders by id, and their amounts summed by price level on each side.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use crate::columns::{EventKind, Side};

/// A price as a map key: prices are finite (as parsed), so `total_cmp` is their numeric order.
#[derive(Debug, Clone, Copy)]
struct Price(f64);

impl PartialEq for Price {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Price {}

impl PartialOrd for Price {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Price {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// An order in the book.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Resting {
    side: Side,
    price: f64,
    amount: f64,
}

/// The orders at one price of one side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    pub price: f64,
    /// Their amounts summed (base currency).
    pub amount: f64,
    pub orders: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    amount: f64,
    orders: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Book {
    orders: HashMap<i64, Resting>,
    bids: BTreeMap<Price, Sum>,
    asks: BTreeMap<Price, Sum>,
}

impl Book {
    /// Applies one event by the rule (see [`crate::book`]); a trade changes nothing.
    pub fn apply(&mut self, kind: EventKind, id: i64, side: Side, price: f64, amount: f64) {
        let puts = match kind {
            EventKind::OrderCreated | EventKind::OrderChanged => amount != 0.0,
            EventKind::OrderDeleted => false,
            EventKind::Trade => return,
        };
        let old = if puts {
            let order = Resting {
                side,
                price,
                amount,
            };
            self.enter(order);
            self.orders.insert(id, order)
        } else {
            self.orders.remove(&id)
        };
        if let Some(old) = old {
            self.leave(old);
        }
    }

    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<Price, Sum> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    fn enter(&mut self, order: Resting) {
        let sum = self
            .side_mut(order.side)
            .entry(Price(order.price))
            .or_default();
        sum.amount += order.amount;
        sum.orders += 1;
    }

    fn leave(&mut self, order: Resting) {
        let levels = self.side_mut(order.side);
        let key = Price(order.price);
        if let Some(sum) = levels.get_mut(&key) {
            sum.orders -= 1;
            if sum.orders == 0 {
                // Not the running difference, which may be off by a rounding error: nothing is left.
                levels.remove(&key);
            } else {
                sum.amount -= order.amount;
            }
        }
    }

    /// Orders in the book.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    pub fn best_bid(&self) -> Option<f64> {
        self.bids.last_key_value().map(|(p, _)| p.0)
    }

    pub fn best_ask(&self) -> Option<f64> {
        self.asks.first_key_value().map(|(p, _)| p.0)
    }

    /// Best ask less best bid (negative when the book is crossed, as events seen out of order can leave it).
    pub fn spread(&self) -> Option<f64> {
        Some(self.best_ask()? - self.best_bid()?)
    }

    pub fn mid(&self) -> Option<f64> {
        Some((self.best_ask()? + self.best_bid()?) / 2.0)
    }

    /// The price levels of `side` from the best outward: bids down from the highest, asks up from the lowest.
    pub fn levels(&self, side: Side) -> Box<dyn Iterator<Item = Level> + '_> {
        let level = |(p, s): (&Price, &Sum)| Level {
            price: p.0,
            amount: s.amount,
            orders: s.orders,
        };
        match side {
            Side::Buy => Box::new(self.bids.iter().rev().map(level)),
            Side::Sell => Box::new(self.asks.iter().map(level)),
        }
    }

    /// The depth of `side` within `within` (a fraction) of the mid, or of the side's best price when the other
    /// side is empty: `(price, amount at this price or better)` per level, from the best outward.
    pub fn depth(&self, side: Side, within: f64) -> Vec<(f64, f64)> {
        let Some(reference) = self.mid().or(match side {
            Side::Buy => self.best_bid(),
            Side::Sell => self.best_ask(),
        }) else {
            return Vec::new();
        };
        let (low, high) = (reference * (1.0 - within), reference * (1.0 + within));
        let mut total = 0.0;
        self.levels(side)
            .take_while(|l| (low..=high).contains(&l.price))
            .map(|l| {
                total += l.amount;
                (l.price, total)
            })
            .collect()
    }

    /// `(bids − asks) / (bids + asks)` of the amounts within `within` (a fraction: 0.001 is 0.1 %) of the mid,
    /// from −1 (only asks near the mid) to 1 (only bids). `None` without a mid or without an amount near it.
    pub fn imbalance(&self, within: f64) -> Option<f64> {
        let mid = self.mid()?;
        let (low, high) = (Price(mid * (1.0 - within)), Price(mid * (1.0 + within)));
        let bids: f64 = self.bids.range(low..).map(|(_, s)| s.amount).sum();
        let asks: f64 = self.asks.range(..=high).map(|(_, s)| s.amount).sum();
        let total = bids + asks;
        (total > 0.0).then(|| (bids - asks) / total)
    }

    /// The orders, compactly, for a checkpoint.
    pub(super) fn snapshot(&self) -> Vec<(i64, Resting)> {
        self.orders.iter().map(|(&id, &o)| (id, o)).collect()
    }

    pub(super) fn from_snapshot(orders: &[(i64, Resting)]) -> Self {
        let mut book = Self {
            orders: HashMap::with_capacity(orders.len()),
            ..Self::default()
        };
        for &(id, order) in orders {
            book.enter(order);
            book.orders.insert(id, order);
        }
        book
    }
}
