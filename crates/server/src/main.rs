//! `tickscope-server`: serve the API and dashboard, seed demo data, import items.

use std::fs::File;
use std::io::BufReader;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use tickscope_core::PAGE_BYTES;
use tickscope_server::api::TestOptions;
use tickscope_server::api::faults::{FaultKind, FaultOptions};
use tickscope_server::api::outage::Outage;
use tickscope_server::collect::{CollectArgs, Status, collect};
use tickscope_server::demo::{self, DemoConfig};
use tickscope_server::import::{BadLine, read_items};
use tickscope_server::serve::{Collect, ServeOptions, serve, serve_store, shutdown_signal};
use tickscope_server::store::dynamodb::migrate::{self, MigrateOptions};
use tickscope_server::store::dynamodb::{DynamoOptions, DynamoStore};
use tickscope_server::store::{ItemSource, SqliteStore, WriteItems};
use tickscope_server::tls::TlsFiles;

#[derive(Parser)]
#[command(
    version,
    about = "Tickscope's API server: the original Bitstamp API on SQLite (with demo data) or DynamoDB"
)]
struct Cli {
    /// Where `serve`, `collect`, `seed-demo` and `import` keep the items.
    #[arg(long, global = true, env = "TICKSCOPE_STORE", value_enum, default_value_t = StoreKind::Sqlite)]
    store: StoreKind,
    /// The SQLite file holding the items (created when missing).
    #[arg(
        long,
        global = true,
        env = "TICKSCOPE_DB",
        default_value = "data/tickscope.db"
    )]
    db: PathBuf,
    #[command(flatten)]
    dynamodb: DynamoArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StoreKind {
    Sqlite,
    Dynamodb,
}

/// Region and credentials come from the standard AWS configuration (AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID...).
#[derive(Args)]
#[command(next_help_heading = "DynamoDB (--store dynamodb and the dynamodb commands)")]
struct DynamoArgs {
    /// A local DynamoDB-compatible server, e.g. http://127.0.0.1:4567 (default: AWS, or AWS_ENDPOINT_URL).
    #[arg(long, global = true)]
    endpoint_url: Option<String>,
    /// The table of items.
    #[arg(long, global = true, env = "TICKSCOPE_TABLE", default_value_t = DynamoOptions::default().table)]
    table: String,
    /// The table's GSI on (channel, nmicrotimestamp) that the API queries.
    #[arg(long, global = true, env = "TICKSCOPE_INDEX", default_value_t = DynamoOptions::default().index)]
    index: String,
}

impl From<DynamoArgs> for DynamoOptions {
    fn from(args: DynamoArgs) -> Self {
        Self {
            endpoint_url: args.endpoint_url,
            table: args.table,
            index: args.index,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    OnStore(StoreCommand),
    /// Set up and repair the DynamoDB table.
    #[command(subcommand)]
    Dynamodb(DynamoCommand),
    /// Serve Bitstamp's WebSocket API v2 from the demo market model, continuing it from now (the collector's
    /// test double and the local demo's live source).
    ExchangeSim(tickscope_server::exchange_sim::SimArgs),
}

/// The commands that work on either store (`--store`).
#[derive(Subcommand)]
enum StoreCommand {
    /// Serve the API under /prod and the dashboard (dist/) at /; generates demo data when a SQLite store is empty.
    Serve {
        #[arg(long, env = "TICKSCOPE_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// The built dashboard.
        #[arg(long, env = "TICKSCOPE_DIST", default_value = "dist")]
        dist: PathBuf,
        /// Cut query pages at this many bytes of item size, as DynamoDB cuts at 1 MB (SQLite only: DynamoDB cuts
        /// its own pages).
        #[arg(long, default_value_t = PAGE_BYTES as u64, value_parser = clap::value_parser!(u64).range(1..))]
        page_bytes: u64,
        #[command(flatten)]
        tls: TlsArgs,
        // Boxed: the test options would make this variant far larger than the others.
        #[command(flatten)]
        test: Box<TestArgs>,
        /// Also collect Bitstamp's live channels into the store (the collector's options below), answering its
        /// status at /prod/collector.
        #[arg(long)]
        collect: bool,
        #[command(flatten)]
        collector: CollectArgs,
    },
    /// Record Bitstamp's live channels from its WebSocket API into the store, with the gaps, until Ctrl-C or
    /// SIGTERM.
    Collect(CollectArgs),
    #[command(flatten)]
    Write(WriteCommand),
}

/// The commands that write items, the same way on either store.
#[derive(Subcommand)]
enum WriteCommand {
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

#[derive(Subcommand)]
enum DynamoCommand {
    /// Create the table and its GSI (on-demand capacity) and wait until they are active; fine if they exist.
    CreateTable,
    /// Add the numeric `nmicrotimestamp` to every item that has only the string `microtimestamp` (idempotent).
    Migrate {
        /// Parallel Scan segments.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        segments: u32,
        /// Save each segment's position here after every page, and resume from it (same table and --segments).
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
}

/// HTTPS: with both files the server speaks HTTP/2 and HTTP/1.1 over TLS instead of plain HTTP.
#[derive(Args)]
struct TlsArgs {
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, env = "TICKSCOPE_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "TICKSCOPE_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

impl TlsArgs {
    fn files(self) -> Option<TlsFiles> {
        Some(TlsFiles {
            cert: self.tls_cert?,
            key: self.tls_key?,
        })
    }
}

/// Options for tests; they change `GET /prod/bitstamp` only (--like-original all of /prod), never the dashboard's
/// files.
#[derive(Args)]
#[command(
    next_help_heading = "Options for tests (GET /prod/bitstamp only, --like-original all of /prod; all off by default)"
)]
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
    /// For tests: answer items sharing one nmicrotimestamp in an order drawn from SEED, not by id, as DynamoDB
    /// does (same seed and query, same answer; cursors still page through every item once).
    #[arg(long, value_name = "SEED")]
    shuffle_ties: Option<u64>,
    /// For tests: answer /prod as the original API Gateway + Lambda did: cursor ignored, ties shuffled (a fixed
    /// seed unless --shuffle-ties), ResponseMetadata in the body, bad parameters as 200 {"errorMessage", ...},
    /// anything else (/prod/channels, OPTIONS) 403 "Missing Authentication Token" without CORS headers.
    #[arg(long)]
    like_original: bool,
    /// For tests: answer every GET /prod/bitstamp 503 (a JSON message) from AFTER_S seconds after the start for
    /// FOR_S seconds, as a store outage.
    #[arg(long, value_name = "AFTER_S,FOR_S", value_parser = Outage::parse)]
    outage: Option<Outage>,
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
            shuffle_ties: args.shuffle_ties,
            like_original: args.like_original,
            outage: args.outage,
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
    let dynamodb: DynamoOptions = cli.dynamodb.into();
    match cli.command {
        Command::Dynamodb(command) => runtime()?.block_on(dynamodb_command(command, dynamodb)),
        Command::ExchangeSim(args) => {
            runtime()?.block_on(tickscope_server::exchange_sim::run(args))
        }
        Command::OnStore(StoreCommand::Serve {
            addr,
            dist,
            page_bytes,
            tls,
            test,
            collect,
            collector,
        }) => {
            let collect = collect.then(|| Collect {
                spool_dir: collector.spool_dir(&cli.db),
                args: collector,
            });
            match cli.store {
                StoreKind::Sqlite => {
                    let options = ServeOptions {
                        addr,
                        db: cli.db,
                        dist,
                        page_bytes: page_bytes as usize,
                        tls: tls.files(),
                        test: (*test).into(),
                        collect,
                    };
                    runtime()?.block_on(serve(options))
                }
                StoreKind::Dynamodb => runtime()?.block_on(async {
                    let store = DynamoStore::connect(&dynamodb).await;
                    store.check().await?;
                    let tls = tls.files();
                    serve_store(store, addr, tls.as_ref(), &dist, &(*test).into(), collect).await
                }),
            }
        }
        Command::OnStore(StoreCommand::Collect(args)) => {
            let spool_dir = args.spool_dir(&cli.db);
            let status = Status::default();
            runtime()?
                .block_on(async {
                    match cli.store {
                        StoreKind::Sqlite => {
                            let store = SqliteStore::open_default_pages(&cli.db)?;
                            collect(store, args, spool_dir, status, shutdown_signal()).await
                        }
                        StoreKind::Dynamodb => {
                            let store = DynamoStore::connect(&dynamodb).await;
                            store.check().await?;
                            collect(store, args, spool_dir, status, shutdown_signal()).await
                        }
                    }
                })
                .map_err(|e| e.to_string())?;
            Ok(())
        }
        Command::OnStore(StoreCommand::Write(command)) => {
            // Checked before the store is opened, which creates a SQLite file.
            let job = WriteJob::new(command)?;
            runtime()?.block_on(async {
                match cli.store {
                    StoreKind::Sqlite => {
                        let store = SqliteStore::open_default_pages(&cli.db)?;
                        job.run(&store, &cli.db.display().to_string()).await
                    }
                    StoreKind::Dynamodb => {
                        let store = DynamoStore::connect(&dynamodb).await;
                        job.run(&store, &format!("DynamoDB table {}", dynamodb.table))
                            .await
                    }
                }
            })
        }
    }
}

/// `seed-demo` or `import`, its arguments checked and its input open.
enum WriteJob {
    SeedDemo(DemoConfig),
    Import {
        file: PathBuf,
        input: BufReader<File>,
    },
}

impl WriteJob {
    fn new(command: WriteCommand) -> Result<Self, String> {
        Ok(match command {
            WriteCommand::SeedDemo { seed, from, to } => {
                Self::SeedDemo(demo_config(seed, from, to)?)
            }
            WriteCommand::Import { file } => Self::Import {
                input: open(&file)?,
                file,
            },
        })
    }

    /// Writes the items into `store`, which the report calls `target`.
    async fn run(
        self,
        store: &impl WriteItems,
        target: &str,
    ) -> Result<(), Box<dyn std::error::Error>> {
        match self {
            Self::SeedDemo(config) => {
                let started = Instant::now();
                let count = demo::seed(store, config).await?;
                println!(
                    "wrote {count} demo items to {target} in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
            Self::Import { file, input } => {
                let (written, bad) = store
                    .write_from(ItemSource::Import, move |sink| read_items(input, sink))
                    .await?;
                report_import(&file, written, bad?);
            }
        }
        Ok(())
    }
}

async fn dynamodb_command(
    command: DynamoCommand,
    options: DynamoOptions,
) -> Result<(), Box<dyn std::error::Error>> {
    let store = DynamoStore::connect(&options).await;
    match command {
        DynamoCommand::CreateTable => {
            let created = store.create_table().await?;
            let what = if created { "created" } else { "exists already" };
            println!(
                "table {} with index {}: {what}, active",
                options.table, options.index
            );
        }
        DynamoCommand::Migrate {
            segments,
            checkpoint,
        } => {
            let counts = Arc::new(migrate::Counts::default());
            let options = MigrateOptions {
                segments,
                checkpoint,
            };
            let watched = counts.clone();
            let progress = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(migrate::PROGRESS_EVERY).await;
                    eprintln!("migrate: {}", watched.summary(segments));
                }
            });
            let result = migrate::migrate(&store, &options, counts.clone()).await;
            progress.abort();
            println!("migrate: {}", counts.summary(segments));
            result?;
        }
    }
    Ok(())
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new()
}

fn demo_config(seed: u64, from: i64, to: i64) -> Result<DemoConfig, String> {
    if from > to {
        return Err(format!("--from {from} is after --to {to}"));
    }
    Ok(DemoConfig {
        seed,
        from_us: from,
        to_us: to,
    })
}

fn open(file: &Path) -> Result<BufReader<File>, String> {
    File::open(file)
        .map(BufReader::new)
        .map_err(|e| format!("cannot open {}: {e}", file.display()))
}

fn report_import(file: &Path, written: u64, bad: Vec<BadLine>) {
    for line in &bad {
        eprintln!(
            "{}:{}: skipped: {}",
            file.display(),
            line.line,
            line.message
        );
    }
    println!(
        "imported {written} items from {} ({} bad lines skipped)",
        file.display(),
        bad.len()
    );
}
