// The live channel of a page: one websocket to /ws (docs/protocol.md) that
// comes back after every drop, with exponential backoff and jitter, pings
// to notice a dead socket, and tells its owner what happens. Messages are
// JSON objects. Every live page uses it: the meeting room and its wall
// screen (meeting.js), the issue pages and the header's unread count
// (issue.js), a poll's page (poll.js) and the editor (web/src, bundled
// from here by esbuild).

const minDelay = 500; // ms, the first retry
const maxDelay = 10000; // ms, the longest wait between two tries
// A ping every heartbeatPeriod; a connection that has not answered by the
// next one is taken for dead. Browsers do not see the server's own pings,
// and a connection whose network vanished may otherwise look open for
// minutes.
const heartbeatPeriod = 15000;
// How long a probe (sent when the browser reports going offline) waits for
// its answer before the socket is taken for dead.
const probeWait = 4000;
// A connection that is not open after this long is given up and tried
// again: a handshake lost on a bad network may otherwise hang for minutes.
const connectTimeout = 8000;

// Close codes after which trying again cannot help.
const closeSessionEnded = 1008; // the session ended (logout, deactivation)

const nothing = () => {};

/**
 * Channel keeps one websocket open to the site's live channel.
 *
 * Its handlers, each optional, are called with:
 *   open()            the socket is open (first time or after a drop)
 *   message(msg)      a parsed message from the server (pongs are kept)
 *   close(code)       the socket closed; it will be retried unless ended
 *   state(name)       "connecting" | "connected" | "reconnecting" | "offline" | "ended"
 *
 * The owner calls healthy() when the server answered as it should (a
 * state, a joined document): the next drop then starts again from the
 * shortest delay.
 */
export class Channel {
  constructor(handlers) {
    this.handlers = {
      open: handlers.open || nothing,
      message: handlers.message || nothing,
      close: handlers.close || nothing,
      state: handlers.state || nothing,
    };
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.heartbeat = null;
    this.awaitingPong = false;
    this.pingID = 0;
    this.connectTimer = null;
    this.probeTimer = null;
    this.ended = false;
    window.addEventListener("online", () => this.retryNow());
    window.addEventListener("offline", () => {
      if (!this.isOpen()) {
        if (!this.ended) this.handlers.state("offline");
        return;
      }
      // The socket may look open long after the network is gone: ask the
      // server now, and drop the socket if it does not answer soon.
      this.probe();
    });
  }

  /** start opens the first connection. */
  start() {
    this.handlers.state("connecting");
    this.connect();
  }

  /** isOpen reports whether messages can be sent now. */
  isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** send sends msg as JSON and reports whether it went out. */
  send(msg) {
    if (!this.isOpen()) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch (e) {
      return false;
    }
  }

  /**
   * healthy tells the channel that the server answered as expected, so the
   * next drop starts again from the shortest delay. (Being open is not
   * enough: a server that accepts and then closes at once must not be
   * hammered every half second.)
   */
  healthy() {
    this.attempt = 0;
  }

  /** end closes the channel for good. */
  end() {
    this.ended = true;
    clearTimeout(this.timer);
    clearTimeout(this.connectTimer);
    this.stopHeartbeat();
    if (this.ws) {
      const ws = this.ws;
      this.detach();
      ws.close(1000);
    }
    this.handlers.state("ended");
  }

  connect() {
    if (this.ended) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let ws;
    try {
      // The channel speaks the page's language, which a ?lang= link may
      // have chosen for this page only (the profile keeps its own).
      const lang = encodeURIComponent(document.documentElement.lang || "");
      ws = new WebSocket(scheme + "//" + location.host + "/ws" + (lang ? "?lang=" + lang : ""));
    } catch (e) {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      if (this.ws === ws && ws.readyState !== WebSocket.OPEN) this.abandon(ws);
    }, connectTimeout);
    ws.onopen = () => {
      clearTimeout(this.connectTimer);
      this.startHeartbeat();
      this.handlers.state("connected");
      this.handlers.open();
    };
    ws.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== "object") return;
      if (msg.type === "pong") {
        this.awaitingPong = false;
        return;
      }
      this.handlers.message(msg);
    };
    ws.onclose = (event) => this.closed(event.code);
    // An error is always followed by a close event.
    ws.onerror = () => {};
  }

  // abandon gives a socket up without waiting for a close handshake that
  // may never come, and tries again.
  abandon(ws) {
    this.closed(1006);
    try {
      ws.close();
    } catch (e) {
      // already closing
    }
  }

  // closed handles the end of the current socket, whatever ended it.
  closed(code) {
    clearTimeout(this.connectTimer);
    this.detach();
    this.stopHeartbeat();
    this.handlers.close(code);
    if (code === closeSessionEnded) {
      // Logged out: the next page load decides.
      this.ended = true;
      this.handlers.state("ended");
      return;
    }
    this.scheduleRetry();
  }

  // detach forgets the current socket so that its late events are ignored.
  detach() {
    if (!this.ws) return;
    this.ws.onopen = this.ws.onmessage = this.ws.onclose = this.ws.onerror = null;
    this.ws = null;
  }

  scheduleRetry() {
    if (this.ended) return;
    clearTimeout(this.timer);
    this.handlers.state(navigator.onLine === false ? "offline" : "reconnecting");
    // Full backoff with jitter: between half and all of the capped delay,
    // so that clients dropped together do not come back together.
    const cap = Math.min(maxDelay, minDelay * 2 ** this.attempt);
    const delay = cap / 2 + Math.random() * (cap / 2);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      // Try even when the browser says it is offline: it is sometimes
      // wrong, and the "online" event may never come. A failed attempt
      // only schedules the next one, with a longer delay.
      this.connect();
    }, delay);
  }

  // retryNow reconnects at once, when the browser says it is back online.
  retryNow() {
    if (this.ended || this.ws) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.handlers.state("reconnecting");
    this.connect();
  }

  // probe pings the server at once and abandons the socket if no answer
  // comes within probeWait.
  probe() {
    if (!this.isOpen()) return;
    this.awaitingPong = true;
    this.send({ type: "ping", id: ++this.pingID });
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      if (this.awaitingPong && this.ws) this.abandon(this.ws);
    }, probeWait);
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (this.awaitingPong) {
        // No answer since the last ping: the connection is dead.
        if (this.ws) this.abandon(this.ws);
        return;
      }
      this.awaitingPong = true;
      this.send({ type: "ping", id: ++this.pingID });
    }, heartbeatPeriod);
  }

  stopHeartbeat() {
    clearInterval(this.heartbeat);
    this.heartbeat = null;
    clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.awaitingPong = false;
  }
}
