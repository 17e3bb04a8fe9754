//! The browser's cache of loaded items: what a load reads before it asks the API, and what it keeps once loaded.
//! The rules (which parts of a range are stored, the bytes and their checks, least recently used out) are
//! `tickscope-core`'s `cache`; this module keeps the index in memory and the files through `storage.js` (OPFS,
//! else IndexedDB): `index.json`, and one `<id>.tsc` per stored stretch.

mod storage;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use tickscope_core::cache::{
    CacheIndex, DEFAULT_BUDGET_BYTES, Encoder, Piece, StoredRange, cover, decode,
};
use tickscope_core::{Channel, Held};

const INDEX: &str = "index.json";

/// Encoded bytes per task while keeping a stretch: a few ms of work.
const BYTES_PER_TASK: usize = 4 << 20;

/// Resolves in a later task of the event loop (a `setTimeout` of 0): futures spawned together otherwise run in
/// one task, as microtasks.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn file_of(id: u64) -> String {
    format!("{id}.tsc")
}

/// What the cache can do now.
#[derive(Clone, Debug, PartialEq)]
pub enum CacheState {
    Opening,
    Ready {
        bytes: u64,
        stretches: usize,
    },
    /// The browser keeps no files for this page (a private window may refuse), said why.
    Unavailable(String),
}

/// A handle to the page's one cache.
#[derive(Clone, Copy)]
pub struct Cache {
    index: StoredValue<CacheIndex>,
    state: RwSignal<CacheState>,
    /// Whether `index.json` is being written, and whether it changed since that write began.
    saving: StoredValue<(bool, bool)>,
    /// Stores and index writes under way: what is shown is not all on disk yet.
    busy: RwSignal<u32>,
    /// Resolves once the index is read (or the cache found unavailable): a link's load waits for it.
    opening: StoredValue<Shared<LocalBoxFuture<'static, ()>>, LocalStorage>,
}

impl Cache {
    /// Opens the cache in the background ([`Cache::opened`] waits for it).
    pub fn open() -> Self {
        let state = RwSignal::new(CacheState::Opening);
        let index = StoredValue::new(CacheIndex::default());
        let cache = Self {
            index,
            state,
            saving: StoredValue::new((false, false)),
            busy: RwSignal::new(0),
            opening: StoredValue::new_local(async {}.boxed_local().shared()),
        };
        let opening = async move {
            if let Err(why) = storage::backend().await {
                cache.state.set(CacheState::Unavailable(why));
                return;
            }
            let json = storage::read(INDEX)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            let index = CacheIndex::parse(&String::from_utf8_lossy(&json));
            // Files no entry names: written by a load whose index was lost, or by a tab that raced this one.
            let named: Vec<String> = index.entries().iter().map(|e| file_of(e.id)).collect();
            for name in storage::list().await.unwrap_or_default() {
                if name != INDEX && !named.contains(&name) {
                    let _ = storage::remove(&name).await;
                }
            }
            cache.index.set_value(index);
            cache.changed(false);
        }
        .boxed_local()
        .shared();
        cache.opening.set_value(opening.clone());
        spawn_local(opening);
        cache
    }

    /// Once the cache is open (or known unavailable).
    pub async fn opened(&self) {
        self.opening.get_value().await
    }

    /// Whether it is still being opened.
    pub fn is_opening(&self) -> bool {
        self.state.get_untracked() == CacheState::Opening
    }

    pub fn state(&self) -> Signal<CacheState> {
        self.state.into()
    }

    /// Whether writes are under way.
    pub fn busy(&self) -> Signal<bool> {
        let busy = self.busy;
        Signal::derive(move || busy.get() > 0)
    }

    /// Runs `work` in the background, counted as busy while it runs.
    fn in_background(&self, work: impl Future<Output = ()> + 'static) {
        self.busy.update(|n| *n += 1);
        let busy = self.busy;
        spawn_local(async move {
            work.await;
            busy.update(|n| *n -= 1);
        });
    }

    fn is_ready(&self) -> bool {
        matches!(self.state.get_untracked(), CacheState::Ready { .. })
    }

    /// Whether anything of `[from, to]` of these channels is stored for `api` (said at once, from the index).
    pub fn holds_any(&self, api: &str, channels: &[Channel], from: i64, to: i64) -> bool {
        self.is_ready()
            && channels
                .iter()
                .any(|c| !self.stored_pieces(api, c, from, to).is_empty())
    }

    /// The stored parts of `[from, to]`: `(id, from, to)` each.
    fn stored_pieces(
        &self,
        api: &str,
        channel: &Channel,
        from: i64,
        to: i64,
    ) -> Vec<(u64, i64, i64)> {
        let stretches = self.index.with_value(|i| i.stretches(api, channel.name()));
        cover(&stretches, from, to)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Stored { id, from, to } => Some((id, from, to)),
                Piece::Missing { .. } => None,
            })
            .collect()
    }

    /// What is stored of `[from, to]` of `channel` at `api`, read and checked. A stretch that cannot be read or
    /// does not check out is dropped from the cache (its part is then fetched like any other).
    pub async fn read(&self, api: &str, channel: &Channel, from: i64, to: i64) -> Vec<Held> {
        let mut held = Vec::new();
        let pieces = self.stored_pieces(api, channel, from, to);
        let touched = !pieces.is_empty();
        // Each stretch gives one piece at most (`cover` moves past the end of the one it reads).
        for (id, a, b) in pieces {
            let columns = match storage::read(&file_of(id)).await {
                Ok(Some(bytes)) => decode(&bytes).map_err(|e| e.to_string()),
                Ok(None) => Err("its file is missing".to_owned()),
                Err(e) => Err(e),
            };
            match columns {
                Ok(columns) => {
                    held.push(Held::piece(columns, a, b));
                    self.index
                        .update_value(|i| i.touch(id, js_sys::Date::now()));
                }
                Err(why) => {
                    web_sys::console::warn_1(
                        &format!("cache: dropped a stored stretch of {channel} ({why}); fetching it again")
                            .into(),
                    );
                    self.index.update_value(|i| {
                        i.remove(id);
                    });
                    let _ = storage::remove(&file_of(id)).await;
                }
            }
        }
        if touched {
            self.changed(true);
        }
        held
    }

    /// Keeps `stretches` of `channel` at `api` (each complete for its range), in the background, replacing what
    /// they contain, then drops the least recently used beyond the budget.
    pub fn keep(&self, api: String, channel: Channel, stretches: Vec<Held>) {
        if !self.is_ready() || stretches.is_empty() {
            return;
        }
        let cache = *self;
        self.in_background(async move { cache.store(&api, &channel, stretches).await });
    }

    async fn store(&self, api: &str, channel: &Channel, stretches: Vec<Held>) {
        for stretch in stretches {
            // After whatever the page is drawing, a few MB per task: encoding a channel's hundreds of thousands
            // of items at once is tens of ms.
            next_task().await;
            let range = StoredRange {
                api: api.to_owned(),
                channel: channel.name().to_owned(),
                from: stretch.from,
                to: stretch.to,
            };
            let items = stretch.items() as u64;
            // Straight from the load's pages to JS, a column of a page at a time: no copy of the stretch in
            // wasm memory, which never shrinks back from its high-water mark.
            let parts = js_sys::Array::new();
            let mut bytes = 0;
            let mut unyielded = 0;
            let pages = stretch.chunks();
            for part in Encoder::new(&pages) {
                bytes += part.len();
                unyielded += part.len();
                parts.push(&js_sys::Uint8Array::from(&part[..]));
                if unyielded >= BYTES_PER_TASK {
                    unyielded = 0;
                    next_task().await;
                }
            }
            // The pages are the load's alone again: a following load changes them without copying.
            drop(pages);
            drop(stretch);
            let (id, replaced) = self
                .index
                .try_update_value(|i| i.add(range, items, bytes as u64, js_sys::Date::now()))
                .expect("the cache's index lives as long as the app");
            if let Err(why) = storage::write(&file_of(id), &parts).await {
                // Full, or refused: this stretch is not kept (what it replaced still is, until the index says not).
                web_sys::console::warn_1(
                    &format!("cache: could not keep a stretch of {channel}: {why}").into(),
                );
                self.index.update_value(|i| {
                    i.remove(id);
                });
                continue;
            }
            for old in replaced {
                let _ = storage::remove(&file_of(old)).await;
            }
        }
        let gone = self
            .index
            .try_update_value(|i| i.evict(DEFAULT_BUDGET_BYTES))
            .unwrap_or_default();
        for id in gone {
            let _ = storage::remove(&file_of(id)).await;
        }
        self.changed(true);
    }

    /// Forgets everything stored.
    pub fn clear(&self) {
        if !self.is_ready() {
            return;
        }
        let ids = self
            .index
            .try_update_value(CacheIndex::clear)
            .unwrap_or_default();
        self.changed(true);
        self.in_background(async move {
            for id in ids {
                let _ = storage::remove(&file_of(id)).await;
            }
        });
    }

    /// The index changed: the size shown follows, and (when `save`) `index.json` is written, one write at a time,
    /// the last state always written last.
    fn changed(&self, save: bool) {
        let (bytes, stretches) = self
            .index
            .with_value(|i| (i.total_bytes(), i.entries().len()));
        self.state.set(CacheState::Ready { bytes, stretches });
        if !save {
            return;
        }
        let busy = self.saving.try_update_value(|s| {
            let busy = s.0;
            *s = (true, busy);
            busy
        });
        if busy != Some(false) {
            return;
        }
        let cache = *self;
        self.in_background(async move {
            loop {
                let json = cache.index.with_value(CacheIndex::to_json);
                // A Blob takes a string as its UTF-8 bytes.
                let parts = js_sys::Array::of1(&json.into());
                if let Err(why) = storage::write(INDEX, &parts).await {
                    web_sys::console::warn_1(
                        &format!("cache: could not save its index: {why}").into(),
                    );
                }
                let again = cache.saving.try_update_value(|s| {
                    let again = s.1;
                    *s = (again, false);
                    again
                });
                if again != Some(true) {
                    break;
                }
            }
        });
    }
}
