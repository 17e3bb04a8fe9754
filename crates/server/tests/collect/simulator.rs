//! The collector against `exchange-sim` with its faults: what the simulator's sent log says went out on any
//! connection while subscribed is in the store exactly once.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{Collector, gaps, stored, temp_db};

const CHANNELS: [&str; 4] = [
    "live_trades_btcusd",
    "live_trades_ethusd",
    "live_orders_btcusd",
    "live_orders_ethusd",
];

struct Simulator {
    child: Child,
    url: String,
}

impl Simulator {
    fn start(sent_log: &Path, faults: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tickscope-server"))
            .args([
                "exchange-sim",
                "--addr",
                "127.0.0.1:0",
                "--speed",
                "5",
                "--seed",
                "3",
            ])
            .arg("--sent-log")
            .arg(sent_log)
            .args(faults)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("banner")
            .to_owned();
        Self { child, url }
    }

    /// SIGTERM: the sent log is complete once it exits.
    fn stop(&mut self) {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `(channel, id, microtimestamp)` of every data message sent, and how many connections sent them.
fn sent(log: &Path) -> (Vec<(String, i64, String)>, usize) {
    let text = std::fs::read_to_string(log).unwrap();
    let mut connections = BTreeSet::new();
    let sent = text
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            connections.insert(v["conn"].as_u64().unwrap());
            (
                v["channel"].as_str().unwrap().to_owned(),
                v["id"].as_i64().unwrap(),
                v["microtimestamp"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (sent, connections.len())
}

fn stored_identities(db: &Path) -> Vec<(String, i64, String)> {
    CHANNELS
        .iter()
        .flat_map(|channel| stored(db, channel))
        .map(|item| {
            (
                item["channel"].as_str().unwrap().to_owned(),
                item["id"].as_i64().unwrap(),
                item["microtimestamp"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Runs the simulator with `faults` for `seconds`, stops it (so the collector has read all it sent), then the
/// collector; returns the sent log's distinct identities and connections, the stored ones, and stderr.
fn collect_from_simulator(faults: &[&str], seconds: u64) -> Run {
    let (dir, db) = temp_db();
    let log = dir.path().join("sent.ndjson");
    let mut simulator = Simulator::start(&log, faults);
    let mut collector = Collector::start(&simulator.url, &db, &[]);
    std::thread::sleep(Duration::from_secs(seconds));
    simulator.stop();
    std::thread::sleep(Duration::from_millis(500));
    assert!(collector.terminate().success());
    let (sent, connections) = sent(&log);
    let distinct: BTreeSet<_> = sent.iter().cloned().collect();
    let stored = stored_identities(&db);
    let gaps = CHANNELS.iter().flat_map(|c| gaps(&db, c)).collect();
    Run {
        sent: distinct,
        connections,
        stored,
        gaps,
        stderr: collector.stderr(),
        _dir: dir,
    }
}

struct Run {
    sent: BTreeSet<(String, i64, String)>,
    connections: usize,
    stored: Vec<(String, i64, String)>,
    gaps: Vec<tickscope_core::Gap>,
    stderr: String,
    _dir: tempfile::TempDir,
}

impl Run {
    fn assert_every_sent_message_stored_once(&self) {
        let stored: BTreeSet<_> = self.stored.iter().cloned().collect();
        assert_eq!(stored.len(), self.stored.len(), "an identity stored twice");
        assert!(self.sent.len() > 500, "{} messages sent", self.sent.len());
        let missing: Vec<_> = self.sent.difference(&stored).take(5).collect();
        assert!(missing.is_empty(), "sent but not stored: {missing:?}");
        let extra: Vec<_> = stored.difference(&self.sent).take(5).collect();
        assert!(extra.is_empty(), "stored but never sent: {extra:?}");
    }
}

#[test]
fn request_reconnect_and_malformed_frames_lose_nothing() {
    let run = collect_from_simulator(
        &[
            "--request-reconnect-every",
            "2",
            "--reconnect-grace",
            "1",
            "--malformed-rate",
            "0.05",
        ],
        8,
    );
    assert!(run.connections >= 3, "{} connections", run.connections);
    run.assert_every_sent_message_stored_once();
    // The only gaps: the simulator's stop, one per channel.
    assert_eq!(run.gaps.len(), 4, "{:?}", run.gaps);
    for kind in ["not_json=", "binary=", "unknown_event="] {
        assert!(run.stderr.contains(kind), "{kind} counted:\n{}", run.stderr);
    }
}

#[test]
fn drops_are_reconnected_and_every_message_sent_is_stored() {
    let run = collect_from_simulator(&["--drop-every", "2"], 7);
    assert!(run.connections >= 3, "{} connections", run.connections);
    run.assert_every_sent_message_stored_once();
    // Per channel, a gap for each drop and one for the simulator's stop; a drop's gap lasts the reconnect: a
    // backoff of at most 0.5 s (the first attempt) and a handshake.
    let drops: Vec<_> = run
        .gaps
        .iter()
        .filter(|g| g.channel == "live_trades_btcusd")
        .collect();
    assert!(drops.len() >= 3, "{:?}", run.gaps);
    assert_eq!(run.gaps.len(), 4 * drops.len(), "{:?}", run.gaps);
    for gap in &drops[..drops.len() - 1] {
        let lasted = gap.to.expect("closed") - gap.from;
        assert!((0..1_000_000).contains(&lasted), "{gap:?}");
    }
}
