//! The live limit orders of one pair: bids and asks, unsorted (orders are picked at random far more often than
//! by price), with the best price cached so that checking whether the mid crossed the book is cheap.

/// An order's side; its code is Bitstamp's `order_type` and, for a trade's taker, the trade's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn code(self) -> i64 {
        match self {
            Self::Buy => 0,
            Self::Sell => 1,
        }
    }

    pub fn opposite(self) -> Self {
        match self {
            Self::Buy => Self::Sell,
            Self::Sell => Self::Buy,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: i64,
    /// Cents.
    pub price: i64,
    /// Units of 1e-8.
    pub amount: i64,
    /// Millisecond of the order's latest event: no second event of the order may share it (the table's key).
    pub last_ms: i64,
}

#[derive(Debug)]
pub struct BookSide {
    side: Side,
    orders: Vec<Order>,
    best: Option<i64>,
    best_stale: bool,
}

impl BookSide {
    pub fn new(side: Side) -> Self {
        Self {
            side,
            orders: Vec::new(),
            best: None,
            best_stale: false,
        }
    }

    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn order(&self, index: usize) -> &Order {
        &self.orders[index]
    }

    pub fn order_mut(&mut self, index: usize) -> &mut Order {
        &mut self.orders[index]
    }

    /// Whether price `a` is better for a taker than `b`: a higher bid, a lower ask.
    fn better(&self, a: i64, b: i64) -> bool {
        match self.side {
            Side::Buy => a > b,
            Side::Sell => a < b,
        }
    }

    pub fn insert(&mut self, order: Order) {
        if !self.best_stale && self.best.is_none_or(|best| self.better(order.price, best)) {
            self.best = Some(order.price);
        }
        self.orders.push(order);
    }

    pub fn remove(&mut self, index: usize) -> Order {
        let order = self.orders.swap_remove(index);
        if self.best == Some(order.price) {
            self.best_stale = true;
        }
        order
    }

    pub fn best_price(&mut self) -> Option<i64> {
        if self.best_stale {
            self.best = None;
            for i in 0..self.orders.len() {
                let price = self.orders[i].price;
                if self.best.is_none_or(|best| self.better(price, best)) {
                    self.best = Some(price);
                }
            }
            self.best_stale = false;
        }
        self.best
    }

    /// The order a taker meets first: best price, then oldest (lowest id), skipping orders that already have an
    /// event in millisecond `busy_ms`.
    pub fn best_index(&self, busy_ms: i64) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, o) in self.orders.iter().enumerate() {
            if o.last_ms == busy_ms {
                continue;
            }
            let wins = match best {
                None => true,
                Some(b) => {
                    let b = &self.orders[b];
                    self.better(o.price, b.price) || (o.price == b.price && o.id < b.id)
                }
            };
            if wins {
                best = Some(i);
            }
        }
        best
    }

    /// Removes and returns the orders the mid has reached or passed: bids at or above it, asks at or below.
    pub fn take_crossed(&mut self, mid: i64) -> Vec<Order> {
        let side = self.side;
        let crossed = move |price: i64| match side {
            Side::Buy => price >= mid,
            Side::Sell => price <= mid,
        };
        if !self.best_price().is_some_and(crossed) {
            return Vec::new();
        }
        let mut taken = Vec::new();
        let mut best = None;
        let mut i = 0;
        while i < self.orders.len() {
            let price = self.orders[i].price;
            if crossed(price) {
                taken.push(self.orders.swap_remove(i));
            } else {
                if best.is_none_or(|b| self.better(price, b)) {
                    best = Some(price);
                }
                i += 1;
            }
        }
        self.best = best;
        self.best_stale = false;
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: i64, price: i64) -> Order {
        Order {
            id,
            price,
            amount: 1,
            last_ms: 0,
        }
    }

    #[test]
    fn the_best_order_is_by_price_then_age_and_crossing_takes_what_the_mid_reached() {
        let mut asks = BookSide::new(Side::Sell);
        for (id, price) in [(5, 103), (3, 101), (4, 101), (1, 110)] {
            asks.insert(order(id, price));
        }
        assert_eq!(asks.best_price(), Some(101));
        assert_eq!(asks.order(asks.best_index(-1).unwrap()).id, 3);
        asks.order_mut(1).last_ms = 7;
        assert_eq!(asks.order(asks.best_index(7).unwrap()).id, 4);
        let taken = asks.take_crossed(103);
        let mut ids: Vec<i64> = taken.iter().map(|o| o.id).collect();
        ids.sort();
        assert_eq!(ids, [3, 4, 5]);
        assert_eq!(asks.best_price(), Some(110));
        let removed = asks.remove(0);
        assert_eq!(removed.id, 1);
        assert_eq!(asks.best_price(), None);

        let mut bids = BookSide::new(Side::Buy);
        bids.insert(order(1, 99));
        bids.insert(order(2, 97));
        assert!(bids.take_crossed(100).is_empty());
        assert_eq!(bids.take_crossed(99).len(), 1);
        assert_eq!(bids.best_price(), Some(97));
    }
}
