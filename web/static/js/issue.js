// The live parts of the issue tracker, on every page of a logged-in
// account (docs/protocol.md, "Issues and notifications"):
//
// - the header's unread count follows the account's own topic inbox:N
//   (the layout's #unread-live names N in data-inbox) and is announced,
//   politely, to screen readers when it changes;
// - on an issue's page, the timeline (id="issue-timeline", its issue in
//   data-issue) follows issue:N and receives each new entry as the server
//   rendered and escaped it, in the page's language. No HTML is ever built
//   here from data: only the server's own rendering is inserted, and any
//   text of ours goes in with textContent.
//
// Without this script the pages show what the server rendered when they
// were loaded; nothing else depends on it.

import { Channel } from "./channel.js";

const announcer = document.getElementById("unread-live");
const timeline = document.getElementById("issue-timeline");
const lang = document.documentElement.lang || "fr";

// ---------- The unread count ----------

// shownCount is the count the badges show now, as the server rendered it.
function shownCount() {
  const number = document.querySelector("[data-unread-number]");
  const n = number ? parseInt(number.textContent, 10) : 0;
  return Number.isFinite(n) ? n : 0;
}

let lastCount = shownCount();

// showUnread writes the count in every badge (the navigation is in the
// page twice: the phone's menu and the wide bar) and announces it once,
// through the one live region, when it changed.
function showUnread(data) {
  const count = Number(data.count);
  if (!Number.isInteger(count) || count < 0) return;
  const words = (data.text && (data.text[lang] || data.text.fr)) || String(count);
  for (const badge of document.querySelectorAll("[data-unread]")) {
    badge.hidden = count === 0;
    const number = badge.querySelector("[data-unread-number]");
    if (number) number.textContent = String(count);
    const text = badge.querySelector("[data-unread-text]");
    if (text) text.textContent = " " + words;
  }
  if (count !== lastCount) {
    lastCount = count;
    announcer.textContent = words;
  }
}

// ---------- The timeline of an issue ----------

// The entries of the timeline are its children with id="event-N" (the
// template "issue_event" of web/templates/common/issue_timeline.html).
const eventPrefix = "event-";

// knownEvent reports whether the timeline already shows the entry id.
function knownEvent(id) {
  const el = document.getElementById(eventPrefix + String(id));
  return el !== null && timeline.contains(el);
}

// latestShown returns the id of the newest entry the timeline shows, or
// 0 when it shows none.
function latestShown() {
  let latest = 0;
  for (const el of timeline.children) latest = Math.max(latest, entryID(el));
  return latest;
}

// entryID returns the id of a timeline entry, or 0.
function entryID(el) {
  if (!el.id.startsWith(eventPrefix)) return 0;
  const n = parseInt(el.id.slice(eventPrefix.length), 10);
  return Number.isFinite(n) ? n : 0;
}

// insertEvent adds one entry, rendered by the server for the page's
// language, in its place in the timeline: ids grow with time, and two
// changes made at once may be published in either order.
function insertEvent(data) {
  const id = Number(data.event && data.event.id);
  if (!Number.isInteger(id) || id <= 0 || knownEvent(id)) return;
  const html = data.html && data.html[lang];
  if (typeof html !== "string" || html === "") {
    offerReload();
    return;
  }
  const template = document.createElement("template");
  template.innerHTML = html; // the server's rendering, escaped by html/template
  const first = template.content.firstElementChild;
  if (!first) return;
  if (!first.id) first.id = eventPrefix + String(id);
  first.classList.add("issue-event-new");
  const later = Array.from(timeline.children).find((el) => entryID(el) > id);
  timeline.insertBefore(template.content, later || null);
}

// offerReload says, once, above the timeline, that there is news the page
// could not insert, with a link that reloads it.
function offerReload() {
  if (document.getElementById("issue-live-notice")) return;
  const notice = document.createElement("p");
  notice.id = "issue-live-notice";
  notice.className = "notice issue-live-notice";
  notice.setAttribute("role", "status");
  const link = document.createElement("a");
  // The issue's own page: the answer to "Show personal details" is a
  // POST's, which a reload must not send again.
  link.href = /^[1-9][0-9]*$/.test(timeline.dataset.issue || "") ? "/issues/" + timeline.dataset.issue : location.pathname + location.search;
  link.textContent = announcer.dataset.reloadText || "↻";
  notice.append(link);
  timeline.before(notice);
}

// ---------- Wiring ----------

function start() {
  const account = announcer.dataset.inbox;
  const inbox = "inbox:" + account;
  const issue = timeline && /^[1-9][0-9]*$/.test(timeline.dataset.issue || "") ? "issue:" + timeline.dataset.issue : "";
  const live = new Channel({
    close: () => {
      delete announcer.dataset.connection;
      if (timeline) delete timeline.dataset.connection;
    },
    open: () => {
      // Being open is enough here: the subscriptions answer at once.
      live.healthy();
      live.send({ type: "subscribe", topic: inbox });
      if (issue) live.send({ type: "subscribe", topic: issue });
    },
    message: (msg) => {
      if (msg.type === "subscribed") {
        // Said on the element each topic fills, for tests and styles.
        if (msg.topic === inbox) announcer.dataset.connection = "live";
        if (issue && msg.topic === issue) timeline.dataset.connection = "live";
        return;
      }
      if (msg.type !== "event" || !msg.data) return;
      if (msg.topic === inbox && msg.data.kind === "inbox.unread") {
        showUnread(msg.data);
      } else if (issue && msg.topic === issue) {
        if (msg.data.kind === "issue.event") {
          insertEvent(msg.data);
        } else if (msg.data.kind === "issue.latest") {
          // Sent on every subscription: an entry newer than the page's
          // was made while the page loaded or the connection was down.
          const shown = latestShown();
          if (shown > 0 && Number(msg.data.event) > shown) offerReload();
        }
      }
    },
  });
  live.start();
}

if (announcer && /^[1-9][0-9]*$/.test(announcer.dataset.inbox || "")) start();
