//! `tickscope-server exchange-sim`: Bitstamp's WebSocket API v2 served from the demo market model, continued
//! in real time from the moment it starts; the collector's test double and benchmark source.
//!
//! - [`feed`]: one market for every connection, in model time, paced by the clock or by the consumers.
//! - [`connection`]: one client's protocol: subscriptions, heartbeats, pings, the size limit.
//! - [`requests`] and [`frames`]: what clients send and the text of what the server sends.
//! - [`faults`]: the per-connection faults that tests ask for; [`sent_log`]: what was sent, for tests.

mod connection;
mod faults;
mod feed;
mod frames;
mod requests;
mod sent_log;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use connection::Settings;
use faults::FaultArgs;
use feed::{Feed, Speed};
use sent_log::SentLog;

/// The simulator's options (the `exchange-sim` subcommand's arguments).
#[derive(clap::Args, Debug, Clone)]
pub struct SimArgs {
    /// The address to listen on (port 0: any free port; the first line on stdout names it).
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub addr: SocketAddr,
    /// Model seconds per wall-clock second (a positive number), or `max`: as fast as the clients take the
    /// data, the feed waiting for the slowest one.
    #[arg(long, default_value = "1", value_parser = Speed::parse)]
    pub speed: Speed,
    /// The demo model's seed; also seeds the faults' random choices.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The pairs whose channels carry data (the model simulates btcusd and ethusd; others are silent).
    #[arg(long, value_delimiter = ',', default_value = "btcusd,ethusd", value_parser = parse_pair)]
    pub pairs: Vec<String>,
    /// Append one NDJSON line per data message written to a socket:
    /// `{"conn":N,"channel":"..","id":..,"microtimestamp":"..","event":".."}`, connections numbered from 1 as
    /// accepted (malformed extras are not logged).
    #[arg(long)]
    pub sent_log: Option<PathBuf>,
    /// Seconds between the server's WebSocket pings (Bitstamp: about 54).
    #[arg(long, default_value = "54", value_parser = parse_seconds, hide = true)]
    pub ping_every: Duration,
    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn run(args: SimArgs) -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind(args.addr).await?;
    let sent_log = match &args.sent_log {
        Some(path) => Some(Arc::new(SentLog::create(path)?)),
        None => None,
    };
    args.faults.validate()?;
    let feed = Feed::start(args.seed, args.speed, &args.pairs)?;
    let settings = Arc::new(Settings {
        feed,
        seed: args.seed,
        ping_every: args.ping_every,
        faults: args.faults,
        sent_log,
    });
    let mut shutdown = std::pin::pin!(shutdown_signal()?);
    // Tests read the port from this line: it is the first one and it is flushed at once.
    let addr = listener.local_addr()?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on ws://{addr}")?;
    stdout.flush()?;
    tracing::info!(speed = %args.speed, seed = args.seed, pairs = ?args.pairs, "exchange simulator started");

    let mut next_conn = 1u64;
    loop {
        tokio::select! {
            () = shutdown.as_mut() => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    let conn = next_conn;
                    next_conn += 1;
                    tokio::spawn(connection::serve(conn, peer, tcp, Arc::clone(&settings)));
                }
                Err(e) => {
                    // Out of descriptors, say: wait a little rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    tracing::info!("exchange simulator stopped");
    Ok(())
}

fn parse_pair(text: &str) -> Result<String, String> {
    if requests::is_pair(text) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not a pair: lowercase letters and digits, like btcusd"
        ))
    }
}

/// Seconds as a positive decimal number (`0.5`, `54`).
fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}

/// Ctrl-C or SIGTERM. The handlers are installed at once, before the first line is printed: a signal right
/// after it still stops the simulator cleanly.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
