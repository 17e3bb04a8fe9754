//! Faults for tests, per connection, timed in wall-clock seconds from the connection's start: what a
//! collector must survive on the real exchange.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio_tungstenite::tungstenite::{Bytes, Message};

use super::feed::Item;
use super::parse_seconds;
use crate::api::splitmix::SplitMix64;

#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Faults (per connection, seconds from its start)")]
pub struct FaultArgs {
    /// Send `bts:request_reconnect` this long after a connection opens (so once per connection), keep
    /// serving it for --reconnect-grace, then close it with a close frame (1000).
    #[arg(long, value_parser = parse_seconds)]
    pub request_reconnect_every: Option<Duration>,
    /// How long a connection is still served after its `bts:request_reconnect`.
    #[arg(long, default_value = "5", value_parser = parse_seconds)]
    pub reconnect_grace: Duration,
    /// Drop the TCP connection (no close frame) this long after it opens (so once per connection).
    #[arg(long, value_parser = parse_seconds)]
    pub drop_every: Option<Duration>,
    /// Every this many seconds the connection goes silent for --silence-for: it sends nothing, the data of
    /// that time is lost to it, and what the client sends meanwhile is read and answered afterwards.
    #[arg(long, value_parser = parse_seconds)]
    pub silence_every: Option<Duration>,
    /// How long each silence lasts.
    #[arg(long, default_value = "10", value_parser = parse_seconds)]
    pub silence_for: Duration,
    /// The fraction (0 to 1) of data messages followed by a malformed frame: text that is not JSON, a binary
    /// frame, an unknown event, or a message missing `id`, `microtimestamp` or `price`.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub malformed_rate: f64,
}

impl FaultArgs {
    pub fn validate(&self) -> Result<(), String> {
        match self.silence_every {
            Some(every) if self.silence_for >= every => Err(format!(
                "--silence-for {:?} must be shorter than --silence-every {every:?}",
                self.silence_for
            )),
            _ => Ok(()),
        }
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{text}` is not a fraction between 0 and 1")),
    }
}

/// A connection's fault that ends or announces its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    RequestReconnect,
    /// The end of the grace after `RequestReconnect`.
    Close,
    Drop,
}

/// One connection's faults in time.
pub struct Timeline {
    start: Instant,
    /// Soonest last.
    pending: Vec<(Instant, Fault)>,
    silence: Option<(Duration, Duration)>,
}

impl Timeline {
    pub fn new(start: Instant, args: &FaultArgs) -> Self {
        let mut pending = Vec::new();
        if let Some(after) = args.request_reconnect_every {
            pending.push((start + after, Fault::RequestReconnect));
            pending.push((start + after + args.reconnect_grace, Fault::Close));
        }
        if let Some(after) = args.drop_every {
            pending.push((start + after, Fault::Drop));
        }
        pending.sort_by_key(|&(at, _)| std::cmp::Reverse(at));
        Self {
            start,
            pending,
            silence: args.silence_every.map(|every| (every, args.silence_for)),
        }
    }

    /// Whether the connection is silent at `now`: within `[k × every, k × every + for)` for some k ≥ 1.
    pub fn silent(&self, now: Instant) -> bool {
        self.silence.is_some_and(|(every, length)| {
            let (periods, into) = self.periods(now, every);
            periods >= 1 && into < length
        })
    }

    /// The next instant something changes: a fault falls due, or a silence begins or ends.
    pub fn next_change(&self, now: Instant) -> Option<Instant> {
        let fault = self.pending.last().map(|&(at, _)| at);
        let silence = self.silence.map(|(every, length)| {
            let (periods, into) = self.periods(now, every);
            let period_start = now - into;
            if periods >= 1 && into < length {
                period_start + length
            } else {
                period_start + every
            }
        });
        fault.into_iter().chain(silence).min()
    }

    /// The soonest fault due at `now`.
    pub fn take_due(&mut self, now: Instant) -> Option<Fault> {
        match self.pending.last() {
            Some(&(at, fault)) if at <= now => {
                self.pending.pop();
                Some(fault)
            }
            _ => None,
        }
    }

    /// Whole periods of `every` since the start, and the time into the current one.
    fn periods(&self, now: Instant, every: Duration) -> (u128, Duration) {
        let elapsed = now.saturating_duration_since(self.start).as_nanos();
        let every = every.as_nanos();
        let into = u64::try_from(elapsed % every).unwrap_or(u64::MAX);
        (elapsed / every, Duration::from_nanos(into))
    }
}

/// Decides which data messages a malformed frame follows, and makes it; seeded per connection.
pub struct Malformer {
    rate: f64,
    rng: SplitMix64,
}

impl Malformer {
    pub fn new(rate: f64, seed: u64, conn: u64) -> Self {
        Self {
            rate,
            rng: SplitMix64::new(crate::api::splitmix::mix(seed) ^ conn),
        }
    }

    /// The malformed frame to send after `item`, if one is due.
    pub fn after(&mut self, item: &Item, channel: &str) -> Option<Message> {
        if self.rate == 0.0 || self.rng.next_f64() >= self.rate {
            return None;
        }
        let frame = item.frame.as_str();
        Some(match self.rng.next_u64() % 4 {
            // A message cut in half: an object never closed.
            0 => Message::text(&frame[..frame.len() / 2]),
            1 => Message::Binary(Bytes::from(item.frame.clone())),
            2 => Message::text(format!(
                r#"{{"event":"weird","channel":"{channel}","data":{{}}}}"#
            )),
            _ => {
                let field = ["id", "microtimestamp", "price"][(self.rng.next_u64() % 3) as usize];
                let mut message: Value =
                    serde_json::from_str(frame).expect("data frames are JSON objects");
                if let Some(data) = message.get_mut("data").and_then(Value::as_object_mut) {
                    data.shift_remove(field);
                }
                Message::text(message.to_string())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &[&str]) -> FaultArgs {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            faults: FaultArgs,
        }
        let cli: Cli = clap::Parser::parse_from(std::iter::once("sim").chain(line.iter().copied()));
        cli.faults
    }

    #[test]
    fn silences_repeat_from_the_connection_start() {
        let start = Instant::now();
        let timeline = Timeline::new(
            start,
            &args(&["--silence-every", "10", "--silence-for", "3"]),
        );
        let at = |s: f64| start + Duration::from_secs_f64(s);
        assert!(!timeline.silent(at(0.0)) && !timeline.silent(at(9.9)));
        assert!(timeline.silent(at(10.0)) && timeline.silent(at(12.9)));
        assert!(!timeline.silent(at(13.0)) && timeline.silent(at(20.5)));
        assert_eq!(timeline.next_change(at(1.0)), Some(at(10.0)));
        assert_eq!(timeline.next_change(at(11.0)), Some(at(13.0)));
        assert_eq!(timeline.next_change(at(14.0)), Some(at(20.0)));
    }

    #[test]
    fn faults_fall_due_in_time_order() {
        let start = Instant::now();
        let mut timeline = Timeline::new(
            start,
            &args(&[
                "--request-reconnect-every",
                "2",
                "--reconnect-grace",
                "1.5",
                "--drop-every",
                "3",
            ]),
        );
        let at = |s: f64| start + Duration::from_secs_f64(s);
        assert_eq!(timeline.next_change(start), Some(at(2.0)));
        assert_eq!(timeline.take_due(at(1.0)), None);
        assert_eq!(timeline.take_due(at(2.0)), Some(Fault::RequestReconnect));
        assert_eq!(timeline.next_change(at(2.0)), Some(at(3.0)));
        assert_eq!(timeline.take_due(at(9.0)), Some(Fault::Drop));
        assert_eq!(timeline.take_due(at(9.0)), Some(Fault::Close));
        assert_eq!(timeline.take_due(at(9.0)), None);
        assert!(
            args(&["--silence-every", "2", "--silence-for", "2"])
                .validate()
                .is_err()
        );
    }
}
