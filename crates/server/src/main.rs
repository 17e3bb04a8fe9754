//! `tickscope-server`: serve the API and dashboard, seed demo data, import items.

use std::fs::File;
use std::io::BufReader;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use tickscope_core::PAGE_BYTES;
use tickscope_server::api::TestOptions;
use tickscope_server::api::faults::{FaultKind, FaultOptions};
use tickscope_server::demo::DemoConfig;
use tickscope_server::import::read_items;
use tickscope_server::serve::{ServeOptions, seed_demo, serve};
use tickscope_server::store::SqliteStore;

#[derive(Parser)]
#[command(
    version,
    about = "Tickscope's API server: the original Bitstamp API on SQLite, with demo data"
)]
struct Cli {
    /// The SQLite file holding the items (created when missing).
    #[arg(
        long,
        global = true,
        env = "TICKSCOPE_DB",
        default_value = "data/tickscope.db"
    )]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API under /prod and the dashboard (dist/) at /; generates demo data when the store is empty.
    Serve {
        #[arg(long, env = "TICKSCOPE_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// The built dashboard.
        #[arg(long, env = "TICKSCOPE_DIST", default_value = "dist")]
        dist: PathBuf,
        /// Cut query pages at this many bytes of item size, as DynamoDB cuts at 1 MB.
        #[arg(long, default_value_t = PAGE_BYTES as u64, value_parser = clap::value_parser!(u64).range(1..))]
        page_bytes: u64,
        #[command(flatten)]
        test: TestArgs,
    },
    /// Generate the deterministic demo data set into the store.
    SeedDemo {
        #[arg(long, default_value_t = DemoConfig::default().seed)]
        seed: u64,
        /// Start of the window, µs since the Unix epoch.
        #[arg(long, default_value_t = DemoConfig::default().from_us)]
        from: i64,
        /// End of the window (inclusive), µs since the Unix epoch.
        #[arg(long, default_value_t = DemoConfig::default().to_us)]
        to: i64,
    },
    /// Import items from a file with one original-shaped JSON item per line; bad lines are reported and skipped.
    Import { file: PathBuf },
}

/// Options for tests; they change `GET /prod/bitstamp` only, never /prod/channels or the dashboard's files.
#[derive(Args)]
#[command(next_help_heading = "Options for tests (GET /prod/bitstamp only; all off by default)")]
struct TestArgs {
    /// For tests: fail this fraction (0..1) of requests with an injected fault (see --fault-kinds).
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = fault_rate)]
    fault_rate: f64,
    /// For tests: seed of the PRNG that picks which requests fail and how; same seed and requests, same faults.
    #[arg(long, value_name = "SEED", default_value_t = FaultOptions::default().seed)]
    fault_seed: u64,
    /// For tests: the faults to pick from: 500 (JSON error), 429 (with Retry-After), drop (the connection breaks
    /// mid-answer), truncate (200 with half the body), slow (the answer after --fault-slow-ms).
    #[arg(
        long,
        value_name = "KINDS",
        value_delimiter = ',',
        default_value = "500,429,drop,truncate,slow"
    )]
    fault_kinds: Vec<FaultKind>,
    /// For tests: the delay of a `slow` fault, in ms.
    #[arg(long, value_name = "MS", default_value_t = FaultOptions::default().slow.as_millis() as u64)]
    fault_slow_ms: u64,
    /// For tests: ignore the `cursor` parameter (still checked) and answer page one again, as the original Lambda did.
    #[arg(long)]
    ignore_cursor: bool,
    /// For tests: wait this many ms before answering each request (DynamoDB takes a few hundred ms per 1 MB page).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
}

impl From<TestArgs> for TestOptions {
    fn from(args: TestArgs) -> Self {
        TestOptions {
            faults: FaultOptions {
                rate: args.fault_rate,
                seed: args.fault_seed,
                kinds: args.fault_kinds,
                slow: Duration::from_millis(args.fault_slow_ms),
            },
            ignore_cursor: args.ignore_cursor,
            latency: Duration::from_millis(args.latency_ms),
        }
    }
}

fn fault_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{text}` is not a probability from 0 to 1")),
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Serve {
            addr,
            dist,
            page_bytes,
            test,
        } => {
            let options = ServeOptions {
                addr,
                db: cli.db,
                dist,
                page_bytes: page_bytes as usize,
                test: test.into(),
            };
            tokio::runtime::Runtime::new()?.block_on(serve(options))
        }
        Command::SeedDemo { seed, from, to } => {
            if from > to {
                return Err(format!("--from {from} is after --to {to}").into());
            }
            let started = Instant::now();
            let store = SqliteStore::open_default_pages(&cli.db)?;
            let count = seed_demo(
                &store,
                &DemoConfig {
                    seed,
                    from_us: from,
                    to_us: to,
                },
            )?;
            println!(
                "wrote {count} demo items to {} in {:.1} s",
                cli.db.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import { file } => {
            let input =
                File::open(&file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
            let store = SqliteStore::open_default_pages(&cli.db)?;
            let (sender, receiver) = std::sync::mpsc::sync_channel(8192);
            let (bad, written) = std::thread::scope(|scope| {
                let writer = scope.spawn(|| store.write(receiver, "sqlite"));
                // A failed writer drops the receiver: reading goes on unheard and its error is reported below.
                let bad = read_items(BufReader::new(input), |record| drop(sender.send(record)));
                drop(sender);
                (bad, writer.join().expect("writer thread"))
            });
            let bad = bad?;
            for line in &bad {
                eprintln!(
                    "{}:{}: skipped: {}",
                    file.display(),
                    line.line,
                    line.message
                );
            }
            println!(
                "imported {} items from {} ({} bad lines skipped)",
                written?,
                file.display(),
                bad.len()
            );
            Ok(())
        }
    }
}
