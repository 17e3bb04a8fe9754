//! One pair's exchange activity, step by step: takers arriving in bursts (a Hawkes process, busier when the
//! market is volatile) and sweeping the book, makers creating, changing and cancelling limit orders around the
//! mid (a second Hawkes process, excited by trades), and quotes the moving mid ran into being pulled.

use super::det_math;
use super::items::{OrderEvent, OrderItem, Trade};
use super::order_book::{BookSide, Order, Side};
use super::order_ids::OrderIds;
use super::pairs::PairParams;
use super::rng::Rng;

/// Fills one taker order may produce at most (levels of the book it sweeps).
const MAX_FILLS: usize = 8;
/// Share of makers' events that change an order's amount rather than cancel it (when not creating).
const CHANGE_SHARE: f64 = 0.3;
/// How far back seeded orders were created: the book as it stood when the window opens.
const SEED_AGE_MS: f64 = 3_600_000.0;

/// An item to be, in time order: trade ids are given when the items of both pairs are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Trade(Trade),
    Order(OrderItem),
}

impl Event {
    pub fn ms(&self) -> i64 {
        match self {
            Self::Trade(t) => t.ms,
            Self::Order(o) => o.ms,
        }
    }
}

/// Events waiting to be merged, each with its pair and the order in which it was made.
#[derive(Debug, Default)]
pub struct Outbox {
    pub events: Vec<(u64, usize, Event)>,
    next_ordinal: u64,
}

impl Outbox {
    fn push(&mut self, pair: usize, event: Event) {
        self.events.push((self.next_ordinal, pair, event));
        self.next_ordinal += 1;
    }
}

/// What a pair sees during one price step `[start_ms, end_ms)`.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub start_ms: i64,
    pub end_ms: i64,
    /// Cents.
    pub mid: i64,
    pub vol_factor: f64,
    pub momentum: f64,
}

#[derive(Debug)]
pub struct PairSim {
    index: usize,
    p: &'static PairParams,
    rng: Rng,
    bids: BookSide,
    asks: BookSide,
    /// Hawkes excitations (intensity above the base rate, per second) of takers and makers.
    taker_excitation: f64,
    maker_excitation: f64,
}

impl PairSim {
    pub fn new(index: usize, p: &'static PairParams, rng: Rng) -> Self {
        Self {
            index,
            p,
            rng,
            bids: BookSide::new(Side::Buy),
            asks: BookSide::new(Side::Sell),
            taker_excitation: 0.0,
            maker_excitation: 0.0,
        }
    }

    /// Fills the book with orders created during the hour before `from_ms` (their created events are not
    /// part of the window).
    pub fn seed_book(&mut self, mid: i64, from_ms: i64, ids: &mut OrderIds) {
        for side in [Side::Buy, Side::Sell] {
            for _ in 0..self.p.book_target {
                let age = 1 + (self.rng.uniform() * SEED_AGE_MS) as i64;
                let created = from_ms - age;
                let order = Order {
                    id: ids.allocate(created),
                    price: self.new_order_price(side, mid),
                    amount: self.maker_amount(),
                    last_ms: created,
                };
                self.book(side).insert(order);
            }
        }
    }

    fn book(&mut self, side: Side) -> &mut BookSide {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    fn order_event(&self, event: OrderEvent, side: Side, ms: i64, order: &Order) -> Event {
        Event::Order(OrderItem {
            event,
            id: order.id,
            side,
            ms,
            amount: order.amount,
            price: order.price,
        })
    }

    pub fn run_step(&mut self, step: &Step, ids: &mut OrderIds, out: &mut Outbox) {
        let len_ms = step.end_ms - step.start_ms;
        // Quotes the mid ran into are pulled during the step.
        for side in [Side::Buy, Side::Sell] {
            for order in self.book(side).take_crossed(step.mid) {
                let ms = step.start_ms + self.rng.below(len_ms as usize) as i64;
                out.push(
                    self.index,
                    self.order_event(OrderEvent::Deleted, side, ms, &order),
                );
            }
        }

        // Both Hawkes processes by thinning: between events the excitations only decay, so the intensity at
        // the last event bounds the intensity until the next.
        let p = self.p;
        // Activity follows the variance (its mean is the long-run variance, so the mean rates hold).
        let variance_ratio = step.vol_factor * step.vol_factor;
        let taker_base = p.taker_rate * (1.0 - p.taker_branching) * variance_ratio;
        let maker_base = p.maker_rate * (1.0 - p.maker_branching) * (0.75 + 0.25 * variance_ratio);
        let duration = len_ms as f64 / 1000.0;
        let mut t = 0.0;
        loop {
            let bound = taker_base + self.taker_excitation + maker_base + self.maker_excitation;
            let wait = self.rng.exponential(bound);
            let dt = wait.min(duration - t);
            self.taker_excitation *= det_math::exp(-p.taker_decay * dt);
            self.maker_excitation *= det_math::exp(-p.maker_decay * dt);
            if t + wait >= duration {
                break;
            }
            t += wait;
            let ms = (step.start_ms + (t * 1000.0) as i64).min(step.end_ms - 1);
            let u = self.rng.uniform() * bound;
            let taker_intensity = taker_base + self.taker_excitation;
            if u < taker_intensity {
                self.taker(ms, step, ids, out);
                self.taker_excitation += p.taker_branching * p.taker_decay;
                self.maker_excitation += p.maker_kick_per_taker;
            } else if u < taker_intensity + maker_base + self.maker_excitation {
                self.maker(ms, step, ids, out);
                self.maker_excitation += p.maker_branching * p.maker_decay;
            }
        }
    }

    /// A taker order: it meets the best orders on the other side, best price first, up to its limit.
    fn taker(&mut self, ms: i64, step: &Step, ids: &mut OrderIds, out: &mut Outbox) {
        let p = self.p;
        let side = if self.rng.chance(0.5 + 0.35 * step.momentum) {
            Side::Buy
        } else {
            Side::Sell
        };
        let mut remaining = self.amount(p.taker_size_median, p.taker_size_sigma);
        let reach = ((step.mid as f64 * p.sweep_fraction) as i64).max(1);
        let limit = match side {
            Side::Buy => step.mid + reach,
            Side::Sell => step.mid - reach,
        };
        let mut taker_id = None;
        for _ in 0..MAX_FILLS {
            let book = self.book(side.opposite());
            let Some(index) = book.best_index(ms) else {
                break;
            };
            let maker = book.order(index).clone();
            let beyond = match side {
                Side::Buy => maker.price > limit,
                Side::Sell => maker.price < limit,
            };
            if beyond {
                break;
            }
            debug_assert!(match side {
                Side::Buy => maker.price > step.mid,
                Side::Sell => maker.price < step.mid,
            });
            let taker = *taker_id.get_or_insert_with(|| ids.allocate(ms));
            let fill = remaining.min(maker.amount);
            let (buy_order_id, sell_order_id) = match side {
                Side::Buy => (taker, maker.id),
                Side::Sell => (maker.id, taker),
            };
            let trade = Trade {
                id: 0,
                ms,
                amount: fill,
                price: maker.price,
                side,
                buy_order_id,
                sell_order_id,
            };
            out.push(self.index, Event::Trade(trade));
            let book = self.book(side.opposite());
            let event = if fill == maker.amount {
                book.remove(index);
                OrderEvent::Deleted
            } else {
                let order = book.order_mut(index);
                order.amount -= fill;
                order.last_ms = ms;
                OrderEvent::Changed
            };
            let left = Order {
                amount: maker.amount - fill,
                ..maker
            };
            out.push(
                self.index,
                self.order_event(event, side.opposite(), ms, &left),
            );
            remaining -= fill;
            if remaining == 0 {
                break;
            }
        }
    }

    /// A maker's event: a new order, or a change or cancellation of a live one.
    fn maker(&mut self, ms: i64, step: &Step, ids: &mut OrderIds, out: &mut Outbox) {
        let side = if self.rng.chance(0.5) {
            Side::Buy
        } else {
            Side::Sell
        };
        let target = self.p.book_target as f64;
        let live = self.book(side).len();
        let create_chance = match live {
            0 => 1.0,
            n if n as f64 >= 3.0 * target => 0.0,
            n => (0.5 + 0.8 * (target - n as f64) / target).clamp(0.05, 0.95),
        };
        if self.rng.chance(create_chance) {
            let order = Order {
                id: ids.allocate(ms),
                price: self.new_order_price(side, step.mid),
                amount: self.maker_amount(),
                last_ms: ms,
            };
            out.push(
                self.index,
                self.order_event(OrderEvent::Created, side, ms, &order),
            );
            self.book(side).insert(order);
        } else if self.rng.chance(CHANGE_SHARE) {
            let index = self.rng.below(live);
            let factor = det_math::exp(0.5 * self.rng.normal());
            let (min, max) = (self.p.min_amount, self.p.max_amount);
            let order = self.book(side).order_mut(index);
            let amount = ((order.amount as f64 * factor).round() as i64).clamp(min, max);
            if order.last_ms == ms || amount == order.amount {
                return;
            }
            order.amount = amount;
            order.last_ms = ms;
            let order = order.clone();
            out.push(
                self.index,
                self.order_event(OrderEvent::Changed, side, ms, &order),
            );
        } else {
            // Cancellations favour orders far from the mid: accept a drawn order by its distance.
            let median = self.p.distance_median_ticks;
            let mut index = self.rng.below(live);
            for _ in 0..8 {
                let distance = (self.book(side).order(index).price - step.mid).abs() as f64;
                if self.rng.chance(distance / (distance + median)) {
                    break;
                }
                index = self.rng.below(live);
            }
            if self.book(side).order(index).last_ms == ms {
                return;
            }
            let order = self.book(side).remove(index);
            out.push(
                self.index,
                self.order_event(OrderEvent::Deleted, side, ms, &order),
            );
        }
    }

    /// A new limit order's price: some ticks (log-normal) away from the mid, on its own side.
    fn new_order_price(&mut self, side: Side, mid: i64) -> i64 {
        let p = self.p;
        let cap = (mid as f64 * p.max_distance_fraction).max(1.0);
        let ticks = self
            .rng
            .log_normal(p.distance_median_ticks, p.distance_sigma)
            .round()
            .clamp(1.0, cap) as i64;
        match side {
            Side::Buy => (mid - ticks).max(1),
            Side::Sell => mid + ticks,
        }
    }

    fn amount(&mut self, median: f64, sigma: f64) -> i64 {
        (self.rng.log_normal(median, sigma).round() as i64)
            .clamp(self.p.min_amount, self.p.max_amount)
    }

    /// A maker's size; a share of makers use round amounts.
    fn maker_amount(&mut self) -> i64 {
        let p = self.p;
        let amount = self.amount(p.maker_size_median, p.maker_size_sigma);
        if self.rng.chance(p.round_share) {
            ((amount + p.round_unit / 2) / p.round_unit * p.round_unit)
                .max(p.round_unit)
                .max(p.min_amount)
        } else {
            amount
        }
    }
}
