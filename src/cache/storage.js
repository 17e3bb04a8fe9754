// The cache's files in the browser: the origin private file system (OPFS) where the browser has one, else
// IndexedDB (one record per file). Names and bytes only: what they hold and whether they check out is the wasm's
// business (tickscope-core's cache). Every function rejects with the browser's error; the caller treats a failed
// read as a missing file and a failed write as nothing stored.

const NAME = 'tickscope-cache';

let opened;

/** 'opfs', 'indexeddb', or a rejection saying why the browser offers neither. */
export function cacheBackend() {
  return open().then((b) => b.kind);
}

/** The file's bytes (a Uint8Array), or undefined when there is no such file. */
export function cacheRead(name) {
  return open().then((b) => b.read(name));
}

/** Writes the file as the bytes of `parts` (Uint8Arrays, or strings as UTF-8), one after the other. */
export function cacheWrite(name, parts) {
  return open().then((b) => b.write(name, new Blob(parts)));
}

/** Removes the file; no error when there is none. */
export function cacheRemove(name) {
  return open().then((b) => b.remove(name));
}

/** Every file's name. */
export function cacheList() {
  return open().then((b) => b.list());
}

function open() {
  // A failure is not remembered: the next call tries again (a private window may refuse once, for a while).
  opened ??= openOpfs().catch(openIndexedDb).catch((error) => {
    opened = undefined;
    throw error;
  });
  return opened;
}

async function openOpfs() {
  if (!navigator.storage?.getDirectory) throw new Error('no origin private file system');
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(NAME, { create: true });
  const missing = (error) => {
    if (error?.name === 'NotFoundError') return undefined;
    throw error;
  };
  return {
    kind: 'opfs',
    read: (name) =>
      dir
        .getFileHandle(name)
        .then((h) => h.getFile())
        .then((f) => f.arrayBuffer())
        .then((b) => new Uint8Array(b), missing),
    // createWritable writes beside the file and swaps it in on close: a reader never sees half a file.
    write: async (name, blob) => {
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      try {
        await writable.write(blob);
        await writable.close();
      } catch (error) {
        await writable.abort().catch(() => {});
        throw error;
      }
    },
    remove: (name) => dir.removeEntry(name).catch(missing),
    list: async () => {
      const names = [];
      for await (const name of dir.keys()) names.push(name);
      return names;
    },
  };
}

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function openIndexedDb() {
  if (!globalThis.indexedDB) throw new Error('neither an origin private file system nor IndexedDB');
  const opening = indexedDB.open(NAME, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('files');
  const db = await request(opening);
  const store = (mode) => db.transaction('files', mode).objectStore('files');
  return {
    kind: 'indexeddb',
    read: (name) => request(store('readonly').get(name)).then((v) => (v === undefined ? v : new Uint8Array(v))),
    // As an ArrayBuffer, read back as one. The transaction is opened after the await: it would end meanwhile.
    write: async (name, blob) => {
      const bytes = await blob.arrayBuffer();
      await request(store('readwrite').put(bytes, name));
    },
    remove: (name) => request(store('readwrite').delete(name)).then(() => {}),
    list: () => request(store('readonly').getAllKeys()),
  };
}
