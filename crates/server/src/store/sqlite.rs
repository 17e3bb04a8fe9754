//! The embedded store: one SQLite file in WAL mode, so readers keep answering while a writer appends.
//!
//! Items are clustered by `(channel, nmicrotimestamp, id, microtimestamp)`, the query's order, so a page is one
//! range scan; `(id, microtimestamp)` is unique, the original table's primary key, so re-imports replace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use tickscope_core::{Channel, Gap, GapsRequest, PAGE_BYTES, PageCut, PageKey, PageRequest};

use super::{
    Batch, ChannelStats, CollectStore, ItemSource, Page, Producer, Store, StoreError, WriteItems,
};
use crate::record::Record;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS items (
        channel TEXT NOT NULL,
        nmicrotimestamp INTEGER NOT NULL,
        id INTEGER NOT NULL,
        microtimestamp TEXT NOT NULL,
        size INTEGER NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (channel, nmicrotimestamp, id, microtimestamp)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX IF NOT EXISTS items_identity ON items (id, microtimestamp);
    CREATE TABLE IF NOT EXISTS channel_stats (
        channel TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS gaps (
        channel TEXT NOT NULL,
        start_us INTEGER NOT NULL,
        end_us INTEGER,
        reason TEXT NOT NULL,
        PRIMARY KEY (channel, start_us)
    ) WITHOUT ROWID;
";

/// How long the collector's write waits for another writer's lock before it fails and is retried later: short,
/// so that its status says the store is busy while it keeps receiving.
const COLLECT_BUSY_TIMEOUT: Duration = Duration::from_secs(1);

/// Items are written in transactions of this many, so readers see an import progress.
const WRITE_BATCH: usize = 50_000;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("sqlite: {e}"))
    }
}

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    page_bytes: usize,
    /// Idle read connections; a request takes one or opens a new one.
    idle: Mutex<Vec<Connection>>,
    /// The collector's write connection, opened on its first batch and again after a failure.
    collector: Mutex<Option<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`, cutting pages at `page_bytes` of item size.
    pub fn open(path: &Path, page_bytes: usize) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError(format!("cannot create {}: {e}", dir.display())))?;
        }
        let conn = open_connection(path)?;
        conn.pragma_update(None, "page_size", 8192)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(SCHEMA)?;
        let inner = Inner {
            path: path.to_owned(),
            page_bytes,
            idle: Mutex::new(vec![conn]),
            collector: Mutex::new(None),
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    pub fn open_default_pages(path: &Path) -> Result<Self, StoreError> {
        Self::open(path, PAGE_BYTES)
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on an idle connection (or a new one), returning the connection to the pool afterwards.
    fn with_connection<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.inner.idle.lock().expect("pool lock").pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => open_connection(&self.inner.path)?,
        };
        let result = f(&conn);
        self.inner.idle.lock().expect("pool lock").push(conn);
        result
    }

    /// Runs blocking SQLite work off the async runtime.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Self) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| StoreError(format!("store task failed: {e}")))?
    }

    pub fn page_blocking(&self, request: &PageRequest) -> Result<Page, StoreError> {
        self.with_connection(|conn| {
            let (after_ts, after_id, after_micro) = match &request.after {
                Some(k) => (k.nmicrotimestamp, k.id, k.microtimestamp.as_str()),
                // Before every key of the range: no item has a smaller timestamp than `from`.
                None => (request.from, i64::MIN, ""),
            };
            let mut stmt = conn.prepare_cached(
                "SELECT nmicrotimestamp, id, microtimestamp, size, json FROM items
                 WHERE channel = ?1 AND nmicrotimestamp <= ?2
                   AND (nmicrotimestamp, id, microtimestamp) > (?3, ?4, ?5)
                 ORDER BY nmicrotimestamp, id, microtimestamp",
            )?;
            let mut rows = stmt.query(params![
                request.channel.name(),
                request.to,
                after_ts,
                after_id,
                after_micro
            ])?;
            let mut cut = PageCut::new(self.inner.page_bytes, request.limit);
            let mut items = Vec::new();
            let mut last_key = None;
            while let Some(row) = rows.next()? {
                items.push(row.get::<_, String>(4)?);
                if cut.take(row.get::<_, i64>(3)? as usize) {
                    last_key = Some(PageKey {
                        channel: request.channel.name().to_owned(),
                        nmicrotimestamp: row.get(0)?,
                        id: row.get(1)?,
                        microtimestamp: row.get(2)?,
                    });
                    break;
                }
            }
            Ok(Page { items, last_key })
        })
    }

    pub fn channels_blocking(&self) -> Result<Vec<ChannelStats>, StoreError> {
        self.with_connection(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT channel, count, first, last FROM channel_stats ORDER BY channel",
            )?;
            let stats = stmt
                .query_map([], |row| {
                    Ok(ChannelStats {
                        channel: row.get(0)?,
                        count: row.get(1)?,
                        first: row.get(2)?,
                        last: row.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(stats)
        })
    }

    pub fn source_blocking(&self) -> Result<String, StoreError> {
        self.with_connection(|conn| {
            let source = conn
                .query_row("SELECT value FROM meta WHERE key = 'source'", [], |row| {
                    row.get(0)
                })
                .optional()?;
            Ok(source.unwrap_or_else(|| "sqlite".to_owned()))
        })
    }

    pub fn is_empty(&self) -> Result<bool, StoreError> {
        self.with_connection(|conn| {
            Ok(
                conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM items)", [], |row| {
                    row.get(0)
                })?,
            )
        })
    }

    /// Writes records (replacing any with the same `(id, microtimestamp)`) in batches, then recounts the channels
    /// it touched and records where the data came from. Returns how many records were written.
    fn write(
        &self,
        records: impl IntoIterator<Item = Record>,
        source: ItemSource,
    ) -> Result<u64, StoreError> {
        let mut conn = open_connection(&self.inner.path)?;
        let mut written = 0u64;
        let mut touched = BTreeSet::new();
        let mut records = records.into_iter().peekable();
        while records.peek().is_some() {
            let tx = conn.transaction()?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR REPLACE INTO items (channel, nmicrotimestamp, id, microtimestamp, size, json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for r in records.by_ref().take(WRITE_BATCH) {
                    let k = &r.key;
                    insert_record(&mut insert, &r)?;
                    if !touched.contains(&k.channel) {
                        touched.insert(k.channel.clone());
                    }
                    written += 1;
                }
            }
            tx.commit()?;
        }
        let tx = conn.transaction()?;
        for channel in &touched {
            refresh_stats(&tx, channel)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('source', ?1)",
            [source_name(source)],
        )?;
        tx.commit()?;
        Ok(written)
    }
}

impl SqliteStore {
    pub fn gaps_blocking(&self, request: &GapsRequest) -> Result<Vec<Gap>, StoreError> {
        self.with_connection(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT start_us, end_us, reason FROM gaps
                 WHERE channel = ?1 AND start_us <= ?3 AND (end_us IS NULL OR end_us >= ?2)
                 ORDER BY start_us",
            )?;
            let gaps = stmt
                .query_map(
                    params![request.channel.name(), request.from, request.to],
                    |row| {
                        Ok(Gap {
                            channel: request.channel.name().to_owned(),
                            from: row.get(0)?,
                            to: row.get(1)?,
                            reason: row.get(2)?,
                        })
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(gaps)
        })
    }

    pub fn newest_blocking(&self, channel: &Channel) -> Result<Option<i64>, StoreError> {
        self.with_connection(|conn| {
            Ok(conn.query_row(
                "SELECT MAX(nmicrotimestamp) FROM items WHERE channel = ?1",
                [channel.name()],
                |row| row.get(0),
            )?)
        })
    }

    /// One transaction: new items (repeats ignored), their channels' counts and spans updated by what was new,
    /// and the gap records.
    fn write_batch_blocking(&self, batch: &Batch) -> Result<(), StoreError> {
        let mut slot = self
            .inner
            .collector
            .lock()
            .expect("collector connection lock");
        let conn = match &mut *slot {
            Some(conn) => conn,
            None => {
                let conn = open_connection(&self.inner.path)?;
                conn.busy_timeout(COLLECT_BUSY_TIMEOUT)?;
                slot.insert(conn)
            }
        };
        let written = write_batch_in(conn, batch);
        if written.is_err() {
            // A fresh connection next time: the file may have been replaced or made writable again.
            *slot = None;
        }
        written
    }
}

fn write_batch_in(conn: &mut Connection, batch: &Batch) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    // Per channel: new items, first and last nmicrotimestamp among them.
    let mut added: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO items (channel, nmicrotimestamp, id, microtimestamp, size, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in &batch.items {
            let k = &r.key;
            let inserted = insert_record(&mut insert, r)?;
            if inserted == 1 {
                let span = added
                    .entry(k.channel.as_str())
                    .or_insert((0, i64::MAX, i64::MIN));
                *span = (
                    span.0 + 1,
                    span.1.min(k.nmicrotimestamp),
                    span.2.max(k.nmicrotimestamp),
                );
            }
        }
    }
    for (channel, (count, first, last)) in added {
        tx.execute(
            "INSERT INTO channel_stats (channel, count, first, last) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (channel) DO UPDATE SET count = count + excluded.count,
                 first = min(first, excluded.first), last = max(last, excluded.last)",
            params![channel, count, first, last],
        )?;
    }
    for gap in &batch.gaps {
        tx.execute(
            "INSERT OR REPLACE INTO gaps (channel, start_us, end_us, reason) VALUES (?1, ?2, ?3, ?4)",
            params![gap.channel, gap.from, gap.to, gap.reason],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Runs an `INSERT ... INTO items (channel, nmicrotimestamp, id, microtimestamp, size, json)` for `r`; returns
/// the rows changed.
fn insert_record(
    insert: &mut rusqlite::CachedStatement<'_>,
    r: &Record,
) -> Result<usize, StoreError> {
    let k = &r.key;
    Ok(insert.execute(params![
        k.channel,
        k.nmicrotimestamp,
        k.id,
        k.microtimestamp,
        r.size as i64,
        r.json
    ])?)
}

/// `/channels`' `source`: `sqlite` for imported items, as the store's name.
fn source_name(source: ItemSource) -> &'static str {
    match source {
        ItemSource::Demo => "demo",
        ItemSource::Import => "sqlite",
    }
}

/// Recounts one channel once per write: cheap next to the write, and `/channels` then costs nothing.
fn refresh_stats(conn: &Connection, channel: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO channel_stats (channel, count, first, last)
         SELECT channel, COUNT(*), MIN(nmicrotimestamp), MAX(nmicrotimestamp) FROM items WHERE channel = ?1",
        [channel],
    )?;
    Ok(())
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)
        .map_err(|e| StoreError(format!("cannot open {}: {e}", path.display())))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

impl Store for SqliteStore {
    async fn page(&self, request: &PageRequest) -> Result<Page, StoreError> {
        let request = request.clone();
        self.blocking(move |store| store.page_blocking(&request))
            .await
    }

    async fn channels(&self) -> Result<Vec<ChannelStats>, StoreError> {
        self.blocking(|store| store.channels_blocking()).await
    }

    async fn source(&self) -> Result<String, StoreError> {
        self.blocking(|store| store.source_blocking()).await
    }

    fn page_bytes(&self) -> usize {
        self.inner.page_bytes
    }

    async fn gaps(&self, request: &GapsRequest) -> Result<Vec<Gap>, StoreError> {
        let request = request.clone();
        self.blocking(move |store| store.gaps_blocking(&request))
            .await
    }
}

impl CollectStore for SqliteStore {
    async fn write_batch(&self, batch: Arc<Batch>) -> Result<(), StoreError> {
        self.blocking(move |store| store.write_batch_blocking(&batch))
            .await
    }

    async fn newest(&self, channel: &Channel) -> Result<Option<i64>, StoreError> {
        let channel = channel.clone();
        self.blocking(move |store| store.newest_blocking(&channel))
            .await
    }
}

impl WriteItems for SqliteStore {
    /// The producer and the writer run on two threads, linked by a bounded channel.
    async fn write_from<T: Send + 'static>(
        &self,
        source: ItemSource,
        produce: impl Producer<T>,
    ) -> Result<(u64, T), StoreError> {
        self.blocking(move |store| {
            let (sender, receiver) = std::sync::mpsc::sync_channel(8192);
            std::thread::scope(|scope| {
                // If the writer fails it drops the receiver: the producer then runs out unheard.
                let producer =
                    scope.spawn(move || produce(&mut |record| drop(sender.send(record))));
                let written = store.write(receiver, source);
                let produced = producer
                    .join()
                    .map_err(|_| StoreError("the producer of the items panicked".into()))?;
                Ok((written?, produced))
            })
        })
        .await
    }
}
