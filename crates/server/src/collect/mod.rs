//! `tickscope-server collect` (and `serve --collect`): records Bitstamp's live channels into the store, losing
//! nothing that arrives, and recording every interval in which a channel was not collected as a gap.
//!
//! Three parts, one direction:
//!
//! ```text
//! connection (one per WebSocket) ──reports──► session ──items, gaps──► writer ──batches──► store
//!                                                 └────────── status ◄──────┘
//! ```
//!
//! - [`connection`]: connects, subscribes, heartbeats, and reports every frame with its arrival time.
//! - [`session`]: keeps the channels subscribed through reconnects (overlapping ones after
//!   `bts:request_reconnect`), drops repeats by identity, counts what is malformed, finds the gaps.
//! - [`writer`]: batches to the store, holds items while it fails, spools beyond a memory bound.
//!
//! The rules that need no socket or store (frames, gaps, repeats) are in the core.

mod connection;
mod item;
mod log_limit;
mod session;
mod spool;
mod status;
mod writer;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tickscope_core::{Channel, GapTracker};
use tokio::sync::mpsc;

use crate::clock::now_us;
use crate::store::CollectStore;
use connection::ConnectionOptions;
use session::Session;
use spool::Spool;
use status::STATUS_EVERY;
pub use status::Status;
use writer::{Input, Writer, WriterOptions};

/// The collector's options (`collect`, and `serve --collect`).
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Collector (collect, serve --collect)")]
pub struct CollectArgs {
    /// Bitstamp's WebSocket API, or a stand-in such as `tickscope-server exchange-sim`.
    #[arg(
        long,
        env = "TICKSCOPE_COLLECT_URL",
        default_value = "wss://ws.bitstamp.net"
    )]
    pub ws_url: String,
    /// The channels, comma-separated: live_trades_<pair> or live_orders_<pair>.
    #[arg(long, value_delimiter = ',', default_value = "live_trades_btcusd,live_trades_ethusd,live_orders_btcusd,live_orders_ethusd", value_parser = parse_channel)]
    pub channels: Vec<Channel>,
    /// A connection that receives nothing at all for this long (the exchange answers the heartbeat sent every
    /// 20 s, so a quiet market never triggers it) is dropped and made again.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub silence_timeout: u64,
    /// Where items go while the store fails and the memory bound is reached (default: `<--db>.spool`).
    #[arg(long, value_name = "DIR")]
    pub spool: Option<PathBuf>,
    /// Memory for items while the store fails, in MB, before they go to the spool.
    #[arg(long, value_name = "MB", default_value_t = 256.0, value_parser = megabytes)]
    pub buffer_mb: f64,
}

fn parse_channel(name: &str) -> Result<Channel, String> {
    Channel::parse(name)
        .map_err(|_| format!("`{name}` is not live_trades_<pair> or live_orders_<pair> (lowercase, e.g. live_trades_btcusd)"))
}

fn megabytes(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(mb) if mb >= 0.0 && mb.is_finite() => Ok(mb),
        _ => Err(format!("`{text}` is not a size in MB, e.g. 256")),
    }
}

impl CollectArgs {
    /// The spool directory: `--spool`, else next to the SQLite file.
    pub fn spool_dir(&self, db: &Path) -> PathBuf {
        self.spool.clone().unwrap_or_else(|| {
            let mut dir = db.as_os_str().to_owned();
            dir.push(".spool");
            PathBuf::from(dir)
        })
    }
}

/// Collects into `store` until `stop` completes, then writes everything received (or spools it, if the store
/// does not answer) and closes the open gaps. `status` is kept up to date for `GET /prod/collector`.
pub async fn collect<S: CollectStore>(
    store: S,
    args: CollectArgs,
    spool_dir: PathBuf,
    status: Status,
    stop: impl Future<Output = ()>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut channels = args.channels.clone();
    let mut seen = std::collections::HashSet::new();
    channels.retain(|c| seen.insert(c.name().to_owned()));
    let spool = Spool::open(&spool_dir)
        .map_err(|e| format!("cannot read the spool in {}: {e}", spool_dir.display()))?;
    let mut held = Vec::new();
    for channel in &channels {
        let stored = store
            .newest(channel)
            .await
            .map_err(|e| format!("cannot read the store before collecting: {e}"))?;
        // What an earlier run spooled is held too: it is written before anything new.
        let newest = stored.max(spool.newest(channel.name()));
        held.push((channel.clone(), newest));
        status.channel(channel.name(), |_| ());
    }
    let (tracker, opened) = GapTracker::start(&held);
    let (out, input) = mpsc::channel(writer::INPUT_QUEUE);
    let options = WriterOptions {
        memory_bytes: (args.buffer_mb * (1u64 << 20) as f64) as usize,
        spool,
    };
    let writer = tokio::spawn(Writer::new(store, options, status.clone()).run(input));
    status.update(|c| c.gaps += opened.len() as u64);
    for gap in opened {
        let _ = out.send(Input::Gap(gap)).await;
    }
    let reporter = tokio::spawn(report_every(status.clone(), STATUS_EVERY));
    let options = ConnectionOptions {
        url: args.ws_url.clone(),
        channels,
        silence_timeout: Duration::from_secs(args.silence_timeout),
    };
    tracing::info!(url = %options.url, channels = options.channels.len(), "collecting");
    let (session, reports) = Session::new(options, tracker, out, status.clone());
    session.run(reports, stop).await;
    tracing::info!("stopping: writing everything received");
    let written = writer
        .await
        .map_err(|e| format!("the writer failed: {e}"))?;
    reporter.abort();
    eprintln!("{}", status.line(now_us(), STATUS_EVERY));
    Ok(written?)
}

async fn report_every(status: Status, every: Duration) {
    let mut last = Instant::now();
    loop {
        tokio::time::sleep(every).await;
        eprintln!("{}", status.line(now_us(), last.elapsed()));
        last = Instant::now();
    }
}
