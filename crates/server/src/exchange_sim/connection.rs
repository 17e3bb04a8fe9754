//! One client's connection: its subscriptions, heartbeats, the server's pings, the frame size limit and its
//! faults. One task reads and writes, so an acknowledgement always goes out before its channel's data.

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Bytes, Message, Utf8Bytes};

use super::faults::{Fault, FaultArgs, Malformer, Timeline};
use super::feed::{Batch, Feed, Subscription};
use super::frames::{self, HEARTBEAT_REPLY, REQUEST_RECONNECT, SUBSCRIBED, UNSUBSCRIBED};
use super::requests::{self, Request};
use super::sent_log::{self, SentLog};

/// Bitstamp closes a connection whose client sends a frame over 512 bytes (code 1009).
const MAX_CLIENT_FRAME: usize = 512;
/// What tungstenite reads at all before failing the connection: bigger frames are not worth reading to
/// refuse them.
const MAX_READ: usize = 64 << 10;
/// Bitstamp's limit; the next subscription closes the socket without a word.
const MAX_SUBSCRIPTIONS: usize = 1024;
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection waits for the client's close frame.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Batches written before one flush when the feed runs ahead of the socket.
const BATCHES_PER_FLUSH: usize = 16;

/// What every connection shares.
pub struct Settings {
    pub feed: Feed,
    pub seed: u64,
    pub ping_every: Duration,
    pub faults: FaultArgs,
    pub sent_log: Option<Arc<SentLog>>,
}

/// Why a connection ended.
enum End {
    ClientClosed,
    RequestedReconnect,
    DroppedByFault,
    FrameTooBig,
    TooManySubscriptions,
    FellBehind,
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ClientClosed => "closed by the client",
            Self::RequestedReconnect => "closed after bts:request_reconnect",
            Self::DroppedByFault => "dropped (--drop-every)",
            Self::FrameTooBig => "closed: a client frame over 512 bytes",
            Self::TooManySubscriptions => "dropped: over 1024 subscriptions",
            Self::FellBehind => "dropped: fell behind the market",
        })
    }
}

pub async fn serve(conn: u64, peer: SocketAddr, tcp: TcpStream, settings: Arc<Settings>) {
    // Paced messages go out one by one: do not hold them back for Nagle.
    let _ = tcp.set_nodelay(true);
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_READ))
        .max_frame_size(Some(MAX_READ));
    let handshake = tokio_tungstenite::accept_async_with_config(tcp, Some(config));
    let ws = match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(e)) => return tracing::info!(conn, %peer, "WebSocket handshake failed: {e}"),
        Err(_) => return tracing::info!(conn, %peer, "WebSocket handshake timed out"),
    };
    tracing::info!(conn, %peer, "connected");
    // Joined only now: at `--speed max` the feed waits for every connection that joined.
    let feed = settings.feed.join(conn);
    let malformer = Malformer::new(settings.faults.malformed_rate, settings.seed, conn);
    let mut connection = Connection {
        conn,
        ws,
        feed,
        settings,
        fed: 0,
        subscribed: HashSet::new(),
        malformer,
        log_lines: Vec::new(),
    };
    match connection.run().await {
        Ok(end) => tracing::info!(conn, %peer, "disconnected: {end}"),
        Err(e) => tracing::info!(conn, %peer, "disconnected: {e}"),
    }
}

struct Connection {
    conn: u64,
    ws: WebSocketStream<TcpStream>,
    feed: Subscription,
    settings: Arc<Settings>,
    /// The feed's channels subscribed, as bits of their indices.
    fed: u64,
    /// Every channel subscribed, fed or silent.
    subscribed: HashSet<String>,
    malformer: Malformer,
    /// Sent-log lines of the messages not yet flushed to the socket.
    log_lines: Vec<u8>,
}

impl Connection {
    async fn run(&mut self) -> Result<End, tungstenite::Error> {
        let start = Instant::now();
        let mut faults = Timeline::new(start.into_std(), &self.settings.faults);
        let every = self.settings.ping_every;
        let mut ping = tokio::time::interval_at(start + every, every);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let now = std::time::Instant::now();
            // Silent, the connection neither reads nor writes; its share of the feed is thrown away.
            let silent = faults.silent(now);
            let change = faults.next_change(now);
            tokio::select! {
                biased;
                () = tokio::time::sleep_until(change.unwrap_or(now).into()), if change.is_some() => {
                    match faults.take_due(std::time::Instant::now()) {
                        Some(Fault::RequestReconnect) => {
                            let request = Utf8Bytes::from_static(REQUEST_RECONNECT);
                            self.ws.send(Message::Text(request)).await?;
                        }
                        Some(Fault::Close) => {
                            self.close(CloseCode::Normal, "Reconnect requested").await?;
                            return Ok(End::RequestedReconnect);
                        }
                        // Returning drops the socket: the client sees the TCP connection end, no close frame.
                        Some(Fault::Drop) => return Ok(End::DroppedByFault),
                        // A silence began or ended.
                        None => {}
                    }
                }
                message = self.ws.next(), if !silent => match message {
                    None => return Ok(End::ClientClosed),
                    Some(message) => {
                        if let Some(end) = self.on_message(message?).await? {
                            return Ok(end);
                        }
                    }
                },
                batch = self.feed.batches.recv() => match batch {
                    None => return Ok(End::FellBehind),
                    Some(_) if silent => {}
                    Some(batch) => self.send(batch).await?,
                },
                _ = ping.tick(), if !silent => self.ws.send(Message::Ping(Bytes::new())).await?,
            }
        }
    }

    async fn on_message(&mut self, message: Message) -> Result<Option<End>, tungstenite::Error> {
        let frame: &[u8] = match &message {
            Message::Text(text) => text.as_bytes(),
            Message::Binary(bytes) => bytes,
            // tungstenite answers pings and close frames itself.
            _ => return Ok(None),
        };
        if frame.len() > MAX_CLIENT_FRAME {
            self.close(CloseCode::Size, "Message too big").await?;
            return Ok(Some(End::FrameTooBig));
        }
        let reply: Utf8Bytes = match requests::parse(frame) {
            Ok(Request::Heartbeat) => Utf8Bytes::from_static(HEARTBEAT_REPLY),
            Ok(Request::Subscribe(channel)) => {
                if !self.subscribed.contains(&channel) && self.subscribed.len() == MAX_SUBSCRIPTIONS
                {
                    return Ok(Some(End::TooManySubscriptions));
                }
                let reply = frames::acknowledgement(SUBSCRIBED, &channel);
                self.fed |= self.feed_bit(&channel);
                self.subscribed.insert(channel);
                reply.into()
            }
            Ok(Request::Unsubscribe(channel)) => {
                self.fed &= !self.feed_bit(&channel);
                self.subscribed.remove(&channel);
                frames::acknowledgement(UNSUBSCRIBED, &channel).into()
            }
            Err(refusal) => frames::error(refusal.channel(), refusal.message()).into(),
        };
        // The reply is written before the loop takes the next batch: data follows the acknowledgement.
        self.ws.send(Message::Text(reply)).await?;
        Ok(None)
    }

    fn feed_bit(&self, channel: &str) -> u64 {
        self.feed
            .channels
            .iter()
            .position(|c| *c == channel)
            .map_or(0, |index| 1 << index)
    }

    /// Writes the subscribed items of `batch`, and of the batches already waiting, then flushes once.
    async fn send(&mut self, batch: Batch) -> Result<(), tungstenite::Error> {
        let mut batch = batch;
        let mut batches = 1;
        let mut wrote = false;
        loop {
            for item in batch.iter() {
                if self.fed & (1 << item.channel) == 0 {
                    continue;
                }
                let channel = self.feed.channels[item.channel];
                self.ws.feed(Message::Text(item.frame.clone())).await?;
                if let Some(malformed) = self.malformer.after(item, channel) {
                    self.ws.feed(malformed).await?;
                }
                if self.settings.sent_log.is_some() {
                    sent_log::line(&mut self.log_lines, self.conn, channel, item);
                }
                wrote = true;
            }
            if batches == BATCHES_PER_FLUSH {
                break;
            }
            match self.feed.batches.try_recv() {
                Ok(next) => batch = next,
                Err(_) => break,
            }
            batches += 1;
        }
        if wrote {
            self.ws.flush().await?;
            if let Some(log) = &self.settings.sent_log {
                log.append(&self.log_lines);
                self.log_lines.clear();
            }
        }
        Ok(())
    }

    /// Sends a close frame and waits a little for the client's.
    async fn close(
        &mut self,
        code: CloseCode,
        reason: &'static str,
    ) -> Result<(), tungstenite::Error> {
        // The feed need not wait for a closing connection.
        self.feed.batches.close();
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        self.ws.close(Some(frame)).await?;
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
        Ok(())
    }
}
