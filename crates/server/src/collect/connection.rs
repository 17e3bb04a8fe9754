//! One WebSocket connection to the exchange: connect, subscribe every channel (one frame each), send the
//! heartbeat every 20 s, and report every frame with its arrival time until the connection ends, is silent for
//! too long, or is told to close. The session decides what the frames mean for the data.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tickscope_core::{Channel, Frame, HEARTBEAT_FRAME, Malformed, parse_frame, subscribe_frame};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::clock::now_us;

/// Larger frames are refused (the connection fails and is made again).
pub const MAX_FRAME_BYTES: usize = 1 << 20;
/// Bitstamp's clients send the heartbeat every 10 to 30 s.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(20);
/// Connecting (TCP, TLS, the WebSocket handshake) takes longer than this only when something is wrong.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a closing connection waits for the exchange's close frame.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
const REPLACED: &str = "replaced by a new connection";

/// What every connection of a session shares.
#[derive(Debug, Clone)]
pub struct ConnectionOptions {
    pub url: String,
    pub channels: Vec<Channel>,
    /// No frame at all (data, heartbeat answers, pings) for this long means the connection is dead.
    pub silence_timeout: Duration,
}

/// What a connection reports, with its number and the arrival time (µs).
#[derive(Debug)]
pub struct Report {
    pub connection: u64,
    pub at: i64,
    pub what: Received,
}

#[derive(Debug)]
pub enum Received {
    /// The handshake succeeded; the subscriptions go next.
    Open,
    Frame(Frame),
    /// A frame the collector cannot use (binary, over 1 MB).
    Skipped(Malformed),
    /// The connection is over; the last frame on it arrived at `last_frame_at`.
    Closed {
        reason: String,
        last_frame_at: Option<i64>,
    },
}

/// A running connection; dropping it (or [`Connection::close`]) ends it.
pub struct Connection {
    close: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Connection {
    pub fn open(
        number: u64,
        options: Arc<ConnectionOptions>,
        reports: mpsc::Sender<Report>,
    ) -> Self {
        let (close, closed) = oneshot::channel();
        let task = tokio::spawn(run(number, options, reports, closed));
        Self {
            close: Some(close),
            task,
        }
    }

    /// Closes the connection with a close frame; it reports `Closed` when done.
    pub fn close(&mut self) {
        if let Some(close) = self.close.take() {
            let _ = close.send(());
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(
    number: u64,
    options: Arc<ConnectionOptions>,
    reports: mpsc::Sender<Report>,
    closed: oneshot::Receiver<()>,
) {
    let reporter = Reporter { number, reports };
    let mut last_frame_at = None;
    let reason = match session(&options, &reporter, &mut last_frame_at, closed).await {
        Ok(reason) | Err(reason) => reason,
    };
    reporter
        .report(Received::Closed {
            reason,
            last_frame_at,
        })
        .await;
}

/// Sends reports to the session; waiting when its queue is full is what slows reading to the pace of writing.
struct Reporter {
    number: u64,
    reports: mpsc::Sender<Report>,
}

impl Reporter {
    async fn report(&self, what: Received) {
        let report = Report {
            connection: self.number,
            at: now_us(),
            what,
        };
        let _ = self.reports.send(report).await;
    }
}

/// Runs the connection; returns why it ended.
async fn session(
    options: &ConnectionOptions,
    reporter: &Reporter,
    last_frame_at: &mut Option<i64>,
    mut closed: oneshot::Receiver<()>,
) -> Result<String, String> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES));
    let connect = tokio_tungstenite::connect_async_with_config(&options.url, Some(config), true);
    let (mut socket, _) = timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| format!("handshake timed out after {} s", CONNECT_TIMEOUT.as_secs()))?
        .map_err(|e| format!("handshake failed: {e}"))?;
    reporter.report(Received::Open).await;
    for channel in &options.channels {
        socket
            .send(Message::text(subscribe_frame(channel)))
            .await
            .map_err(|e| format!("subscribing failed: {e}"))?;
    }
    let mut heartbeat = tokio::time::interval_at(Instant::now() + HEARTBEAT_EVERY, HEARTBEAT_EVERY);
    let mut silent_until = Instant::now() + options.silence_timeout;
    // After our close frame, what the exchange sent before it saw it still arrives, until its close frame.
    let mut closing = false;
    loop {
        tokio::select! {
            _ = &mut closed, if !closing => {
                closing = true;
                silent_until = Instant::now() + CLOSE_TIMEOUT;
                let _ = timeout(CLOSE_TIMEOUT, socket.close(None)).await;
            }
            _ = heartbeat.tick(), if !closing => {
                socket
                    .send(Message::text(HEARTBEAT_FRAME))
                    .await
                    .map_err(|e| format!("sending the heartbeat failed: {e}"))?;
            }
            () = sleep_until(silent_until) => {
                if closing {
                    return Ok(REPLACED.into());
                }
                return Err(format!("silent for {} s", options.silence_timeout.as_secs()));
            }
            message = socket.next() => {
                let Some(message) = message else {
                    return if closing { Ok(REPLACED.into()) } else { Err("connection closed".into()) };
                };
                let message = match message {
                    Ok(message) => message,
                    Err(WsError::Capacity(e)) => {
                        reporter.report(Received::Skipped(Malformed::TooLarge)).await;
                        return Err(format!("refused a frame: {e}"));
                    }
                    Err(_) if closing => return Ok(REPLACED.into()),
                    Err(e) => return Err(format!("connection lost: {e}")),
                };
                *last_frame_at = Some(now_us());
                if !closing {
                    silent_until = Instant::now() + options.silence_timeout;
                }
                match message {
                    Message::Text(text) => reporter.report(Received::Frame(parse_frame(&text))).await,
                    Message::Binary(_) => reporter.report(Received::Skipped(Malformed::Binary)).await,
                    Message::Close(_) if closing => return Ok(REPLACED.into()),
                    Message::Close(frame) => {
                        let why = frame.map_or_else(String::new, |f| format!(" ({} {})", f.code, f.reason));
                        return Err(format!("closed by the exchange{why}"));
                    }
                    // tungstenite answers pings itself.
                    Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
                }
            }
        }
    }
}
