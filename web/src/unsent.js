// Unsent edits kept on the device: the editor writes its unconfirmed
// updates, and the version they are based on, to IndexedDB as they are
// made, so that a page closed while offline (or a phone that ran out of
// battery) loses nothing. The next page that opens the document finds
// them and offers to send them.
//
// One record per document and per page (its clientID):
//   {doc, clientID, version, updates: [{seq, changes}], savedAt}
// where changes is a change set in CodeMirror's JSON form, the updates in
// order, each based on the one before, the first on version. Sending a
// record again is safe: the server accepts each (clientID, seq) once and
// recognises, by clientID, those of its updates it accepted already
// (docs/protocol.md, "Pushes are idempotent").
//
// A page holds a Web Lock named after its record while it lives, so that
// another page can tell a record whose page is still open (it will send
// its edits itself) from one whose page is gone. Without Web Locks (a page
// served over plain http from another machine), every other record is
// offered: sending a live page's edits for it is harmless, for the reason
// above.

const dbName = "tawla-unsent";
const storeName = "updates";

// lockName names the lock a page holds on its record.
export function lockName(doc, clientID) {
  return "tawla-unsent:" + doc + ":" + clientID;
}

// request turns an IndexedDB request into a promise.
function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** UnsentStore reads and writes the records of one document. */
export class UnsentStore {
  constructor(db, doc) {
    this.db = db;
    this.doc = doc;
  }

  /** open opens the store, or resolves null where IndexedDB is missing or refused. */
  static async open(doc) {
    if (typeof indexedDB === "undefined") return null;
    try {
      const open = indexedDB.open(dbName, 1);
      open.onupgradeneeded = () => {
        const store = open.result.createObjectStore(storeName, { keyPath: ["doc", "clientID"] });
        store.createIndex("doc", "doc");
      };
      const db = await request(open);
      return new UnsentStore(db, doc);
    } catch (e) {
      return null; // private browsing, storage refused: nothing is kept
    }
  }

  /** save writes the record of clientID, or deletes it when updates is empty. */
  save(clientID, version, updates) {
    const tx = this.db.transaction(storeName, "readwrite");
    const store = tx.objectStore(storeName);
    if (updates.length === 0) store.delete([this.doc, clientID]);
    else store.put({ doc: this.doc, clientID, version, updates, savedAt: Date.now() });
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  /** remove deletes the record of clientID. */
  remove(clientID) {
    return this.save(clientID, 0, []);
  }

  /**
   * waiting lists the records of the document left by pages that are gone
   * (all but except's and those whose page still holds its lock).
   */
  async waiting(except) {
    const tx = this.db.transaction(storeName, "readonly");
    const records = await request(tx.objectStore(storeName).index("doc").getAll(this.doc));
    let held = new Set();
    if (navigator.locks && navigator.locks.query) {
      try {
        const state = await navigator.locks.query();
        held = new Set((state.held || []).map((l) => l.name));
      } catch (e) {
        // No answer: offer them all (see above).
      }
    }
    return records.filter(
      (r) => r.clientID !== except && Array.isArray(r.updates) && r.updates.length > 0 && !held.has(lockName(this.doc, r.clientID)),
    );
  }
}

/**
 * holdLock takes the lock of a page's record for as long as the page
 * lives, where Web Locks exist.
 */
export function holdLock(doc, clientID) {
  if (!navigator.locks || !navigator.locks.request) return;
  navigator.locks.request(lockName(doc, clientID), () => new Promise(() => {})).catch(() => {});
}
