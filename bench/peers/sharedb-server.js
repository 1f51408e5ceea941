// A ShareDB server for Tawla's benchmark: the documented way to serve
// ShareDB over websockets (ws + @teamwork/websocket-json-stream), with the
// ot-text-unicode type registered, on loopback.
//
// Documents live in ShareDB's default in-memory database and pub/sub
// (MemoryDB, MemoryPubSub): nothing is written to disk, whereas Tawla
// commits every update to SQLite before acknowledging it. The figures are
// therefore the best ShareDB can do on one core; a ShareDB deployment with
// MongoDB or PostgreSQL would be slower.
//
// Usage: node sharedb-server.js [host:]port   (or PORT and HOST in the env)
'use strict'

const http = require('http')
const { WebSocketServer } = require('ws')
const WebSocketJSONStream = require('@teamwork/websocket-json-stream')
const ShareDB = require('sharedb')
const textUnicode = require('ot-text-unicode')

ShareDB.types.register(textUnicode.type)

const [host, port] = listenAddress(process.argv[2])
const backend = new ShareDB()
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' })
  res.end('sharedb\n')
})
const wss = new WebSocketServer({ server })
wss.on('connection', ws => {
  // The stream does not handle socket errors; a client that vanishes must
  // not bring the server down.
  ws.on('error', err => console.error('websocket:', err.message))
  backend.listen(new WebSocketJSONStream(ws))
})

server.listen(port, host, () => {
  console.log(`sharedb ${require('sharedb/package.json').version} with ${textUnicode.type.uri} on ${host}:${port}`)
})

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0))
}

function listenAddress (arg) {
  const spec = arg || `${process.env.HOST || '127.0.0.1'}:${process.env.PORT || '8091'}`
  const i = spec.lastIndexOf(':')
  if (i < 0) return ['127.0.0.1', Number(spec)]
  return [spec.slice(0, i) || '127.0.0.1', Number(spec.slice(i + 1))]
}
