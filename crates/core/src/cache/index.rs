//! What the cache holds: one entry per stored stretch (the API, the channel, its time range, its size, when it
//! was last used). The caller keeps the stretches' bytes (one file per entry id) and this index beside them.

use serde::{Deserialize, Serialize};

/// A stretch to store: complete for `[from, to]` of `channel` at `api`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRange {
    pub api: String,
    pub channel: String,
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: u64,
    pub api: String,
    pub channel: String,
    pub from: i64,
    pub to: i64,
    pub items: u64,
    pub bytes: u64,
    /// When it was last read or written, by the caller's clock (ms).
    pub used: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CacheIndex {
    entries: Vec<IndexEntry>,
    next_id: u64,
}

impl CacheIndex {
    /// The index as stored; one that cannot be read is empty (its files are then strays, for the caller to remove).
    pub fn parse(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the index serializes")
    }

    pub fn entries(&self) -> &[IndexEntry] {
        &self.entries
    }

    pub fn get(&self, id: u64) -> Option<&IndexEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.bytes).sum()
    }

    /// The stretches stored for `channel` at `api`: `(id, from, to)`, for [`super::cover`].
    pub fn stretches(&self, api: &str, channel: &str) -> Vec<(u64, i64, i64)> {
        self.entries
            .iter()
            .filter(|e| e.api == api && e.channel == channel)
            .map(|e| (e.id, e.from, e.to))
            .collect()
    }

    /// Records a new stretch; returns its id and the ids of the stretches it replaces (same API and channel,
    /// within its range), which are removed from the index.
    pub fn add(&mut self, range: StoredRange, items: u64, bytes: u64, now: f64) -> (u64, Vec<u64>) {
        let id = self.next_id;
        self.next_id += 1;
        let inside = |e: &IndexEntry| {
            e.api == range.api
                && e.channel == range.channel
                && range.from <= e.from
                && e.to <= range.to
        };
        let replaced = self
            .entries
            .iter()
            .filter(|e| inside(e))
            .map(|e| e.id)
            .collect();
        self.entries.retain(|e| !inside(e));
        self.entries.push(IndexEntry {
            id,
            api: range.api,
            channel: range.channel,
            from: range.from,
            to: range.to,
            items,
            bytes,
            used: now,
        });
        (id, replaced)
    }

    pub fn touch(&mut self, id: u64, now: f64) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.used = now;
        }
    }

    pub fn remove(&mut self, id: u64) -> Option<IndexEntry> {
        let at = self.entries.iter().position(|e| e.id == id)?;
        Some(self.entries.remove(at))
    }

    /// Drops the least recently used stretches until at most `budget` bytes are kept; returns their ids.
    pub fn evict(&mut self, budget: u64) -> Vec<u64> {
        let mut by_age: Vec<(f64, u64, u64)> = self
            .entries
            .iter()
            .map(|e| (e.used, e.id, e.bytes))
            .collect();
        by_age.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut total = self.total_bytes();
        let mut gone = Vec::new();
        for (_, id, bytes) in by_age {
            if total <= budget {
                break;
            }
            total -= bytes;
            gone.push(id);
        }
        self.entries.retain(|e| !gone.contains(&e.id));
        gone
    }

    /// Forgets everything (ids keep counting, so an old file is never taken for a new entry).
    pub fn clear(&mut self) -> Vec<u64> {
        self.entries.drain(..).map(|e| e.id).collect()
    }
}
