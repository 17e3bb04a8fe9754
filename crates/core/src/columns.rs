//! Loaded items of one channel, column by column: a million items fit in a few tens of MB and no per-item
//! object exists, in wasm or natively.

/// What happened, for trades and order-book events alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum EventKind {
    Trade = 0,
    OrderCreated = 1,
    OrderChanged = 2,
    OrderDeleted = 3,
}

impl EventKind {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "trade" => Some(Self::Trade),
            "order_created" => Some(Self::OrderCreated),
            "order_changed" => Some(Self::OrderChanged),
            "order_deleted" => Some(Self::OrderDeleted),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Trade => "trade",
            Self::OrderCreated => "order_created",
            Self::OrderChanged => "order_changed",
            Self::OrderDeleted => "order_deleted",
        }
    }

    /// The kind its `as u8` value names.
    pub(crate) fn from_u8(value: u8) -> Option<Self> {
        [
            Self::Trade,
            Self::OrderCreated,
            Self::OrderChanged,
            Self::OrderDeleted,
        ]
        .get(value as usize)
        .copied()
    }
}

/// Buy or sell: a trade's taker side (`type`) or an order's side (`order_type`); 0 buy, 1 sell as Bitstamp has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Side {
    Buy = 0,
    Sell = 1,
}

impl Side {
    /// The side its `as u8` value names.
    pub(crate) fn from_u8(value: u8) -> Option<Self> {
        [Self::Buy, Self::Sell].get(value as usize).copied()
    }
}

/// One item in typed form, to push into [`Columns`] and read back from them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    /// `nmicrotimestamp`: µs since the Unix epoch.
    pub ts: i64,
    pub id: i64,
    pub price: f64,
    pub amount: f64,
    pub side: Side,
    pub event: EventKind,
}

/// A trade's `buy_order_id` and `sell_order_id`.
pub type OrderIds = [i64; 2];

/// Items in key order, one vector per field (34 bytes per item; 50 for trades that carry their order ids).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    pub ts: Vec<i64>,
    pub id: Vec<i64>,
    pub price: Vec<f64>,
    pub amount: Vec<f64>,
    pub side: Vec<Side>,
    pub event: Vec<EventKind>,
    /// Trades' order ids, for exporting items as they came. Empty while no item had them (order events never
    /// do, so order channels pay nothing); otherwise one per item, `[0, 0]` for an item without.
    pub order_ids: Vec<OrderIds>,
}

impl Columns {
    pub fn with_capacity(n: usize) -> Self {
        Self {
            ts: Vec::with_capacity(n),
            id: Vec::with_capacity(n),
            price: Vec::with_capacity(n),
            amount: Vec::with_capacity(n),
            side: Vec::with_capacity(n),
            event: Vec::with_capacity(n),
            order_ids: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.ts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    pub fn push(&mut self, tick: Tick) {
        if !self.order_ids.is_empty() {
            self.order_ids.push([0; 2]);
        }
        self.push_fields(tick);
    }

    /// Pushes a trade together with its order ids.
    pub fn push_with_order_ids(&mut self, tick: Tick, ids: OrderIds) {
        self.order_ids.resize(self.len(), [0; 2]);
        self.order_ids.push(ids);
        self.push_fields(tick);
    }

    fn push_fields(&mut self, tick: Tick) {
        self.ts.push(tick.ts);
        self.id.push(tick.id);
        self.price.push(tick.price);
        self.amount.push(tick.amount);
        self.side.push(tick.side);
        self.event.push(tick.event);
    }

    pub fn get(&self, i: usize) -> Option<Tick> {
        Some(Tick {
            ts: *self.ts.get(i)?,
            id: self.id[i],
            price: self.price[i],
            amount: self.amount[i],
            side: self.side[i],
            event: self.event[i],
        })
    }

    /// Pushes a copy of `other`'s item `i` (panics when out of range).
    pub fn push_from(&mut self, other: &Columns, i: usize) {
        let tick = other.get(i).expect("index in range");
        match other.order_ids_of(i) {
            Some(ids) => self.push_with_order_ids(tick, ids),
            None => self.push(tick),
        }
    }

    /// Item `i`'s order ids, when the items carry them.
    pub fn order_ids_of(&self, i: usize) -> Option<OrderIds> {
        self.order_ids.get(i).copied()
    }

    /// Appends `other`'s items after this one's.
    pub fn append(&mut self, other: &Columns) {
        if !other.order_ids.is_empty() || !self.order_ids.is_empty() {
            self.order_ids.resize(self.len(), [0; 2]);
            self.order_ids.extend_from_slice(&other.order_ids);
            self.order_ids.resize(self.len() + other.len(), [0; 2]);
        }
        self.ts.extend_from_slice(&other.ts);
        self.id.extend_from_slice(&other.id);
        self.price.extend_from_slice(&other.price);
        self.amount.extend_from_slice(&other.amount);
        self.side.extend_from_slice(&other.side);
        self.event.extend_from_slice(&other.event);
    }

    /// True when the items are in key order, `(ts, id)` ascending.
    pub fn is_in_key_order(&self) -> bool {
        (1..self.len()).all(|i| (self.ts[i - 1], self.id[i - 1]) < (self.ts[i], self.id[i]))
    }

    /// Puts the items in key order, `(ts, id)`: the API returns items that share a timestamp in its store's
    /// order (DynamoDB's hash order), and whatever depends on order (open, close, the newest items) must not.
    /// A no-op, without allocating, for items already in order.
    pub fn sort_by_key(&mut self) {
        if self.is_in_key_order() {
            return;
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by_key(|&i| (self.ts[i], self.id[i]));
        let mut sorted = Columns::with_capacity(self.len());
        for i in order {
            sorted.push_from(self, i);
        }
        *self = sorted;
    }

    /// Moves the items from `at` on into a new `Columns`, leaving the first `at` here.
    pub fn split_off(&mut self, at: usize) -> Columns {
        let order_ids = if self.order_ids.is_empty() {
            Vec::new()
        } else {
            self.order_ids.split_off(at)
        };
        Columns {
            ts: self.ts.split_off(at),
            id: self.id.split_off(at),
            price: self.price.split_off(at),
            amount: self.amount.split_off(at),
            side: self.side.split_off(at),
            event: self.event.split_off(at),
            order_ids,
        }
    }

    pub fn shrink_to_fit(&mut self) {
        self.ts.shrink_to_fit();
        self.id.shrink_to_fit();
        self.price.shrink_to_fit();
        self.amount.shrink_to_fit();
        self.side.shrink_to_fit();
        self.event.shrink_to_fit();
        self.order_ids.shrink_to_fit();
    }

    /// Bytes held by the vectors' buffers.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.ts.capacity() * 8
            + self.id.capacity() * 8
            + self.price.capacity() * 8
            + self.amount.capacity() * 8
            + self.side.capacity()
            + self.event.capacity()
            + self.order_ids.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(ts: i64) -> Tick {
        Tick {
            ts,
            id: ts * 10,
            price: 1.5,
            amount: 2.0,
            side: Side::Sell,
            event: EventKind::OrderChanged,
        }
    }

    #[test]
    fn push_get_append() {
        let mut a = Columns::default();
        a.push(tick(1));
        a.push(tick(2));
        let mut b = Columns::default();
        b.push(tick(3));
        a.append(&b);
        assert_eq!(a.len(), 3);
        assert_eq!(a.get(2), Some(tick(3)));
        assert_eq!(a.get(3), None);
    }

    #[test]
    fn an_item_takes_34_bytes_once_shrunk() {
        let mut a = Columns::with_capacity(100);
        a.push(tick(1));
        assert_eq!(a.heap_bytes(), 100 * 34);
        a.shrink_to_fit();
        assert_eq!(a.heap_bytes(), 34);
    }

    #[test]
    fn order_ids_stay_aligned_with_items() {
        let mut a = Columns::default();
        a.push(tick(1));
        assert!(a.order_ids.is_empty());
        a.push_with_order_ids(tick(2), [7, 8]);
        a.push(tick(3));
        assert_eq!(a.order_ids, vec![[0, 0], [7, 8], [0, 0]]);
        let mut b = Columns::default();
        b.push(tick(4));
        a.append(&b);
        b.append(&a);
        assert_eq!(a.order_ids.len(), 4);
        assert_eq!(b.order_ids, vec![[0, 0], [0, 0], [7, 8], [0, 0], [0, 0]]);
        let mut b = b.split_off(2);
        assert_eq!((b.order_ids_of(0), b.ts[0]), (Some([7, 8]), 2));
        let before = b.heap_bytes();
        b.shrink_to_fit();
        assert!(b.heap_bytes() <= before);
        assert_eq!(b.heap_bytes(), 3 * 50);
    }

    #[test]
    fn sorting_by_key_orders_ties_by_id_and_keeps_order_ids_aligned() {
        let mut a = Columns::default();
        for (ts, id) in [(1, 5), (2, 9), (2, 3), (2, 7), (3, 1)] {
            a.push_with_order_ids(tick_at(ts, id), [id, -id]);
        }
        assert!(!a.is_in_key_order());
        a.sort_by_key();
        assert!(a.is_in_key_order());
        assert_eq!(a.id, vec![5, 3, 7, 9, 1]);
        assert_eq!(a.order_ids_of(1), Some([3, -3]));
        let tail = a.split_off(3);
        assert_eq!((a.id.clone(), tail.id.clone()), (vec![5, 3, 7], vec![9, 1]));
        assert_eq!(
            (a.order_ids.len(), tail.order_ids_of(0)),
            (3, Some([9, -9]))
        );
    }

    fn tick_at(ts: i64, id: i64) -> Tick {
        Tick { id, ..tick(ts) }
    }

    #[test]
    fn event_names_round_trip() {
        for v in 0..4 {
            let kind = EventKind::from_u8(v).unwrap();
            assert_eq!(EventKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(EventKind::from_u8(4), None);
    }
}
