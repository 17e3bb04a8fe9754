//! The `tickscope-server` binary: import, seed-demo, serve and graceful shutdown.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::run_binary;

const BIN: &str = env!("CARGO_BIN_EXE_tickscope-server");

#[test]
fn import_reports_bad_lines_loads_the_rest_and_reimports_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    let file = dir.path().join("items.ndjson");
    let trade = |id: i64, micros: i64| {
        format!(
            r#"{{"id": {id}, "timestamp": "{}", "amount": 0.5, "amount_str": "0.50000000", "price": 41000.0, "price_str": "41000.00", "type": 1, "microtimestamp": "{micros}", "buy_order_id": 1, "sell_order_id": 2, "channel": "live_trades_btcusd", "event": "trade"}}"#,
            micros / 1_000_000
        )
    };
    let lines = [
        trade(1, 1_647_830_700_000_001),
        "{oops".into(),
        trade(2, 1_647_830_700_000_002),
        r#"{"id":3}"#.into(),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let db_arg = db.to_str().unwrap();
    let file_arg = file.to_str().unwrap();
    for _ in 0..2 {
        let (ok, stdout, stderr) = run_binary(&["--db", db_arg, "import", file_arg]);
        assert!(ok, "{stderr}");
        assert!(
            stdout.contains("imported 2 items") && stdout.contains("2 bad lines skipped"),
            "{stdout}"
        );
        assert!(
            stderr.contains("items.ndjson:2: skipped: not a JSON object"),
            "{stderr}"
        );
        assert!(
            stderr.contains("items.ndjson:4: skipped: missing `channel`"),
            "{stderr}"
        );
    }
    let store = tickscope_server::store::SqliteStore::open_default_pages(&db).unwrap();
    let stats = store.channels_blocking().unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!(
        (stats[0].count, stats[0].first, stats[0].last),
        (2, 1_647_830_700_000_001, 1_647_830_700_000_002)
    );
    assert_eq!(store.source_blocking().unwrap(), "sqlite");
}

#[test]
fn import_of_a_missing_file_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    let (ok, _, stderr) = run_binary(&[
        "--db",
        db.to_str().unwrap(),
        "import",
        "/no/such/file.ndjson",
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("cannot open /no/such/file.ndjson"),
        "{stderr}"
    );
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db_arg = db.to_str().unwrap();
    let (ok, stdout, stderr) = run_binary(&[
        "--db",
        db_arg,
        "seed-demo",
        "--from",
        "1647830700000000",
        "--to",
        "1647830760000000",
    ]);
    assert!(ok && stdout.contains("demo items"), "{stdout}{stderr}");

    let mut child = Command::new(BIN)
        .args([
            "--db",
            db_arg,
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--dist",
            "/nonexistent",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).unwrap();
    let base = first_line
        .trim()
        .strip_prefix("listening on ")
        .expect(&first_line)
        .to_owned();

    let body = reqwest::blocking::get(format!("{base}/prod/channels"))
        .unwrap()
        .text()
        .unwrap();
    assert!(body.contains(r#""source":"demo""#), "{body}");
    let root = reqwest::blocking::get(format!("{base}/")).unwrap();
    assert_eq!(root.status(), 404);
    assert!(root.text().unwrap().contains("the dashboard is not built"));

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status}");
}
