// Package change is the server side of real-time co-editing: it applies,
// composes, maps and rebases changes to a text exactly as CodeMirror 6 does
// in the browser, so that a Go server can be the authority for CodeMirror
// clients (see "Real-time co-editing" in the design notes).
//
// Set and Desc reproduce ChangeSet and ChangeDesc of @codemirror/state
// 6.7.6, with the same internal sections, so that every result has the same
// JSON as in the browser; Rebase reproduces rebaseUpdates of
// @codemirror/collab 6.1.1. TestCollabMatchesCodeMirror checks this
// against those packages in Node.
//
// Positions and lengths count UTF-16 code units, as JavaScript strings do:
// "é" is one unit, "👋🏽" four. Text holds a document in those units.
//
// The package is pure: no storage, no network, the standard library only.
// Where CodeMirror would throw, or silently compute nonsense from
// inconsistent input, functions here return an error wrapping ErrMalformed,
// ErrLength or ErrSplitSurrogate; none of them panics on any input.
package change
