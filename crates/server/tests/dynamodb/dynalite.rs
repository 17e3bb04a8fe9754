//! One dynalite per test process: `node` running dynalite's programmatic API on 127.0.0.1 and a free port.
//! It exits when its stdin closes, that is when this process ends, however it ends.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::{Credentials, Region};
use tickscope_server::store::DynamoStore;
use tickscope_server::store::dynamodb::DynamoOptions;

const SCRIPT: &str = "
const server = require(process.argv[1])({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
";

struct Dynalite {
    endpoint: String,
    _process: Child,
}

/// dynalite's URL, starting it on first use.
pub fn endpoint() -> &'static str {
    static DYNALITE: OnceLock<Dynalite> = OnceLock::new();
    &DYNALITE.get_or_init(start).endpoint
}

fn start() -> Dynalite {
    let module = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/dynalite");
    assert!(
        module.join("package.json").exists(),
        "dynalite is not installed at {}: run ./scripts/setup.sh (npm ci), then the tests again",
        module.display()
    );
    let mut process = Command::new("node")
        .args(["-e", SCRIPT])
        .arg(&module)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): install Node.js 20 or newer (see README)")
        });
    let mut line = String::new();
    BufReader::new(process.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("dynalite's port");
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("dynalite did not start: printed {line:?}"));
    Dynalite {
        endpoint: format!("http://127.0.0.1:{port}"),
        _process: process,
    }
}

pub use crate::common::block_on;

/// A store on `endpoint` (dynalite, or a proxy in front of it), table `table`, with fixed test credentials.
pub async fn connect(endpoint: &str, table: &str) -> DynamoStore {
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"));
    let options = DynamoOptions {
        endpoint_url: Some(endpoint.to_owned()),
        table: table.to_owned(),
        ..DynamoOptions::default()
    };
    DynamoStore::connect_with(loader, &options).await
}

/// A new, empty table (with the GSI) in dynalite, named after `prefix`.
pub async fn fresh_store(prefix: &str) -> DynamoStore {
    let store = connect(endpoint(), &unique_table(prefix)).await;
    assert!(store.create_table().await.expect("create table"));
    store
}

pub fn unique_table(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// How many items the table holds, by a Scan.
pub async fn count_items(store: &DynamoStore) -> u64 {
    let mut count = 0;
    let mut start = None;
    loop {
        let page = store
            .client()
            .scan()
            .table_name(store.table())
            .select(aws_sdk_dynamodb::types::Select::Count)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scan");
        count += page.count as u64;
        start = page.last_evaluated_key;
        if start.is_none() {
            return count;
        }
    }
}
