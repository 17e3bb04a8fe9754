//! The spool: items (and, at a shutdown the store did not answer, gap records) the store could not take while
//! memory was full, appended to `<dir>/spool.ndjson` one JSON per line and fsync'd per batch, read back in
//! order once the store answers. A spool left by an earlier run is read back first.
//!
//! A line is an item's JSON as stored, or `{"gap":{"channel":..,"from":..,"to":..,"reason":..}}`. The file is
//! emptied once everything in it is written; after a crash it is read again from its start (writing an item
//! twice stores it once).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tickscope_core::Gap;

use crate::import::parse_item;
use crate::record::Record;

pub enum Entry {
    Item(Record),
    Gap(Gap),
}

pub struct Spool {
    path: PathBuf,
    /// Where the next read starts, and the lines after it.
    read_offset: u64,
    unread: u64,
    /// Per channel, the newest item found in the file at open.
    newest: BTreeMap<String, i64>,
}

/// What [`Spool::read`] took: commit it with [`Spool::consumed`] once written.
pub struct Taken {
    pub entries: Vec<Entry>,
    end_offset: u64,
    lines: u64,
    /// Whether the read reached the end of the file, and the count of unread lines then.
    at_end: bool,
    unread_at_read: u64,
}

impl Spool {
    /// Opens the spool in `dir` (created when first written), counting what an earlier run left and the newest
    /// item of each channel in it. A last line cut short by a crash is removed: it was never made durable.
    pub fn open(dir: &Path) -> io::Result<Self> {
        let path = dir.join("spool.ndjson");
        let mut spool = Self {
            path,
            read_offset: 0,
            unread: 0,
            newest: BTreeMap::new(),
        };
        let text = match fs::read(&spool.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(spool),
            Err(e) => return Err(e),
        };
        let complete = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if complete < text.len() {
            OpenOptions::new()
                .write(true)
                .open(&spool.path)?
                .set_len(complete as u64)?;
        }
        for line in String::from_utf8_lossy(&text[..complete]).lines() {
            spool.unread += 1;
            if let Ok(Entry::Item(record)) = parse_entry(line) {
                let newest = spool.newest.entry(record.key.channel).or_insert(i64::MIN);
                *newest = (*newest).max(record.key.nmicrotimestamp);
            }
        }
        Ok(spool)
    }

    /// The newest `nmicrotimestamp` of `channel` an earlier run spooled.
    pub fn newest(&self, channel: &str) -> Option<i64> {
        self.newest.get(channel).copied()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn unread(&self) -> u64 {
        self.unread
    }

    /// Appends entries and makes them durable (fsync) before returning; on failure the file is cut back to what it
    /// was, so that no line is half there or counted wrong.
    pub fn append<'a>(
        &mut self,
        entries: impl IntoIterator<Item = EntryRef<'a>>,
    ) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let mut text = String::new();
        let mut lines = 0;
        for entry in entries {
            match entry {
                EntryRef::Item(record) => text.push_str(&record.json),
                EntryRef::Gap(gap) => text.push_str(
                    &json!({"gap": {"channel": gap.channel, "from": gap.from, "to": gap.to, "reason": gap.reason}})
                        .to_string(),
                ),
            }
            text.push('\n');
            lines += 1;
        }
        let before = file.metadata()?.len();
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_data());
        if let Err(e) = written {
            let _ = file.set_len(before);
            return Err(e);
        }
        self.unread += lines;
        Ok(())
    }

    /// Reads up to `max` entries after what was consumed. A line that cannot be read back is logged and
    /// skipped (it was written by this program, so that means the file was damaged).
    pub fn read(&self, max: usize) -> io::Result<Taken> {
        let mut file = File::open(&self.path)?;
        file.seek(SeekFrom::Start(self.read_offset))?;
        let mut reader = BufReader::new(file);
        let mut taken = Taken {
            entries: Vec::new(),
            end_offset: self.read_offset,
            lines: 0,
            at_end: false,
            unread_at_read: self.unread,
        };
        let mut line = String::new();
        while taken.entries.len() < max {
            line.clear();
            let read = reader.read_line(&mut line)?;
            if read == 0 || !line.ends_with('\n') {
                taken.at_end = true;
                break;
            }
            taken.end_offset += read as u64;
            taken.lines += 1;
            match parse_entry(line.trim_end()) {
                Ok(entry) => taken.entries.push(entry),
                Err(why) => {
                    tracing::error!(spool = %self.path.display(), why, "skipped a damaged spool line")
                }
            }
        }
        Ok(taken)
    }

    /// What `taken` read is written: it is not read again, and the file is emptied once all of it is.
    pub fn consumed(&mut self, taken: &Taken) -> io::Result<()> {
        self.read_offset = taken.end_offset;
        // A read that reached the end took everything there was then, whatever was counted (a damaged line);
        // what is unread now was appended since.
        let taken_lines = if taken.at_end {
            taken.unread_at_read
        } else {
            taken.lines
        };
        self.unread = self.unread.saturating_sub(taken_lines);
        if self.unread == 0 {
            fs::remove_file(&self.path).or_else(|e| match e.kind() {
                io::ErrorKind::NotFound => Ok(()),
                _ => Err(e),
            })?;
            self.read_offset = 0;
        }
        Ok(())
    }
}

/// An entry to append, borrowed.
pub enum EntryRef<'a> {
    Item(&'a Record),
    Gap(&'a Gap),
}

fn parse_entry(line: &str) -> Result<Entry, String> {
    if line.starts_with(r#"{"gap":"#) {
        let value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let gap = &value["gap"];
        let number = |name: &str| gap[name].as_i64();
        return Ok(Entry::Gap(Gap {
            channel: gap["channel"]
                .as_str()
                .ok_or("gap without a channel")?
                .to_owned(),
            from: number("from").ok_or("gap without a start")?,
            to: number("to"),
            reason: gap["reason"].as_str().unwrap_or_default().to_owned(),
        }));
    }
    parse_item(line).map(Entry::Item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_item;

    const ITEM: &str = r#"{"id":7,"microtimestamp":"1647830700123000","price":1,"channel":"live_trades_btcusd","nmicrotimestamp":1647830700123000}"#;

    #[test]
    fn entries_come_back_in_order_and_the_file_goes_once_consumed() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        let record = parse_item(ITEM).unwrap();
        let gap = Gap {
            channel: "live_trades_btcusd".into(),
            from: 5,
            to: None,
            reason: "connection closed".into(),
        };
        spool
            .append([
                EntryRef::Item(&record),
                EntryRef::Gap(&gap),
                EntryRef::Item(&record),
            ])
            .unwrap();
        assert_eq!(
            Spool::open(dir.path()).unwrap().unread(),
            3,
            "a restart sees them"
        );
        let first = spool.read(2).unwrap();
        assert!(
            matches!(&first.entries[..], [Entry::Item(r), Entry::Gap(g)] if *r == record && *g == gap)
        );
        spool.consumed(&first).unwrap();
        let rest = spool.read(10).unwrap();
        assert_eq!(rest.entries.len(), 1);
        spool.consumed(&rest).unwrap();
        assert_eq!(spool.unread(), 0);
        assert!(!spool.path().exists());
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_dropped_and_the_rest_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool.ndjson");
        fs::write(&path, format!("{ITEM}\n{}", &ITEM[..20])).unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        assert_eq!(spool.unread(), 1);
        let record = parse_item(ITEM).unwrap();
        spool.append([EntryRef::Item(&record)]).unwrap();
        let taken = spool.read(10).unwrap();
        assert_eq!(taken.entries.len(), 2, "the next line is whole");
        spool.consumed(&taken).unwrap();
        assert!(!path.exists());
    }
}
