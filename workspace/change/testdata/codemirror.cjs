// Computes the reference answers for TestCollabMatchesCodeMirror with the
// real @codemirror/state and @codemirror/collab.
//
// Usage: node codemirror.cjs WEB_DIR < cases.json > results.json
// WEB_DIR is the directory holding node_modules (web/ in the repository).
"use strict";
const path = require("path");
const { createRequire } = require("module");

const req = createRequire(path.join(path.resolve(process.argv[2]), "package.json"));
const { ChangeSet, Text } = req("@codemirror/state");
const { rebaseUpdates } = req("@codemirror/collab");

const toText = (s) => Text.of(s.split("\n"));
const str = (set) => JSON.stringify(set.toJSON());

// attempt returns {ok: value} or {err: message}, so that the Go side can
// check that it fails exactly where CodeMirror throws.
function attempt(f) {
  try {
    return { ok: f() };
  } catch (e) {
    return { err: String(e && e.message || e) };
  }
}

function pairCase(c) {
  const doc = toText(c.doc);
  const a = ChangeSet.fromJSON(c.a);
  const b = ChangeSet.fromJSON(c.b);
  const r = {};
  r.aJSON = str(a);
  r.bJSON = str(b);
  r.applyA = attempt(() => a.apply(doc).toString());
  if (c.c !== undefined) {
    const cc = ChangeSet.fromJSON(c.c);
    r.compose = attempt(() => {
      const composed = a.compose(cc);
      return { set: str(composed), text: composed.apply(doc).toString() };
    });
    r.composeDesc = attempt(() => JSON.stringify(a.desc.composeDesc(cc.desc).toJSON()));
  }
  r.mapAB = attempt(() => str(a.map(b)));
  r.mapABBefore = attempt(() => str(a.map(b, true)));
  r.mapDescAB = attempt(() => JSON.stringify(a.desc.mapDesc(b.desc).toJSON()));
  r.mapDescABBefore = attempt(() => JSON.stringify(a.desc.mapDesc(b.desc, true).toJSON()));
  r.converge = attempt(() => {
    const left = a.compose(b.map(a)).apply(doc).toString();
    const right = b.compose(a.map(b, true)).apply(doc).toString();
    return [left, right];
  });
  r.positions = c.positions.map((pos) => {
    const out = [];
    for (const assoc of [-1, 1]) {
      for (let mode = 0; mode < 4; mode++) {
        const v = attempt(() => a.mapPos(pos, assoc, mode));
        out.push(v.err !== undefined ? "error" : v.ok === null ? "deleted" : String(v.ok));
      }
    }
    return out;
  });
  return r;
}

function ofCase(c) {
  return attempt(() => str(ChangeSet.of(c.specs.map((s) => ({ from: s.from, to: s.to, insert: s.insert })), c.length)));
}

function rebaseCase(c) {
  const parse = (u) => ({ changes: ChangeSet.fromJSON(u.changes), clientID: u.clientID });
  const updates = c.updates.map(parse);
  const over = c.over.map(parse);
  return attempt(() => {
    const rebased = rebaseUpdates(updates, over);
    let doc = toText(c.doc);
    for (const u of over) doc = u.changes.apply(doc);
    for (const u of rebased) doc = u.changes.apply(doc);
    return {
      updates: rebased.map((u) => ({ changes: str(u.changes), clientID: u.clientID })),
      text: doc.toString(),
    };
  });
}

function parseCase(json) {
  return attempt(() => str(ChangeSet.fromJSON(JSON.parse(json))));
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const out = {
    pairs: cases.pairs.map(pairCase),
    of: cases.of.map(ofCase),
    rebase: cases.rebase.map(rebaseCase),
    parse: cases.parse.map(parseCase),
  };
  process.stdout.write(JSON.stringify(out));
});
