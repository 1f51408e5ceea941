// Direction per line, so that an Arabic paragraph in a French draft (or the
// other way round) reads and edits in its own direction.
//
// CodeMirror's perLineTextDirection makes the editor read each line's
// direction from CSS; this plugin sets that direction by giving every
// visible line that holds a letter dir="auto" (the direction of its first
// strong character). A line without letters (empty, "- ", "| --- |") keeps
// the draft's direction, so that the caret of a new line in an Arabic draft
// starts on the right.

import { RangeSetBuilder } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin } from "@codemirror/view";

const autoLine = Decoration.line({ attributes: { dir: "auto" } });
const hasLetter = /\p{L}/u;

function lineDirections(view) {
  const builder = new RangeSetBuilder();
  let last = -1;
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = view.state.doc.lineAt(pos);
      if (line.from > last && hasLetter.test(line.text)) {
        builder.add(line.from, line.from, autoLine);
        last = line.from;
      }
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

/** lineDirection is the extension: per-line direction, and its decorations. */
export const lineDirection = [
  EditorView.perLineTextDirection.of(true),
  ViewPlugin.fromClass(
    class {
      constructor(view) {
        this.decorations = lineDirections(view);
      }
      update(update) {
        if (update.docChanged || update.viewportChanged) {
          this.decorations = lineDirections(update.view);
        }
      }
    },
    { decorations: (plugin) => plugin.decorations },
  ),
];
