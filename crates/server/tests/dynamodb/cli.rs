//! The `tickscope-server` commands on DynamoDB: create-table, import, seed-demo, migrate, serve.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use tickscope_server::store::{ItemSource, WriteItems};

use crate::common::client;
use crate::dynalite::{block_on, connect, endpoint, unique_table};
use crate::{trade, trades_in_index};

/// `tickscope-server ARGS --endpoint-url <dynalite> --table TABLE`, with credentials and region from the
/// environment, as a user would give them.
fn command(table: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tickscope-server"));
    command
        .args(args)
        .args(["--endpoint-url", endpoint(), "--table", table])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RUST_LOG", "warn");
    command
}

fn run(table: &str, args: &[&str]) -> (String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command(table, args).output().expect("run tickscope-server");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    );
    assert!(status.success(), "{args:?} failed:\n{stdout}\n{stderr}");
    (stdout, stderr)
}

#[test]
fn create_table_import_migrate_seed_and_serve() {
    let table = unique_table("cli");
    let (created, _) = run(&table, &["dynamodb", "create-table"]);
    assert!(created.contains("created, active"), "{created}");
    let (again, _) = run(&table, &["dynamodb", "create-table"]);
    assert!(again.contains("exists already"), "{again}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("items.ndjson");
    let lines: Vec<String> = (0..3)
        .map(|n| trade(n, false).json)
        .chain(["{oops".into()])
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (imported, stderr) = run(
        &table,
        &["import", file.to_str().unwrap(), "--store", "dynamodb"],
    );
    assert!(
        imported.contains("imported 3 items") && imported.contains("1 bad lines skipped"),
        "{imported}"
    );
    assert!(stderr.contains("items.ndjson:4: skipped"), "{stderr}");

    // Items as the original pipeline wrote them, without nmicrotimestamp: invisible until migrated.
    let store = block_on(connect(endpoint(), &table));
    block_on(store.write_from(ItemSource::Import, |sink| {
        (10..60).for_each(|n| sink(trade(n, false)))
    }))
    .unwrap();
    assert_eq!(block_on(trades_in_index(&store)).len(), 3);
    let checkpoint = dir.path().join("migrate.json");
    let args = [
        "dynamodb",
        "migrate",
        "--segments",
        "3",
        "--checkpoint",
        checkpoint.to_str().unwrap(),
    ];
    let (migrated, _) = run(&table, &args);
    assert!(
        migrated.contains("50 found without nmicrotimestamp, 50 updated"),
        "{migrated}"
    );
    assert!(migrated.contains("3/3 segments done"), "{migrated}");
    assert_eq!(block_on(trades_in_index(&store)).len(), 53);

    let ten_seconds = ["--from", "1647830700000000", "--to", "1647830710000000"];
    let (seeded, _) = run(
        &table,
        &[&["seed-demo", "--store", "dynamodb"][..], &ten_seconds].concat(),
    );
    assert!(seeded.contains("demo items to DynamoDB table"), "{seeded}");

    let mut server = command(
        &table,
        &["serve", "--store", "dynamodb", "--addr", "127.0.0.1:0"],
    )
    .stdout(Stdio::piped())
    .spawn()
    .expect("serve");
    let mut banner = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let base = banner
        .trim()
        .strip_prefix("listening on ")
        .expect("banner")
        .to_owned();
    let url = format!(
        "{base}/prod/bitstamp?channel=live_trades_btcusd&from=1647830700000000&to=1647830710000000"
    );
    let response = client().get(url).send().expect("request");
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_str(&response.text().unwrap()).unwrap();
    assert!(
        body["body"]["Count"].as_u64().unwrap() > 53,
        "{}",
        body["body"]["Count"]
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn serve_refuses_a_missing_table_with_a_hint() {
    let output = command(
        "no-such-table",
        &["serve", "--store", "dynamodb", "--addr", "127.0.0.1:0"],
    )
    .output()
    .expect("run tickscope-server");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("no table no-such-table") && stderr.contains("dynamodb create-table"),
        "{stderr}"
    );
}
