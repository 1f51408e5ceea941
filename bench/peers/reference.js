// Reference answers from the npm packages for the Go ports in bench/
// (driver_sharedb_ot.go, driver_yjs_doc.go); run by bench/peers_test.go.
// Reads one JSON object on stdin and writes the answers on stdout:
//
//   textUnicode: [{doc, a, b, c}]  → [{applied, left, right, composed}]
//     a and b are ops on doc, c an op on apply(doc, a): apply(doc, a),
//     transform(a, b, 'left'|'right') and compose(a, c).
//   goUpdates: [base64]            → goText: the text of a Y.Doc that
//     applied the updates (made by the Go port) in order.
//   goState: base64                → goStateText: same, for one update.
//   yjsScenario: {seed, clients, steps} → yjs: {updates, text, state}:
//     clients Y.Docs edit one Y.Text concurrently, exchanging updates in a
//     random causal order; updates in the order they were made, the text
//     they all converged to, and encodeStateAsUpdate of one of them.
'use strict'

const Y = require('yjs')
const { type } = require('ot-text-unicode')

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'))
const out = {}

if (input.textUnicode) {
  out.textUnicode = input.textUnicode.map(({ doc, a, b, c }) => ({
    applied: type.apply(doc, a),
    left: type.transform(a, b, 'left'),
    right: type.transform(a, b, 'right'),
    composed: type.compose(a, c)
  }))
}

const fromB64 = s => new Uint8Array(Buffer.from(s, 'base64'))
const toB64 = u => Buffer.from(u).toString('base64')

if (input.goUpdates) {
  const doc = new Y.Doc()
  for (const u of input.goUpdates) Y.applyUpdate(doc, fromB64(u))
  out.goText = doc.getText('text').toString()
}
if (input.goState) {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, fromB64(input.goState))
  out.goStateText = doc.getText('text').toString()
}

if (input.yjsScenario) {
  const { seed, clients, steps } = input.yjsScenario
  const rnd = mulberry32(seed)
  const docs = []
  const queues = [] // queues[to] = updates not yet delivered, in order
  const updates = []
  for (let i = 0; i < clients; i++) {
    const doc = new Y.Doc()
    doc.clientID = 1000 + i * 17
    doc.on('update', (u, origin) => {
      if (origin === 'remote') return
      updates.push(toB64(u))
      queues.forEach((q, to) => { if (to !== i) q.push(u) })
    })
    docs.push(doc)
    queues.push([])
  }
  const boundary = (s, pos) => (pos > 0 && pos < s.length && isHigh(s.charCodeAt(pos - 1))) ? pos + 1 : pos
  const alphabet = ['a', 'b', 'c', ' ', 'é', '😀', 'ß', '\n']
  for (let step = 0; step < steps; step++) {
    const i = Math.floor(rnd() * clients)
    if (rnd() < 0.55) {
      const t = docs[i].getText('text')
      const s = t.toString()
      const pos = boundary(s, Math.floor(rnd() * (s.length + 1)))
      const end = rnd() < 0.4 ? boundary(s, Math.min(s.length, pos + Math.floor(rnd() * 6))) : pos
      let ins = ''
      if (end === pos || rnd() < 0.5) {
        const n = 1 + Math.floor(rnd() * 4)
        for (let k = 0; k < n; k++) ins += alphabet[Math.floor(rnd() * alphabet.length)]
      }
      docs[i].transact(() => {
        if (end > pos) t.delete(pos, end - pos)
        if (ins) t.insert(pos, ins)
      })
    } else if (queues[i].length) {
      Y.applyUpdate(docs[i], queues[i].shift(), 'remote')
    }
  }
  docs.forEach((doc, i) => { while (queues[i].length) Y.applyUpdate(doc, queues[i].shift(), 'remote') })
  const texts = docs.map(d => d.getText('text').toString())
  if (texts.some(t => t !== texts[0])) throw new Error('the Y.Docs did not converge')
  out.yjs = { updates, text: texts[0], state: toB64(Y.encodeStateAsUpdate(docs[0])) }
}

process.stdout.write(JSON.stringify(out))

function isHigh (c) { return c >= 0xd800 && c <= 0xdbff }

function mulberry32 (a) {
  return function () {
    a |= 0; a = a + 0x6D2B79F5 | 0
    let t = Math.imul(a ^ a >>> 15, 1 | a)
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t
    return ((t ^ t >>> 14) >>> 0) / 4294967296
  }
}
