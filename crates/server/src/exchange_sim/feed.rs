//! The market as every connection sees it: the demo model run from the simulator's start, each item handed to
//! every connection at its model time (model time = start + elapsed wall-clock time × speed), or, at
//! `--speed max`, as soon as every connection has room for it.
//!
//! One thread runs the model and writes each item's message text once; a task paces the items and hands the
//! same batches (shared, not copied) to every connection's queue.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::frames;
use crate::demo::{self, DEMO_CHANNELS, DemoConfig};

/// Items per batch: few enough to keep pacing exact, enough to make the queues' cost per item small.
const BATCH_ITEMS: usize = 256;
/// Batches the model may run ahead of the pacing.
const GENERATED_AHEAD: usize = 64;
/// A connection's queue, in batches. Paced, batches are mostly single items: a connection whose queue is full
/// has not taken its data for minutes (seconds at high speeds) and is dropped, as an exchange drops a consumer
/// that cannot keep up. At `max` the feed waits for it instead, so a short queue is enough.
const PACED_QUEUE: usize = 8192;
const MAX_QUEUE: usize = 16;

/// How fast model time runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// Model seconds per wall-clock second.
    Times(f64),
    /// As fast as the slowest connection takes the data.
    Max,
}

impl Speed {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "max" {
            return Ok(Self::Max);
        }
        match text.parse::<f64>() {
            Ok(speed) if speed > 0.0 && speed.is_finite() => Ok(Self::Times(speed)),
            _ => Err(format!("`{text}` is neither a positive number nor `max`")),
        }
    }
}

impl fmt::Display for Speed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Times(speed) => write!(f, "{speed}"),
            Self::Max => f.write_str("max"),
        }
    }
}

/// One item as connections send it.
#[derive(Debug)]
pub struct Item {
    /// Index into [`Subscription::channels`].
    pub channel: usize,
    /// The whole message, written once for every connection.
    pub frame: Utf8Bytes,
    pub id: i64,
    pub micros: i64,
    pub event: &'static str,
}

/// Items in time order, shared by every connection.
pub type Batch = Arc<Vec<Item>>;

/// What a connection receives: the feed's batches and the names of the channels that carry data.
pub struct Subscription {
    pub batches: mpsc::Receiver<Batch>,
    pub channels: Arc<[&'static str]>,
}

struct Join {
    conn: u64,
    queue: mpsc::Sender<Batch>,
}

/// The running feed; connections join it.
pub struct Feed {
    joins: mpsc::UnboundedSender<Join>,
    channels: Arc<[&'static str]>,
    queue: usize,
}

impl Feed {
    /// Starts the model at the current time, keeping the channels of `pairs`.
    pub fn start(seed: u64, speed: Speed, pairs: &[String]) -> std::io::Result<Self> {
        let channels: Arc<[&'static str]> = DEMO_CHANNELS
            .into_iter()
            .filter(|channel| pairs.iter().any(|pair| pair_of(channel) == pair))
            .collect();
        for pair in pairs {
            if !channels.iter().any(|channel| pair_of(channel) == pair) {
                tracing::warn!("{pair} is not simulated: its channels are acknowledged and silent");
            }
        }
        let start = Instant::now();
        let start_us = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(std::io::Error::other)?
            .as_micros() as i64;
        let config = DemoConfig {
            seed,
            from_us: start_us,
            // Never reached: the model runs until the process ends.
            to_us: i64::MAX / 4,
        };
        let (batches_tx, batches) = mpsc::channel(GENERATED_AHEAD);
        let model_channels = Arc::clone(&channels);
        let paced = speed != Speed::Max;
        std::thread::Builder::new()
            .name("exchange-sim-model".into())
            .spawn(move || run_model(&config, &model_channels, paced, batches_tx))?;
        let (joins, joins_rx) = mpsc::unbounded_channel();
        let clock = match speed {
            Speed::Times(speed) => Some(Clock {
                start,
                start_us,
                speed,
            }),
            Speed::Max => None,
        };
        tokio::spawn(distribute(batches, joins_rx, clock));
        Ok(Self {
            joins,
            channels,
            queue: if paced { PACED_QUEUE } else { MAX_QUEUE },
        })
    }

    /// A new connection's share of the feed, from the next batch on.
    pub fn join(&self, conn: u64) -> Subscription {
        let (queue, batches) = mpsc::channel(self.queue);
        // The distributor runs as long as the runtime does.
        let _ = self.joins.send(Join { conn, queue });
        Subscription {
            batches,
            channels: Arc::clone(&self.channels),
        }
    }
}

/// `btcusd` of `live_trades_btcusd`.
fn pair_of(channel: &str) -> &str {
    channel.rsplit_once('_').map_or(channel, |(_, pair)| pair)
}

/// Runs the model on its own thread, writing the messages and batching them; paced batches hold one
/// millisecond's items, so that each batch has one due time.
fn run_model(
    config: &DemoConfig,
    channels: &[&'static str],
    paced: bool,
    batches: mpsc::Sender<Batch>,
) {
    if channels.is_empty() {
        // No simulated pair: every channel is silent, and the model would run for nothing. Keeping
        // `batches` open keeps the connections' feeds open.
        wait_for_exit();
    }
    let mut batch = Vec::with_capacity(BATCH_ITEMS);
    demo::generate(config, |record| {
        let Some(channel) = channels.iter().position(|c| *c == record.key.channel) else {
            return;
        };
        let micros = record.key.nmicrotimestamp;
        if batch.len() == BATCH_ITEMS
            || (paced
                && batch
                    .first()
                    .is_some_and(|first: &Item| first.micros != micros))
        {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ITEMS));
            if batches.blocking_send(Arc::new(full)).is_err() {
                // The runtime is gone and `generate` cannot be stopped.
                wait_for_exit();
            }
        }
        let (frame, event) = frames::data_frame(&record.json)
            .expect("demo items end with channel, nmicrotimestamp and event");
        batch.push(Item {
            channel,
            frame: frame.into(),
            id: record.key.id,
            micros,
            event,
        });
    });
}

/// Parks the model's thread until the process ends.
fn wait_for_exit() -> ! {
    loop {
        std::thread::park();
    }
}

/// Maps model time to wall-clock time.
struct Clock {
    start: Instant,
    start_us: i64,
    speed: f64,
}

impl Clock {
    fn due(&self, micros: i64) -> Instant {
        let model_seconds = (micros - self.start_us) as f64 / 1e6;
        self.start + Duration::from_secs_f64(model_seconds.max(0.0) / self.speed)
    }
}

/// Hands every batch to every connection: paced by `clock`, or without one as fast as the slowest
/// connection takes them.
async fn distribute(
    mut batches: mpsc::Receiver<Batch>,
    mut joins: mpsc::UnboundedReceiver<Join>,
    clock: Option<Clock>,
) {
    let mut connections: Vec<Join> = Vec::new();
    while let Some(batch) = batches.recv().await {
        if let Some(clock) = &clock {
            let due = clock.due(batch[0].micros);
            // At high speeds most batches are already due: skip the timer.
            if due > Instant::now() {
                tokio::time::sleep_until(due.into()).await;
            }
        }
        while let Ok(join) = joins.try_recv() {
            connections.push(join);
        }
        match clock {
            Some(_) => connections.retain(|c| match c.queue.try_send(Arc::clone(&batch)) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    tracing::warn!(
                        conn = c.conn,
                        "the connection fell behind the market: dropping it"
                    );
                    false
                }
                Err(TrySendError::Closed(_)) => false,
            }),
            None => {
                // Unpaced, model time stands still while nobody is connected.
                if connections.is_empty() {
                    match joins.recv().await {
                        Some(join) => connections.push(join),
                        None => return,
                    }
                }
                let mut i = 0;
                while i < connections.len() {
                    if connections[i].queue.send(Arc::clone(&batch)).await.is_ok() {
                        i += 1;
                    } else {
                        connections.swap_remove(i);
                    }
                }
            }
        }
    }
}
