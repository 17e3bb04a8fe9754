//! The writer: items and gap records from the session, written to the store in batches (one SQLite
//! transaction; BatchWriteItem with retries) no later than [`FLUSH_AFTER`] after they arrive, while the session
//! keeps receiving.
//!
//! When the store fails, the batch is tried again after a backoff, and items wait in memory up to a bound;
//! beyond it they go to the [`Spool`], and everything comes back out in order: memory first, then the spool.
//! At shutdown, everything is written; if the store does not answer within [`SHUTDOWN_GRACE`], what is left is
//! spooled for the next run.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tickscope_core::{Backoff, Gap};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::spool::{Entry, EntryRef, Spool, Taken};
use super::status::Status;
use crate::clock::{now_us, random_unit};
use crate::record::Record;
use crate::store::{Batch, CollectStore, StoreError};

/// Items and gaps waiting for the writer; when it stops taking them (a healthy store sets the pace), the session
/// waits.
pub const INPUT_QUEUE: usize = 4096;
/// An item waits at most this long before its batch is written.
pub const FLUSH_AFTER: Duration = Duration::from_millis(100);
/// Items per batch (one transaction).
const MAX_BATCH: usize = 5_000;
/// A write taking longer than this means the store is struggling: items are held instead of waited for.
const SLOW_WRITE: Duration = Duration::from_secs(1);
/// How long a shutdown keeps trying a failing store before it spools the rest.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
const RETRY: Backoff = Backoff {
    base_ms: 250,
    cap_ms: 5_000,
    max_retries: u32::MAX,
};

pub enum Input {
    /// An item and the arrival of its frame (µs), for the delay to its durable write.
    Item(Record, i64),
    Gap(Gap),
}

pub struct WriterOptions {
    /// Items held in memory while the store fails, in bytes of their JSON, before the spool takes them.
    pub memory_bytes: usize,
    pub spool: Spool,
}

/// Where a batch came from, so that a written one is forgotten there.
enum Origin {
    Memory,
    Spool(Taken),
}

struct Job {
    batch: Arc<Batch>,
    /// The arrival of each item from memory, where it is known (spooled items are not timed).
    arrivals: Vec<Option<i64>>,
    origin: Origin,
    bytes: usize,
}

/// An item in memory: when it came to the writer, and its frame's arrival (µs) unless it went through the spool.
struct Held {
    since: Instant,
    arrived_us: Option<i64>,
    record: Record,
}

type Write = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send>>;

pub struct Writer<S> {
    store: S,
    status: Status,
    memory_bytes: usize,
    spool: Spool,
    memory: VecDeque<Held>,
    held_bytes: usize,
    gaps: Vec<Gap>,
    /// Items bound for the spool, made durable together, and when the first of them came.
    to_spool: Vec<Record>,
    to_spool_since: Option<Instant>,
    failures: u32,
    retry_at: Option<Instant>,
}

impl<S: CollectStore> Writer<S> {
    pub fn new(store: S, options: WriterOptions, status: Status) -> Self {
        let spooled = options.spool.unread();
        if spooled > 0 {
            tracing::info!(spooled, spool = %options.spool.path().display(), "writing what an earlier run spooled");
        }
        status.update(|c| c.spooled = spooled);
        Self {
            store,
            status,
            memory_bytes: options.memory_bytes,
            spool: options.spool,
            memory: VecDeque::new(),
            held_bytes: 0,
            gaps: Vec::new(),
            to_spool: Vec::new(),
            to_spool_since: None,
            failures: 0,
            retry_at: None,
        }
    }

    /// Writes what arrives until the session is done (its sender dropped) and everything is written or spooled.
    pub async fn run(mut self, mut input: mpsc::Receiver<Input>) -> Result<(), String> {
        let mut in_flight: Option<(Write, Job)> = None;
        let mut in_flight_since = Instant::now();
        let mut closing_since: Option<Instant> = None;
        loop {
            let now = Instant::now();
            if in_flight.is_none()
                && self.retry_at.is_none_or(|at| at <= now)
                && let Some(job) = self.next_job(closing_since.is_some())
            {
                let store = self.store.clone();
                let batch = job.batch.clone();
                in_flight = Some((Box::pin(async move { store.write_batch(batch).await }), job));
                in_flight_since = Instant::now();
            }
            if let Some(since) = closing_since {
                if in_flight.is_none() && self.is_empty() {
                    return Ok(());
                }
                if since.elapsed() >= SHUTDOWN_GRACE {
                    // A write still running may finish after all: writing its items twice stores them once.
                    if let Some((_, job)) = in_flight.take() {
                        self.put_back(job);
                    }
                    return self.spool_everything();
                }
            }
            // A healthy store sets the pace: with a batch or two waiting, reading waits for the write (and the
            // connections for the session). A failing or slow store does not: everything is taken, held, spooled.
            let slow = in_flight.is_some() && in_flight_since.elapsed() >= SLOW_WRITE;
            let takes_input = closing_since.is_none()
                && (self.memory.len() < 2 * MAX_BATCH || self.failures > 0 || slow);
            let mut wake = self.wake_at(closing_since);
            if in_flight.is_some() && !slow {
                wake = wake.min(in_flight_since + SLOW_WRITE);
            }
            tokio::select! {
                result = async { (&mut in_flight.as_mut().expect("in flight").0).await }, if in_flight.is_some() => {
                    let (_, job) = in_flight.take().expect("in flight");
                    self.written(job, result);
                }
                received = input.recv(), if takes_input => match received {
                    Some(Input::Item(record, arrived_us)) => self.accept(record, arrived_us),
                    Some(Input::Gap(gap)) => self.gaps.push(gap),
                    None => closing_since = Some(Instant::now()),
                },
                () = sleep_until(wake) => {}
            }
            let spool_due = self
                .to_spool_since
                .is_some_and(|at| at.elapsed() >= FLUSH_AFTER);
            if self.to_spool.len() >= MAX_BATCH || spool_due || closing_since.is_some() {
                self.flush_spool();
            }
        }
    }

    fn accept(&mut self, record: Record, arrived_us: i64) {
        if self.spool.unread() > 0
            || !self.to_spool.is_empty()
            || self.held_bytes >= self.memory_bytes
        {
            if self.to_spool.is_empty() && self.spool.unread() == 0 {
                tracing::warn!(memory_mb = self.memory_bytes >> 20, spool = %self.spool.path().display(), "memory bound reached: spooling");
            }
            self.to_spool_since.get_or_insert_with(Instant::now);
            self.to_spool.push(record);
            self.status.update(|c| c.buffered -= 1);
            self.count_spooled();
            return;
        }
        self.held_bytes += held_size(&record);
        self.memory.push_back(Held {
            since: Instant::now(),
            arrived_us: Some(arrived_us),
            record,
        });
    }

    /// The next batch to write, if one is due: the memory's oldest (a failed batch is back in front; due when its
    /// first item has waited [`FLUSH_AFTER`], or when a batch is full), else the spool's, else the gaps alone.
    fn next_job(&mut self, closing: bool) -> Option<Job> {
        let due = self
            .memory
            .front()
            .is_some_and(|held| held.since.elapsed() >= FLUSH_AFTER)
            || self.memory.len() >= MAX_BATCH
            || closing
            || !self.gaps.is_empty();
        if !self.memory.is_empty() && due {
            let n = self.memory.len().min(MAX_BATCH);
            let (arrivals, items): (Vec<Option<i64>>, Vec<Record>) = self
                .memory
                .drain(..n)
                .map(|held| (held.arrived_us, held.record))
                .unzip();
            let bytes = items.iter().map(held_size).sum();
            let mut job = self.job(items, Origin::Memory, bytes);
            job.arrivals = arrivals;
            return Some(job);
        }
        if self.memory.is_empty() && self.spool.unread() > 0 {
            self.flush_spool();
            match self.spool.read(MAX_BATCH) {
                Ok(mut taken) => {
                    let mut items = Vec::new();
                    for entry in std::mem::take(&mut taken.entries) {
                        match entry {
                            Entry::Item(record) => items.push(record),
                            Entry::Gap(gap) => self.gaps.push(gap),
                        }
                    }
                    return Some(self.job(items, Origin::Spool(taken), 0));
                }
                Err(e) => tracing::error!(error = %e, "cannot read the spool"),
            }
        }
        if !self.gaps.is_empty() {
            return Some(self.job(Vec::new(), Origin::Memory, 0));
        }
        None
    }

    fn job(&mut self, items: Vec<Record>, origin: Origin, bytes: usize) -> Job {
        // The last version of each gap record (an open gap and its closing may both wait): a store writing in
        // parallel must not be given two.
        let mut gaps: Vec<Gap> = Vec::new();
        for gap in std::mem::take(&mut self.gaps) {
            gaps.retain(|g| (g.channel.as_str(), g.from) != (gap.channel.as_str(), gap.from));
            gaps.push(gap);
        }
        Job {
            batch: Arc::new(Batch { items, gaps }),
            arrivals: Vec::new(),
            origin,
            bytes,
        }
    }

    fn written(&mut self, job: Job, result: Result<(), StoreError>) {
        match result {
            Ok(()) => {
                if self.failures > 0 {
                    tracing::info!("the store answers again");
                }
                self.failures = 0;
                self.retry_at = None;
                self.held_bytes -= job.bytes;
                let mut per_channel: BTreeMap<&str, u64> = BTreeMap::new();
                for record in &job.batch.items {
                    *per_channel.entry(&record.key.channel).or_default() += 1;
                }
                let n = job.batch.items.len() as u64;
                let now = now_us();
                let from_memory = matches!(job.origin, Origin::Memory);
                self.status.update(|c| {
                    for arrived in job.arrivals.iter().flatten() {
                        c.write_delays.record(now - arrived);
                    }
                    for (channel, written) in per_channel {
                        c.channels.entry(channel.to_owned()).or_default().written += written;
                    }
                    if from_memory {
                        c.buffered = c.buffered.saturating_sub(n);
                    }
                    c.store_error = None;
                });
                if let Origin::Spool(taken) = &job.origin
                    && let Err(e) = self.spool.consumed(taken)
                {
                    tracing::error!(error = %e, "cannot update the spool");
                }
                self.count_spooled();
            }
            Err(error) => {
                let delay = RETRY
                    .delay_ms(self.failures, random_unit())
                    .unwrap_or(RETRY.cap_ms);
                if self.failures == 0 {
                    tracing::warn!(%error, "the store failed: holding items and trying again");
                }
                self.failures += 1;
                self.retry_at = Some(Instant::now() + Duration::from_millis(delay.max(50).into()));
                self.status
                    .update(|c| c.store_error = Some(error.0.clone()));
                self.put_back(job);
            }
        }
    }

    /// A failed batch goes back where it came from, in front of what came after it.
    fn put_back(&mut self, job: Job) {
        let batch = Arc::unwrap_or_clone(job.batch);
        let mut gaps = batch.gaps;
        gaps.append(&mut self.gaps);
        self.gaps = gaps;
        if let Origin::Memory = job.origin {
            let since = Instant::now();
            for (record, arrived_us) in batch.items.into_iter().zip(job.arrivals).rev() {
                self.memory.push_front(Held {
                    since,
                    arrived_us,
                    record,
                });
            }
        }
        // A spool batch is read again: it was not consumed.
    }

    fn flush_spool(&mut self) {
        if self.to_spool.is_empty() {
            return;
        }
        if let Err(e) = self.spool.append(self.to_spool.iter().map(EntryRef::Item)) {
            tracing::error!(error = %e, spool = %self.spool.path().display(), "cannot write the spool: holding the items in memory");
            let since = Instant::now();
            let moved = self.to_spool.len() as u64;
            for record in self.to_spool.drain(..) {
                self.held_bytes += held_size(&record);
                // Not timed: their arrival is not kept on the way to the spool.
                self.memory.push_back(Held {
                    since,
                    arrived_us: None,
                    record,
                });
            }
            self.status.update(|c| c.buffered += moved);
        }
        self.to_spool.clear();
        self.to_spool_since = None;
        self.count_spooled();
    }

    /// At a shutdown the store did not answer: memory, gaps and the spool's queue go to the spool file.
    fn spool_everything(&mut self) -> Result<(), String> {
        let memory: Vec<Record> = self.memory.drain(..).map(|held| held.record).collect();
        let gaps = std::mem::take(&mut self.gaps);
        let entries = memory
            .iter()
            .chain(&self.to_spool)
            .map(EntryRef::Item)
            .chain(gaps.iter().map(EntryRef::Gap));
        let count = memory.len() + self.to_spool.len() + gaps.len();
        self.spool.append(entries).map_err(|e| {
            format!(
                "the store did not answer and the spool {} cannot be written ({e}): {count} entries are lost",
                self.spool.path().display()
            )
        })?;
        tracing::warn!(count, spool = %self.spool.path().display(), "the store did not answer: spooled for the next run");
        self.status.update(|c| c.buffered = 0);
        self.to_spool.clear();
        self.count_spooled();
        Ok(())
    }

    fn count_spooled(&self) {
        let spooled = self.spool.unread() + self.to_spool.len() as u64;
        self.status.update(|c| c.spooled = spooled);
    }

    fn is_empty(&self) -> bool {
        self.memory.is_empty()
            && self.gaps.is_empty()
            && self.to_spool.is_empty()
            && self.spool.unread() == 0
    }

    fn wake_at(&self, closing_since: Option<Instant>) -> Instant {
        let mut wake = Instant::now() + Duration::from_secs(1);
        if let Some(held) = self.memory.front() {
            wake = wake.min(held.since + FLUSH_AFTER);
        }
        if let Some(at) = self.retry_at {
            wake = wake.min(at);
        }
        if let Some(since) = closing_since {
            wake = wake.min(since + SHUTDOWN_GRACE);
        }
        if let Some(at) = self.to_spool_since {
            wake = wake.min(at + FLUSH_AFTER);
        }
        wake
    }
}

/// What an item held in memory costs, roughly: its JSON, its key and the queue's slot.
fn held_size(record: &Record) -> usize {
    record.json.len() + record.key.channel.len() + record.key.microtimestamp.len() + 96
}
