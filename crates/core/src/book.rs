//! The order book of an orders channel at any instant of its loaded range, rebuilt from the channel's events.
//!
//! **The rule.** Take the channel's order events in key order `(ts, id)` up to and including instant `t`.
//! `order_created` and `order_changed` put the order (by `id`) in the book at that event's price and amount on its
//! side (`order_type` 0 bid, 1 ask), whether or not it was seen before; `order_deleted` removes it, and so does an
//! amount of zero. The best bid is the highest bid price, the best ask the lowest ask price. Orders placed before
//! the loaded range and not touched since are unknown: it is the book of the events loaded since the range's
//! start, and the dashboard says so.
//!
//! - [`Book`]: one instant's book, by price level per side.
//! - [`BookReplay`]: moves a book to any instant of the loaded events, from a checkpoint taken every
//!   [`CHECKPOINT_EVERY`] events, so that no move replays more than that many.
//! - [`book_series`]: best bid, best ask, spread, mid and depth imbalance at the end of each interval of a window.
//!
//! The input is a channel's items as chunks in key order, as for the aggregates
//! ([`crate::aggregate`]); trades in it are ignored.

mod replay;
mod series;
mod state;

pub use replay::{BookReplay, CHECKPOINT_EVERY};
pub use series::{BookPoint, IMBALANCE_WITHIN, book_series};
pub use state::{Book, Level};

#[cfg(test)]
mod tests;
