//! `--sent-log`: one NDJSON line per data message written to a socket, for tests to compare with what a
//! client received. Connections write their lines once the socket has taken them, straight to the file (no
//! buffer in between, so nothing waits for a flush or is lost at shutdown).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use super::feed::Item;

pub struct SentLog {
    file: Mutex<File>,
}

impl SentLog {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let file = File::options().create(true).append(true).open(path)?;
        Ok(Self {
            file: Mutex::new(file),
        })
    }

    /// Appends whole lines in one write, so that connections' lines never interleave.
    pub fn append(&self, lines: &[u8]) {
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(e) = file.write_all(lines) {
            tracing::warn!("--sent-log: {e}");
        }
    }
}

/// `{"conn":N,"channel":"..","id":..,"microtimestamp":"..","event":".."}` and a newline.
pub fn line(lines: &mut Vec<u8>, conn: u64, channel: &str, item: &Item) {
    // Writing to a Vec cannot fail.
    let _ = writeln!(
        lines,
        r#"{{"conn":{conn},"channel":"{channel}","id":{},"microtimestamp":"{}","event":"{}"}}"#,
        item.id, item.micros, item.event
    );
}
