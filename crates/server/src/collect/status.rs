//! What the collector is doing, for its status line (every 10 s on stderr) and `GET /prod/collector`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How often the status line is printed.
pub const STATUS_EVERY: Duration = Duration::from_secs(10);

/// Shared by the session (receiving), the writer and the readers of the status.
#[derive(Clone, Default)]
pub struct Status(Arc<Mutex<Counts>>);

#[derive(Debug, Default)]
pub struct Counts {
    pub channels: BTreeMap<String, ChannelCounts>,
    /// When the oldest connection that is still open was opened.
    pub connected_since: Option<Instant>,
    pub connections_open: usize,
    pub reconnects: u64,
    pub gaps: u64,
    /// Skipped frames by kind (`Malformed::name`, and `bts_error`).
    pub malformed: BTreeMap<&'static str, u64>,
    /// Items received and not yet written: in memory, and in the spool file.
    pub buffered: u64,
    pub spooled: u64,
    /// The store's last failure while it lasts.
    pub store_error: Option<String>,
    /// From a frame's arrival to its item's durable write.
    pub write_delays: Delays,
}

/// The latest delays (µs), for their percentiles.
#[derive(Debug, Default)]
pub struct Delays {
    latest: Vec<i64>,
    next: usize,
}

/// Delays kept for the percentiles: the last few seconds at 10,000 messages/s.
const DELAYS_KEPT: usize = 20_000;

impl Delays {
    pub fn record(&mut self, delay_us: i64) {
        if self.latest.len() < DELAYS_KEPT {
            self.latest.push(delay_us);
        } else {
            self.latest[self.next] = delay_us;
        }
        self.next = (self.next + 1) % DELAYS_KEPT;
    }

    /// The `q` quantile (0..=1) in ms, of the delays kept.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        let mut sorted = self.latest.clone();
        sorted.sort_unstable();
        let last = sorted.len().checked_sub(1)?;
        Some(sorted[(q * last as f64).round() as usize] as f64 / 1e3)
    }
}

#[derive(Debug, Default, Clone)]
pub struct ChannelCounts {
    pub subscribed: bool,
    pub messages: u64,
    pub written: u64,
    /// The newest item's `nmicrotimestamp`.
    pub newest: Option<i64>,
    /// `messages` at the previous status line, for the rate.
    messages_before: u64,
}

impl Status {
    pub fn update<T>(&self, f: impl FnOnce(&mut Counts) -> T) -> T {
        f(&mut self.0.lock().expect("status lock"))
    }

    pub fn channel<T>(&self, channel: &str, f: impl FnOnce(&mut ChannelCounts) -> T) -> T {
        self.update(|counts| f(counts.channels.entry(channel.to_owned()).or_default()))
    }

    /// The status as JSON, with ages relative to `now_us`.
    pub fn json(&self, now_us: i64) -> Value {
        self.update(|c| {
            let channels: BTreeMap<_, _> = c
                .channels
                .iter()
                .map(|(name, ch)| {
                    let age = ch.newest.map(|newest| (now_us - newest) as f64 / 1e6);
                    let counts = json!({
                        "subscribed": ch.subscribed,
                        "messages": ch.messages,
                        "written": ch.written,
                        "newest": ch.newest,
                        "newest_age_s": age,
                    });
                    (name.clone(), counts)
                })
                .collect();
            json!({
                "channels": channels,
                "connections": c.connections_open,
                "uptime_s": c.connected_since.map(|t| t.elapsed().as_secs_f64()),
                "reconnects": c.reconnects,
                "gaps": c.gaps,
                "malformed": c.malformed,
                "buffered": c.buffered,
                "spooled": c.spooled,
                "store_error": c.store_error,
                "write_delay_ms": {
                    "p50": c.write_delays.quantile_ms(0.5),
                    "p99": c.write_delays.quantile_ms(0.99),
                },
            })
        })
    }

    /// One line for people; the message rates are since the previous line, `elapsed` ago.
    pub fn line(&self, now_us: i64, elapsed: Duration) -> String {
        self.update(|c| {
            let seconds = elapsed.as_secs_f64().max(1e-3);
            let mut parts: Vec<String> = c
                .channels
                .iter_mut()
                .map(|(name, ch)| {
                    let rate = (ch.messages - ch.messages_before) as f64 / seconds;
                    ch.messages_before = ch.messages;
                    let age = ch.newest.map_or("none".to_owned(), |newest| {
                        format!("{:.1} s ago", (now_us - newest) as f64 / 1e6)
                    });
                    let state = if ch.subscribed { "" } else { " (not subscribed)" };
                    format!(
                        "{name}{state} {rate:.1} msg/s, {} written, newest {age}",
                        ch.written
                    )
                })
                .collect();
            let uptime = c.connected_since.map_or("down".to_owned(), |t| {
                format!("up {}", duration_text(t.elapsed()))
            });
            let malformed: Vec<_> = c
                .malformed
                .iter()
                .map(|(kind, n)| format!("{kind}={n}"))
                .collect();
            let malformed = if malformed.is_empty() {
                "0".to_owned()
            } else {
                malformed.join(" ")
            };
            parts.push(format!(
                "connection {uptime}, {} reconnects, {} gaps, malformed {malformed}, buffered {}, spooled {}",
                c.reconnects, c.gaps, c.buffered, c.spooled
            ));
            if let (Some(p50), Some(p99)) = (c.write_delays.quantile_ms(0.5), c.write_delays.quantile_ms(0.99)) {
                parts.push(format!("write delay p50 {p50:.0} ms, p99 {p99:.0} ms"));
            }
            if let Some(error) = &c.store_error {
                parts.push(format!("store failing: {error}"));
            }
            format!("collect: {}", parts.join(" | "))
        })
    }
}

fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_reports_rates_since_the_last_line() {
        let status = Status::default();
        status.channel("live_trades_btcusd", |c| {
            c.subscribed = true;
            c.messages = 50;
            c.written = 49;
            c.newest = Some(1_000_000);
        });
        status.update(|c| *c.malformed.entry("not_json").or_default() += 2);
        let line = status.line(3_500_000, Duration::from_secs(10));
        assert!(
            line.contains("live_trades_btcusd 5.0 msg/s, 49 written, newest 2.5 s ago"),
            "{line}"
        );
        assert!(line.contains("malformed not_json=2"), "{line}");
        let again = status.line(3_500_000, Duration::from_secs(10));
        assert!(again.contains("0.0 msg/s"), "{again}");
        assert_eq!(
            status.json(3_500_000)["channels"]["live_trades_btcusd"]["written"],
            49
        );
    }
}
