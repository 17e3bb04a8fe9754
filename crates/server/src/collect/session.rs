//! The session: keeps the channels subscribed through connections that come and go, and turns what they
//! receive into items and gap records for the writer.
//!
//! - `bts:request_reconnect`: a new connection is opened and subscribed while the old one keeps receiving; the old
//!   one is closed once the new one has acknowledged every channel the old one had. Items both receive are
//!   passed on once ([`RecentKeys`]).
//! - A lost connection: when no connection is left, a new one is opened after a backoff with full jitter (0.5 s
//!   doubling to 30 s), which starts over once a connection has every channel acknowledged.
//! - Gaps: [`GapTracker`] says when a channel stops and starts being collected.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tickscope_core::{Backoff, Frame, Gap, GapTracker, RecentKeys};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::connection::{Connection, ConnectionOptions, Received, Report};
use super::item;
use super::log_limit::LogLimit;
use super::status::Status;
use super::writer::Input;
use crate::clock::{now_us, random_unit};

const RECONNECT: Backoff = Backoff {
    base_ms: 500,
    cap_ms: 30_000,
    max_retries: u32::MAX,
};

/// Reports waiting for the session; a full queue makes the connections wait, and so read no faster than the
/// session and the writer take them (when the store fails, the writer takes everything: see `writer`).
const REPORTS_QUEUE: usize = 4096;

/// Items repeated within this time of the newest are dropped (an overlap lasts seconds).
const REPEAT_WINDOW_US: i64 = 120_000_000;

struct Open {
    connection: Connection,
    /// Channels acknowledged on it.
    acked: BTreeSet<String>,
    /// The connection this one replaces after a `bts:request_reconnect`.
    replaces: Option<u64>,
    /// Being closed, replaced: its own reconnect requests are answered already.
    closing: bool,
    opened: Instant,
}

pub struct Session {
    options: Arc<ConnectionOptions>,
    tracker: GapTracker,
    recent: RecentKeys,
    open: BTreeMap<u64, Open>,
    next_number: u64,
    /// Failed attempts in a row, for the backoff.
    attempt: u32,
    reconnect_at: Option<Instant>,
    reports: mpsc::Sender<Report>,
    out: mpsc::Sender<Input>,
    status: Status,
    log: LogLimit,
    /// The writer stopped (it failed): reading on would lose what is read.
    writer_gone: bool,
}

impl Session {
    /// `tracker` knows what the store holds; its opening gaps are already sent.
    pub fn new(
        options: ConnectionOptions,
        tracker: GapTracker,
        out: mpsc::Sender<Input>,
        status: Status,
    ) -> (Self, mpsc::Receiver<Report>) {
        let (reports, received) = mpsc::channel(REPORTS_QUEUE);
        let session = Self {
            options: Arc::new(options),
            tracker,
            recent: RecentKeys::new(REPEAT_WINDOW_US),
            open: BTreeMap::new(),
            next_number: 1,
            attempt: 0,
            reconnect_at: None,
            reports,
            out,
            status,
            log: LogLimit::default(),
            writer_gone: false,
        };
        (session, received)
    }

    /// Collects until `stop` completes, then closes every connection and the open gaps.
    pub async fn run(
        mut self,
        mut received: mpsc::Receiver<Report>,
        stop: impl Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        self.connect(None);
        while !self.writer_gone {
            let reconnect_at = self.reconnect_at;
            tokio::select! {
                () = &mut stop => break,
                Some(report) = received.recv() => self.handle(report).await,
                () = sleep_until(reconnect_at.unwrap_or_else(far_future)), if reconnect_at.is_some() => {
                    self.reconnect_at = None;
                    self.connect(None);
                }
            }
        }
        // Stop reading: the connections go, and what they had reported is still handled.
        self.open.clear();
        received.close();
        while let Ok(report) = received.try_recv() {
            if let Received::Frame(frame) = report.what {
                self.frame(report.connection, report.at, frame).await;
            }
        }
        for gap in self.tracker.stop(now_us()) {
            self.send_gap(gap, false).await;
        }
    }

    /// Opens a connection to replace `number` once it has every channel, unless one is on its way or `number` is
    /// being closed already.
    fn replace(&mut self, number: u64) {
        let replacing = self.open.values().any(|o| o.replaces == Some(number));
        let closing = self.open.get(&number).is_none_or(|o| o.closing);
        if !replacing && !closing {
            self.connect(Some(number));
        }
    }

    fn connect(&mut self, replaces: Option<u64>) {
        let number = self.next_number;
        self.next_number += 1;
        if number > 1 {
            self.status.update(|c| c.reconnects += 1);
        }
        let connection = Connection::open(number, self.options.clone(), self.reports.clone());
        self.open.insert(
            number,
            Open {
                connection,
                acked: BTreeSet::new(),
                replaces,
                closing: false,
                opened: Instant::now(),
            },
        );
    }

    async fn handle(&mut self, report: Report) {
        let number = report.connection;
        match report.what {
            Received::Open => {
                tracing::info!(connection = number, url = %self.options.url, "connected");
                self.update_connection_status();
            }
            Received::Frame(frame) => self.frame(number, report.at, frame).await,
            Received::Skipped(kind) => self.malformed(kind.name(), ""),
            Received::Closed {
                reason,
                last_frame_at,
            } => {
                self.closed(number, &reason, last_frame_at.unwrap_or(report.at))
                    .await
            }
        }
    }

    async fn frame(&mut self, number: u64, at: i64, frame: Frame) {
        match frame {
            Frame::Data(message) => {
                let arrived = at;
                self.status.channel(message.channel.name(), |c| {
                    c.messages += 1;
                    c.newest = Some(c.newest.map_or(message.micros, |n| n.max(message.micros)));
                });
                if !self.recent.insert(message.id, message.micros) {
                    return;
                }
                match item::record(message) {
                    Ok(record) => {
                        self.status.update(|c| c.buffered += 1);
                        self.writer_gone |=
                            self.out.send(Input::Item(record, arrived)).await.is_err();
                    }
                    Err(why) => self.malformed("bad_item", &why),
                }
            }
            Frame::Subscribed { channel } => self.subscribed(number, at, channel).await,
            Frame::Unsubscribed { channel } => self.unsubscribed(number, at, channel).await,
            Frame::RequestReconnect => {
                tracing::info!(
                    connection = number,
                    "the exchange asks to reconnect: opening a new connection first"
                );
                self.replace(number);
            }
            Frame::Error { channel, message } => {
                self.malformed("bts_error", &format!("{channel}: {message}"));
            }
            Frame::Heartbeat => {}
            Frame::Malformed(kind) => self.malformed(kind.name(), ""),
        }
    }

    async fn subscribed(&mut self, number: u64, at: i64, channel: String) {
        let Some(open) = self.open.get_mut(&number) else {
            return;
        };
        if !self.options.channels.iter().any(|c| c.name() == channel) {
            return;
        }
        open.acked.insert(channel.clone());
        let all = open.acked.len() == self.options.channels.len();
        let replaces = open.replaces;
        if let Some(gap) = self.tracker.subscribed(&channel, number, at) {
            self.send_gap(gap, false).await;
        }
        self.show_subscribed();
        if all {
            self.attempt = 0;
        }
        // The old connection goes once the new one has every channel the old one had.
        if let Some(old) = replaces {
            let new = &self.open[&number].acked;
            if self.open.get(&old).is_none_or(|o| o.acked.is_subset(new)) {
                if let Some(old) = self.open.get_mut(&old) {
                    old.connection.close();
                    old.closing = true;
                }
                self.open.get_mut(&number).expect("open").replaces = None;
            }
        }
    }

    /// The exchange ended a subscription: a new connection subscribes everything again, as after a reconnect
    /// request, and the channel's gap lasts until then.
    async fn unsubscribed(&mut self, number: u64, at: i64, channel: String) {
        tracing::warn!(
            connection = number,
            channel,
            "unsubscribed by the exchange: subscribing again"
        );
        if let Some(open) = self.open.get_mut(&number) {
            open.acked.remove(&channel);
        }
        if let Some(gap) = self.tracker.unsubscribed(&channel, number, at) {
            self.send_gap(gap, true).await;
        }
        self.show_subscribed();
        self.replace(number);
    }

    async fn closed(&mut self, number: u64, reason: &str, last_frame_at: i64) {
        let Some(closed) = self.open.remove(&number) else {
            return;
        };
        tracing::warn!(connection = number, reason, "connection ended");
        for gap in self.tracker.connection_lost(number, last_frame_at, reason) {
            self.send_gap(gap, true).await;
        }
        self.show_subscribed();
        // A replacement that failed is tried again while the old connection lasts.
        let replacement_failed = closed.replaces.is_some();
        if (self.open.is_empty() || replacement_failed) && self.reconnect_at.is_none() {
            let delay = RECONNECT
                .delay_ms(self.attempt, random_unit())
                .unwrap_or(RECONNECT.cap_ms);
            self.attempt = self.attempt.saturating_add(1);
            tracing::info!(delay_ms = delay, "reconnecting");
            self.reconnect_at = Some(Instant::now() + Duration::from_millis(delay.into()));
        }
        self.update_connection_status();
    }

    /// The status's `subscribed` of every channel, as the tracker has it.
    fn show_subscribed(&self) {
        for channel in &self.options.channels {
            let collecting = self.tracker.is_collecting(channel.name());
            self.status
                .channel(channel.name(), |c| c.subscribed = collecting);
        }
    }

    fn update_connection_status(&self) {
        let since = self.open.values().map(|o| o.opened.into_std()).min();
        let count = self.open.len();
        self.status.update(|c| {
            c.connected_since = since;
            c.connections_open = count;
        });
    }

    async fn send_gap(&mut self, gap: Gap, opens: bool) {
        if opens {
            self.status.update(|c| c.gaps += 1);
            tracing::warn!(
                channel = gap.channel,
                from = gap.from,
                reason = gap.reason,
                "gap opens"
            );
        } else if let Some(to) = gap.to {
            tracing::info!(
                channel = gap.channel,
                seconds = (to - gap.from) as f64 / 1e6,
                "gap closed"
            );
        }
        self.writer_gone |= self.out.send(Input::Gap(gap)).await.is_err();
    }

    fn malformed(&mut self, kind: &'static str, detail: &str) {
        let count = self.status.update(|c| {
            let n = c.malformed.entry(kind).or_default();
            *n += 1;
            *n
        });
        if self.log.allows(kind) {
            tracing::warn!(
                kind,
                count,
                detail,
                "skipped a frame (logged once a minute per kind)"
            );
        }
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}
