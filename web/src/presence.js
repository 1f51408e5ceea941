// Other people in the document: their carets (with their name) and their
// selections (in their colour), drawn as decorations that follow the text
// as it changes.

import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";

/** setPresence shows or moves one peer's selection: {peer, name, colour, anchor, head}. */
export const setPresence = StateEffect.define();
/** removePresence removes one peer, by its id. */
export const removePresence = StateEffect.define();
/** clearPresence removes everyone (after a drop, positions are stale). */
export const clearPresence = StateEffect.define();

const fallbackColour = "#4f5b67";

/**
 * safeColour returns colour when the browser reads it as a CSS colour, and
 * a neutral grey otherwise. Colours come from the server, but they end up
 * in style properties: nothing else may ride along.
 */
export function safeColour(colour) {
  if (typeof colour === "string" && window.CSS && CSS.supports("color", colour)) {
    return colour;
  }
  return fallbackColour;
}

// Whether the browser mixes colours; older ones get a plain grey
// selection instead of a tint of the peer's colour.
const canMix = Boolean(window.CSS && CSS.supports("background-color", "color-mix(in srgb, red 25%, transparent)"));

class PeerCaret extends WidgetType {
  constructor(name, colour) {
    super();
    this.name = name;
    this.colour = colour;
  }

  eq(other) {
    return other.name === this.name && other.colour === this.colour;
  }

  toDOM() {
    // Colours are set through the CSSOM (element.style), which the
    // Content-Security-Policy allows; a style attribute would be refused.
    const caret = document.createElement("span");
    caret.className = "cm-peer-caret";
    caret.setAttribute("aria-hidden", "true");
    caret.style.borderInlineStartColor = this.colour;
    const label = document.createElement("span");
    label.className = "cm-peer-name";
    label.dir = "auto";
    label.textContent = this.name;
    label.style.backgroundColor = this.colour;
    caret.appendChild(label);
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

function clamp(pos, length) {
  if (!Number.isFinite(pos) || pos < 0) return 0;
  return Math.min(pos, length);
}

/** presenceField holds the peers' selections in the current document. */
export const presenceField = StateField.define({
  create() {
    return new Map();
  },
  update(peers, tr) {
    let next = peers;
    if (tr.docChanged && peers.size) {
      next = new Map();
      for (const [id, p] of peers) {
        next.set(id, {
          ...p,
          anchor: tr.changes.mapPos(p.anchor, 1),
          head: tr.changes.mapPos(p.head, 1),
        });
      }
    }
    for (const effect of tr.effects) {
      if (effect.is(setPresence)) {
        if (next === peers) next = new Map(peers);
        const v = effect.value;
        const length = tr.state.doc.length;
        next.set(v.peer, {
          name: v.name,
          colour: safeColour(v.colour),
          anchor: clamp(v.anchor, length),
          head: clamp(v.head, length),
        });
      } else if (effect.is(removePresence)) {
        if (next.has(effect.value)) {
          if (next === peers) next = new Map(peers);
          next.delete(effect.value);
        }
      } else if (effect.is(clearPresence)) {
        next = new Map();
      }
    }
    return next;
  },
  provide: (field) =>
    EditorView.decorations.from(field, (peers) => {
      const ranges = [];
      for (const p of peers.values()) {
        const from = Math.min(p.anchor, p.head);
        const to = Math.max(p.anchor, p.head);
        if (from < to) {
          const spec = { class: "cm-peer-selection" };
          if (canMix) {
            // CodeMirror applies a "style" attribute through
            // element.style.cssText, which the policy allows.
            spec.attributes = { style: "background-color: color-mix(in srgb, " + p.colour + " 25%, transparent)" };
          }
          ranges.push(Decoration.mark(spec).range(from, to));
        }
        ranges.push(
          Decoration.widget({ widget: new PeerCaret(p.name, p.colour), side: p.head > p.anchor ? -1 : 1 }).range(p.head),
        );
      }
      return Decoration.set(ranges, true);
    }),
});
