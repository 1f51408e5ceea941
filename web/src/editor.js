// The procedure editor: CodeMirror 6 on a procedure's draft, co-edited live
// through the server, which is the authority of the document
// (docs/protocol.md, "Co-editing a document"), with the others' cursors and
// a rendered preview beside it.
//
// The page (web/templates/procedure.html) holds the editor's container with
// everything this script needs in data attributes: the document, the
// draft's language and direction, whether the viewer may edit (the server's
// doc.state has the last word), the translated status texts, and the nonce
// that lets CodeMirror add its stylesheet under the Content-Security-Policy.

import { ChangeSet, Compartment, EditorState, Prec, Transaction } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { defaultHighlightStyle, LanguageSupport, syntaxHighlighting } from "@codemirror/language";
import { markdownKeymap, markdownLanguage, pasteURLAsLink } from "@codemirror/lang-markdown";
import { collab, getSyncedVersion, receiveUpdates, sendableUpdates } from "@codemirror/collab";
import { Comments, commentedField, setCommented } from "./comments.js";

import { Channel } from "../static/js/channel.js";
import { lineDirection } from "./direction.js";
import { clearPresence, presenceField, removePresence, safeColour, setPresence } from "./presence.js";
import { UnsentStore, holdLock } from "./unsent.js";

// A push carries at most this many updates (the server takes 1,000) and
// about this many characters of changes (a message may be 1 MiB): after a
// long time offline, the backlog goes out in several pushes.
const maxUpdatesPerPush = 500;
const maxPushChars = 256 * 1024;
// The selection goes to the others at most this often.
const presenceInterval = 100; // ms
// The preview is fetched this long after the last change, and at least
// this often while changes keep coming.
const previewDelay = 300; // ms
const previewMaxWait = 1500; // ms
// The server takes at most this many updates in one push: the edits kept
// on the device by a page that is gone (unsent.js) go in one push, so that
// they stay based on the version they were made on; a longer record has
// its last updates composed into one.
const maxRecoveredUpdates = 1000;
// Received updates kept to place the others' cursors sent against an
// older version.
const recentKept = 1000;

// markdown is Markdown with GitHub's extensions (tables, task lists,
// strikethrough), as the server renders it, and the Markdown keys (Enter
// continues a list). It is put together here rather than with markdown()
// of @codemirror/lang-markdown, whose default HTML support would bring the
// HTML, CSS and JavaScript parsers along and triple the size of the script
// that people on a phone must download: drafts have no raw HTML anyway.
function markdown() {
  return new LanguageSupport(markdownLanguage, [Prec.high(keymap.of(markdownKeymap)), pasteURLAsLink]);
}

function randomClientID() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// mapThrough maps pos through changes, clamped to the changes' document:
// others' positions may run past our text by their unconfirmed edits.
function mapThrough(changes, pos) {
  return changes.mapPos(Math.min(Math.max(pos, 0), changes.length), 1);
}

class Draft {
  constructor(root) {
    this.root = root;
    const data = root.dataset;
    this.data = data;
    this.docID = Number(data.document);
    this.canEdit = data.canEdit === "true";
    this.clientID = randomClientID();
    // Each local update gets its sequence number the first time it is
    // pushed. The map is keyed by the update's origin, the transaction
    // that made it: receiveUpdates replaces the LocalUpdate objects when it
    // rebases them over others' changes, but keeps their origin, so an
    // update sent again after a drop keeps its number and the server can
    // recognise it.
    this.seqs = new WeakMap();
    this.nextSeq = 1;

    this.view = null;
    this.joined = false; // the server has answered our join on this connection
    this.joining = false; // a join is waiting for its answer
    this.pushing = false; // a push is waiting for doc.pushed
    this.resyncing = false; // the next join must reload the whole text
    this.interacted = false; // the viewer has focused the editor once
    this.recent = []; // [{version, changes}] received, version after each
    this.pendingPresence = new Map(); // peer → doc.presence ahead of us
    this.peers = new Map(); // peer → {name, colour}
    this.editable = new Compartment();

    this.statusEl = document.getElementById("draft-status");
    this.savedEl = document.getElementById("draft-saved");
    this.peopleEl = document.getElementById("draft-people");
    this.peersEl = document.getElementById("draft-peers");
    this.previewEl = document.getElementById("procedure-preview");
    const commentsEl = document.getElementById("comments");
    this.comments = commentsEl
      ? new Comments(
          commentsEl,
          () => (this.view ? this.view.state : null),
          (version, passages) => this.highlightPassages(version, passages),
        )
      : null;
    this.followed = false; // the document's topic was followed once
    this.pendingPassages = null; // passages at a version we have not reached
    this.previewURL = data.previewUrl;
    this.previewVersion = Number(data.version) || 0;
    this.previewSeq = 0;
    this.previewTimer = null;
    this.previewFirst = 0;
    this.presenceTimer = null;
    this.presenceDirty = false;
    this.presenceAhead = false; // the last selection sent counted unconfirmed updates
    this.notice = null; // a status message that outlives connection states

    // Unsent edits kept on the device (unsent.js): this page's own record,
    // written as edits are made, and the records of pages that are gone,
    // offered once the document is open.
    this.store = null; // the UnsentStore, once open
    this.saving = false; // a write of our record is under way
    this.saveAgain = false; // something changed during that write
    this.lastSaved = null; // {version, unconfirmed} as last written
    this.offered = false; // the records of pages gone were looked for
    this.recovery = null; // {records, requested, inFlight, sent, state}
    this.recoverEl = null;
    holdLock(this.docID, this.clientID);
    UnsentStore.open(this.docID).then((store) => {
      this.store = store;
      if (!store) return;
      this.scheduleSave();
      this.offerWaiting();
      this.updateSaved();
    });

    this.conn = new Channel({
      open: () => this.opened(),
      message: (msg) => this.received(msg),
      close: (code) => this.closed(code),
      state: (name) => this.showConnection(name),
    });
    window.addEventListener("beforeunload", (event) => {
      if (this.view && sendableUpdates(this.view.state).length) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  start() {
    if (this.statusEl) this.statusEl.hidden = false;
    this.conn.start();
  }

  // ---- Connection ----

  opened() {
    if (this.comments) {
      // Comments and answers come as events of the document's topic; after
      // a drop, those missed are read again with the whole list.
      this.conn.send({ type: "subscribe", topic: this.comments.topic(this.docID) });
      if (this.followed) this.comments.refresh();
      this.followed = true;
    }
    this.joined = false;
    this.pushing = false;
    this.joining = true;
    if (!this.view || this.resyncing) {
      this.conn.send({ type: "doc.join", doc: this.docID });
    } else {
      this.conn.send({ type: "doc.join", doc: this.docID, version: getSyncedVersion(this.view.state) });
    }
  }

  closed(code) {
    this.joined = false;
    this.joining = false;
    this.pushing = false;
    // A recovered push without its answer is sent again after the next
    // join: the server recognises what it accepted already.
    if (this.recovery) this.recovery.inFlight = null;
    if (code === 1009) {
      // A push was too large for the server: sending it again would close
      // the connection again.
      this.resyncing = true;
      this.setNotice("statusRefused");
    }
    this.pendingPresence.clear();
    this.setPeers([]);
    if (this.view) this.view.dispatch({ effects: clearPresence.of(null) });
    this.updateSaved();
  }

  received(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "event") {
      if (this.comments && msg.topic === this.comments.topic(this.docID)) this.comments.onEvent(msg.data);
      return;
    }
    if (msg.doc !== undefined && msg.doc !== this.docID) return;
    switch (msg.type) {
      case "doc.state":
        this.onState(msg);
        break;
      case "doc.updates":
        this.onUpdates(msg);
        break;
      case "doc.joined":
        this.onJoined(msg);
        break;
      case "doc.pushed":
        this.pushing = false;
        if (this.recovery && this.recovery.inFlight) this.recovered();
        this.maybePush();
        this.updateSaved();
        // The others place our last selection as if our unconfirmed
        // updates were not in it yet, and then move it again over them as
        // they arrive: it shows ahead of where we are until we send it
        // again, now that the server has them.
        if (this.presenceAhead) this.schedulePresence();
        break;
      case "doc.peer":
        this.onPeer(msg);
        break;
      case "doc.presence":
        this.onPresence(msg);
        break;
      case "doc.peers":
        // Several of the two above, from one turn of the server, in order.
        for (const m of Array.isArray(msg.messages) ? msg.messages : []) {
          if (m && (m.type === "doc.peer" || m.type === "doc.presence")) this.received(m);
        }
        break;
      case "error":
        this.onError(msg);
        break;
    }
  }

  // ---- Document ----

  createState(text, version) {
    return EditorState.create({
      doc: text,
      extensions: [
        collab({ startVersion: version, clientID: this.clientID }),
        history(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        lineDirection,
        EditorView.cspNonce.of(this.data.cspNonce || ""),
        this.editable.of(this.editableExtension()),
        presenceField,
        commentedField,
        EditorView.updateListener.of((update) => this.viewUpdated(update)),
      ],
    });
  }

  // editableExtension is what changes with the right to edit. A reader's
  // editor is read-only for commands (readOnly) and not editable at all:
  // without editable false, CodeMirror keeps the text contenteditable, so
  // a tap on a phone opens the keyboard and assistive technology announces
  // an editable field; aria-readonly says the rest.
  editableExtension() {
    return [
      EditorState.readOnly.of(!this.canEdit),
      EditorView.editable.of(this.canEdit),
      EditorView.contentAttributes.of({
        "aria-label": this.data.label || "",
        "aria-readonly": String(!this.canEdit),
        lang: this.data.lang || "",
        spellcheck: "true",
      }),
    ];
  }

  onState(msg) {
    this.joining = false;
    this.joined = true;
    this.conn.healthy();
    this.setCanEdit(msg.canEdit === true);
    const state = this.createState(String(msg.text ?? ""), Number(msg.version) || 0);
    if (!this.view) {
      this.root.replaceChildren();
      this.root.classList.add("is-live");
      this.view = new EditorView({ state, parent: this.root });
      if (this.comments) {
        this.comments.selectionChanged(this.view.state);
        this.comments.showPassages();
      }
      this.exposeForTests();
    } else {
      // A reload after a refusal: unsent edits are dropped, the text is
      // the server's.
      this.view.setState(state);
    }
    this.resyncing = false;
    this.recent = [];
    this.pendingPresence.clear();
    this.setPeers(msg.peers);
    this.schedulePresence();
    this.schedulePreview();
    this.updateSaved();
    // After a reload (setState calls no listener), what is kept follows.
    this.scheduleSave();
    this.offerWaiting();
  }

  onJoined(msg) {
    this.joining = false;
    this.joined = true;
    this.conn.healthy();
    this.setCanEdit(msg.canEdit === true);
    this.setPeers(msg.peers);
    this.schedulePresence();
    this.maybePush();
    this.schedulePreview();
    this.updateSaved();
  }

  onUpdates(msg) {
    if (!this.view || this.resyncing || !Array.isArray(msg.updates)) return;
    const synced = getSyncedVersion(this.view.state);
    let from = Number(msg.version);
    let updates = msg.updates;
    if (!(from <= synced)) {
      // We missed updates (or the version is nonsense): ask for them.
      this.rejoin();
      return;
    }
    if (from < synced) {
      updates = updates.slice(synced - from);
      from = synced;
    }
    if (!updates.length) return;
    try {
      const parsed = updates.map((u) => ({ clientID: String(u.clientID), changes: ChangeSet.fromJSON(u.changes) }));
      // One update at a time, as the server rebases (docs/protocol.md):
      // mapping over a composition of updates is not always the same as
      // mapping over each in turn.
      const transactions = [];
      let state = this.view.state;
      for (const u of parsed) {
        const tr = receiveUpdates(state, [u]);
        transactions.push(tr);
        state = tr.state;
      }
      this.view.dispatch(transactions);
      parsed.forEach((u, i) => this.recent.push({ version: from + i + 1, changes: u.changes }));
      if (this.recent.length > recentKept) this.recent.splice(0, this.recent.length - recentKept);
    } catch (e) {
      // Updates that do not fit our text: we are out of step with the
      // server, so start again from its text.
      console.error("tawla editor: updates do not apply", e);
      this.resync("statusRefused");
      return;
    }
    this.applyPendingPresence();
    if (this.pendingPassages && this.pendingPassages.version <= getSyncedVersion(this.view.state)) {
      const { version, passages } = this.pendingPassages;
      this.highlightPassages(version, passages);
    }
    this.schedulePreview();
    this.maybePush();
    this.updateSaved();
  }

  onError(msg) {
    const code = msg.code;
    if (code === "unauthorized") {
      // The server closes the connection with 1008 next.
      return;
    }
    if (!this.view) {
      // The document itself could not be opened.
      this.setNotice("statusFailed");
      this.conn.end();
      return;
    }
    if (this.joining && msg.about === "doc.join") {
      // A reconnect the server cannot serve from its history (conflict):
      // reload the document.
      this.resync("statusRefused");
      return;
    }
    if (this.pushing && msg.about === "doc.push" && this.recovery && this.recovery.inFlight) {
      // The edits kept on the device were refused: they stay kept, and
      // the page says so.
      this.pushing = false;
      this.recovery.inFlight = null;
      this.recovery.requested = false;
      this.showRecovery("failed");
      this.maybePush();
      return;
    }
    if (this.pushing && msg.about === "doc.push") {
      this.pushing = false;
      if (code === "forbidden") {
        this.setCanEdit(false);
        this.resync("statusReadOnly");
      } else {
        this.resync("statusRefused");
      }
      return;
    }
    console.warn("tawla editor: refused", msg);
  }

  // resync drops the edits the server has not accepted and loads its text.
  resync(noticeKey) {
    this.resyncing = true;
    this.pushing = false;
    this.joined = false;
    if (noticeKey) this.setNotice(noticeKey);
    if (this.conn.send({ type: "doc.join", doc: this.docID })) this.joining = true;
  }

  // rejoin asks for the updates after our version, once.
  rejoin() {
    if (this.joining || !this.view) return;
    if (this.conn.send({ type: "doc.join", doc: this.docID, version: getSyncedVersion(this.view.state) })) {
      this.joining = true;
      this.joined = false;
    }
  }

  setCanEdit(canEdit) {
    this.showReadOnly(!canEdit);
    if (canEdit === this.canEdit) return;
    const lost = this.canEdit && !canEdit;
    this.canEdit = canEdit;
    if (this.view) this.view.dispatch({ effects: this.editable.reconfigure(this.editableExtension()) });
    if (lost) this.setNotice("statusReadOnly");
  }

  // showReadOnly marks the panes of a draft the viewer may only read, so
  // that a phone shows the rendered text before the source (tawla.css).
  showReadOnly(readOnly) {
    const panes = this.root.closest(".draft-panes");
    if (panes) panes.classList.toggle("read-only", readOnly);
  }

  maybePush() {
    if (!this.view || !this.joined || this.pushing || !this.canEdit || this.resyncing) return;
    if (this.pushRecovered()) return;
    const pending = sendableUpdates(this.view.state);
    if (!pending.length) return;
    const batch = [];
    let size = 0;
    for (const u of pending) {
      const changes = u.changes.toJSON();
      const n = JSON.stringify(changes).length;
      if (batch.length && (batch.length >= maxUpdatesPerPush || size + n > maxPushChars)) break;
      batch.push({ clientID: this.clientID, seq: this.seqOf(u), changes });
      size += n;
    }
    const sent = this.conn.send({
      type: "doc.push",
      doc: this.docID,
      version: getSyncedVersion(this.view.state),
      updates: batch,
    });
    if (sent) this.pushing = true;
  }

  seqOf(update) {
    let seq = this.seqs.get(update.origin);
    if (seq === undefined) {
      seq = this.nextSeq++;
      this.seqs.set(update.origin, seq);
    }
    return seq;
  }

  viewUpdated(update) {
    if (update.focusChanged && update.view.hasFocus) this.interacted = true;
    this.scheduleSave();
    const local = update.transactions.some((tr) => tr.docChanged && !tr.annotation(Transaction.remote));
    if (local) {
      this.maybePush();
      this.schedulePreview();
      this.updateSaved();
    }
    if (update.selectionSet || local || (update.focusChanged && update.view.hasFocus)) this.schedulePresence();
    if (this.comments && (update.selectionSet || update.docChanged)) this.comments.selectionChanged(update.state);
  }

  // exposeForTests lets browser tests read the editor's state without
  // reading the screen, where others' name labels sit inside the text.
  exposeForTests() {
    const draft = this;
    this.root.tawlaEditor = {
      text: () => draft.view.state.doc.toString(),
      version: () => getSyncedVersion(draft.view.state),
      unsent: () => sendableUpdates(draft.view.state).length,
      clientID: () => draft.clientID,
      // select sets the selection, as a person dragging over the text does.
      select: (from, to) => draft.view.dispatch({ selection: { anchor: from, head: to } }),
    };
  }

  // ---- Unsent edits kept on the device ----

  // scheduleSave writes our unconfirmed updates, with the version they are
  // based on, to the device, as soon as the write before has finished;
  // nothing is written when neither changed.
  scheduleSave() {
    if (!this.store || !this.view) return;
    if (this.saving) {
      this.saveAgain = true;
      return;
    }
    const state = this.view.state;
    const unconfirmed = sendableUpdates(state);
    const version = getSyncedVersion(state);
    const last = this.lastSaved;
    if (last && last.unconfirmed === unconfirmed && last.version === version) return;
    if (last && last.unconfirmed.length === 0 && unconfirmed.length === 0) {
      this.lastSaved = { version, unconfirmed };
      return;
    }
    // The sequence numbers are given now, in order, and kept for the push
    // (seqOf): the record and the page send the same (clientID, seq).
    const updates = unconfirmed.map((u) => ({ seq: this.seqOf(u), changes: u.changes.toJSON() }));
    this.lastSaved = { version, unconfirmed };
    this.saving = true;
    this.store
      .save(this.clientID, version, updates)
      .catch((e) => console.warn("tawla editor: the unsent edits could not be kept on this device", e))
      .finally(() => {
        this.saving = false;
        if (this.saveAgain) {
          this.saveAgain = false;
          this.scheduleSave();
        }
      });
  }

  // offerWaiting looks, once the document is open, for the edits that
  // pages now gone left on the device, and offers them.
  async offerWaiting() {
    if (this.offered || !this.store || !this.view || !this.canEdit) return;
    this.offered = true;
    let records;
    try {
      records = await this.store.waiting(this.clientID);
    } catch (e) {
      return;
    }
    if (!records.length) return;
    this.recovery = { records, requested: false, inFlight: null, sent: 0, state: "" };
    this.showRecovery("waiting");
  }

  // pushRecovered sends the next record asked for, in one push based on
  // its own version and under its own clientID and sequence numbers: the
  // server rebases it over what was accepted since, and skips what it had
  // accepted already. It reports whether a push went out.
  pushRecovered() {
    const rec = this.recovery;
    if (!rec || !rec.requested || rec.inFlight || !rec.records.length) return false;
    const record = rec.records[0];
    const sent = this.conn.send({
      type: "doc.push",
      doc: this.docID,
      version: record.version,
      updates: recoveredUpdates(record),
    });
    if (sent) {
      this.pushing = true;
      rec.inFlight = record;
    }
    return sent;
  }

  // recovered takes note that the server accepted the record in flight.
  recovered() {
    const rec = this.recovery;
    const record = rec.inFlight;
    rec.inFlight = null;
    rec.records = rec.records.filter((r) => r !== record);
    rec.sent += record.updates.length;
    this.store.remove(record.clientID).catch(() => {});
    if (!rec.records.length) {
      rec.requested = false;
      this.showRecovery("sent");
    }
  }

  // discardRecovered deletes the records offered, when the person says so.
  discardRecovered() {
    const rec = this.recovery;
    if (!rec || rec.inFlight) return;
    for (const r of rec.records) this.store.remove(r.clientID).catch(() => {});
    this.recovery = null;
    if (this.recoverEl) this.recoverEl.remove();
    this.recoverEl = null;
  }

  // showRecovery shows what happens to the edits kept on the device, in
  // words from the page: how many wait and that they are kept on this
  // device, with the buttons to send or delete them.
  showRecovery(state) {
    const rec = this.recovery;
    if (!rec) return;
    rec.state = state;
    if (!this.recoverEl) {
      const el = document.createElement("div");
      el.id = "draft-recover";
      el.className = "notice draft-recover";
      el.setAttribute("role", "status");
      const panes = this.root.closest(".draft-panes");
      (panes || this.root).before(el);
      this.recoverEl = el;
    }
    const waiting = rec.records.reduce((n, r) => n + r.updates.length, 0);
    const texts = {
      waiting: this.data.recoverWaiting,
      sending: this.data.recoverSending,
      sent: this.data.recoverSent,
      failed: this.data.recoverFailed,
    };
    const p = document.createElement("p");
    p.className = "draft-recover-text";
    p.textContent = (texts[state] || "").replace("%d", String(state === "sent" ? rec.sent : waiting));
    const parts = [p];
    if (state === "waiting" || state === "failed") {
      const preview = this.recoveryPreview(rec.records);
      if (preview) parts.push(preview);
      const buttons = document.createElement("p");
      buttons.className = "buttons";
      const send = document.createElement("button");
      send.type = "button";
      send.className = "button primary";
      send.dataset.recover = "send";
      send.textContent = this.data.recoverSend || "";
      send.addEventListener("click", () => {
        rec.requested = true;
        this.showRecovery("sending");
        this.maybePush();
      });
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button";
      discard.dataset.recover = "discard";
      discard.textContent = this.data.recoverDiscard || "";
      discard.addEventListener("click", () => this.discardRecovered());
      buttons.append(send, " ", discard);
      parts.push(buttons);
    }
    this.recoverEl.dataset.state = state;
    this.recoverEl.dataset.waiting = String(waiting);
    this.recoverEl.replaceChildren(...parts);
  }

  // recoveryPreview shows, folded, what the kept edits would do: the text
  // they add, each piece as typed, and how many characters they delete,
  // so that the person knows what "send" sends. It returns null when the
  // edits neither add nor delete anything.
  recoveryPreview(records) {
    const { added, deleted } = keptEffect(records);
    if (!added.length && !deleted) return null;
    const details = document.createElement("details");
    details.className = "draft-recover-preview";
    const summary = document.createElement("summary");
    summary.textContent = this.data.recoverPreview || "";
    details.append(summary);
    if (added.length) {
      const label = document.createElement("p");
      label.textContent = this.data.recoverAdded || "";
      const list = document.createElement("ul");
      for (const text of added) {
        const item = document.createElement("li");
        item.dir = "auto";
        item.textContent = text;
        list.append(item);
      }
      details.append(label, list);
    }
    if (deleted) {
      const gone = document.createElement("p");
      gone.className = "draft-recover-deleted";
      gone.textContent = (this.data.recoverDeleted || "").replace("%d", String(deleted));
      details.append(gone);
    }
    return details;
  }

  // ---- Presence ----

  schedulePresence() {
    if (!this.interacted) return;
    this.presenceDirty = true;
    if (this.presenceTimer === null) this.flushPresence();
  }

  flushPresence() {
    if (!this.presenceDirty) return;
    this.presenceDirty = false;
    if (this.view && this.joined) {
      const sel = this.view.state.selection.main;
      this.presenceAhead = sendableUpdates(this.view.state).length > 0;
      this.conn.send({
        type: "doc.presence",
        doc: this.docID,
        version: getSyncedVersion(this.view.state),
        anchor: sel.anchor,
        head: sel.head,
      });
    }
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      this.flushPresence();
    }, presenceInterval);
  }

  onPeer(msg) {
    const id = String(msg.peer);
    if (msg.event === "leave") {
      this.peers.delete(id);
      this.pendingPresence.delete(id);
      if (this.view) this.view.dispatch({ effects: removePresence.of(id) });
    } else {
      this.peers.set(id, { name: String(msg.name ?? ""), colour: safeColour(msg.colour) });
      // Show the newcomer where we are.
      this.schedulePresence();
    }
    this.renderPeers();
  }

  onPresence(msg) {
    const id = String(msg.peer);
    if (!this.peers.has(id)) {
      this.peers.set(id, { name: String(msg.name ?? ""), colour: safeColour(msg.colour) });
      this.renderPeers();
    }
    if (!this.view) return;
    if (Number(msg.version) > getSyncedVersion(this.view.state)) {
      // Sent against updates we have not received yet.
      this.pendingPresence.set(id, msg);
      return;
    }
    this.showPresence(msg);
  }

  applyPendingPresence() {
    const synced = getSyncedVersion(this.view.state);
    for (const [id, msg] of this.pendingPresence) {
      if (Number(msg.version) <= synced) {
        this.pendingPresence.delete(id);
        this.showPresence(msg);
      }
    }
  }

  showPresence(msg) {
    const version = Number(msg.version);
    const anchor = this.mapFromVersion(Number(msg.anchor), version);
    const head = this.mapFromVersion(Number(msg.head), version);
    if (anchor === null || head === null) return;
    const id = String(msg.peer);
    const peer = this.peers.get(id) || { name: String(msg.name ?? ""), colour: safeColour(msg.colour) };
    this.view.dispatch({ effects: setPresence.of({ peer: id, name: peer.name, colour: peer.colour, anchor, head }) });
  }

  // highlightPassages shows the passages of open comments, whose positions
  // hold at version, in our text; those we cannot map (a version older than
  // the updates kept) are left out until the list is read again.
  highlightPassages(version, passages) {
    this.pendingPassages = null;
    if (!this.view) return;
    if (version > getSyncedVersion(this.view.state)) {
      // The list is ahead of our text: wait for the updates it counts.
      this.pendingPassages = { version, passages };
      return;
    }
    const ranges = [];
    for (const p of passages) {
      const from = this.mapFromVersion(p.from, version);
      const to = this.mapFromVersion(p.to, version);
      if (from !== null && to !== null) ranges.push({ from, to, id: p.id, proposed: p.proposed });
    }
    this.view.dispatch({ effects: setCommented.of(ranges) });
  }

  // mapFromVersion brings a position in the document at version into our
  // text: through the updates received since, then through our own
  // unconfirmed ones. It returns null when version is older than the
  // updates kept.
  mapFromVersion(pos, version) {
    if (!Number.isFinite(pos) || !Number.isFinite(version)) return null;
    const state = this.view.state;
    const synced = getSyncedVersion(state);
    if (version < synced) {
      const oldest = this.recent.length ? this.recent[0].version : synced + 1;
      if (version + 1 < oldest) return null;
      for (const r of this.recent) {
        if (r.version > version) pos = mapThrough(r.changes, pos);
      }
    }
    for (const u of sendableUpdates(state)) pos = mapThrough(u.changes, pos);
    return Math.min(Math.max(pos, 0), state.doc.length);
  }

  setPeers(list) {
    this.peers = new Map();
    if (Array.isArray(list)) {
      for (const p of list) {
        if (p && p.peer !== undefined) {
          this.peers.set(String(p.peer), { name: String(p.name ?? ""), colour: safeColour(p.colour) });
        }
      }
    }
    if (this.view) {
      const gone = [...this.view.state.field(presenceField).keys()].filter((id) => !this.peers.has(id));
      if (gone.length) this.view.dispatch({ effects: gone.map((id) => removePresence.of(id)) });
    }
    this.renderPeers();
  }

  // renderPeers lists the people in the document, each once even when they
  // have it open twice.
  renderPeers() {
    if (!this.peersEl || !this.peopleEl) return;
    const seen = new Set();
    const items = [];
    for (const p of this.peers.values()) {
      const key = p.name + "\u0000" + p.colour;
      if (seen.has(key)) continue;
      seen.add(key);
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "peer-swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = p.colour;
      const name = document.createElement("span");
      name.dir = "auto";
      name.textContent = p.name;
      li.append(swatch, name);
      items.push(li);
    }
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "peer-none";
      li.textContent = this.data.peersNone || "";
      items.push(li);
    }
    this.peersEl.replaceChildren(...items);
    this.peopleEl.hidden = !this.view;
  }

  // ---- Status ----

  showConnection(name) {
    const keys = {
      connecting: "statusConnecting",
      connected: "statusConnected",
      reconnecting: "statusReconnecting",
      offline: "statusOffline",
      ended: "statusEnded",
    };
    if (name === "ended" && this.notice === "statusFailed") return;
    if (name !== "connected") this.notice = null;
    if (this.notice) return;
    this.setStatus(keys[name]);
    this.root.dataset.connection = name;
    this.updateSaved();
  }

  // setNotice shows a message that stays until the connection changes.
  setNotice(key) {
    this.notice = key;
    this.setStatus(key);
  }

  setStatus(key) {
    if (!this.statusEl || !key) return;
    const text = this.data[key] || "";
    if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    this.statusEl.dataset.state = key;
  }

  updateSaved() {
    if (!this.savedEl) return;
    if (!this.view || !this.canEdit) {
      this.savedEl.hidden = true;
      return;
    }
    const pending = sendableUpdates(this.view.state).length;
    let key = "saved";
    if (pending) key = this.joined && this.conn.isOpen() ? "saving" : "unsent";
    // Unsent edits are kept on the device when the browser lets us: the
    // page says so.
    const text = (key === "unsent" && this.store && this.data.unsentKept) || this.data[key] || "";
    if (this.savedEl.textContent !== text) this.savedEl.textContent = text;
    this.savedEl.dataset.state = key;
    this.savedEl.hidden = false;
  }

  // ---- Preview ----

  schedulePreview() {
    if (!this.previewEl || !this.previewURL) return;
    const now = Date.now();
    if (this.previewTimer === null) this.previewFirst = now;
    clearTimeout(this.previewTimer);
    const wait = Math.max(0, Math.min(previewDelay, this.previewFirst + previewMaxWait - now));
    this.previewTimer = setTimeout(() => {
      this.previewTimer = null;
      this.refreshPreview();
    }, wait);
  }

  async refreshPreview() {
    const n = ++this.previewSeq;
    try {
      const res = await fetch(this.previewURL, { credentials: "same-origin", cache: "no-store" });
      if (!res.ok) return;
      const version = Number(res.headers.get("X-Document-Version"));
      const html = await res.text();
      // Answers may cross: keep only the latest request's, and never go
      // back to an older version of the draft.
      if (n !== this.previewSeq) return;
      if (Number.isFinite(version)) {
        if (version < this.previewVersion) return;
        this.previewVersion = version;
      }
      // The server renders the draft without raw HTML and with unsafe
      // links removed (server/markdown.go).
      this.previewEl.innerHTML = html;
    } catch (e) {
      // Offline: the preview stays as it was.
    }
  }
}

// keptPreviewChars bounds the text a preview of kept edits shows of each
// piece they add.
const keptPreviewChars = 300;

// keptEffect returns what the kept records would do to the draft: the
// pieces of text they add, in the order they stand in the document, and
// how many characters they delete. Each record's updates are composed
// first, so that a word typed and then rubbed out counts for nothing.
export function keptEffect(records) {
  const added = [];
  let deleted = 0;
  for (const record of records) {
    if (!record.updates.length) continue;
    let changes = ChangeSet.fromJSON(record.updates[0].changes);
    for (const u of record.updates.slice(1)) changes = changes.compose(ChangeSet.fromJSON(u.changes));
    changes.iterChanges((fromA, toA, fromB, toB, inserted) => {
      deleted += toA - fromA;
      const text = inserted.toString().trim();
      if (text) added.push(text.length > keptPreviewChars ? text.slice(0, keptPreviewChars) + "…" : text);
    });
  }
  return { added, deleted };
}

// recoveredUpdates returns a record's updates as a push carries them, at
// most maxRecoveredUpdates: the last ones of a longer record are composed
// into one, with the last sequence number. (A page pushes at most 500 at a
// time and waits for the answer, so the updates the server may have
// accepted already are among the first ones, which are kept as they were.)
function recoveredUpdates(record) {
  let updates = record.updates;
  if (updates.length > maxRecoveredUpdates) {
    const tail = updates.slice(maxRecoveredUpdates - 1);
    let changes = ChangeSet.fromJSON(tail[0].changes);
    for (const u of tail.slice(1)) changes = changes.compose(ChangeSet.fromJSON(u.changes));
    updates = [...updates.slice(0, maxRecoveredUpdates - 1), { seq: tail[tail.length - 1].seq, changes: changes.toJSON() }];
  }
  return updates.map((u) => ({ clientID: record.clientID, seq: u.seq, changes: u.changes }));
}

function main() {
  const root = document.getElementById("procedure-editor");
  if (!root || !root.dataset.document) return;
  const draft = new Draft(root);
  draft.start();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", main);
} else {
  main();
}
