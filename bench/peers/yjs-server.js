// A y-websocket server for Tawla's benchmark: @y/websocket-server's
// setupWSConnection, wired exactly as the package's own src/server.js does,
// on loopback.
//
// Two differences from running the package's bin, both deliberate:
//  - the port comes from the command line, so the harness can pick a free
//    one;
//  - the websocket library is ws 8 (pinned in package.json, the same one the
//    ShareDB server uses) rather than the ws 6 the package lists as an
//    optional dependency, so that both peers stand on the same transport.
//
// No persistence is configured (YPERSISTENCE unset): documents are Y.Docs
// in memory with Yjs's default garbage collection, and nothing reaches a
// disk, whereas Tawla commits every update to SQLite before acknowledging
// it.
//
// Usage: node yjs-server.js [host:]port   (or PORT and HOST in the env)
'use strict'

const http = require('http')
const { WebSocketServer } = require('ws')
const { setupWSConnection } = require('@y/websocket-server/utils')

const [host, port] = listenAddress(process.argv[2])
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' })
  res.end('okay')
})
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', setupWSConnection)
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, ws => wss.emit('connection', ws, req))
})

server.listen(port, host, () => {
  const versions = ['@y/websocket-server', 'yjs'].map(p => `${p} ${require(`${p}/package.json`).version}`)
  console.log(`${versions.join(', ')} on ${host}:${port}`)
})

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0))
}

function listenAddress (arg) {
  const spec = arg || `${process.env.HOST || '127.0.0.1'}:${process.env.PORT || '1234'}`
  const i = spec.lastIndexOf(':')
  if (i < 0) return ['127.0.0.1', Number(spec)]
  return [spec.slice(0, i) || '127.0.0.1', Number(spec.slice(i + 1))]
}
