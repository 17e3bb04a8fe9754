//! Gaps: the intervals in which a channel was not being collected, and the rule that finds them.
//!
//! Bitstamp's live channels carry no sequence numbers, so only the collector knows what it missed. A channel is
//! collected from its subscription's acknowledgement on some connection for as long as one such connection
//! lives. When the last one is lost, a gap opens at the arrival of the last frame received on it (data is
//! known complete up to there) and closes at the arrival of the next acknowledgement. At start, a channel the
//! store already holds has been missing since its last stored item ("collector not running").

use std::collections::{BTreeMap, BTreeSet};

use crate::channel::Channel;

/// The reason of the gap since the last stored item when the collector starts.
pub const NOT_RUNNING: &str = "collector not running";

/// An interval (µs, inclusive) in which `channel` was not being collected. `to` is `None` while it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub channel: String,
    pub from: i64,
    pub to: Option<i64>,
    pub reason: String,
}

impl Gap {
    /// Whether the gap overlaps `[from, to]`; an open gap lasts until now.
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        self.from <= to && self.to.is_none_or(|end| end >= from)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Never collected and nothing stored: nothing is known to be missing.
    Unknown,
    /// Acknowledged on these connections.
    Collecting(BTreeSet<u64>),
    /// Not collected since the open gap that starts at `from`.
    Missing { from: i64, reason: String },
}

/// Every collected channel's state, fed with what the connections see; returns the gaps to record (an open
/// gap when it starts, the same gap closed when it ends: the store keeps one record per `(channel, from)`).
#[derive(Debug, Clone)]
pub struct GapTracker {
    channels: BTreeMap<String, State>,
}

impl GapTracker {
    /// The channels to collect, with the newest item the store holds of each. Returns the tracker and the
    /// gaps that open now: one per channel with stored data.
    pub fn start(channels: &[(Channel, Option<i64>)]) -> (Self, Vec<Gap>) {
        let mut opened = Vec::new();
        let channels = channels
            .iter()
            .map(|(channel, last_stored)| {
                let state = match last_stored {
                    Some(from) => {
                        let gap = open(channel.name(), *from, NOT_RUNNING);
                        opened.push(gap);
                        State::Missing {
                            from: *from,
                            reason: NOT_RUNNING.to_owned(),
                        }
                    }
                    None => State::Unknown,
                };
                (channel.name().to_owned(), state)
            })
            .collect();
        (Self { channels }, opened)
    }

    /// `channel` was acknowledged on connection `connection` at `at`: returns the gap this closes, if any.
    pub fn subscribed(&mut self, channel: &str, connection: u64, at: i64) -> Option<Gap> {
        let state = self.channels.get_mut(channel)?;
        let closed = match state {
            State::Missing { from, reason } => Some(Gap {
                channel: channel.to_owned(),
                from: *from,
                to: Some(at.max(*from)),
                reason: reason.clone(),
            }),
            State::Unknown | State::Collecting(_) => None,
        };
        match state {
            State::Collecting(on) => {
                on.insert(connection);
            }
            _ => *state = State::Collecting(BTreeSet::from([connection])),
        }
        closed
    }

    /// Connection `connection` is gone; the last frame on it arrived at `last_frame_at`. Returns the gaps that
    /// open: one per channel that no other connection collects.
    pub fn connection_lost(
        &mut self,
        connection: u64,
        last_frame_at: i64,
        reason: &str,
    ) -> Vec<Gap> {
        let mut opened = Vec::new();
        for (channel, state) in &mut self.channels {
            if let State::Collecting(on) = state
                && on.remove(&connection)
                && on.is_empty()
            {
                opened.push(open(channel, last_frame_at, reason));
                *state = State::Missing {
                    from: last_frame_at,
                    reason: reason.to_owned(),
                };
            }
        }
        opened
    }

    /// The exchange ended `channel`'s subscription on `connection` at `at`: returns the gap that opens, if no other
    /// connection collects it.
    pub fn unsubscribed(&mut self, channel: &str, connection: u64, at: i64) -> Option<Gap> {
        let state = self.channels.get_mut(channel)?;
        if let State::Collecting(on) = state
            && on.remove(&connection)
            && on.is_empty()
        {
            let reason = "unsubscribed by the exchange";
            *state = State::Missing {
                from: at,
                reason: reason.to_owned(),
            };
            return Some(open(channel, at, reason));
        }
        None
    }

    /// The collector stops at `at`: every open gap ends there (a restart opens the next one from the last
    /// stored item).
    pub fn stop(&mut self, at: i64) -> Vec<Gap> {
        self.channels
            .iter()
            .filter_map(|(channel, state)| match state {
                State::Missing { from, reason } => Some(Gap {
                    channel: channel.clone(),
                    from: *from,
                    to: Some(at.max(*from)),
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// Whether `channel` is acknowledged on some connection.
    pub fn is_collecting(&self, channel: &str) -> bool {
        matches!(self.channels.get(channel), Some(State::Collecting(_)))
    }
}

fn open(channel: &str, from: i64, reason: &str) -> Gap {
    Gap {
        channel: channel.to_owned(),
        from,
        to: None,
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(name: &str) -> Channel {
        Channel::parse(name).unwrap()
    }

    #[test]
    fn a_fresh_store_has_no_gap_until_a_connection_is_lost() {
        let (mut tracker, opened) = GapTracker::start(&[(channel("live_trades_btcusd"), None)]);
        assert!(opened.is_empty());
        assert_eq!(tracker.subscribed("live_trades_btcusd", 1, 100), None);
        let opened = tracker.connection_lost(1, 150, "connection closed");
        assert_eq!(
            opened,
            vec![open("live_trades_btcusd", 150, "connection closed")]
        );
        let closed = tracker.subscribed("live_trades_btcusd", 2, 400).unwrap();
        assert_eq!((closed.from, closed.to), (150, Some(400)));
        assert_eq!(closed.reason, "connection closed");
    }

    #[test]
    fn stored_data_opens_a_not_running_gap_from_the_last_item() {
        let (mut tracker, opened) = GapTracker::start(&[
            (channel("live_trades_btcusd"), Some(70)),
            (channel("live_orders_btcusd"), None),
        ]);
        assert_eq!(opened, vec![open("live_trades_btcusd", 70, NOT_RUNNING)]);
        let closed = tracker.subscribed("live_trades_btcusd", 1, 90).unwrap();
        assert_eq!((closed.from, closed.to), (70, Some(90)));
        assert!(tracker.subscribed("live_orders_btcusd", 1, 91).is_none());
    }

    #[test]
    fn an_overlapping_connection_leaves_no_gap() {
        let (mut tracker, _) = GapTracker::start(&[(channel("live_trades_btcusd"), None)]);
        tracker.subscribed("live_trades_btcusd", 1, 10);
        tracker.subscribed("live_trades_btcusd", 2, 20);
        assert!(
            tracker
                .connection_lost(1, 25, "request_reconnect")
                .is_empty()
        );
        assert!(tracker.is_collecting("live_trades_btcusd"));
        assert_eq!(tracker.connection_lost(2, 30, "reset").len(), 1);
        assert!(!tracker.is_collecting("live_trades_btcusd"));
    }

    #[test]
    fn an_unsubscription_opens_a_gap_for_that_channel_only() {
        let (mut tracker, _) = GapTracker::start(&[
            (channel("live_trades_btcusd"), None),
            (channel("live_orders_btcusd"), None),
        ]);
        tracker.subscribed("live_trades_btcusd", 1, 10);
        tracker.subscribed("live_orders_btcusd", 1, 10);
        let opened = tracker.unsubscribed("live_trades_btcusd", 1, 20).unwrap();
        assert_eq!((opened.from, opened.to), (20, None));
        assert!(tracker.is_collecting("live_orders_btcusd"));
        assert!(
            tracker.unsubscribed("live_trades_btcusd", 1, 21).is_none(),
            "once"
        );
        let closed = tracker.subscribed("live_trades_btcusd", 2, 30).unwrap();
        assert_eq!((closed.from, closed.to), (20, Some(30)));
    }

    #[test]
    fn stopping_closes_open_gaps_only() {
        let (mut tracker, _) = GapTracker::start(&[
            (channel("live_trades_btcusd"), Some(5)),
            (channel("live_trades_ethusd"), None),
        ]);
        tracker.subscribed("live_trades_ethusd", 1, 10);
        let closed = tracker.stop(50);
        assert_eq!(closed.len(), 1);
        assert_eq!((closed[0].from, closed[0].to), (5, Some(50)));
    }

    #[test]
    fn overlap_is_inclusive_and_open_gaps_last() {
        let gap = Gap {
            channel: "c".into(),
            from: 10,
            to: Some(20),
            reason: "r".into(),
        };
        assert!(gap.overlaps(20, 30) && gap.overlaps(0, 10) && !gap.overlaps(21, 30));
        let open = Gap { to: None, ..gap };
        assert!(open.overlaps(1_000, 2_000) && !open.overlaps(0, 9));
    }
}
