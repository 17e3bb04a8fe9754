//! `dynamodb migrate`: the original system's repair step done properly. Items written with only the string
//! `microtimestamp` are invisible to the GSI; this adds the numeric `nmicrotimestamp` to each of them.
//!
//! A parallel segmented Scan finds them (`attribute_not_exists(nmicrotimestamp)`), and a conditional UpdateItem
//! sets the attribute only if it is still missing: running it twice, or alongside a writer, changes nothing
//! twice. Each segment's position can be saved to a checkpoint file after every page, so an interrupted run
//! continues where it stopped instead of scanning again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use super::attributes::Attributes;
use super::{DynamoStore, sdk_error};
use crate::store::StoreError;

/// How often the command prints progress.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// Counts so far; shared by the segments.
#[derive(Debug, Default)]
pub struct Counts {
    /// Items the scan returned (those lacking `nmicrotimestamp`).
    pub found: AtomicU64,
    pub updated: AtomicU64,
    /// Got `nmicrotimestamp` from someone else between the scan and the update.
    pub raced: AtomicU64,
    /// `microtimestamp` is not a whole number: left as they are, and reported.
    pub skipped: AtomicU64,
    pub segments_done: AtomicU64,
}

impl Counts {
    pub fn summary(&self, segments: u32) -> String {
        let get = |n: &AtomicU64| n.load(Ordering::Relaxed);
        format!(
            "{} found without nmicrotimestamp, {} updated, {} updated by someone else meanwhile, {} skipped \
             (microtimestamp not a whole number); {}/{segments} segments done",
            get(&self.found),
            get(&self.updated),
            get(&self.raced),
            get(&self.skipped),
            get(&self.segments_done),
        )
    }
}

/// Where each segment of the scan is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Position {
    Start,
    /// After this table key: `id` (number text) and `microtimestamp`.
    After {
        id: String,
        microtimestamp: String,
    },
    Done,
}

/// The checkpoint file: the table and each segment's position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub table: String,
    pub positions: Vec<Position>,
}

impl Checkpoint {
    /// The saved checkpoint for `table` with `segments` segments, or a fresh one when there is no file.
    pub fn load(path: &Path, table: &str, segments: u32) -> Result<Self, StoreError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    table: table.to_owned(),
                    positions: vec![Position::Start; segments as usize],
                });
            }
            Err(e) => return Err(StoreError(format!("cannot read {}: {e}", path.display()))),
        };
        let saved: Self = serde_json::from_str(&text).map_err(|e| {
            StoreError(format!(
                "{} is not a migrate checkpoint: {e}",
                path.display()
            ))
        })?;
        if saved.table != table || saved.positions.len() != segments as usize {
            return Err(StoreError(format!(
                "{} is a checkpoint of table {} with {} segments, not {table} with {segments}: use those or \
                 delete the file to start over",
                path.display(),
                saved.table,
                saved.positions.len()
            )));
        }
        Ok(saved)
    }

    fn save(&self, path: &Path) -> Result<(), StoreError> {
        // Write then rename, so a crash never leaves half a file.
        let partial = path.with_extension("partial");
        let json = serde_json::to_string(self).expect("a checkpoint serializes");
        std::fs::write(&partial, json)
            .and_then(|()| std::fs::rename(&partial, path))
            .map_err(|e| StoreError(format!("cannot write {}: {e}", path.display())))
    }
}

pub struct MigrateOptions {
    pub segments: u32,
    pub checkpoint: Option<PathBuf>,
}

/// Runs the migration; `counts` can be watched for progress while it runs.
pub async fn migrate(
    store: &DynamoStore,
    options: &MigrateOptions,
    counts: Arc<Counts>,
) -> Result<(), StoreError> {
    let checkpoint = match &options.checkpoint {
        Some(path) => Checkpoint::load(path, store.table(), options.segments)?,
        None => Checkpoint {
            table: store.table().to_owned(),
            positions: vec![Position::Start; options.segments as usize],
        },
    };
    let shared = Arc::new(Mutex::new(checkpoint.clone()));
    let mut tasks = JoinSet::new();
    for (segment, position) in checkpoint.positions.into_iter().enumerate() {
        let segment = Segment {
            store: store.clone(),
            index: segment,
            total: options.segments,
            counts: counts.clone(),
            checkpoint: shared.clone(),
            path: options.checkpoint.clone(),
        };
        tasks.spawn(segment.run(position));
    }
    while let Some(result) = tasks.join_next().await {
        result.map_err(|e| StoreError(format!("migrate task failed: {e}")))??;
    }
    Ok(())
}

struct Segment {
    store: DynamoStore,
    index: usize,
    total: u32,
    counts: Arc<Counts>,
    checkpoint: Arc<Mutex<Checkpoint>>,
    path: Option<PathBuf>,
}

impl Segment {
    async fn run(self, mut position: Position) -> Result<(), StoreError> {
        while position != Position::Done {
            let start = match &position {
                Position::After { id, microtimestamp } => Some(Attributes::from([
                    ("id".to_owned(), AttributeValue::N(id.clone())),
                    (
                        "microtimestamp".to_owned(),
                        AttributeValue::S(microtimestamp.clone()),
                    ),
                ])),
                _ => None,
            };
            let page = self
                .store
                .client
                .scan()
                .table_name(&self.store.table)
                .segment(self.index as i32)
                .total_segments(self.total as i32)
                .filter_expression(
                    "attribute_not_exists(nmicrotimestamp) AND attribute_exists(microtimestamp)",
                )
                .projection_expression("id, microtimestamp")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_error("Scan", e))?;
            for item in page.items() {
                self.counts.found.fetch_add(1, Ordering::Relaxed);
                self.add_nmicrotimestamp(item).await?;
            }
            position = match page.last_evaluated_key() {
                Some(key) => after(key)?,
                None => Position::Done,
            };
            self.save(&position).await?;
        }
        self.counts.segments_done.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    async fn add_nmicrotimestamp(&self, item: &Attributes) -> Result<(), StoreError> {
        let micros = item
            .get("microtimestamp")
            .and_then(|m| m.as_s().ok())
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|m| m.parse::<i64>().ok());
        let (Some(micros), Some(id)) = (micros, item.get("id")) else {
            tracing::warn!(
                ?item,
                "skipped: microtimestamp is not a whole number of microseconds"
            );
            self.counts.skipped.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        let updated = self
            .store
            .client
            .update_item()
            .table_name(&self.store.table)
            .key("id", id.clone())
            .key("microtimestamp", item["microtimestamp"].clone())
            .update_expression("SET nmicrotimestamp = :n")
            .condition_expression("attribute_exists(id) AND attribute_not_exists(nmicrotimestamp)")
            .expression_attribute_values(":n", AttributeValue::N(micros.to_string()))
            .send()
            .await;
        match updated {
            Ok(_) => self.counts.updated.fetch_add(1, Ordering::Relaxed),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => {
                self.counts.raced.fetch_add(1, Ordering::Relaxed)
            }
            Err(e) => return Err(sdk_error("UpdateItem", e)),
        };
        Ok(())
    }

    async fn save(&self, position: &Position) -> Result<(), StoreError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut checkpoint = self.checkpoint.lock().await;
        checkpoint.positions[self.index] = position.clone();
        checkpoint.save(path)
    }
}

fn after(key: &Attributes) -> Result<Position, StoreError> {
    match (key.get("id"), key.get("microtimestamp")) {
        (Some(AttributeValue::N(id)), Some(AttributeValue::S(micro))) => Ok(Position::After {
            id: id.clone(),
            microtimestamp: micro.clone(),
        }),
        _ => Err(StoreError(format!(
            "Scan's LastEvaluatedKey is not the table key: {key:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_refuse_another_table_or_split() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("migrate.json");
        let fresh = Checkpoint::load(&path, "t", 3).unwrap();
        assert_eq!(fresh.positions, vec![Position::Start; 3]);
        let saved = Checkpoint {
            table: "t".into(),
            positions: vec![
                Position::Done,
                Position::After {
                    id: "12".into(),
                    microtimestamp: "1647830700000000".into(),
                },
                Position::Start,
            ],
        };
        saved.save(&path).unwrap();
        assert_eq!(Checkpoint::load(&path, "t", 3).unwrap(), saved);
        assert!(
            Checkpoint::load(&path, "t", 4)
                .unwrap_err()
                .0
                .contains("3 segments")
        );
        assert!(
            Checkpoint::load(&path, "u", 3)
                .unwrap_err()
                .0
                .contains("table t")
        );
        std::fs::write(&path, "{").unwrap();
        assert!(
            Checkpoint::load(&path, "t", 3)
                .unwrap_err()
                .0
                .contains("not a migrate checkpoint")
        );
    }
}
