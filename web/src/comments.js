// The comments panel of a procedure page: the comment form takes its
// passage from the editor's selection, and the list of threads is fetched
// again, as HTML rendered (and escaped) by the server, whenever the live
// topic document:N says that a comment, a reply, a suggestion or an answer
// changed (docs/protocol.md).

import { getSyncedVersion, sendableUpdates } from "@codemirror/collab";
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView } from "@codemirror/view";

/**
 * setCommented replaces the highlighted passages: [{from, to, id,
 * proposed}], proposed being the replacement text of a suggestion (null for
 * a comment).
 */
export const setCommented = StateEffect.define();

// A suggestion's passage shows its replacement text when pointed at.
const commentedMark = (r) =>
  Decoration.mark({
    class: r.proposed === null ? "cm-commented" : "cm-commented cm-suggested",
    attributes: r.proposed === null ? { "data-comment": String(r.id) } : { "data-comment": String(r.id), title: "→ " + r.proposed },
  });

/**
 * commentedField highlights the passages of open comments in the editor;
 * the highlights move with every change, local or remote, until the list
 * is read again.
 */
export const commentedField = StateField.define({
  create() {
    return Decoration.none;
  },
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setCommented)) continue;
      const len = tr.state.doc.length;
      const ranges = effect.value
        .filter((r) => r.from < r.to && r.to <= len)
        .sort((a, b) => a.from - b.from)
        .map((r) => commentedMark(r).range(r.from, r.to));
      marks = Decoration.set(ranges, true);
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// How long a comment waits for the editor's own unconfirmed changes to be
// confirmed before it is sent: its positions must hold at a version the
// server has.
const settleWait = 5000; // ms
const settleStep = 50; // ms

/**
 * copyFields copies the text of the fields button.dataset.copy names (ids
 * separated by spaces) to the clipboard, one after the other, and says so
 * in the status beside the button. Where the clipboard is refused, the
 * first field's text is selected for the person to copy.
 */
async function copyFields(button) {
  const fields = button.dataset.copy
    .split(" ")
    .map((id) => document.getElementById(id))
    .filter((field) => field);
  const status = button.parentElement.querySelector('[role="status"]');
  const text = fields.map((field) => field.value).join("\n\n");
  try {
    await navigator.clipboard.writeText(text);
    if (status) status.textContent = button.dataset.copied || "";
  } catch (e) {
    if (fields.length > 0) {
      fields[0].focus();
      fields[0].select();
    }
  }
}

export class Comments {
  /**
   * @param {HTMLElement} section the #comments section
   * @param {() => import("@codemirror/state").EditorState | null} currentState
   *   the editor's state as it is now
   * @param {(version: number, passages: {from: number, to: number, id: string, proposed: string | null}[]) => void} highlight
   *   shows the open passages, whose positions hold at version, in the editor
   */
  constructor(section, currentState, highlight) {
    this.currentState = currentState;
    this.highlight = highlight;
    this.section = section;
    this.listEl = section.querySelector("#comment-list");
    this.url = section.dataset.commentsUrl;
    this.form = section.querySelector("#comment-form");
    this.passageEl = section.querySelector("#comment-passage");
    this.hintEl = section.querySelector("#comment-passage-hint");
    this.touchHintEl = section.querySelector("#comment-touch-hint");
    this.submitEl = section.querySelector("#comment-submit");
    // "Link to an issue" sends the selected passage as the comment form
    // does, to the page that links it (handle_issue_passage.go).
    this.linkForm = section.querySelector("#issue-link-form");
    this.linkSubmitEl = section.querySelector("#issue-link-submit");
    this.seq = 0;
    this.refreshWanted = false;
    if (this.form) this.form.addEventListener("submit", (event) => this.submit(event, this.form));
    if (this.linkForm) this.linkForm.addEventListener("submit", (event) => this.submit(event, this.linkForm));
    // A comment refused because the consultation closed comes back as
    // text to copy: the button shows only where a script can copy.
    for (const button of section.querySelectorAll("button[data-copy]")) {
      button.hidden = false;
      button.addEventListener("click", () => copyFields(button));
    }
    // A list replaced while someone types a reply, or while a refused
    // form shows what they had typed, would lose it: wait until the focus
    // leaves the list (holdsTyping).
    if (this.listEl) {
      this.listEl.addEventListener("focusout", () => {
        if (this.refreshWanted) setTimeout(() => this.refresh(), 0);
      });
    }
  }

  /** topic is the live topic this panel follows. */
  topic(docID) {
    return "document:" + docID;
  }

  /** selectionChanged shows the passage selected in the editor. */
  selectionChanged(state) {
    const sel = state.selection.main;
    const empty = sel.empty;
    if (this.linkSubmitEl) this.linkSubmitEl.disabled = empty;
    if (!this.form) return;
    this.submitEl.disabled = empty;
    this.passageEl.hidden = empty;
    if (this.hintEl) this.hintEl.hidden = !empty;
    if (this.touchHintEl) this.touchHintEl.hidden = !empty;
    this.passageEl.textContent = empty ? "" : state.sliceDoc(sel.from, sel.to);
  }

  /**
   * submit fills the passage's positions at the version the editor has
   * confirmed, once its own changes are confirmed, then sends form (the
   * comment form, or the one that links the passage to an issue).
   */
  async submit(event, form) {
    event.preventDefault();
    const start = Date.now();
    let state = this.currentState();
    while (state && sendableUpdates(state).length > 0 && Date.now() - start < settleWait) {
      await new Promise((resolve) => setTimeout(resolve, settleStep));
      state = this.currentState();
    }
    if (!state || state.selection.main.empty || sendableUpdates(state).length > 0) {
      if (this.hintEl) {
        this.hintEl.hidden = false;
        this.hintEl.textContent = this.section.dataset.selectionPending || this.hintEl.textContent;
      }
      return;
    }
    const sel = state.selection.main;
    form.elements.version.value = String(getSyncedVersion(state));
    form.elements.from.value = String(sel.from);
    form.elements.to.value = String(sel.to);
    form.submit();
  }

  /** showPassages highlights the open threads' passages in the editor. */
  showPassages() {
    if (!this.listEl || !this.highlight) return;
    const list = this.listEl.querySelector(".comment-threads");
    if (!list) {
      this.highlight(0, []);
      return;
    }
    const version = Number(list.dataset.version);
    const passages = [];
    for (const li of list.querySelectorAll("li[data-from][data-to]")) {
      passages.push({
        from: Number(li.dataset.from),
        to: Number(li.dataset.to),
        id: li.dataset.comment,
        proposed: li.dataset.proposed ?? null,
      });
    }
    this.highlight(version, passages);
  }

  /** onEvent handles an event of the document's topic. */
  onEvent(data) {
    if (!data || typeof data.kind !== "string") return;
    this.refresh();
  }

  /**
   * holdsTyping reports whether replacing the list would lose text: a
   * field of it focused with text in it, or a form the server refused and
   * brought back filled, with its reason (role="alert"), whose text the
   * person has not sent again yet.
   */
  holdsTyping() {
    const active = document.activeElement;
    if (this.listEl.contains(active) && active.value) return true;
    for (const alert of this.listEl.querySelectorAll('form [role="alert"]')) {
      const fields = alert.closest("form").querySelectorAll('input:not([type="hidden"]), textarea');
      if ([...fields].some((field) => field.value)) return true;
    }
    return false;
  }

  /** refresh fetches the list of threads again. */
  async refresh() {
    if (!this.listEl || !this.url) return;
    if (this.holdsTyping()) {
      this.refreshWanted = true;
      return;
    }
    this.refreshWanted = false;
    const n = ++this.seq;
    try {
      const res = await fetch(this.url, { credentials: "same-origin", cache: "no-store" });
      if (!res.ok) return;
      const html = await res.text();
      // Answers may cross: keep only the latest request's.
      if (n !== this.seq) return;
      // The server renders the fragment from its templates, escaping
      // everything people wrote.
      this.listEl.innerHTML = html;
      this.showPassages();
    } catch (e) {
      // Offline: the list stays as it was, and the next event refreshes it.
    }
  }
}
