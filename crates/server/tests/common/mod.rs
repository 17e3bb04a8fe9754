//! A real tickscope HTTP server on 127.0.0.1 over a real SQLite file, seeded with a short demo window.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use tickscope_server::api::TestOptions;
use tickscope_server::demo::{self, DemoConfig};
use tickscope_server::record::Record;
use tickscope_server::store::SqliteStore;

/// 20 minutes of the demo window: several full 1 MB pages per orders channel, more than one per trades channel
/// at the small page size below.
pub const CONFIG: DemoConfig = DemoConfig {
    seed: 7,
    from_us: 1_647_830_700_000_000,
    to_us: 1_647_831_900_000_000,
};

pub struct TestServer {
    pub base: String,
    pub store: SqliteStore,
    dir: Arc<tempfile::TempDir>,
}

/// One server per test binary, with DynamoDB's 1 MB pages.
pub fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| start(tickscope_core::PAGE_BYTES))
}

/// Starts a server on its own runtime thread; it lives as long as the test process.
pub fn start(page_bytes: usize) -> TestServer {
    start_with(page_bytes, TestOptions::default())
}

/// [`start`] with test options.
pub fn start_with(page_bytes: usize, options: TestOptions) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("test.db"), page_bytes).expect("store");
    block_on(demo::seed(&store, CONFIG)).expect("seed");
    serve(store, Arc::new(dir), options)
}

impl TestServer {
    /// The SQLite file of the store.
    pub fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("test.db")
    }

    /// Where the server looks for the dashboard's files: nothing is there unless a test puts it there.
    pub fn dist(&self) -> std::path::PathBuf {
        dist_in(&self.dir)
    }

    /// Another server over this one's store (no second seeding), with test options.
    pub fn with_options(&self, options: TestOptions) -> TestServer {
        serve(self.store.clone(), self.dir.clone(), options)
    }
}

fn dist_in(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("dist")
}

fn serve(store: SqliteStore, dir: Arc<tempfile::TempDir>, options: TestOptions) -> TestServer {
    let app =
        tickscope_server::api::router(Arc::new(store.clone()), &dist_in(&dir), &options, None);
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    TestServer {
        base: format!("http://{addr}"),
        store,
        dir,
    }
}

/// The demo items of one channel, as the generator made them, in the API's order.
pub fn expected_items(channel: &str) -> Vec<Record> {
    let mut items = Vec::new();
    demo::generate(&CONFIG, |r| {
        if r.key.channel == channel {
            items.push(r)
        }
    });
    items.sort_by(|a, b| {
        let key = |r: &Record| {
            (
                r.key.nmicrotimestamp,
                r.key.id,
                r.key.microtimestamp.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    items
}

/// Runs async test code on one runtime shared by all tests, so pooled connections (the AWS SDK's) outlive each
/// test.
pub fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| tokio::runtime::Runtime::new().expect("runtime"))
        .block_on(future)
}

/// A blocking HTTP client that does not decompress, so tests see the bytes on the wire.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .expect("client")
}

/// Runs the `tickscope-server` binary to completion: (success, stdout, stderr).
pub fn run_binary(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tickscope-server"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}
